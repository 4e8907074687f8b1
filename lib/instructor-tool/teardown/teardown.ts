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
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AwsClients } from '../aws/clients';
import { BlockerContext, clearBlocker, isGone, StuckResource, sweepResource } from './blockers';
import { Clock, formatDuration } from '../core/clock';
import { describeAwsError, errorMessage, EXIT, isCredentialFailure, RefusedError, UsageError } from '../core/errors';
import { deleteCommand, kindOfType, lambdaLogGroup, Leftover, scanLeftovers, taggedStudents } from '../aws/leftovers';
import { Reporter, table } from '../core/output';
import { mapBounded, pollUntil, withRetry } from '../aws/poller';
import { KitStack, listKitStacks, listOrphanedStacks, selectStacks } from '../aws/stacks';

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
  /** Failed attempts on the same blockers (cleared between them) before the FORCE_DELETE_STACK last resort. */
  readonly attempts?: number;
  readonly confirmDelayMs?: number;
  readonly eniWaitMs?: number;
}

/** Most delete attempts for one stack, whatever progress they make. */
export const MAX_ATTEMPTS = 10;

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
  /** Set when AWS could not be used for this stack (credentials expired, access denied): exit 4. */
  readonly awsUnusable?: boolean;
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

interface DeleteRequest {
  /** When the wait for this stack must end (the --timeout counts per stack, not per attempt). */
  readonly deadline: number;
  readonly retain?: string[];
  /**
   * FORCE_DELETE_STACK: for a stack in DELETE_FAILED, delete it and skip (leave in place) the
   * resources that failed to delete; they then show DELETE_SKIPPED.
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-cli-deleting-stack.html
   */
  readonly force?: boolean;
}

/** Starts a delete and waits (bounded by the stack's deadline) until the stack is gone or the delete failed. */
async function deleteAndWait(ctx: Ctx, label: string, stackId: string, request: DeleteRequest): Promise<{ state: 'gone' | 'failed' | 'timed-out'; status: string }> {
  try {
    await withRetry(ctx.clock, () => ctx.clients.cloudformation.send(new DeleteStackCommand({
      StackName: stackId,
      RetainResources: request.retain && request.retain.length > 0 ? request.retain : undefined,
      DeletionMode: request.force ? 'FORCE_DELETE_STACK' : undefined,
    })));
  } catch (error) {
    if (isMissingStack(error)) return { state: 'gone', status: 'GONE' };
    throw error;
  }
  let lastShown = '';
  let lastShownAt = -Infinity;
  const left = request.deadline - ctx.clock.now();
  // Give CloudFormation one interval to move off the previous attempt's DELETE_FAILED.
  await ctx.clock.sleep(Math.max(0, Math.min(ctx.pollMs, left)));
  const waited = await pollUntil(() => stackState(ctx, stackId), (s) => isGoneStatus(s.status) || s.status === 'DELETE_FAILED', {
    clock: ctx.clock,
    intervalMs: ctx.pollMs,
    timeoutMs: Math.max(0, request.deadline - ctx.clock.now()),
    onPoll: (s, elapsed) => {
      if (s.status !== lastShown || elapsed - lastShownAt >= 60_000) {
        ctx.reporter.progress(`${label}: ${s.status === 'GONE' ? 'DELETE_COMPLETE' : s.status} (${formatDuration(ctx.clock.now() - request.deadline + ctx.timeoutMs)})`);
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
 * With status DELETE_SKIPPED: what a FORCE_DELETE_STACK delete left in place instead.
 */
export async function readFailures(clients: AwsClients, clock: Clock, stackId: string, depth = 0, status: 'DELETE_FAILED' | 'DELETE_SKIPPED' = 'DELETE_FAILED'): Promise<Array<StuckResource & { depth: number }>> {
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
      if (event.ResourceStatus !== status || seen.has(event.LogicalResourceId ?? '')) continue;
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
    failures.push(...(await readFailures(clients, clock, nested.physicalId, depth + 1, status)));
  }
  return failures;
}

function isStackItself(event: StackEvent, stackId: string): boolean {
  return event.ResourceType === NESTED_STACK && event.PhysicalResourceId === stackId;
}

/** Clears what blocked each stuck resource; a failure to clear is recorded, not thrown. */
async function clearAll(ctx: Ctx, stuck: readonly StuckResource[], cleared: string[], recorded: readonly StackResourceRecord[]): Promise<void> {
  for (const s of stuck.filter((x) => x.type !== NESTED_STACK)) {
    try {
      const text = await clearBlocker(ctx, s, recorded);
      cleared.push(text ?? `${s.logicalId} (${s.type}): no known remedy; retrying the delete`);
    } catch (error) {
      cleared.push(`${s.logicalId} (${s.type}): could not clear: ${describeAwsError(error).message}`);
    }
  }
}

/**
 * Last resort, as AWS documents it for a stack stuck in DELETE_FAILED: delete the root with
 * DeletionMode FORCE_DELETE_STACK, which skips the resources that failed. Nested stacks are
 * never deleted on their own while their root exists (AWS advises deleting nested stacks
 * through the root); a nested stack the forced delete skipped is left without a parent and
 * is then force-deleted itself, the only way left. Then the tool deletes what was skipped.
 */
async function forceAndSweep(ctx: Ctx, label: string, rootId: string, stuck: ReadonlyArray<StuckResource & { depth: number }>, deadline: number): Promise<{ gone: boolean; retained: RetainedResource[] }> {
  const leaves = stuck.filter((s) => s.type !== NESTED_STACK);
  ctx.reporter.progress(`${label}: deleting the stack with FORCE_DELETE_STACK, skipping ${leaves.map((s) => s.logicalId).join(', ') || 'what failed'}`);
  const root = await deleteAndWait(ctx, label, rootId, { deadline, force: true });
  if (root.state !== 'gone') return { gone: false, retained: [] };
  const orphans = [...new Set(leaves.filter((s) => s.stackId !== rootId).sort((a, b) => b.depth - a.depth).map((s) => s.stackId))];
  const goneStacks = new Set<string>([rootId]);
  for (const nestedId of orphans) {
    try {
      const state = await stackState(ctx, nestedId);
      if (isGoneStatus(state.status) || (await deleteAndWait(ctx, label, nestedId, { deadline, force: state.status === 'DELETE_FAILED' })).state === 'gone') goneStacks.add(nestedId);
    } catch (error) {
      ctx.reporter.progress(`${label}: ${describeAwsError(error).message}`);
    }
  }
  // FORCE_DELETE_STACK skips every resource that fails to delete in that run, not only those
  // that failed before; they show DELETE_SKIPPED (an ECS cluster still holding a retained
  // service, say) and are swept too, after what failed before.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-cli-deleting-stack.html
  for (const stackId of new Set([rootId, ...stuck.map((s) => s.stackId)])) {
    if (!goneStacks.has(stackId)) continue;
    try {
      for (const skipped of await readFailures(ctx.clients, ctx.clock, stackId, 0, 'DELETE_SKIPPED')) {
        if (skipped.type !== NESTED_STACK && !leaves.some((l) => l.stackId === skipped.stackId && l.logicalId === skipped.logicalId)) leaves.push(skipped);
      }
    } catch (error) {
      ctx.reporter.progress(`${label}: could not read what the forced delete skipped in ${stackId}: ${describeAwsError(error).message}`);
    }
  }
  const retained: RetainedResource[] = [];
  for (const s of leaves) {
    // Only what CloudFormation has let go of is swept; the rest still belongs to a stack.
    if (!goneStacks.has(s.stackId)) {
      retained.push({ logicalId: s.logicalId, type: s.type, physicalId: s.physicalId, swept: false, text: `still in nested stack ${s.stackId}` });
      continue;
    }
    try {
      const swept = await sweepResource(ctx, s.type, s.physicalId);
      retained.push({ logicalId: s.logicalId, type: s.type, physicalId: s.physicalId, swept: swept.done, text: swept.text });
    } catch (error) {
      retained.push({ logicalId: s.logicalId, type: s.type, physicalId: s.physicalId, swept: false, text: `could not delete: ${describeAwsError(error).message}` });
    }
  }
  return { gone: true, retained };
}

/** Deletes one student stack completely, or says exactly what stopped it. */
export async function deleteStudentStack(ctx: Ctx, stack: KitStack, recorded: readonly StackResourceRecord[] = []): Promise<StackOutcome> {
  const start = ctx.clock.now();
  // --timeout bounds the whole stack: every attempt, blocker wait and the last resort.
  const deadline = start + ctx.timeoutMs;
  const label = `${stack.name} (${stack.student})`;
  const base = { stack: stack.name, stackId: stack.id, student: stack.student };
  const stuckAll: StuckResource[] = [];
  const cleared: string[] = [];
  const finish = (result: StackOutcome['result'], attempts: number, extra: Partial<StackOutcome> = {}): StackOutcome => ({
    ...base, result, attempts, elapsedMs: ctx.clock.now() - start, stuck: stuckAll, cleared, retained: [], ...extra,
  });
  const timedOut = (attempts: number, status: string) => finish('timed-out', attempts, {
    reason: `still ${status} after ${formatDuration(ctx.timeoutMs)} (--timeout); run teardown again to keep going`,
  });
  if (isGoneStatus((await withRetry(ctx.clock, () => stackState(ctx, stack.id))).status)) {
    ctx.reporter.progress(`${label}: already gone`);
    return finish('already-gone', 0);
  }
  let stuck: Array<StuckResource & { depth: number }> = [];
  let previous = '';
  let same = 0;
  let attempt = 0;
  // A stack like the kit's meets its blockers one after another (zone records, then task
  // interfaces, then load balancer interfaces and the gateway): an attempt that fails on
  // other resources than the last one made progress. The same blockers `attempts` times in
  // a row, or MAX_ATTEMPTS in all, end in the last resort; the deadline bounds everything.
  for (;;) {
    attempt++;
    ctx.reporter.progress(`${label}: deleting${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
    const result = await deleteAndWait(ctx, label, stack.id, { deadline });
    if (result.state === 'gone') return finish('deleted', attempt);
    if (result.state === 'timed-out') return timedOut(attempt, result.status);
    stuck = await readFailures(ctx.clients, ctx.clock, stack.id);
    stuckAll.push(...stuck);
    for (const s of stuck) ctx.reporter.progress(`${label}: DELETE_FAILED ${s.logicalId} (${s.type} ${s.physicalId}): ${s.reason}`);
    if (ctx.clock.now() >= deadline) return timedOut(attempt, result.status);
    const key = stuck.map((s) => `${s.stackId}/${s.logicalId}`).sort().join(',');
    same = key === previous ? same + 1 : 1;
    previous = key;
    if (same >= ctx.attempts || attempt >= MAX_ATTEMPTS) break;
    await clearAll(ctx, stuck, cleared, recorded);
  }
  ctx.reporter.progress(`${label}: still DELETE_FAILED after ${attempt} attempts; forcing the delete and sweeping what it skips`);
  const last = await forceAndSweep(ctx, label, stack.id, stuck, deadline);
  const unswept = last.retained.filter((r) => !r.swept);
  if (!last.gone) return finish('failed', attempt + 1, { retained: last.retained, reason: 'the stack did not delete even with FORCE_DELETE_STACK' });
  return finish('deleted', attempt + 1, {
    retained: last.retained,
    reason: unswept.length ? `${unswept.length} skipped resource(s) could not be deleted` : undefined,
  });
}

/**
 * The log group Lambda creates on first invoke (`/aws/lambda/<function>`) belongs to no
 * stack. Functions the kit synthesizes now log to a log group their stack owns; for stacks
 * deployed before that (or a function someone added), the tool deletes the default one of
 * each function of a stack it deleted.
 */
async function deleteLambdaLogGroups(ctx: Ctx, recorded: readonly StackResourceRecord[]): Promise<string[]> {
  const done: string[] = [];
  for (const fn of recorded.filter((r) => r.type === 'AWS::Lambda::Function' && r.physicalId)) {
    const name = lambdaLogGroup(fn.physicalId);
    try {
      await withRetry(ctx.clock, () => ctx.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: name })));
      done.push(`deleted log group ${name} that Lambda created for ${fn.logicalId}`);
    } catch (error) {
      // Gone (or never created) is what we want; anything else shows in the leftover scan.
      if (!isGone(error)) done.push(`could not delete log group ${name}: ${describeAwsError(error).message}`);
    }
  }
  return done;
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
    reporter.line(`  ${stack.name}${stack.orphan ? ' (nested stack left without its root)' : ''}  student ${stack.student}  ${stack.status}  created ${stack.created?.toISOString() ?? '-'}`);
    reporter.line(`    holds ${resources.filter((r) => r.type !== NESTED_STACK).length} resources: ${summarizeResources(resources) || 'none'}`);
  }
  if (missing.length) reporter.line(`  no stack for: ${missing.join(', ')} (a run with --delete still scans for their leftovers)`);
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
    for (const l of list) {
      reporter.line(`  ${student}  ${l.kind}  ${l.id}  ${l.billable ? 'billable' : 'free'}  found by ${l.foundBy}${l.unverified ? ` (cannot tell if gone: ${l.unverified})` : ''}`);
      reporter.line(`      delete: ${l.command}`);
    }
  }
}

/** Students the kit's tags name; a tagging API that refuses only narrows the scan (each student's scan reports its own failure). */
async function taggedStudentsOrNone(reporter: Reporter, clients: AwsClients, clock: Clock): Promise<string[]> {
  try {
    return await taggedStudents(clients, clock);
  } catch (error) {
    if (isCredentialFailure(error)) throw error;
    reporter.progress(`Could not list students by the kit's tags: ${describeAwsError(error).message}`);
    return [];
  }
}

/** Retained resources the tool could not delete: billable leftovers, each with its delete command. */
function retainedLeftovers(outcomes: readonly StackOutcome[]): Leftover[] {
  return outcomes.flatMap((o) => o.retained.filter((r) => !r.swept).map((r): Leftover => {
    const kind = kindOfType(r.type);
    return { student: o.student, kind, id: r.physicalId || r.logicalId, billable: true, foundBy: 'retained', command: deleteCommand(kind, r.physicalId || r.logicalId) };
  }));
}

export async function runTeardown(reporter: Reporter, clients: AwsClients, clock: Clock, options: TeardownOptions): Promise<number> {
  if (options.all && options.students.length > 0) throw new UsageError('--all and --student exclude each other', 'teardown');
  if (!options.all && options.students.length === 0) throw new UsageError('choose whom to tear down: --student <id> (repeat it or give a comma list) or --all', 'teardown');
  const identity = await clients.identity();
  const region = await clients.region();
  checkAllowed(identity.account, options.allowedAccounts);

  reporter.progress(`Looking for Class Lab stacks in account ${identity.account}, ${region}...`);
  // Root stacks, and nested stacks a partial teardown left without their root.
  const found = [...(await listKitStacks(clients, clock)), ...(await listOrphanedStacks(clients, clock))];
  const { stacks, missing } = selectStacks(found, options.students, options.all);
  // A re-run after a partial teardown still scans every student the kit's tags name.
  const students = [...new Set([...stacks.map((s) => s.student), ...(options.all ? await taggedStudentsOrNone(reporter, clients, clock) : options.students)])].sort();
  const plan: PlannedStack[] = [];
  for (const stack of stacks) plan.push({ stack, resources: await inventory(clients, clock, stack.id) });
  const planJson = plan.map((p) => ({ student: p.stack.student, stack: p.stack.name, stackId: p.stack.id, status: p.stack.status, orphan: p.stack.orphan === true, resources: p.resources }));
  printPlan(reporter, identity.account, region, plan, missing);

  if (!options.delete) {
    reporter.document({ account: identity.account, region, ok: true, dryRun: true, plan: planJson, missing });
    const selector = options.all ? '--all' : `--student ${students.join(',')}`;
    reporter.line(`Dry run: nothing was deleted. To delete${stacks.length ? '' : ' (and scan for leftovers)'}: class-lab-admin teardown ${selector} --delete`);
    return 0;
  }
  if (stacks.length > 0) await confirm(reporter, clock, options, identity.account, region, stacks.length);

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
  const outcomes = await mapBounded(plan, options.concurrency, async ({ stack, resources }): Promise<StackOutcome> => {
    try {
      const outcome = await deleteStudentStack(ctx, stack, resources);
      if (outcome.result === 'deleted' || outcome.result === 'already-gone') outcome.cleared.push(...(await deleteLambdaLogGroups(ctx, resources)));
      return outcome;
    } catch (error) {
      const failure = describeAwsError(error);
      reporter.progress(`${stack.name} (${stack.student}): ${failure.message}`);
      return {
        stack: stack.name, stackId: stack.id, student: stack.student, result: 'failed', attempts: 0, elapsedMs: 0, stuck: [], cleared: [], retained: [],
        reason: failure.message, ...(isCredentialFailure(error) ? { awsUnusable: true } : {}),
      };
    }
  });

  reporter.progress('Scanning for leftovers...');
  const leftovers = new Map<string, Leftover[]>();
  const unscanned = new Map<string, string>();
  let scanAwsUnusable = false;
  const retained = retainedLeftovers(outcomes);
  for (const student of students) {
    const recorded = plan.filter((p) => p.stack.student === student).flatMap((p) => p.resources);
    try {
      const scanned = await scanLeftovers(clients, clock, student, recorded);
      const mine = retained.filter((r) => r.student === student && !scanned.some((l) => l.id === r.id));
      leftovers.set(student, [...mine, ...scanned]);
    } catch (error) {
      // Nothing proves the student's resources are gone: say so rather than report "none".
      const failure = describeAwsError(error);
      if (isCredentialFailure(error)) scanAwsUnusable = true;
      unscanned.set(student, failure.message);
      leftovers.set(student, retained.filter((r) => r.student === student));
    }
  }
  const billable = [...leftovers.values()].flat().filter((l) => l.billable);
  const notDeleted = outcomes.filter((o) => o.result === 'failed' || o.result === 'timed-out');
  const ok = billable.length === 0 && notDeleted.length === 0 && unscanned.size === 0;
  const awsUnusable = outcomes.some((o) => o.awsUnusable) || scanAwsUnusable;
  const exitCode = ok ? EXIT.ok : awsUnusable ? EXIT.aws : EXIT.failed;
  reporter.document({
    account: identity.account, region, ok, exitCode, dryRun: false, plan: planJson, missing, outcomes,
    leftovers: Object.fromEntries(leftovers), unscanned: Object.fromEntries(unscanned),
  });
  printOutcomes(reporter, outcomes, leftovers);
  for (const [student, why] of unscanned) reporter.line(`  ${student}: could not scan for leftovers: ${why}`);
  if (ok) {
    const gone = outcomes.length ? `${outcomes.length} stack${outcomes.length === 1 ? '' : 's'} gone` : `no stack left${students.length ? ` for ${students.join(', ')}` : ''}`;
    reporter.line(`Teardown complete: ${gone}, nothing billable left.`);
    return EXIT.ok;
  }
  const problems = [
    notDeleted.length ? `${notDeleted.length} stack(s) not deleted (${notDeleted.map((o) => o.stack).join(', ')})` : '',
    billable.length ? `${billable.length} billable leftover(s) (${[...new Set(billable.map((l) => l.student))].join(', ')})` : '',
    unscanned.size ? `leftovers not scanned (${[...unscanned.keys()].join(', ')})` : '',
  ].filter((p) => p);
  const next = awsUnusable ? 'Refresh the AWS credentials and run it again' : 'Run it again, or delete the leftovers with the commands shown';
  reporter.line(`Teardown incomplete: ${problems.join('; ')}. ${next}.`);
  reporter.io.stderr(`class-lab-admin teardown: ${problems.join('; ')}`);
  return exitCode;
}
