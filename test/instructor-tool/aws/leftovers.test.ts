import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchTemplatesCommand } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { DescribeClustersCommand, DescribeServicesCommand, ListClustersCommand, ListServicesCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { BILLABLE, candidateFromArn, candidatesFromRecord, deleteCommand } from '../../../lib/instructor-tool/aws/leftover-kinds';
import { scanLeftovers } from '../../../lib/instructor-tool/aws/leftovers';
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
