/**
 * `class-lab-admin teardown`: deletes student environments completely, and only the kit's.
 *
 * Dry run by default. With --delete and a typed confirmation of the account id (or --yes and
 * a short pause), it deletes the selected stacks a few at a time, waits with its own bounded
 * poller, and when CloudFormation answers DELETE_FAILED it reads why from the stack events
 * (nested stacks too), clears the known blockers and tries again; as a last resort it
 * deletes with FORCE_DELETE_STACK and sweeps what it skipped itself. Then it scans for
 * leftovers per student. Safe to run again: whatever is already gone counts as done.
 *
 * The phases have files of their own: ./stack-delete.ts (attempts), ./blockers.ts and
 * ./compute-blockers.ts (what blocks a delete), ./sweep.ts (the last resort and what it
 * skipped), ./report.ts (what is printed); ../aws/leftovers.ts scans for what is left.
 */
import { AwsClients } from '../aws/clients';
import { Leftover } from '../aws/leftover-kinds';
import { scanLeftovers, taggedStudents } from '../aws/leftovers';
import { mapBounded } from '../aws/poller';
import { inventory } from '../aws/stack-resources';
import { listKitStacks, listOrphanedStacks, selectStacks } from '../aws/stacks';
import { Clock, formatDuration } from '../core/clock';
import { describeAwsError, EXIT, isCredentialFailure, RefusedError, UsageError } from '../core/errors';
import { Reporter } from '../core/output';
import { TeardownContext } from './context';
import { PlannedStack, printOutcomes, printPlan, retainedLeftovers } from './report';
import { deleteStudentStack, StackOutcome } from './stack-delete';
import { deleteLambdaLogGroups } from './sweep';

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

export const DEFAULTS = { concurrency: 4, timeoutMinutes: 30, pollMs: 10_000, attempts: 3, confirmDelayMs: 10_000, eniWaitMs: 10 * 60_000 };

function checkAllowed(account: string, allowed: readonly string[] | undefined): void {
  // No list, no restriction; a list (even an empty one) admits only its accounts.
  if (allowed === undefined) return;
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

  const ctx: TeardownContext = {
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
