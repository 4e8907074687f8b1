/** Deletes one student stack: attempts, clearing what blocks each, and the last resort when they stop making progress. */
import { StackResourceRecord, NESTED_STACK } from '../aws/stack-resources';
import { KitStack } from '../aws/stacks';
import { withRetry } from '../aws/poller';
import { formatDuration } from '../core/clock';
import { describeAwsError } from '../core/errors';
import { clearBlocker } from './blockers';
import { StuckResource, TeardownContext } from './context';
import { deleteAndWait, isGoneStatus, stackState } from './delete-and-wait';
import { forceAndSweep, readFailures, RetainedResource } from './sweep';

/** Most delete attempts for one stack, whatever progress they make. */
export const MAX_ATTEMPTS = 10;

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

/** Clears what blocked each stuck resource; a failure to clear is recorded, not thrown. */
async function clearAll(ctx: TeardownContext, stuck: readonly StuckResource[], cleared: string[], recorded: readonly StackResourceRecord[]): Promise<void> {
  for (const s of stuck.filter((x) => x.type !== NESTED_STACK)) {
    try {
      const text = await clearBlocker(ctx, s, recorded);
      cleared.push(text ?? `${s.logicalId} (${s.type}): no known remedy; retrying the delete`);
    } catch (error) {
      cleared.push(`${s.logicalId} (${s.type}): could not clear: ${describeAwsError(error).message}`);
    }
  }
}

/** Deletes one student stack completely, or says exactly what stopped it. */
export async function deleteStudentStack(ctx: TeardownContext, stack: KitStack, recorded: readonly StackResourceRecord[] = []): Promise<StackOutcome> {
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
  const last = await forceAndSweep(ctx, label, stack.id, stuck, deadline, recorded);
  const unswept = last.retained.filter((r) => !r.swept);
  if (last.state === 'timed-out') {
    return finish('timed-out', attempt + 1, { reason: `FORCE_DELETE_STACK still ${last.status} after the wait for it; run teardown again to keep going` });
  }
  if (last.state !== 'gone') return finish('failed', attempt + 1, { retained: last.retained, reason: 'the stack did not delete even with FORCE_DELETE_STACK' });
  return finish('deleted', attempt + 1, {
    retained: last.retained,
    reason: unswept.length ? `${unswept.length} skipped resource(s) could not be deleted` : undefined,
  });
}

