import { DeleteAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DeleteClusterCommand, DeleteServiceCommand, DescribeServicesCommand, ListServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { serviceArnParts } from '../../../lib/instructor-tool/aws/arns';
import { BlockerContext } from '../../../lib/instructor-tool/teardown/context';
import { deleteAutoScalingGroup, deleteEcsCluster, deleteEcsService } from '../../../lib/instructor-tool/teardown/compute-blockers';
import { aws, resetAws } from '../support/aws-mocks';
import { awsError, testClients, VirtualClock } from '../support/harness';

let clock: VirtualClock;
let progress: string[];
const WAIT = 10 * 60_000;
const ctx = (): BlockerContext => ({ clients: testClients(), clock, eniWaitMs: WAIT, eniPollMs: 15_000, progress: (t) => progress.push(t) });
const SERVICE = 'arn:aws:ecs:us-east-1:111122223333:service/lab/app';

beforeEach(() => {
  resetAws();
  clock = new VirtualClock();
  progress = [];
});

test('a service ARN names its cluster and service', () => {
  expect(serviceArnParts(SERVICE)).toEqual({ cluster: 'lab', service: 'app' });
  expect(serviceArnParts('app')).toEqual({ service: 'app' });
});

describe('ECS services', () => {
  test('scaled to 0, force-deleted, then waited for while DRAINING until INACTIVE', async () => {
    aws.ecs.on(UpdateServiceCommand).resolves({});
    aws.ecs.on(DeleteServiceCommand).resolves({});
    aws.ecs.on(DescribeServicesCommand).resolvesOnce({ services: [{ status: 'DRAINING' }] }).resolvesOnce({ services: [{ status: 'DRAINING' }] }).resolves({ services: [{ status: 'INACTIVE' }] });
    await expect(deleteEcsService(ctx(), SERVICE)).resolves.toBe('deleted ECS service app (scaled to 0, force delete; 30s)');
    expect(aws.ecs.commandCalls(UpdateServiceCommand)[0].args[0].input).toEqual({ cluster: 'lab', service: 'app', desiredCount: 0 });
    expect(aws.ecs.commandCalls(DeleteServiceCommand)[0].args[0].input).toEqual({ cluster: 'lab', service: 'app', force: true });
  });

  test('a service already gone (ServiceNotFound, ServiceNotActive) is fine', async () => {
    aws.ecs.on(UpdateServiceCommand).rejects(awsError('ServiceNotActiveException', 'Service was not ACTIVE.'));
    aws.ecs.on(DeleteServiceCommand).rejects(awsError('ServiceNotFoundException', 'Service not found.'));
    aws.ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: SERVICE, reason: 'MISSING' }] });
    await expect(deleteEcsService(ctx(), SERVICE)).resolves.toMatch(/^deleted ECS service app/);
  });

  test('the wait is bounded: a service that never stops draining is an error, not a hang', async () => {
    aws.ecs.on(UpdateServiceCommand).resolves({});
    aws.ecs.on(DeleteServiceCommand).resolves({});
    aws.ecs.on(DescribeServicesCommand).resolves({ services: [{ status: 'DRAINING' }] });
    await expect(deleteEcsService(ctx(), SERVICE)).rejects.toThrow(/ECS service app still DRAINING after \d+m\d+s/);
    expect(clock.now() - clock.start).toBeLessThanOrEqual(WAIT);
  });

  test('access denied is not swallowed', async () => {
    aws.ecs.on(UpdateServiceCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    await expect(deleteEcsService(ctx(), SERVICE)).rejects.toThrow('not authorized');
  });
});

describe('ECS clusters', () => {
  test('ClusterContainsServicesException: every service (every page) is deleted first, then the cluster', async () => {
    aws.ecs.on(DeleteClusterCommand).rejectsOnce(awsError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.')).resolves({});
    aws.ecs.on(ListServicesCommand).resolvesOnce({ serviceArns: [SERVICE], nextToken: 'n' }).resolves({ serviceArns: [`${SERVICE}2`] });
    aws.ecs.on(UpdateServiceCommand).resolves({});
    aws.ecs.on(DeleteServiceCommand).resolves({});
    aws.ecs.on(DescribeServicesCommand).resolves({ services: [{ status: 'INACTIVE' }] });
    await expect(deleteEcsCluster(ctx(), 'lab')).resolves.toBe('deleted ECS cluster lab after its 2 service(s)');
    expect(aws.ecs.commandCalls(DeleteServiceCommand).map((c) => c.args[0].input.service)).toEqual(['app', 'app2']);
    expect(aws.ecs.commandCalls(DeleteClusterCommand)).toHaveLength(2);
  });

  test('a service ListServices keeps listing after its delete is waited for, bounded, and deleted once', async () => {
    // A deleted service leaves ListServices (API_DeleteService.html), but "the Amazon ECS API follows an
    // eventual consistency model" (API_RunTask.html): a read just after the delete may still list it.
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
    aws.ecs.on(DeleteClusterCommand).rejects(awsError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.'));
    aws.ecs.on(ListServicesCommand).resolves({ serviceArns: [SERVICE] });
    aws.ecs.on(UpdateServiceCommand).resolves({});
    aws.ecs.on(DeleteServiceCommand).resolves({});
    aws.ecs.on(DescribeServicesCommand).resolves({ services: [{ status: 'INACTIVE' }] });
    await expect(deleteEcsCluster(ctx(), 'lab')).rejects.toThrow(/^ECS cluster lab still holds draining services after /);
    expect(aws.ecs.commandCalls(DeleteServiceCommand)).toHaveLength(1);
    expect(clock.sleeps.length).toBeGreaterThan(0);
    expect(clock.now() - clock.start).toBeLessThanOrEqual(WAIT);
  });

  test('a cluster still refusing after its services went is an error; a missing one is already gone', async () => {
    aws.ecs.on(DeleteClusterCommand).rejects(awsError('ClusterContainsTasksException', 'tasks still running'));
    aws.ecs.on(ListServicesCommand).resolves({ serviceArns: [] });
    await expect(deleteEcsCluster(ctx(), 'lab')).rejects.toThrow('tasks still running');
    aws.ecs.on(DeleteClusterCommand).rejects(awsError('ClusterNotFoundException', 'Cluster not found.'));
    await expect(deleteEcsCluster(ctx(), 'lab')).resolves.toBe('ECS cluster lab was already gone');
  });
});

describe('Auto Scaling groups', () => {
  test('force-deleted (instances terminated) and waited for until DescribeAutoScalingGroups no longer lists it', async () => {
    aws.autoscaling.on(DeleteAutoScalingGroupCommand).resolves({});
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolvesOnce({ AutoScalingGroups: [{ AutoScalingGroupName: 'fleet', Status: 'Delete in progress' } as any] }).resolves({ AutoScalingGroups: [] });
    await expect(deleteAutoScalingGroup(ctx(), 'fleet')).resolves.toBe('deleted Auto Scaling group fleet and its instances (force delete; 15s)');
    expect(aws.autoscaling.commandCalls(DeleteAutoScalingGroupCommand)[0].args[0].input).toEqual({ AutoScalingGroupName: 'fleet', ForceDelete: true });
  });

  test('a delete already in progress is waited for; one that never ends is a bounded error', async () => {
    aws.autoscaling.on(DeleteAutoScalingGroupCommand).rejects(awsError('ScalingActivityInProgress', 'An AutoScalingGroup delete is in progress.'));
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: 'fleet' } as any] });
    await expect(deleteAutoScalingGroup(ctx(), 'fleet')).rejects.toThrow(/Auto Scaling group fleet still exists after/);
    expect(clock.now() - clock.start).toBeLessThanOrEqual(WAIT);
  });

  test('access denied is not swallowed', async () => {
    aws.autoscaling.on(DeleteAutoScalingGroupCommand).rejects(awsError('AccessDenied', 'not authorized to perform autoscaling:DeleteAutoScalingGroup'));
    await expect(deleteAutoScalingGroup(ctx(), 'fleet')).rejects.toThrow('not authorized');
  });
});

describe('ECS services: what DescribeServices answers for a gone service', () => {
  test('an answer without a services field (only failures: MISSING) means gone', async () => {
    // A service that does not exist comes back in failures with reason MISSING:
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
    aws.ecs.on(UpdateServiceCommand).resolves({});
    aws.ecs.on(DeleteServiceCommand).resolves({});
    aws.ecs.on(DescribeServicesCommand).resolves({ failures: [{ arn: SERVICE, reason: 'MISSING' }] });
    await expect(deleteEcsService(ctx(), SERVICE)).resolves.toBe('deleted ECS service app (scaled to 0, force delete; 0s)');
  });
});

describe('ECS clusters: retries and bounds', () => {
  test('a cluster with no services is deleted at once, and the report says nothing about services', async () => {
    aws.ecs.on(DeleteClusterCommand).resolves({});
    await expect(deleteEcsCluster(ctx(), 'lab')).resolves.toBe('deleted ECS cluster lab');
    expect(aws.ecs.commandCalls(ListServicesCommand)).toHaveLength(0);
  });

  test('any other DeleteCluster error is not treated as "has services"', async () => {
    aws.ecs.on(DeleteClusterCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: ecs:DeleteCluster'));
    await expect(deleteEcsCluster(ctx(), 'lab')).rejects.toThrow('not authorized to perform: ecs:DeleteCluster');
    expect(aws.ecs.commandCalls(ListServicesCommand)).toHaveLength(0);
    expect(aws.ecs.commandCalls(DeleteServiceCommand)).toHaveLength(0);
  });

  test('once its services are deleted, the cluster is tried again at once (no sleep)', async () => {
    aws.ecs.on(DeleteClusterCommand).rejectsOnce(awsError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.')).resolves({});
    aws.ecs.on(ListServicesCommand).resolves({ serviceArns: [SERVICE] });
    aws.ecs.on(UpdateServiceCommand).resolves({});
    aws.ecs.on(DeleteServiceCommand).resolves({});
    aws.ecs.on(DescribeServicesCommand).resolves({ services: [{ status: 'INACTIVE' }] });
    await expect(deleteEcsCluster(ctx(), 'lab')).resolves.toBe('deleted ECS cluster lab after its 1 service(s)');
    expect(clock.sleeps).toEqual([]);
    // The services listed and waited for are this cluster's, the one named.
    expect(aws.ecs.commandCalls(ListServicesCommand).map((c) => c.args[0].input)).toEqual([{ cluster: 'lab', nextToken: undefined }]);
    expect(aws.ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input)).toEqual([{ cluster: 'lab', services: ['app'] }]);
  });

  test('tasks still stopping (ListServices answers no serviceArns field): waited for with progress, then the cluster goes', async () => {
    // A deleted service stays DRAINING, in the cluster but not in ListServices, until its tasks stop:
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html
    aws.ecs.on(DeleteClusterCommand).rejectsOnce(awsError('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.')).resolves({});
    aws.ecs.on(ListServicesCommand).resolves({});
    await expect(deleteEcsCluster(ctx(), 'lab')).resolves.toBe('deleted ECS cluster lab');
    expect(aws.ecs.commandCalls(DeleteServiceCommand)).toHaveLength(0);
    expect(progress).toEqual(['  waiting for the draining services of ECS cluster lab (0s)']);
    expect(clock.sleeps).toEqual([15_000]);
  });

  test('tasks that stop by the last try the bound allows: the cluster is deleted', async () => {
    // Tries at 0s, 15s, 45s and 1m45s (backoff 15s, 30s, 60s): the last one lands exactly on a 1m45s bound.
    const busy = awsError('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.');
    aws.ecs.on(DeleteClusterCommand).rejectsOnce(busy).rejectsOnce(busy).rejectsOnce(busy).resolves({});
    aws.ecs.on(ListServicesCommand).resolves({ serviceArns: [] });
    await expect(deleteEcsCluster({ ...ctx(), eniWaitMs: 105_000 }, 'lab')).resolves.toBe('deleted ECS cluster lab');
    expect(clock.elapsed()).toBe(105_000);
  });

  test('tasks that never stop: an error within the bound, with the time waited and AWS\'s reason', async () => {
    aws.ecs.on(DeleteClusterCommand).rejects(awsError('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.'));
    aws.ecs.on(ListServicesCommand).resolves({ serviceArns: [] });
    await expect(deleteEcsCluster(ctx(), 'lab')).rejects.toThrow(/^ECS cluster lab still holds draining services after 9m45s: The Cluster cannot be deleted while Tasks are active\.$/);
    expect(clock.elapsed()).toBeLessThanOrEqual(WAIT);
  });
});

describe('Auto Scaling groups: what the wait reads', () => {
  test('a group already gone (ValidationError "not found") is fine', async () => {
    // DeleteAutoScalingGroup on a missing group: ValidationError "AutoScalingGroup name not found - AutoScalingGroup 'x' not found"
    // (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteAutoScalingGroup.html, CommonErrors: ValidationError).
    aws.autoscaling.on(DeleteAutoScalingGroupCommand).rejects(awsError('ValidationError', "AutoScalingGroup name not found - AutoScalingGroup 'fleet' not found"));
    await expect(deleteAutoScalingGroup(ctx(), 'fleet')).resolves.toBe('deleted Auto Scaling group fleet and its instances (force delete; 0s)');
  });

  test('only the group being deleted is waited for: other groups of the account do not hold the wait', async () => {
    // Without group names DescribeAutoScalingGroups describes every group of the account:
    // https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeAutoScalingGroups.html
    aws.autoscaling.on(DeleteAutoScalingGroupCommand).resolves({});
    const groups = [{ AutoScalingGroupName: 'other-lab-fleet' }];
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand).callsFake(async (input: { AutoScalingGroupNames?: string[] }) => ({
      AutoScalingGroups: input.AutoScalingGroupNames ? groups.filter((g) => input.AutoScalingGroupNames!.includes(g.AutoScalingGroupName)) : groups,
    }));
    await expect(deleteAutoScalingGroup(ctx(), 'fleet')).resolves.toBe('deleted Auto Scaling group fleet and its instances (force delete; 0s)');
    expect(aws.autoscaling.commandCalls(DescribeAutoScalingGroupsCommand).map((c) => c.args[0].input)).toEqual([{ AutoScalingGroupNames: ['fleet'] }]);
  });

  test('an answer without an AutoScalingGroups field means gone', async () => {
    aws.autoscaling.on(DeleteAutoScalingGroupCommand).resolves({});
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({} as any);
    await expect(deleteAutoScalingGroup(ctx(), 'fleet')).resolves.toBe('deleted Auto Scaling group fleet and its instances (force delete; 0s)');
  });
});
