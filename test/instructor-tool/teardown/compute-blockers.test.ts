import { DeleteAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DeleteClusterCommand, DeleteServiceCommand, DescribeServicesCommand, ListServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { serviceArnParts } from '../../../lib/instructor-tool/aws/arns';
import { BlockerContext } from '../../../lib/instructor-tool/teardown/context';
import { deleteAutoScalingGroup, deleteEcsCluster, deleteEcsService } from '../../../lib/instructor-tool/teardown/compute-blockers';
import { aws, resetAws } from '../support/aws-mocks';
import { awsError, testClients, VirtualClock } from '../support/harness';

let clock: VirtualClock;
const WAIT = 10 * 60_000;
const ctx = (): BlockerContext => ({ clients: testClients(), clock, eniWaitMs: WAIT, eniPollMs: 15_000, progress: () => undefined });
const SERVICE = 'arn:aws:ecs:us-east-1:111122223333:service/lab/app';

beforeEach(() => {
  resetAws();
  clock = new VirtualClock();
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
