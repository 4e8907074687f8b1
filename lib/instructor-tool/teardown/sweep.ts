/**
 * What a delete left: the resources CloudFormation failed to delete or skipped, the last resort
 * (FORCE_DELETE_STACK, then sweeping what it skipped), and the log groups Lambda made itself.
 */
import { DescribeStackEventsCommand, StackEvent } from '@aws-sdk/client-cloudformation';
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AwsClients } from '../aws/clients';
import { lambdaLogGroup } from '../aws/leftover-kinds';
import { withRetry } from '../aws/poller';
import { NESTED_STACK, StackResourceRecord } from '../aws/stack-resources';
import { Clock } from '../core/clock';
import { describeAwsError, isGone } from '../core/errors';
import { sweepResource } from './blockers';
import { StuckResource, TeardownContext } from './context';
import { deleteAndWait, isGoneStatus, stackState } from './delete-and-wait';

export interface RetainedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  readonly swept: boolean;
  readonly text: string;
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

/**
 * Last resort, as AWS documents it for a stack stuck in DELETE_FAILED: delete the root with
 * DeletionMode FORCE_DELETE_STACK, which skips the resources that failed. Nested stacks are
 * never deleted on their own while their root exists (AWS advises deleting nested stacks
 * through the root); a nested stack the forced delete skipped is left without a parent and
 * is then force-deleted itself, the only way left. Then the tool deletes what was skipped.
 */
export async function forceAndSweep(ctx: TeardownContext, label: string, rootId: string, stuck: ReadonlyArray<StuckResource & { depth: number }>, deadline: number): Promise<{ gone: boolean; retained: RetainedResource[] }> {
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

/**
 * The log group Lambda creates on first invoke (`/aws/lambda/<function>`) belongs to no
 * stack. Functions the kit synthesizes now log to a log group their stack owns; for stacks
 * deployed before that (or a function someone added), the tool deletes the default one of
 * each function of a stack it deleted.
 */
export async function deleteLambdaLogGroups(ctx: TeardownContext, recorded: readonly StackResourceRecord[]): Promise<string[]> {
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

