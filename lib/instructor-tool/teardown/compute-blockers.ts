/**
 * Remedies for the kit's compute resources when CloudFormation leaves them behind or they
 * block a delete: ECS services and clusters, and Auto Scaling groups. Every wait is bounded
 * by the blocker context's wait (the same bound as the network-interface drain).
 *
 * AWS behaviour relied on:
 * - DeleteService: a service maintaining tasks cannot be deleted until its desired count is 0;
 *   `force` deletes it anyway. A deleted service is DRAINING until its tasks stop, then INACTIVE
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html).
 * - DeleteCluster fails with ClusterContainsServicesException while the cluster has services:
 *   scale them to 0 and delete them first
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html).
 * - DeleteAutoScalingGroup needs ForceDelete when the group has instances or scaling
 *   activities; force delete terminates the instances
 *   (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteAutoScalingGroup.html).
 */
import { DeleteAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DeleteClusterCommand, DeleteServiceCommand, DescribeServicesCommand, ListServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { BlockerContext } from './context';
import { formatDuration } from '../core/clock';
import { errorName } from '../core/errors';
import { serviceArnParts } from '../aws/arns';
import { pollUntil, withRetry } from '../aws/poller';

const SERVICE_GONE = /ServiceNotFound|ServiceNotActive|ClusterNotFound/;

/** Scales a service to 0, force-deletes it and waits (bounded) until it is INACTIVE or gone. */
export async function deleteEcsService(ctx: BlockerContext, serviceArn: string, clusterName?: string): Promise<string> {
  const { cluster = clusterName, service } = serviceArnParts(serviceArn);
  const ecs = ctx.clients.ecs;
  const tolerate = async (call: () => Promise<unknown>) => {
    try {
      await withRetry(ctx.clock, call);
    } catch (error) {
      if (!SERVICE_GONE.test(errorName(error))) throw error;
    }
  };
  await tolerate(() => ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: 0 })));
  await tolerate(() => ecs.send(new DeleteServiceCommand({ cluster, service, force: true })));
  const waited = await pollUntil(async () => {
    const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    return out.services?.[0]?.status ?? 'MISSING';
  }, (status) => status === 'INACTIVE' || status === 'MISSING', { clock: ctx.clock, intervalMs: ctx.eniPollMs, timeoutMs: ctx.eniWaitMs });
  if (waited.timedOut) throw new Error(`ECS service ${service} still ${waited.value} after ${formatDuration(waited.elapsedMs)}`);
  return `deleted ECS service ${service} (scaled to 0, force delete; ${formatDuration(waited.elapsedMs)})`;
}

/** Bounded exponential backoff: base, 2x base, 4x base, then 4x base. */
export function backoff(baseMs: number, round: number): number {
  return baseMs * 2 ** Math.min(round, 2);
}

/**
 * Deletes a cluster. A cluster with services (ClusterContainsServicesException) has its ACTIVE
 * ones deleted first; a deleted service stays DRAINING, still in the cluster but no longer in
 * ListServices, until its tasks stop, so the tool then waits (bounded backoff) and tries again.
 */
export async function deleteEcsCluster(ctx: BlockerContext, cluster: string): Promise<string> {
  const ecs = ctx.clients.ecs;
  const removed: string[] = [];
  const seen = new Set<string>();
  const start = ctx.clock.now();
  for (let round = 0; ; round++) {
    try {
      await withRetry(ctx.clock, () => ecs.send(new DeleteClusterCommand({ cluster })));
      return `deleted ECS cluster ${cluster}${removed.length ? ` after its ${removed.length} service(s)` : ''}`;
    } catch (error) {
      const name = errorName(error);
      if (/ClusterNotFound/.test(name)) return `ECS cluster ${cluster} was already gone`;
      if (!/ClusterContainsServices|ClusterContainsTasks/.test(name)) throw error;
      const services: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await withRetry(ctx.clock, () => ecs.send(new ListServicesCommand({ cluster, nextToken })));
        services.push(...(page.serviceArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      // Services deleted just now: the cluster is tried again at once. One listed again (the ECS API is
      // eventually consistent, API_RunTask.html) is waited for like a draining one, bounded, not deleted in a loop.
      const fresh = services.filter((arn) => !seen.has(arn));
      for (const arn of fresh) {
        seen.add(arn);
        removed.push(await deleteEcsService(ctx, arn, cluster));
      }
      if (fresh.length > 0) continue;
      const elapsed = ctx.clock.now() - start;
      const pause = backoff(ctx.eniPollMs, round);
      if (elapsed + pause > ctx.eniWaitMs) throw new Error(`ECS cluster ${cluster} still holds draining services after ${formatDuration(elapsed)}: ${(error as Error).message}`);
      ctx.progress(`  waiting for the draining services of ECS cluster ${cluster} (${formatDuration(elapsed)})`);
      await ctx.clock.sleep(pause);
    }
  }
}

/** Force-deletes an Auto Scaling group (terminating its instances) and waits, bounded, until it is gone. */
export async function deleteAutoScalingGroup(ctx: BlockerContext, name: string): Promise<string> {
  const asg = ctx.clients.autoscaling;
  try {
    await withRetry(ctx.clock, () => asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: true })));
  } catch (error) {
    // Already being deleted (ScalingActivityInProgress) is waited for like our own delete.
    if (!/ScalingActivityInProgress/.test(errorName(error)) && !/not found|does not exist/i.test((error as Error).message ?? '')) throw error;
  }
  const waited = await pollUntil(async () => {
    const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
    return (out.AutoScalingGroups ?? []).length;
  }, (count) => count === 0, { clock: ctx.clock, intervalMs: ctx.eniPollMs, timeoutMs: ctx.eniWaitMs });
  if (waited.timedOut) throw new Error(`Auto Scaling group ${name} still exists after ${formatDuration(waited.elapsedMs)}`);
  return `deleted Auto Scaling group ${name} and its instances (force delete; ${formatDuration(waited.elapsedMs)})`;
}
