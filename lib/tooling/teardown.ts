/**
 * `class-lab-admin teardown`: deletes student environments completely, and only the kit's.
 *
 * Dry run by default. With --delete and a typed confirmation of the account id (or --yes and
 * a short pause), it deletes the selected stacks a few at a time, waits with its own bounded
 * poller, and when CloudFormation answers DELETE_FAILED it reads why from the stack events
 * (nested stacks too), clears the known blockers and tries again; as a last resort it
 * deletes with RetainResources and sweeps the retained resources itself. Then it scans for
 * leftovers per student. Safe to run again: whatever is already gone counts as done.
 */
import {
  DeleteStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, ListStackResourcesCommand, StackEvent,
} from '@aws-sdk/client-cloudformation';
import { AwsClients } from './aws-clients';
import { BlockerContext, clearBlocker, StuckResource, sweepResource } from './blockers';
import { Clock, formatDuration } from './clock';
import { describeAwsError, errorMessage, RefusedError, UsageError } from './errors';
import { Leftover, scanLeftovers } from './leftovers';
import { Reporter, table } from './output';
import { mapBounded, pollUntil, withRetry } from './poller';
import { KitStack, listKitStacks, selectStacks } from './stacks';

const NESTED_STACK = 'AWS::CloudFormation::Stack';

export interface TeardownOptions {
  readonly students: string[];
  readonly all: boolean;
  /** Really delete; without it the run only prints the plan. */
  readonly delete: boolean;
  /** Skip the typed confirmation (a short pause instead). */
  readonly yes: boolean;
  readonly concurrency: number;
  /** Longest wait for one stack delete. */
  readonly timeoutMs: number;
  /** When set, the tool runs only in these accounts. */
  readonly allowedAccounts?: readonly string[];
  readonly pollMs?: number;
  /** Delete attempts (with blockers cleared between them) before the RetainResources last resort. */
  readonly attempts?: number;
  readonly confirmDelayMs?: number;
  readonly eniWaitMs?: number;
}

export const DEFAULTS = { concurrency: 4, timeoutMinutes: 30, pollMs: 10_000, attempts: 3, confirmDelayMs: 10_000, eniWaitMs: 10 * 60_000 };

/** One resource of a stack as it was before the delete; the physical ids feed the leftover scan. */
export interface StackResourceRecord {
  readonly stackId: string;
  readonly logicalId: string;
  readonly physicalId: string;
  readonly type: string;
  readonly status: string;
}

export interface PlannedStack {
  readonly stack: KitStack;
  readonly resources: StackResourceRecord[];
}

export interface RetainedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  readonly swept: boolean;
  readonly text: string;
}

export interface StackOutcome {
  readonly stack: string;
  readonly stackId: string;
  readonly student: string;
  readonly result: 'deleted' | 'already-gone' | 'failed' | 'timed-out';
  readonly attempts: number;
  readonly elapsedMs: number;
  /** Every DELETE_FAILED resource seen, with CloudFormation's reason. */
  readonly stuck: StuckResource[];
  /** What the tool did to clear blockers. */
  readonly cleared: string[];
  readonly retained: RetainedResource[];
  readonly reason?: string;
}

interface Ctx extends BlockerContext {
  readonly reporter: Reporter;
  readonly pollMs: number;
  readonly timeoutMs: number;
  readonly attempts: number;
}

function isMissingStack(error: unknown): boolean {
  return /does not exist/i.test(errorMessage(error));
}

/** Every resource of a stack and its nested stacks, before anything is deleted. */
export async function inventory(clients: AwsClients, clock: Clock, stackId: string, depth = 0): Promise<StackResourceRecord[]> {
  const records: StackResourceRecord[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await withRetry(clock, () => clients.cloudformation.send(new ListStackResourcesCommand({ StackName: stackId, NextToken: token })));
      for (const r of page.StackResourceSummaries ?? []) {
        records.push({ stackId, logicalId: r.LogicalResourceId ?? '', physicalId: r.PhysicalResourceId ?? '', type: r.ResourceType ?? '', status: r.ResourceStatus ?? '' });
      }
      token = page.NextToken;
    } while (token);
  } catch (error) {
    if (isMissingStack(error)) return records;
    throw error;
  }
  for (const nested of records.filter((r) => r.type === NESTED_STACK && r.physicalId && r.status !== 'DELETE_COMPLETE' && depth < 5)) {
    records.push(...(await inventory(clients, clock, nested.physicalId, depth + 1)));
  }
  return records;
}

/** "3 x EC2::SecurityGroup, 1 x S3::Bucket": what a stack holds, for the plan. */
export function summarizeResources(resources: readonly StackResourceRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of resources) {
    if (r.type === NESTED_STACK || r.type === 'AWS::CDK::Metadata') continue;
    const short = r.type.replace(/^AWS::/, '');
    counts.set(short, (counts.get(short) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${n} x ${t}`).join(', ');
}

type StackState = { status: string; reason?: string };

async function stackState(ctx: Ctx, stackId: string): Promise<StackState> {
  try {
    const out = await ctx.clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackId }));
    const stack = out.Stacks?.[0];
    return stack ? { status: stack.StackStatus ?? 'UNKNOWN', reason: stack.StackStatusReason } : { status: 'GONE' };
  } catch (error) {
    if (isMissingStack(error)) return { status: 'GONE' };
    throw error;
  }
}

const isGoneStatus = (status: string) => status === 'GONE' || status === 'DELETE_COMPLETE';

/** Starts a delete and waits (bounded) until the stack is gone or the delete failed. */
async function deleteAndWait(ctx: Ctx, label: string, stackId: string, retain?: string[]): Promise<{ state: 'gone' | 'failed' | 'timed-out'; status: string }> {
  try {
    await withRetry(ctx.clock, () => ctx.clients.cloudformation.send(new DeleteStackCommand({
      StackName: stackId,
      RetainResources: retain && retain.length > 0 ? retain : undefined,
    })));
  } catch (error) {
    if (isMissingStack(error)) return { state: 'gone', status: 'GONE' };
    throw error;
  }
  let lastShown = '';
  let lastShownAt = -Infinity;
  // Give CloudFormation one interval to move off the previous attempt's DELETE_FAILED.
  await ctx.clock.sleep(ctx.pollMs);
  const waited = await pollUntil(() => stackState(ctx, stackId), (s) => isGoneStatus(s.status) || s.status === 'DELETE_FAILED', {
    clock: ctx.clock,
    intervalMs: ctx.pollMs,
    timeoutMs: Math.max(0, ctx.timeoutMs - ctx.pollMs),
    onPoll: (s, elapsed) => {
      if (s.status !== lastShown || elapsed - lastShownAt >= 60_000) {
        ctx.reporter.progress(`${label}: ${s.status === 'GONE' ? 'DELETE_COMPLETE' : s.status} (${formatDuration(elapsed + ctx.pollMs)})`);
        lastShown = s.status;
        lastShownAt = elapsed;
      }
    },
  });
  if (isGoneStatus(waited.value.status)) return { state: 'gone', status: waited.value.status };
  if (waited.value.status === 'DELETE_FAILED') return { state: 'failed', status: waited.value.status };
  return { state: 'timed-out', status: waited.value.status };
}

/**
 * Why the latest delete of a stack failed: the DELETE_FAILED events since its last
 * DELETE_IN_PROGRESS, newest first, following failed nested stacks into their own events.
 */
export async function readFailures(clients: AwsClients, clock: Clock, stackId: string, depth = 0): Promise<Array<StuckResource & { depth: number }>> {
  const failures: Array<StuckResource & { depth: number }> = [];
  const seen = new Set<string>();
  let token: string | undefined;
  let pages = 0;
  scan: do {
    const page = await withRetry(clock, () => clients.cloudformation.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: token })));
    for (const event of page.StackEvents ?? []) {
      if (isStackItself(event, stackId)) {
        if (event.ResourceStatus === 'DELETE_IN_PROGRESS') break scan;
        continue;
      }
      if (event.ResourceStatus !== 'DELETE_FAILED' || seen.has(event.LogicalResourceId ?? '')) continue;
      seen.add(event.LogicalResourceId ?? '');
      failures.push({
        stackId, depth,
        logicalId: event.LogicalResourceId ?? '',
        physicalId: event.PhysicalResourceId ?? '',
        type: event.ResourceType ?? '',
        reason: event.ResourceStatusReason ?? 'no reason given',
      });
    }
    token = page.NextToken;
  } while (token && ++pages < 20);
  for (const nested of failures.filter((f) => f.type === NESTED_STACK && f.physicalId && depth < 5)) {
    failures.push(...(await readFailures(clients, clock, nested.physicalId, depth + 1)));
  }
  return failures;
}

function isStackItself(event: StackEvent, stackId: string): boolean {
  return event.ResourceType === NESTED_STACK && event.PhysicalResourceId === stackId;
}

/** Clears what blocked each stuck resource; a failure to clear is recorded, not thrown. */
async function clearAll(ctx: Ctx, stuck: readonly StuckResource[], cleared: string[]): Promise<void> {
  for (const s of stuck.filter((x) => x.type !== NESTED_STACK)) {
    try {
      const text = await clearBlocker(ctx, s);
      cleared.push(text ?? `${s.logicalId} (${s.type}): no known remedy; retrying the delete`);
    } catch (error) {
      cleared.push(`${s.logicalId} (${s.type}): could not clear: ${describeAwsError(error).message}`);
    }
  }
}

/**
 * Last resort: delete each failed nested stack, then the root, with RetainResources for the
 * resources that would not delete, and sweep those resources directly.
 */
async function retainAndSweep(ctx: Ctx, label: string, rootId: string, stuck: ReadonlyArray<StuckResource & { depth: number }>): Promise<{ gone: boolean; retained: RetainedResource[] }> {
  const leaves = stuck.filter((s) => s.type !== NESTED_STACK);
  const nestedIds = [...new Set(leaves.filter((s) => s.stackId !== rootId).sort((a, b) => b.depth - a.depth).map((s) => s.stackId))];
  const goneNested = new Set<string>();
  for (const nestedId of nestedIds) {
    const keep = leaves.filter((s) => s.stackId === nestedId).map((s) => s.logicalId);
    ctx.reporter.progress(`${label}: deleting nested stack ${nestedId.split('/')[1] ?? nestedId} without ${keep.join(', ')}`);
    try {
      if ((await deleteAndWait(ctx, label, nestedId, keep)).state === 'gone') goneNested.add(nestedId);
    } catch (error) {
      ctx.reporter.progress(`${label}: ${describeAwsError(error).message}`);
    }
  }
  const rootKeep = stuck.filter((s) => s.stackId === rootId && (s.type !== NESTED_STACK || !goneNested.has(s.physicalId)));
  ctx.reporter.progress(`${label}: deleting the stack${rootKeep.length ? ` without ${rootKeep.map((s) => s.logicalId).join(', ')}` : ''}`);
  const root = await deleteAndWait(ctx, label, rootId, rootKeep.map((s) => s.logicalId));
  const retained: RetainedResource[] = [];
  for (const s of leaves) {
    // Only what CloudFormation has let go of is swept; the rest still belongs to a stack.
    if (root.state !== 'gone' && !goneNested.has(s.stackId)) continue;
    try {
      const swept = await sweepResource(ctx, s.type, s.physicalId);
      retained.push({ logicalId: s.logicalId, type: s.type, physicalId: s.physicalId, swept: swept.done, text: swept.text });
    } catch (error) {
      retained.push({ logicalId: s.logicalId, type: s.type, physicalId: s.physicalId, swept: false, text: `could not delete: ${describeAwsError(error).message}` });
    }
  }
  return { gone: root.state === 'gone', retained };
}

/** Deletes one student stack completely, or says exactly what stopped it. */
export async function deleteStudentStack(ctx: Ctx, stack: KitStack): Promise<StackOutcome> {
  const start = ctx.clock.now();
  const label = `${stack.name} (${stack.student})`;
  const base = { stack: stack.name, stackId: stack.id, student: stack.student };
  const stuckAll: StuckResource[] = [];
  const cleared: string[] = [];
  const finish = (result: StackOutcome['result'], attempts: number, extra: Partial<StackOutcome> = {}): StackOutcome => ({
    ...base, result, attempts, elapsedMs: ctx.clock.now() - start, stuck: stuckAll, cleared, retained: [], ...extra,
  });
  if (isGoneStatus((await withRetry(ctx.clock, () => stackState(ctx, stack.id))).status)) {
    ctx.reporter.progress(`${label}: already gone`);
    return finish('already-gone', 0);
  }
  let stuck: Array<StuckResource & { depth: number }> = [];
  for (let attempt = 1; attempt <= ctx.attempts; attempt++) {
    ctx.reporter.progress(`${label}: deleting${attempt > 1 ? ` (attempt ${attempt} of ${ctx.attempts})` : ''}`);
    const result = await deleteAndWait(ctx, label, stack.id);
    if (result.state === 'gone') return finish('deleted', attempt);
    if (result.state === 'timed-out') {
      return finish('timed-out', attempt, { reason: `still ${result.status} after ${formatDuration(ctx.timeoutMs)}; run teardown again to keep waiting` });
    }
    stuck = await readFailures(ctx.clients, ctx.clock, stack.id);
    stuckAll.push(...stuck);
    for (const s of stuck) ctx.reporter.progress(`${label}: DELETE_FAILED ${s.logicalId} (${s.type} ${s.physicalId}): ${s.reason}`);
    if (attempt < ctx.attempts) await clearAll(ctx, stuck, cleared);
  }
  ctx.reporter.progress(`${label}: still DELETE_FAILED after ${ctx.attempts} attempts; retaining the stuck resources and sweeping them`);
  const last = await retainAndSweep(ctx, label, stack.id, stuck);
  const unswept = last.retained.filter((r) => !r.swept);
  if (!last.gone) return finish('failed', ctx.attempts + 1, { retained: last.retained, reason: 'the stack did not delete even with RetainResources' });
  return finish('deleted', ctx.attempts + 1, {
    retained: last.retained,
    reason: unswept.length ? `${unswept.length} retained resource(s) could not be deleted` : undefined,
  });
}

function checkAllowed(account: string, allowed: readonly string[] | undefined): void {
  if (!allowed || allowed.length === 0) return;
  if (!allowed.includes(account)) {
    throw new RefusedError(`account ${account} is not in the allowed accounts (${allowed.join(', ')}); nothing was deleted`);
  }
}

async function confirm(reporter: Reporter, clock: Clock, options: TeardownOptions, account: string, region: string, count: number): Promise<void> {
  const what = `${count} stack${count === 1 ? '' : 's'} in account ${account} (${region})`;
  if (options.yes) {
    const delay = options.confirmDelayMs ?? DEFAULTS.confirmDelayMs;
    reporter.progress(`Deleting ${what} in ${formatDuration(delay)}; press Ctrl-C to stop.`);
    await clock.sleep(delay);
    return;
  }
  const answer = await reporter.io.prompt(`Type the account id ${account} to delete ${what}: `);
  if (answer === undefined) throw new RefusedError('no confirmation: there is no terminal to type the account id; pass --yes to delete without it');
  if (answer.trim() !== account) throw new RefusedError(`confirmation ${JSON.stringify(answer.trim())} does not match account ${account}; nothing was deleted`);
}

function printPlan(reporter: Reporter, account: string, region: string, plan: readonly PlannedStack[], missing: readonly string[]): void {
  reporter.line(`Teardown plan for account ${account} (${region}): ${plan.length} stack${plan.length === 1 ? '' : 's'}`);
  for (const { stack, resources } of plan) {
    reporter.line(`  ${stack.name}  student ${stack.student}  ${stack.status}  created ${stack.created?.toISOString() ?? '-'}`);
    reporter.line(`    holds ${resources.filter((r) => r.type !== NESTED_STACK).length} resources: ${summarizeResources(resources) || 'none'}`);
  }
  if (missing.length) reporter.line(`  no stack for: ${missing.join(', ')}`);
}

function printOutcomes(reporter: Reporter, outcomes: readonly StackOutcome[], leftovers: ReadonlyMap<string, Leftover[]>): void {
  reporter.line('');
  reporter.line('Results:');
  for (const o of outcomes) {
    reporter.line(`  ${o.student}  ${o.stack}  ${o.result}${o.attempts ? ` (${o.attempts} attempt${o.attempts === 1 ? '' : 's'}, ${formatDuration(o.elapsedMs)})` : ''}${o.reason ? `: ${o.reason}` : ''}`);
    for (const s of o.stuck) reporter.line(`      DELETE_FAILED ${s.logicalId} (${s.type} ${s.physicalId}): ${s.reason}`);
    for (const c of o.cleared) reporter.line(`      cleared: ${c}`);
    for (const r of o.retained) reporter.line(`      retained ${r.logicalId}: ${r.text}`);
  }
  reporter.line('');
  reporter.line('Leftovers:');
  for (const [student, list] of leftovers) {
    if (list.length === 0) {
      reporter.line(`  ${student}: none`);
      continue;
    }
    for (const row of table(list.map((l) => [student, l.kind, l.id, l.billable ? 'billable' : 'free', `found by ${l.foundBy}`]))) reporter.line(row);
  }
}

export async function runTeardown(reporter: Reporter, clients: AwsClients, clock: Clock, options: TeardownOptions): Promise<number> {
  if (options.all && options.students.length > 0) throw new UsageError('--all and --student exclude each other', 'teardown');
  if (!options.all && options.students.length === 0) throw new UsageError('choose whom to tear down: --student <id> (repeat it or give a comma list) or --all', 'teardown');
  const identity = await clients.identity();
  const region = await clients.region();
  checkAllowed(identity.account, options.allowedAccounts);

  reporter.progress(`Looking for Class Lab stacks in account ${identity.account}, ${region}...`);
  const { stacks, missing } = selectStacks(await listKitStacks(clients, clock), options.students, options.all);
  if (stacks.length === 0) {
    const whom = options.all ? 'any student' : options.students.join(', ');
    throw new RefusedError(`nothing selected: no Class Lab stack for ${whom} in account ${identity.account} (${region}); see \`class-lab-admin status\``);
  }
  const plan: PlannedStack[] = [];
  for (const stack of stacks) plan.push({ stack, resources: await inventory(clients, clock, stack.id) });
  const planJson = plan.map((p) => ({ student: p.stack.student, stack: p.stack.name, stackId: p.stack.id, status: p.stack.status, resources: p.resources }));
  printPlan(reporter, identity.account, region, plan, missing);

  if (!options.delete) {
    reporter.document({ account: identity.account, region, dryRun: true, plan: planJson, missing });
    const selector = options.all ? '--all' : `--student ${stacks.map((s) => s.student).join(',')}`;
    reporter.line(`Dry run: nothing was deleted. To delete: class-lab-admin teardown ${selector} --delete`);
    return 0;
  }
  await confirm(reporter, clock, options, identity.account, region, stacks.length);

  const ctx: Ctx = {
    clients, clock, reporter,
    progress: (text) => reporter.progress(text),
    pollMs: options.pollMs ?? DEFAULTS.pollMs,
    timeoutMs: options.timeoutMs,
    attempts: options.attempts ?? DEFAULTS.attempts,
    eniWaitMs: options.eniWaitMs ?? DEFAULTS.eniWaitMs,
    eniPollMs: 15_000,
  };
  // One stack's error (access denied, say) is that stack's outcome; the others go on.
  const outcomes = await mapBounded(stacks, options.concurrency, (stack) => deleteStudentStack(ctx, stack).catch((error): StackOutcome => {
    const reason = describeAwsError(error).message;
    reporter.progress(`${stack.name} (${stack.student}): ${reason}`);
    return { stack: stack.name, stackId: stack.id, student: stack.student, result: 'failed', attempts: 0, elapsedMs: 0, stuck: [], cleared: [], retained: [], reason };
  }));

  reporter.progress('Scanning for leftovers...');
  const leftovers = new Map<string, Leftover[]>();
  const unscanned = new Map<string, string>();
  for (const student of [...new Set(stacks.map((s) => s.student))]) {
    const recorded = plan.filter((p) => p.stack.student === student).flatMap((p) => p.resources);
    try {
      leftovers.set(student, await scanLeftovers(clients, clock, student, recorded));
    } catch (error) {
      // Nothing proves the student's resources are gone: say so rather than report "none".
      unscanned.set(student, describeAwsError(error).message);
    }
  }
  const billable = [...leftovers.values()].flat().filter((l) => l.billable);
  const notDeleted = outcomes.filter((o) => o.result === 'failed' || o.result === 'timed-out');
  const ok = billable.length === 0 && notDeleted.length === 0 && unscanned.size === 0;
  reporter.document({
    account: identity.account, region, dryRun: false, plan: planJson, missing, outcomes,
    leftovers: Object.fromEntries(leftovers), unscanned: Object.fromEntries(unscanned), ok,
  });
  printOutcomes(reporter, outcomes, leftovers);
  for (const [student, why] of unscanned) reporter.line(`  ${student}: could not scan for leftovers: ${why}`);
  if (ok) {
    reporter.line(`Teardown complete: ${outcomes.length} stack${outcomes.length === 1 ? '' : 's'} gone, nothing billable left.`);
    return 0;
  }
  const problems = [
    notDeleted.length ? `${notDeleted.length} stack(s) not deleted (${notDeleted.map((o) => o.stack).join(', ')})` : '',
    billable.length ? `${billable.length} billable leftover(s) (${[...new Set(billable.map((l) => l.student))].join(', ')})` : '',
    unscanned.size ? `leftovers not scanned (${[...unscanned.keys()].join(', ')})` : '',
  ].filter((p) => p);
  reporter.line(`Teardown incomplete: ${problems.join('; ')}. Run it again, or delete the leftovers by hand.`);
  reporter.io.stderr(`class-lab-admin teardown: ${problems.join('; ')}`);
  return 1;
}
