import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand, DescribeLaunchTemplatesCommand, DescribeSecurityGroupsCommand, DescribeSnapshotsCommand, DescribeVolumesCommand, Filter,
} from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { DescribeClustersCommand, DescribeServicesCommand, DescribeTasksCommand, ListClustersCommand, ListServicesCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { BILLABLE, candidateFromArn, candidatesFromRecord, deleteCommand } from '../../../lib/instructor-tool/aws/leftover-kinds';
import { scanLeftovers, taggedStudents } from '../../../lib/instructor-tool/aws/leftovers';
import { KIT_TAGS } from '../../../lib/instructor-tool/aws/stacks';
import { aws, resetAws } from '../support/aws-mocks';
import { awsError, testClients, VirtualClock } from '../support/harness';

describe('leftover candidates', () => {
  test.each([
    ['arn:aws:ec2:us-east-1:111122223333:instance/i-0abc', 'instance', 'i-0abc'],
    ['arn:aws:ec2:us-east-1:111122223333:volume/vol-0abc', 'volume', 'vol-0abc'],
    ['arn:aws:ec2:us-east-1::snapshot/snap-0abc', 'snapshot', 'snap-0abc'],
    ['arn:aws:ec2:us-east-1:111122223333:network-interface/eni-0abc', 'network-interface', 'eni-0abc'],
    ['arn:aws:ec2:us-east-1:111122223333:security-group/sg-0abc', 'security-group', 'sg-0abc'],
    ['arn:aws:ec2:us-east-1:111122223333:natgateway/nat-0abc', 'nat-gateway', 'nat-0abc'],
    ['arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/lab/0123', 'load-balancer', 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/lab/0123'],
    ['arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/fleet/0123', 'target-group', 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/fleet/0123'],
    ['arn:aws:logs:us-east-1:111122223333:log-group:/ecs/class-lab:*', 'log-group', '/ecs/class-lab'],
    ['arn:aws:ecr:us-east-1:111122223333:repository/class-lab-ana-app', 'ecr-repository', 'class-lab-ana-app'],
    ['arn:aws:s3:::class-lab-ana-bucket', 'bucket', 'class-lab-ana-bucket'],
    ['arn:aws:route53:::hostedzone/Z0ANA', 'hosted-zone', 'Z0ANA'],
    ['arn:aws:ecs:us-east-1:111122223333:cluster/class-lab', 'ecs-cluster', 'class-lab'],
    ['arn:aws:ecs:us-east-1:111122223333:service/class-lab/app', 'ecs-service', 'arn:aws:ecs:us-east-1:111122223333:service/class-lab/app'],
    ['arn:aws:ecs:us-east-1:111122223333:task/class-lab/0abc', 'ecs-task', 'arn:aws:ecs:us-east-1:111122223333:task/class-lab/0abc'],
    ['arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:1234:autoScalingGroupName/lab-fleet', 'auto-scaling-group', 'lab-fleet'],
    ['arn:aws:ec2:us-east-1:111122223333:internet-gateway/igw-0abc', 'internet-gateway', 'igw-0abc'],
    ['arn:aws:sqs:us-east-1:111122223333:ClassLabStack-ExpiryDeadLetterQueue-AbC', 'sqs-queue', 'ClassLabStack-ExpiryDeadLetterQueue-AbC'],
    ['arn:aws:lambda:us-east-1:111122223333:function:ClassLabStack-ExpiryClockFunction-AbC', 'lambda-function', 'ClassLabStack-ExpiryClockFunction-AbC'],
    ['arn:aws-cn:lambda:cn-north-1:111122223333:function:ClassLabStack-ExpiryClockFunction-AbC', 'lambda-function', 'ClassLabStack-ExpiryClockFunction-AbC'],
    ['arn:aws:ec2:us-east-1:111122223333:launch-template/lt-0abc', 'launch-template', 'lt-0abc'],
    ['arn:aws:cloudwatch:us-east-1:111122223333:alarm:lab-alarm', 'other', 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:lab-alarm'],
  ])('%s is a %s', (arn, kind, id) => {
    expect(candidateFromArn(arn)).toEqual({ kind, id, foundBy: 'tags' });
  });

  test('a deleted stack\'s Lambda function points at the log group Lambda created for it', () => {
    expect(candidatesFromRecord({ type: 'AWS::Lambda::Function', physicalId: 'ClassLabStack-ana-AutoDelete-1A2B' }))
      .toEqual([{ kind: 'log-group', id: '/aws/lambda/ClassLabStack-ana-AutoDelete-1A2B', foundBy: 'stack' }]);
    expect(candidatesFromRecord({ type: 'AWS::IAM::Role', physicalId: 'role' })).toEqual([]);
  });

  test('what keeps billing (or starts what does) counts as billable; security groups, target groups, VPCs and gateways do not', () => {
    expect([...BILLABLE].sort()).toEqual([
      'auto-scaling-group', 'bucket', 'ecr-repository', 'ecs-cluster', 'ecs-service', 'ecs-task', 'elastic-ip', 'hosted-zone', 'instance',
      'load-balancer', 'log-group', 'nat-gateway', 'other', 'record-set', 'snapshot', 'volume',
    ]);
  });

  test('a recorded resource of a kind the scan cannot look up is not a candidate (the stack deleted it)', () => {
    expect(candidatesFromRecord({ type: 'AWS::Route53::RecordSet', physicalId: 'www.lab.class.internal' })).toEqual([]);
    expect(candidatesFromRecord({ type: 'AWS::ECS::Service', physicalId: 'arn:aws:ecs:us-east-1:111122223333:service/c/s' }))
      .toEqual([{ kind: 'ecs-service', id: 'arn:aws:ecs:us-east-1:111122223333:service/c/s', foundBy: 'stack' }]);
    expect(candidatesFromRecord({ type: 'AWS::S3::Bucket', physicalId: 'b' })).toEqual([{ kind: 'bucket', id: 'b', foundBy: 'stack' }]);
  });

  test.each([
    ['ecs-service', 'arn:aws:ecs:us-east-1:111122223333:service/lab/app', 'aws ecs delete-service --force --cluster lab --service app'],
    ['ecs-task', 'arn:aws:ecs:us-east-1:111122223333:task/lab/0abc', 'aws ecs stop-task --task arn:aws:ecs:us-east-1:111122223333:task/lab/0abc --cluster lab'],
    ['auto-scaling-group', 'lab-fleet', 'aws autoscaling delete-auto-scaling-group --force-delete --auto-scaling-group-name lab-fleet'],
    ['elastic-ip', 'eipalloc-1', 'aws ec2 release-address --allocation-id eipalloc-1'],
    ['elastic-ip', '198.51.100.7', 'aws ec2 release-address --public-ip 198.51.100.7'],
    ['network-interface', 'eni-1', 'aws ec2 delete-network-interface --network-interface-id eni-1'],
    ['lambda-function', 'lab-clock', 'aws lambda delete-function --function-name lab-clock'],
    ['sqs-queue', 'lab-dlq', 'aws sqs delete-queue --queue-url "$(aws sqs get-queue-url --queue-name lab-dlq --query QueueUrl --output text)"'],
    ['sqs-queue', 'https://sqs.us-east-1.amazonaws.com/111122223333/lab-dlq', 'aws sqs delete-queue --queue-url https://sqs.us-east-1.amazonaws.com/111122223333/lab-dlq'], // retained: its physical id is the URL
    ['launch-template', 'lt-0abc', 'aws ec2 delete-launch-template --launch-template-id lt-0abc'],
  ] as const)('a %s leftover is named with the command that deletes it', (kind, id, command) => {
    expect(deleteCommand(kind, id)).toBe(command);
  });
});

describe('ECS and Auto Scaling leftovers are looked up, not guessed', () => {
  const SERVICE = 'arn:aws:ecs:us-east-1:111122223333:service/lab-cluster/app';
  const kitTags = (student: string) => [...Object.entries(KIT_TAGS).map(([key, value]) => ({ key, value })), { key: 'student', value: student }];
  beforeEach(() => resetAws());
  const scan = (recorded: Array<{ type: string; physicalId: string }> = []) => scanLeftovers(testClients(), new VirtualClock(), 'ana', recorded);

  test('a deleted service still DRAINING (tasks stopping) is a billable leftover; INACTIVE or missing is gone', async () => {
    aws.ecs.on(DescribeServicesCommand, { cluster: 'lab-cluster', services: ['app'] }).resolves({ services: [{ serviceArn: SERVICE, status: 'DRAINING' }] });
    expect(await scan([{ type: 'AWS::ECS::Service', physicalId: SERVICE }])).toEqual([
      expect.objectContaining({ kind: 'ecs-service', id: SERVICE, billable: true, command: 'aws ecs delete-service --force --cluster lab-cluster --service app' }),
    ]);
    aws.ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceArn: SERVICE, status: 'INACTIVE' }] });
    expect(await scan([{ type: 'AWS::ECS::Service', physicalId: SERVICE }])).toEqual([]);
    aws.ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: SERVICE, reason: 'MISSING' }] });
    expect(await scan([{ type: 'AWS::ECS::Service', physicalId: SERVICE }])).toEqual([]);
  });

  test('a cluster is billable only while it runs services or tasks; an empty one is named but free', async () => {
    aws.ecs.on(DescribeClustersCommand).resolves({ clusters: [{ clusterName: 'lab-cluster', status: 'ACTIVE', activeServicesCount: 0, runningTasksCount: 0, pendingTasksCount: 0 }] });
    expect(await scan([{ type: 'AWS::ECS::Cluster', physicalId: 'lab-cluster' }])).toEqual([expect.objectContaining({ kind: 'ecs-cluster', billable: false })]);
    aws.ecs.on(DescribeClustersCommand).resolves({ clusters: [{ clusterName: 'lab-cluster', status: 'ACTIVE', activeServicesCount: 0, runningTasksCount: 1 }] });
    expect(await scan([{ type: 'AWS::ECS::Cluster', physicalId: 'lab-cluster' }])).toEqual([expect.objectContaining({ kind: 'ecs-cluster', billable: true })]);
    aws.ecs.on(DescribeClustersCommand).resolves({ clusters: [{ clusterName: 'lab-cluster', status: 'INACTIVE' }] });
    expect(await scan([{ type: 'AWS::ECS::Cluster', physicalId: 'lab-cluster' }])).toEqual([]);
  });

  test('by tags with no stack left: the student\'s clusters (every page), their services and tasks; another student\'s cluster is not touched', async () => {
    aws.ecs.on(ListClustersCommand).resolves({ clusterArns: ['arn:aws:ecs:us-east-1:111122223333:cluster/lab-cluster'], nextToken: 'p2' });
    aws.ecs.on(ListClustersCommand, { nextToken: 'p2' }).resolves({ clusterArns: ['arn:aws:ecs:us-east-1:111122223333:cluster/ben-cluster'] });
    aws.ecs.on(DescribeClustersCommand, { include: ['TAGS'] }).resolves({ clusters: [
      { clusterName: 'lab-cluster', status: 'ACTIVE', tags: kitTags('ana') },
      { clusterName: 'ben-cluster', status: 'ACTIVE', tags: kitTags('ben') },
    ] });
    aws.ecs.on(DescribeClustersCommand, { clusters: ['lab-cluster'] }).resolves({ clusters: [{ clusterName: 'lab-cluster', status: 'ACTIVE', activeServicesCount: 1 }] });
    aws.ecs.on(ListServicesCommand).resolves({ serviceArns: [] });
    aws.ecs.on(ListServicesCommand, { cluster: 'lab-cluster' }).resolves({ serviceArns: [SERVICE] });
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    aws.ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceArn: SERVICE, status: 'ACTIVE' }] });
    const found = await scan();
    expect(found.map((l) => [l.kind, l.id, l.foundBy, l.billable])).toEqual([['ecs-cluster', 'lab-cluster', 'tags', true], ['ecs-service', SERVICE, 'tags', true]]);
    expect(aws.ecs.commandCalls(ListServicesCommand).map((c) => c.args[0].input.cluster)).toEqual(['lab-cluster']);
  });

  test('Auto Scaling groups by the kit\'s tag filters, paged; a group AWS no longer knows is gone', async () => {
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: 'lab-fleet' } as any], NextToken: 't2' });
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand, { NextToken: 't2' }).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: 'lab-fleet-2' } as any] });
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ['lab-fleet'] }).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: 'lab-fleet' } as any] });
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ['lab-fleet-2'] }).resolves({ AutoScalingGroups: [] });
    const found = await scan();
    expect(found.map((l) => [l.kind, l.id, l.billable, l.command])).toEqual([
      ['auto-scaling-group', 'lab-fleet', true, 'aws autoscaling delete-auto-scaling-group --force-delete --auto-scaling-group-name lab-fleet'],
    ]);
    const filters = aws.autoscaling.commandCalls(DescribeAutoScalingGroupsCommand)[0].args[0].input.Filters;
    expect(filters).toEqual(expect.arrayContaining([{ Name: 'tag:student', Values: ['ana'] }]));
  });
});

describe('tagged functions, queues and launch templates are confirmed by their own service', () => {
  const FUNCTION = 'arn:aws:lambda:us-east-1:111122223333:function:ClassLabStack-ana-ExpiryClockFunction-AbC';
  const QUEUE = 'arn:aws:sqs:us-east-1:111122223333:ClassLabStack-ana-ExpiryDeadLetterQueue-AbC';
  const TEMPLATE = 'arn:aws:ec2:us-east-1:111122223333:launch-template/lt-0abc';
  const ALARM = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:lab-alarm';
  beforeEach(() => {
    resetAws();
    aws.tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [FUNCTION, QUEUE, TEMPLATE].map((ResourceARN) => ({ ResourceARN })) });
    aws.ec2.on(DescribeLaunchTemplatesCommand).rejects(awsError('InvalidLaunchTemplateId.NotFound', 'The specified launch template, with template ID lt-0abc, does not exist.'));
  });
  const scan = () => scanLeftovers(testClients(), new VirtualClock(), 'ana', []);

  test('stale tagging results (ResourceNotFoundException, QueueDoesNotExist, InvalidLaunchTemplateId.NotFound) are gone', async () => {
    expect(await scan()).toEqual([]);
    expect(aws.lambda.commandCalls(GetFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([{ FunctionName: 'ClassLabStack-ana-ExpiryClockFunction-AbC' }]);
    expect(aws.sqs.commandCalls(GetQueueUrlCommand).map((c) => c.args[0].input)).toEqual([{ QueueName: 'ClassLabStack-ana-ExpiryDeadLetterQueue-AbC' }]);
    expect(aws.ec2.commandCalls(DescribeLaunchTemplatesCommand).map((c) => c.args[0].input)).toEqual([{ LaunchTemplateIds: ['lt-0abc'] }]);
  });

  test('the query protocol\'s code for a missing queue (AWS.SimpleQueueService.NonExistentQueue) is gone too', async () => {
    aws.sqs.on(GetQueueUrlCommand).rejects(awsError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist for this wsdl version.'));
    expect(await scan()).toEqual([]);
  });

  // AWS documents the codes (QueueDoesNotExist, and the query protocol's AWS.SimpleQueueService.NonExistentQueue:
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html), not the wording;
  // an answer without a message reaches the caller as "UnknownError" (the SDK's decorateServiceException).
  test.each(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'])('a missing queue is known by its error code (%s), whatever the message says', async (code) => {
    aws.sqs.on(GetQueueUrlCommand).rejects(awsError(code, 'UnknownError'));
    expect(await scan()).toEqual([]);
  });

  test('ones still there are named free, with their delete commands', async () => {
    aws.lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionName: 'ClassLabStack-ana-ExpiryClockFunction-AbC' });
    aws.sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/ClassLabStack-ana-ExpiryDeadLetterQueue-AbC' });
    aws.ec2.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [{ LaunchTemplateId: 'lt-0abc' }] });
    expect((await scan()).map((l) => [l.kind, l.billable, l.unverified, l.command])).toEqual([
      ['lambda-function', false, undefined, 'aws lambda delete-function --function-name ClassLabStack-ana-ExpiryClockFunction-AbC'],
      ['sqs-queue', false, undefined, expect.stringContaining('aws sqs delete-queue --queue-url')],
      ['launch-template', false, undefined, 'aws ec2 delete-launch-template --launch-template-id lt-0abc'],
    ]);
  });

  test('access denied on a probe is "cannot tell", never gone', async () => {
    aws.lambda.on(GetFunctionConfigurationCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: lambda:GetFunctionConfiguration'));
    aws.sqs.on(GetQueueUrlCommand).rejects(awsError('AccessDenied', 'not authorized to perform: sqs:GetQueueUrl'));
    expect((await scan()).map((l) => [l.kind, Boolean(l.unverified)])).toEqual([['lambda-function', true], ['sqs-queue', true]]);
  });

  test('a tagged ARN of a kind the tool has no probe for is billable and says it cannot tell', async () => {
    aws.tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [{ ResourceARN: ALARM }] });
    expect(await scan()).toEqual([expect.objectContaining({ kind: 'other', id: ALARM, billable: true, unverified: expect.stringContaining('cannot look this kind up') })]);
  });
});

type Tags = Record<string, string>;
const studentTags = (student: string, course = KIT_TAGS.course): Tags => ({ ...KIT_TAGS, course, student });
const scanAna = (recorded: Array<{ type: string; physicalId: string }> = []) => scanLeftovers(testClients(), new VirtualClock(), 'ana', recorded);

/**
 * One EC2 describe as EC2 answers it. With Filters: `tag:<key>` matches a resource carrying that
 * tag with one of the filter's values, and several filters are joined with AND
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Filter.html); a filter name EC2 does
 * not know is InvalidParameterValue. Without Filters every resource of the account is listed.
 * Results come one a page, NextToken naming the next, so only a caller that reads every page sees
 * everything (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html#api-pagination).
 * By id: those resources, or `<Kind>.NotFound` for an id EC2 does not know.
 */
function fakeEc2<T>(command: any, byIds: string, notFound: string, listKey: string, resources: Array<{ id: string; tags: Tags; shape: (tags: Array<{ Key: string; Value: string }>) => T }>): string[][] {
  const lookedUp: string[][] = [];
  aws.ec2.on(command).callsFake(async (input: any) => {
    if (input[byIds]) {
      lookedUp.push(input[byIds]);
      const found = resources.filter((r) => input[byIds].includes(r.id));
      if (found.length < input[byIds].length) throw awsError(notFound, `The ${byIds} '${input[byIds]}' does not exist`);
      return { [listKey]: found.map((r) => r.shape([])) };
    }
    for (const f of (input.Filters ?? []) as Filter[]) {
      if (!f?.Name?.startsWith('tag:')) throw awsError('InvalidParameterValue', `The filter '${f?.Name}' is invalid`);
    }
    const matching = resources.filter((r) => ((input.Filters ?? []) as Filter[]).every((f) => f.Values!.includes(r.tags[f.Name!.slice('tag:'.length)])));
    const start = Number(input.NextToken ?? 0);
    return { [listKey]: matching.slice(start, start + 1).map((r) => r.shape(Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })))), NextToken: start + 1 < matching.length ? String(start + 1) : undefined };
  });
  return lookedUp;
}

describe('EC2 resources are found by the kit\'s tags on every page, then confirmed by id', () => {
  beforeEach(() => resetAws());

  test('the student\'s instances, volumes, snapshots and security groups, all pages; another student\'s or another course\'s are not theirs', async () => {
    // A terminated instance stays visible, tags and all, for about an hour
    // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html): not a leftover.
    const instance = (id: string, tags: Tags, state: string) => ({ id, tags, shape: (Tags: any[]) => ({ ReservationId: `r-${id}`, Instances: [{ InstanceId: id, State: { Name: state }, Tags }] }) });
    fakeEc2(DescribeInstancesCommand, 'InstanceIds', 'InvalidInstanceID.NotFound', 'Reservations', [
      instance('i-ana1', studentTags('ana'), 'running'), instance('i-ben', studentTags('ben'), 'running'),
      instance('i-old', studentTags('ana'), 'terminated'), instance('i-ana2', studentTags('ana'), 'stopped'),
      instance('i-other-course', studentTags('ana', 'class-04'), 'running'),
    ]);
    const volume = (id: string, tags: Tags) => ({ id, tags, shape: (Tags: any[]) => ({ VolumeId: id, State: 'available', Tags }) });
    fakeEc2(DescribeVolumesCommand, 'VolumeIds', 'InvalidVolume.NotFound', 'Volumes', [volume('vol-ben', studentTags('ben')), volume('vol-ana1', studentTags('ana')), volume('vol-ana2', studentTags('ana'))]);
    const snapshot = (id: string, tags: Tags) => ({ id, tags, shape: (Tags: any[]) => ({ SnapshotId: id, OwnerId: '111122223333', Tags }) });
    const snapshotsLookedUp = fakeEc2(DescribeSnapshotsCommand, 'SnapshotIds', 'InvalidSnapshot.NotFound', 'Snapshots', [snapshot('snap-ana1', studentTags('ana')), snapshot('snap-ana2', studentTags('ana'))]);
    const group = (id: string, tags: Tags) => ({ id, tags, shape: (Tags: any[]) => ({ GroupId: id, GroupName: id, Tags }) });
    fakeEc2(DescribeSecurityGroupsCommand, 'GroupIds', 'InvalidGroup.NotFound', 'SecurityGroups', [group('sg-ana1', studentTags('ana')), group('sg-ben', studentTags('ben')), group('sg-ana2', studentTags('ana'))]);

    const found = await scanAna();
    expect(found.map((l) => [l.kind, l.id, l.foundBy, l.billable, l.command])).toEqual([
      ['instance', 'i-ana1', 'tags', true, 'aws ec2 terminate-instances --instance-ids i-ana1'],
      ['instance', 'i-ana2', 'tags', true, 'aws ec2 terminate-instances --instance-ids i-ana2'],
      ['volume', 'vol-ana1', 'tags', true, 'aws ec2 delete-volume --volume-id vol-ana1'],
      ['volume', 'vol-ana2', 'tags', true, 'aws ec2 delete-volume --volume-id vol-ana2'],
      ['snapshot', 'snap-ana1', 'tags', true, 'aws ec2 delete-snapshot --snapshot-id snap-ana1'],
      ['snapshot', 'snap-ana2', 'tags', true, 'aws ec2 delete-snapshot --snapshot-id snap-ana2'],
      ['security-group', 'sg-ana1', 'tags', false, 'aws ec2 delete-security-group --group-id sg-ana1'],
      ['security-group', 'sg-ana2', 'tags', false, 'aws ec2 delete-security-group --group-id sg-ana2'],
    ]);
    expect(snapshotsLookedUp).toEqual([['snap-ana1'], ['snap-ana2']]);
  });

  test('snapshots are asked for as the account\'s own (OwnerIds self), every page with the same tag filters', async () => {
    // Without OwnerIds DescribeSnapshots covers every snapshot the caller may use, public ones of
    // other accounts included (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSnapshots.html).
    const snapshot = (id: string) => ({ id, tags: studentTags('ana'), shape: (Tags: any[]) => ({ SnapshotId: id, Tags }) });
    fakeEc2(DescribeSnapshotsCommand, 'SnapshotIds', 'InvalidSnapshot.NotFound', 'Snapshots', [snapshot('snap-1'), snapshot('snap-2')]);
    await scanAna();
    const listings = aws.ec2.commandCalls(DescribeSnapshotsCommand).map((c) => c.args[0].input).filter((i) => !i.SnapshotIds);
    const filters = [{ Name: 'tag:managed-by', Values: ['class-lab-kit'] }, { Name: 'tag:course', Values: [KIT_TAGS.course] }, { Name: 'tag:student', Values: ['ana'] }];
    expect(listings).toEqual([{ OwnerIds: ['self'], Filters: filters, NextToken: undefined }, { OwnerIds: ['self'], Filters: filters, NextToken: '1' }]);
  });

  test('a page without its list, a reservation without instances or a mapping without its ARN finds nothing and looks nothing up', async () => {
    // Every list in an SDK output is optional (a service may leave it out of its answer): no list, nothing to look up.
    aws.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ ReservationId: 'r-0empty' }] });
    for (const command of [DescribeVolumesCommand, DescribeSnapshotsCommand, DescribeSecurityGroupsCommand]) aws.ec2.on(command as any).resolves({});
    aws.tagging.on(GetResourcesCommand).resolves({ PaginationToken: 'p2' });
    aws.tagging.on(GetResourcesCommand, { PaginationToken: 'p2' }).resolves({ ResourceTagMappingList: [{ Tags: [{ Key: 'student', Value: 'ana' }] }] });
    aws.ecs.on(ListClustersCommand).resolves({});
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({});
    expect(await scanAna()).toEqual([]);
    for (const command of [DescribeInstancesCommand, DescribeVolumesCommand, DescribeSnapshotsCommand, DescribeSecurityGroupsCommand]) {
      expect(aws.ec2.commandCalls(command as any).map((c) => Object.keys(c.args[0].input).filter((k) => k.endsWith('Ids') && k !== 'OwnerIds'))).toEqual([[]]);
    }
    expect(aws.ecs.commandCalls(DescribeClustersCommand)).toHaveLength(0);
    expect(aws.autoscaling.commandCalls(DescribeAutoScalingGroupsCommand).map((c) => c.args[0].input.AutoScalingGroupNames)).toEqual([undefined]);
  });
});

/**
 * ECS as it answers: ListClusters pages its ARNs (up to 100 a page), DescribeClusters takes up to
 * 100 clusters and, given none, describes the `default` cluster
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html); ListServices
 * and ListTasks page with nextToken (ListServices 10 a page by default:
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServices.html), here one a page.
 * A deleted cluster is INACTIVE, still described for a while
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/clusters.html); listing in it is modelled as
 * ClusterNotFoundException, ListServices' documented error for a cluster that is not there.
 */
function fakeEcs(clusters: Array<{ name: string; status?: string; tags: Tags; services?: string[]; tasks?: string[] }>, pageSize = 1): void {
  const arn = (name: string) => `arn:aws:ecs:us-east-1:111122223333:cluster/${name}`;
  const paged = (all: string[], token?: string, size = 1) => {
    const start = Number(token ?? 0);
    return { page: all.slice(start, start + size), nextToken: start + size < all.length ? String(start + size) : undefined };
  };
  const cluster = (ref: string) => clusters.find((c) => c.name === ref || arn(c.name) === ref);
  aws.ecs.on(ListClustersCommand).callsFake(async (input: any) => {
    const { page, nextToken } = paged(clusters.map((c) => arn(c.name)), input.nextToken, pageSize);
    return { clusterArns: page, nextToken };
  });
  aws.ecs.on(DescribeClustersCommand).callsFake(async (input: any) => {
    const refs: string[] = input.clusters?.length ? input.clusters : ['default'];
    if (refs.length > 100) throw awsError('InvalidParameterException', 'clusters can have at most 100 items.');
    const known = refs.map(cluster).filter((c) => c !== undefined);
    return {
      clusters: known.map((c) => ({
        clusterArn: arn(c!.name), clusterName: c!.name, status: c!.status ?? 'ACTIVE', activeServicesCount: c!.status === 'INACTIVE' ? 0 : (c!.services ?? []).length,
        runningTasksCount: c!.status === 'INACTIVE' ? 0 : (c!.tasks ?? []).length, pendingTasksCount: 0,
        ...(input.include?.includes('TAGS') ? { tags: Object.entries(c!.tags).map(([key, value]) => ({ key, value })) } : {}),
      })),
      failures: refs.filter((r) => !cluster(r)).map((r) => ({ arn: r, reason: 'MISSING' })),
    };
  });
  for (const [command, key, field] of [[ListServicesCommand, 'serviceArns', 'services'], [ListTasksCommand, 'taskArns', 'tasks']] as const) {
    aws.ecs.on(command as any).callsFake(async (input: any) => {
      const c = cluster(input.cluster);
      if (!c || c.status === 'INACTIVE') throw awsError('ClusterNotFoundException', 'Cluster not found.');
      const { page, nextToken } = paged(c[field] ?? [], input.nextToken);
      return { [key]: page, nextToken };
    });
  }
  aws.ecs.on(DescribeServicesCommand).callsFake(async (input: any) => ({
    services: clusters.flatMap((c) => (c.services ?? []).filter((s) => s.endsWith(`/${c.name}/${input.services[0]}`)).map((serviceArn) => ({ serviceArn, status: 'ACTIVE' }))),
  }));
  aws.ecs.on(DescribeTasksCommand).callsFake(async (input: any) => ({ tasks: input.tasks.filter((t: string) => clusters.some((c) => c.tasks?.includes(t))).map((taskArn: string) => ({ taskArn, lastStatus: 'RUNNING' })) }));
}

describe('ECS clusters by the kit\'s tags: every page, every batch, only this course\'s and this student\'s', () => {
  beforeEach(() => resetAws());
  const service = (cluster: string, name: string) => `arn:aws:ecs:us-east-1:111122223333:service/${cluster}/${name}`;
  const task = (cluster: string, id: string) => `arn:aws:ecs:us-east-1:111122223333:task/${cluster}/${id}`;

  test('clusters on later pages, and every service and task of them on every page', async () => {
    fakeEcs([
      { name: 'ben-cluster', tags: studentTags('ben'), services: [service('ben-cluster', 'app')] },
      { name: 'ana-cluster', tags: studentTags('ana'), services: [service('ana-cluster', 'web'), service('ana-cluster', 'worker')], tasks: [task('ana-cluster', 't1'), task('ana-cluster', 't2')] },
      { name: 'ana-other-course', tags: studentTags('ana', 'class-04'), services: [service('ana-other-course', 'app')] },
      { name: 'ana-untagged', tags: { student: 'ana' }, services: [service('ana-untagged', 'app')] },
    ]);
    const found = await scanAna();
    expect(found.map((l) => [l.kind, l.id, l.foundBy, l.billable])).toEqual([
      ['ecs-cluster', 'ana-cluster', 'tags', true],
      ['ecs-service', service('ana-cluster', 'web'), 'tags', true],
      ['ecs-service', service('ana-cluster', 'worker'), 'tags', true],
      ['ecs-task', task('ana-cluster', 't1'), 'tags', true],
      ['ecs-task', task('ana-cluster', 't2'), 'tags', true],
    ]);
  });

  test('more than 100 clusters are described 100 at a time, each of them once', async () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ name: `c${String(i).padStart(3, '0')}`, tags: studentTags(i === 120 ? 'ana' : 'ben') }));
    fakeEcs(many, 100);
    expect((await scanAna()).map((l) => [l.kind, l.id])).toEqual([['ecs-cluster', 'c120']]);
    const described = aws.ecs.commandCalls(DescribeClustersCommand).map((c) => c.args[0].input).filter((i) => i.include);
    expect(described.map((i) => i.clusters!.length)).toEqual([100, 50]);
    expect(described.flatMap((i) => i.clusters).sort()).toEqual(many.map((c) => `arn:aws:ecs:us-east-1:111122223333:cluster/${c.name}`));
  });

  test('with no cluster listed, none is described (an empty list would describe the default cluster)', async () => {
    fakeEcs([]);
    expect(await scanAna()).toEqual([]);
    expect(aws.ecs.commandCalls(DescribeClustersCommand)).toHaveLength(0);
  });

  test('a deleted (INACTIVE) cluster still carrying the tags is not a leftover and is not looked into', async () => {
    fakeEcs([{ name: 'ana-cluster', status: 'INACTIVE', tags: studentTags('ana') }]);
    expect(await scanAna()).toEqual([]);
    expect(aws.ecs.commandCalls(ListServicesCommand)).toHaveLength(0);
  });

  test('a cluster whose service and task listings come without a list looks nothing up', async () => {
    fakeEcs([{ name: 'ana-cluster', tags: studentTags('ana') }]);
    aws.ecs.on(ListServicesCommand).resolves({});
    aws.ecs.on(ListTasksCommand).resolves({});
    expect((await scanAna()).map((l) => [l.kind, l.id, l.billable])).toEqual([['ecs-cluster', 'ana-cluster', false]]);
    expect(aws.ecs.commandCalls(DescribeServicesCommand)).toHaveLength(0);
    expect(aws.ecs.commandCalls(DescribeTasksCommand)).toHaveLength(0);
  });
});

describe('Auto Scaling groups by tags, every page', () => {
  beforeEach(() => resetAws());

  test('a group on the second page is found, by tags', async () => {
    // DescribeAutoScalingGroups pages with NextToken and filters by tag:<key>
    // (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeAutoScalingGroups.html).
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [], NextToken: 't2' });
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand, { NextToken: 't2' }).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: 'lab-fleet' } as any] });
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ['lab-fleet'] }).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: 'lab-fleet' } as any] });
    expect((await scanAna()).map((l) => [l.kind, l.id, l.foundBy])).toEqual([['auto-scaling-group', 'lab-fleet', 'tags']]);
  });
});

describe('a resource both recorded by a deleted stack and tagged', () => {
  beforeEach(() => resetAws());

  test('is reported once, as found by the stack\'s record', async () => {
    aws.tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [{ ResourceARN: 'arn:aws:s3:::class-lab-ana-bucket' }] });
    aws.s3.on(HeadBucketCommand).resolves({});
    expect((await scanAna([{ type: 'AWS::S3::Bucket', physicalId: 'class-lab-ana-bucket' }])).map((l) => [l.kind, l.id, l.foundBy])).toEqual([['bucket', 'class-lab-ana-bucket', 'stack']]);
  });
});

describe('a launch template probe', () => {
  beforeEach(() => resetAws());

  test('an answer without the template is no leftover', async () => {
    aws.tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [{ ResourceARN: 'arn:aws:ec2:us-east-1:111122223333:launch-template/lt-0abc' }] });
    aws.ec2.on(DescribeLaunchTemplatesCommand).resolves({});
    expect(await scanAna()).toEqual([]);
    aws.ec2.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [] });
    expect(await scanAna()).toEqual([]);
  });
});

describe('students named by the kit\'s tags (teardown --all)', () => {
  beforeEach(() => resetAws());
  const mapping = (arn: string, tags?: Tags) => ({ ResourceARN: arn, ...(tags ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } : {}) });

  test('every page is read; each student once, in order; a resource without a student tag names no one', async () => {
    // GetResources pages with PaginationToken; the last page's token is empty
    // (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html).
    aws.tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [mapping('arn:aws:s3:::b-carla', studentTags('carla')), mapping('arn:aws:s3:::shared', { ...KIT_TAGS })], PaginationToken: 'p2' });
    aws.tagging.on(GetResourcesCommand, { PaginationToken: 'p2' }).resolves({ ResourceTagMappingList: [mapping('arn:aws:s3:::b-ana', studentTags('ana')), mapping('arn:aws:s3:::untagged-view'), mapping('arn:aws:s3:::b-carla-2', studentTags('carla'))], PaginationToken: '' });
    expect(await taggedStudents(testClients(), new VirtualClock())).toStrictEqual(['ana', 'carla']);
    expect(aws.tagging.commandCalls(GetResourcesCommand).map((c) => c.args[0].input)).toEqual([
      { TagFilters: [{ Key: 'managed-by', Values: ['class-lab-kit'] }, { Key: 'course', Values: [KIT_TAGS.course] }], PaginationToken: undefined },
      { TagFilters: [{ Key: 'managed-by', Values: ['class-lab-kit'] }, { Key: 'course', Values: [KIT_TAGS.course] }], PaginationToken: 'p2' },
    ]);
  });
});
