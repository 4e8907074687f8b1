/** One DeleteStack call and the bounded wait for its end: gone, DELETE_FAILED or out of time. */
import { DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { isMissingStack } from '../aws/stack-resources';
import { pollUntil, withRetry } from '../aws/poller';
import { formatDuration } from '../core/clock';
import { TeardownContext } from './context';

export type StackState = { status: string; reason?: string };

export async function stackState(ctx: TeardownContext, stackId: string): Promise<StackState> {
  try {
    const out = await ctx.clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackId }));
    const stack = out.Stacks?.[0];
    return stack ? { status: stack.StackStatus ?? 'UNKNOWN', reason: stack.StackStatusReason } : { status: 'GONE' };
  } catch (error) {
    if (isMissingStack(error)) return { status: 'GONE' };
    throw error;
  }
}

export const isGoneStatus = (status: string) => status === 'GONE' || status === 'DELETE_COMPLETE';

export interface DeleteRequest {
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
export async function deleteAndWait(ctx: TeardownContext, label: string, stackId: string, request: DeleteRequest): Promise<{ state: 'gone' | 'failed' | 'timed-out'; status: string }> {
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

