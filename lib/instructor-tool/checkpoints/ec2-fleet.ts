/**
 * Checkpoints of the EC2 module (lab-guides/ec2-fleet.md): the group at its desired
 * capacity, every target healthy, the page answered by two instances, a killed instance
 * replaced, and a scale-in and a scale-out in the load step.
 *
 * Scaling activity causes are Auto Scaling's own sentences, e.g. "... changing the desired
 * capacity from 2 to 3." and "... an instance was taken out of service in response to an EC2
 * health check indicating it has been terminated or stopped."
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-verify-scaling-activity.html).
 */
import { Activity, AutoScalingGroup, DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeTargetHealthCommand, TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { withRetry } from '../aws/poller';
import { CheckContext, Checkpoint, fail, output, pass, pending } from './checkpoint';

/** Requests sent to the page to see the load balancer spread them (two instances: 12 all alike has odds 1 in 2048). */
export const SPREAD_REQUESTS = 12;
/** The page names the instance that answered (lib/app/modules/ec2-fleet-user-data.sh). */
const INSTANCE_ON_PAGE = /Answered by instance <b>(i-[0-9a-f]+)<\/b>/;
const DESIRED_CHANGE = /changing the desired capacity from (\d+) to (\d+)/;

async function group(ctx: CheckContext): Promise<AutoScalingGroup | undefined> {
  const name = output(ctx, 'FleetAutoScalingGroupName');
  return ctx.memo('asg', async () => (await withRetry(ctx.clock, () => ctx.clients.autoscaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })))).AutoScalingGroups?.[0]);
}

/** The group's activities, newest first (as Auto Scaling returns them), at most 100. */
async function activities(ctx: CheckContext): Promise<Activity[]> {
  const name = output(ctx, 'FleetAutoScalingGroupName');
  return ctx.memo('asg-activities', async () => (await withRetry(ctx.clock, () => ctx.clients.autoscaling.send(
    new DescribeScalingActivitiesCommand({ AutoScalingGroupName: name, MaxRecords: 100 })))).Activities ?? []);
}

async function targets(ctx: CheckContext, asg: AutoScalingGroup): Promise<TargetHealthDescription[]> {
  return ctx.memo('fleet-targets', async () => {
    const all: TargetHealthDescription[] = [];
    for (const arn of asg.TargetGroupARNs ?? []) {
      const page = await withRetry(ctx.clock, () => ctx.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })));
      all.push(...(page.TargetHealthDescriptions ?? []));
    }
    return all;
  });
}

const NO_GROUP = fail('the Auto Scaling Group of the stack is gone', 'redeploy: npx cdk deploy ClassLabStack');

const capacity: Checkpoint = {
  id: 'ec2.capacity',
  title: 'Auto Scaling Group at its desired capacity',
  async run(ctx) {
    const asg = await group(ctx);
    if (!asg) return NO_GROUP;
    const desired = asg.DesiredCapacity ?? 0;
    const instances = asg.Instances ?? [];
    const ready = instances.filter((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy');
    if (ready.length === desired && desired > 0) return pass(`${ready.length} of ${desired} instances InService and Healthy`);
    const starting = instances.filter((i) => /^Pending/.test(i.LifecycleState ?? '')).length;
    if (starting > 0 || ready.length !== desired) {
      const states = instances.map((i) => `${i.InstanceId} ${i.LifecycleState}/${i.HealthStatus}`).join(', ') || 'no instances';
      return pending(`${ready.length} of ${desired} instances ready (${states})`, 'the group is replacing or adding instances; check again in 3 minutes');
    }
    return fail(`desired capacity is ${desired}`, 'redeploy with fleetDesired of at least 2');
  },
};

const healthyTargets: Checkpoint = {
  id: 'ec2.targets',
  title: 'every target of the load balancer healthy',
  async run(ctx) {
    const asg = await group(ctx);
    if (!asg) return NO_GROUP;
    const all = (await targets(ctx, asg)).filter((t) => t.TargetHealth?.State !== 'draining');
    const healthy = all.filter((t) => t.TargetHealth?.State === 'healthy');
    const sick = all.filter((t) => t.TargetHealth?.State === 'unhealthy');
    const list = (ts: TargetHealthDescription[]) => ts.map((t) => `${t.Target?.Id} ${t.TargetHealth?.State}${t.TargetHealth?.Description ? ` (${t.TargetHealth.Description})` : ''}`).join(', ');
    if (sick.length > 0) return fail(`unhealthy: ${list(sick)}`, 'the Auto Scaling Group replaces unhealthy instances within a few minutes; if it keeps happening, see lab-guides/ec2-fleet.md#troubleshooting');
    if (healthy.length >= (asg.DesiredCapacity ?? 1) && healthy.length === all.length) return pass(`${healthy.length} healthy targets`);
    return pending(`${healthy.length} of ${asg.DesiredCapacity ?? 0} targets healthy${all.length > healthy.length ? `: ${list(all.filter((t) => t.TargetHealth?.State !== 'healthy'))}` : ''}`,
      'new instances need about 3 minutes to boot and pass two health checks; check again soon');
  },
};

const spread: Checkpoint = {
  id: 'ec2.spread',
  title: 'the web page answered by at least two instances',
  async run(ctx) {
    const url = output(ctx, 'WebUrl');
    const seen = new Map<string, number>();
    for (let i = 0; i < SPREAD_REQUESTS; i++) {
      const reply = await ctx.http.get(url);
      const id = reply.status === 200 ? INSTANCE_ON_PAGE.exec(reply.body)?.[1] : undefined;
      if (!id) return fail(`${url} answered ${reply.status} without an instance id`, 'the instances may still be booting (check ec2.targets); otherwise see lab-guides/ec2-fleet.md#troubleshooting');
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    // Most answers first, then by id: the same line whichever instance happened to answer first.
    const counts = [...seen].sort(([a, m], [b, n]) => n - m || a.localeCompare(b)).map(([id, n]) => `${id} x${n}`).join(', ');
    if (seen.size >= 2) return pass(`${SPREAD_REQUESTS} requests answered by ${seen.size} instances (${counts})`);
    return fail(`all ${SPREAD_REQUESTS} requests answered by one instance (${counts})`, 'the other instance is not healthy in the target group: check ec2.targets and wait for it');
  },
};

const isDesiredChange = (a: Activity) => DESIRED_CHANGE.test(a.Cause ?? '');
/** A change target tracking asked for ("a monitor alarm TargetTracking-...-AlarmLow-<uuid> in state ALARM triggered policy ..."), not a deploy's. */
const isScaling = (a: Activity) => isDesiredChange(a) && /a monitor alarm \S+ in state ALARM triggered policy/.test(a.Cause ?? '');
const change = (a: Activity) => { const m = DESIRED_CHANGE.exec(a.Cause ?? '')!; return { from: Number(m[1]), to: Number(m[2]) }; };

const replaced: Checkpoint = {
  id: 'ec2.replace',
  title: 'a killed instance replaced by the group',
  async run(ctx) {
    const all = await activities(ctx);
    // Terminations not asked for by a capacity change: a health check took the instance out.
    const killed = all.filter((a) => /^Terminating EC2 instance/.test(a.Description ?? '') && !isDesiredChange(a) && /out of service/.test(a.Cause ?? ''));
    if (killed.length === 0) return pending('no instance taken out of service by a health check yet', 'do step 4 of lab-guides/ec2-fleet.md: terminate one instance, then wait about 5 minutes');
    const victim = killed[0];
    // The first launch after it that no capacity change asked for (oldest first).
    const after = all.filter((a) => /^Launching a new EC2 instance/.test(a.Description ?? '') && !isDesiredChange(a)
      && (a.StartTime?.getTime() ?? 0) >= (victim.StartTime?.getTime() ?? 0)).reverse();
    const launched = after.find((a) => a.StatusCode === 'Successful');
    if (launched) return pass(`${victim.Description?.replace('Terminating EC2 instance: ', '')} replaced by ${launched.Description?.replace('Launching a new EC2 instance: ', '')}`);
    if (after.length > 0) return pending(`replacement ${after[0].StatusCode}: ${after[0].Description}`, 'the replacement is starting; check again in 2 minutes');
    return pending(`${victim.Description} (${victim.StatusCode}); no replacement launched yet`, 'the group launches a replacement within a minute or two; check again soon');
  },
};

const scaledOut: Checkpoint = {
  id: 'ec2.scale-out',
  title: 'a scale-out after the load step',
  async run(ctx) {
    const out = (await activities(ctx)).filter((a) => isScaling(a) && change(a).to > change(a).from);
    const done = out.find((a) => a.StatusCode === 'Successful');
    if (done) return pass(`desired capacity ${change(done).from} -> ${change(done).to} at ${done.StartTime?.toISOString() ?? '?'}`);
    if (out.length > 0) return pending(`scale-out ${out[0].StatusCode}`, 'the new instances are starting; check again in 3 minutes');
    return pending('no scale-out in the group\'s activity history', 'do step 6 of lab-guides/ec2-fleet.md: npm run load -- "$WEB_URL"; the scale-out comes 3 to 5 minutes after its burst starts (about minute 23)');
  },
};

// The default fleet (desired = max) scales in during the load step's lead-in trickle and out in
// its burst; a larger fleet may do it the other way round. Either order passes.
const scaledIn: Checkpoint = {
  id: 'ec2.scale-in',
  title: 'a scale-in under few requests',
  async run(ctx) {
    const ins = (await activities(ctx)).filter((a) => isScaling(a) && change(a).to < change(a).from);
    const done = ins.find((a) => a.StatusCode === 'Successful');
    if (done) return pass(`desired capacity ${change(done).from} -> ${change(done).to} at ${done.StartTime?.toISOString() ?? '?'}`);
    if (ins.length > 0) return pending(`scale-in ${ins[0].StatusCode}`, 'an instance is terminating; check again in 2 minutes');
    return pending('no scale-in in the group\'s activity history', 'scale-in waits for about 15 minutes of few requests: do step 6 of lab-guides/ec2-fleet.md (its trickle comes first) and keep it running; check again later');
  },
};

export const EC2_FLEET_CHECKPOINTS: readonly Checkpoint[] = [capacity, healthyTargets, spread, replaced, scaledOut, scaledIn];
