/**
 * What a delete left: the resources CloudFormation failed to delete or skipped, the last resort
 * (FORCE_DELETE_STACK, then sweeping what it skipped), and the log groups Lambda made itself.
 */
import { DescribeStackEventsCommand, paginateListStackResources, StackEvent, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AwsClients } from '../aws/clients';
import { lambdaLogGroup } from '../aws/leftover-kinds';
import { withRetry } from '../aws/poller';
import { NESTED_STACK, StackResourceRecord } from '../aws/stack-resources';
import { Clock } from '../core/clock';
import { describeAwsError, isGone } from '../core/errors';
import { sweepRank, sweepResource } from './sweep-resource';
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
 * (What a forced delete skipped is read from the resources instead: collectSkipped.)
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

/**
 * How long a forced delete, once started, is waited for even past --timeout: a forced delete
 * left running has swept nothing, and stopping there would report a stack that is still being
 * deleted as one that would not delete.
 */
export const FORCE_DELETE_GRACE_MS = 15 * 60_000;

/**
 * Last resort, as AWS documents it for a stack stuck in DELETE_FAILED: delete the root with
 * DeletionMode FORCE_DELETE_STACK, which skips the resources that fail to delete in that run
 * (not only those that failed before) and leaves them in place as DELETE_SKIPPED. Nested stacks
 * are never deleted on their own while their root exists (AWS advises deleting nested stacks
 * through the root); one the forced delete skipped is left without a parent and is then deleted
 * itself, force if it fails, the only way left. Then the tool deletes what was skipped, in
 * dependency order.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-cli-deleting-stack.html
 */
export async function forceAndSweep(ctx: TeardownContext, label: string, rootId: string, stuck: readonly StuckResource[], deadline: number, recorded: readonly StackResourceRecord[] = []): Promise<{ state: 'gone' | 'failed' | 'timed-out'; status: string; retained: RetainedResource[] }> {
  const leaves = stuck.filter((s) => s.type !== NESTED_STACK);
  ctx.reporter.progress(`${label}: deleting the stack with FORCE_DELETE_STACK, skipping ${leaves.map((s) => s.logicalId).join(', ') || 'what failed'}`);
  const forceDeadline = Math.max(deadline, ctx.clock.now() + FORCE_DELETE_GRACE_MS);
  const root = await deleteAndWait(ctx, label, rootId, { deadline: forceDeadline, force: true });
  if (root.state !== 'gone') return { state: root.state, status: root.status, retained: [] };
  const retained: RetainedResource[] = [];
  const skipped: SkippedResource[] = [];
  await collectSkipped(ctx, label, rootId, 0, forceDeadline, skipped, retained);
  // Dependency order: what uses a resource goes before it (the stable sort keeps deeper stacks' resources together).
  skipped.sort((a, b) => sweepRank(a.type) - sweepRank(b.type));
  const sweptRecord = [...recorded, ...skipped];
  for (const s of skipped) {
    try {
      const swept = await sweepResource(ctx, s.type, s.physicalId, sweptRecord, s.stackId);
      retained.push({ logicalId: s.logicalId, type: s.type, physicalId: s.physicalId, swept: swept.done, text: swept.text });
    } catch (error) {
      retained.push({ logicalId: s.logicalId, type: s.type, physicalId: s.physicalId, swept: false, text: `could not delete: ${describeAwsError(error).message}` });
    }
  }
  return { state: 'gone', status: root.status, retained };
}

interface SkippedResource {
  readonly stackId: string;
  readonly logicalId: string;
  readonly physicalId: string;
  readonly type: string;
}

/**
 * What a forced delete left in a deleted stack and its nested stacks: the resources whose status
 * is DELETE_SKIPPED, as ListStackResources shows it (by the stack's unique id, for 90 days after
 * the delete: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackResources.html).
 * A skipped nested stack still exists: it is deleted first, then followed like the others.
 */
async function collectSkipped(ctx: TeardownContext, label: string, stackId: string, depth: number, deadline: number, into: SkippedResource[], retained: RetainedResource[]): Promise<void> {
  const resources: StackResourceSummary[] = [];
  try {
    for await (const page of paginateListStackResources({ client: ctx.clients.cloudformation }, { StackName: stackId })) resources.push(...(page.StackResourceSummaries ?? []));
  } catch (error) {
    ctx.reporter.progress(`${label}: could not read what the forced delete skipped in ${stackId}: ${describeAwsError(error).message}`);
    retained.push({ logicalId: stackId, type: NESTED_STACK, physicalId: stackId, swept: false, text: `could not read what the forced delete skipped: ${describeAwsError(error).message}` });
    return;
  }
  for (const r of resources) {
    const physicalId = r.PhysicalResourceId ?? '';
    const type = r.ResourceType ?? '';
    if (type === NESTED_STACK && physicalId && depth < 5) {
      if (r.ResourceStatus === 'DELETE_SKIPPED' && !(await deleteOrphan(ctx, label, physicalId, deadline))) {
        retained.push({ logicalId: r.LogicalResourceId ?? '', type, physicalId, swept: false, text: `nested stack ${physicalId} did not delete; run teardown again` });
        continue;
      }
      await collectSkipped(ctx, label, physicalId, depth + 1, deadline, into, retained);
    } else if (r.ResourceStatus === 'DELETE_SKIPPED') {
      into.push({ stackId, logicalId: r.LogicalResourceId ?? '', physicalId, type });
    }
  }
}

/** Deletes a nested stack left without its root: as it is, then with FORCE_DELETE_STACK if that fails. */
async function deleteOrphan(ctx: TeardownContext, label: string, stackId: string, deadline: number): Promise<boolean> {
  try {
    let state = await stackState(ctx, stackId);
    if (isGoneStatus(state.status)) return true;
    if (state.status !== 'DELETE_FAILED') {
      if ((await deleteAndWait(ctx, label, stackId, { deadline })).state === 'gone') return true;
      state = await stackState(ctx, stackId);
    }
    return state.status === 'DELETE_FAILED' && (await deleteAndWait(ctx, label, stackId, { deadline, force: true })).state === 'gone';
  } catch (error) {
    ctx.reporter.progress(`${label}: ${describeAwsError(error).message}`);
    return false;
  }
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

