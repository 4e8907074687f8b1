/**
 * The last resort's own deletes (sweepResource): after a FORCE_DELETE_STACK, each resource
 * CloudFormation skipped is deleted by the tool, in dependency order (sweepRank), EC2's
 * DependencyViolation retried within the interface wait, and a resource already gone counted
 * as done. What the tool cannot delete comes back as a sentence telling the user to do it by hand.
 */
import { DeleteAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteInternetGatewayCommand, DeleteNetworkInterfaceCommand, DeleteSecurityGroupCommand, DeleteSubnetCommand, DeleteVpcCommand,
  DescribeNetworkInterfacesCommand, DetachInternetGatewayCommand,
} from '@aws-sdk/client-ec2';
import { DeleteRepositoryCommand } from '@aws-sdk/client-ecr';
import { DeleteClusterCommand, DeleteServiceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DeleteLoadBalancerCommand, DeleteTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DeleteHostedZoneCommand, GetHostedZoneCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { SiblingResource } from '../../../lib/instructor-tool/teardown/blockers';
import { BlockerContext } from '../../../lib/instructor-tool/teardown/context';
import { sweepRank, sweepResource } from '../../../lib/instructor-tool/teardown/sweep-resource';
import { aws, resetAws } from '../support/aws-mocks';
import { ACCOUNT, awsError, testClients, VirtualClock } from '../support/harness';

let clock: VirtualClock;
let progress: string[];
const ctx = (bounds: { eniWaitMs?: number; eniPollMs?: number } = {}): BlockerContext => ({
  clients: testClients(), clock, eniWaitMs: bounds.eniWaitMs ?? 10 * 60_000, eniPollMs: bounds.eniPollMs ?? 15_000, progress: (t) => progress.push(t),
});

const ROOT = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/ClassLabStack-ana/11111111-1111-1111-1111-111111111111`;
const NESTED = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/ClassLabStack-ana-NetworkNestedStack-NESTED/22222222-2222-2222-2222-222222222222`;
const LB = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/lab-ana/0123456789abcdef`;
const TG = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/fleet-ana/0123456789abcdef`;
const SERVICE = `arn:aws:ecs:us-east-1:${ACCOUNT}:service/lab-ana/app`;

/** The EC2 calls made, by command name, in order. */
const ec2Calls = () => aws.ec2.calls().map((c) => (c.args[0] as any).constructor.name.replace(/Command$/, ''));

beforeEach(() => {
  resetAws();
  clock = new VirtualClock();
  progress = [];
});

describe('dependency order: what uses a resource is deleted before it', () => {
  test('services and groups, then the load balancer and its target groups, then storage, then the network from the outside in, the VPC last', () => {
    // Why each goes before the next, as AWS answers otherwise:
    // - DeleteCluster fails while the cluster has services (ClusterContainsServicesException):
    //   https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html
    // - a target group in use by a load balancer's listener cannot be deleted (ResourceInUse):
    //   https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html
    // - an internet gateway must be detached before it is deleted, and a VPC needs its gateway,
    //   security groups and subnets gone: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpc.html
    // The input is shuffled so that a type that lost its place (ranked with storage) shows.
    const skipped = [
      'AWS::EC2::VPC', 'AWS::S3::Bucket', 'AWS::EC2::Subnet', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::EC2::SecurityGroup',
      'AWS::ECS::Cluster', 'AWS::EC2::InternetGateway', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::EC2::VPCGatewayAttachment',
      'AWS::AutoScaling::AutoScalingGroup', 'AWS::ECS::Service', 'AWS::Logs::LogGroup',
    ];
    const order = [...skipped].sort((a, b) => sweepRank(a) - sweepRank(b));
    expect(order).toEqual([
      'AWS::ECS::Service', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::ECS::Cluster',
      'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancingV2::TargetGroup',
      // Types the order does not name go with storage, in the order they came.
      'AWS::S3::Bucket', 'AWS::Logs::LogGroup',
      'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::InternetGateway', 'AWS::EC2::SecurityGroup', 'AWS::EC2::Subnet', 'AWS::EC2::VPC',
    ]);
  });

  test('a type the order does not name (a queue, a table) is neither first nor with the network', () => {
    const rank = sweepRank('AWS::SQS::Queue');
    expect(rank).toBe(sweepRank('AWS::DynamoDB::Table'));
    expect(rank).toBeGreaterThan(sweepRank('AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(rank).toBeLessThan(sweepRank('AWS::EC2::VPCGatewayAttachment'));
  });
});

describe('what runs, and the load balancer', () => {
  test('an ECS service: scaled to 0 and force-deleted, done', async () => {
    aws.ecs.on(UpdateServiceCommand).resolves({});
    aws.ecs.on(DeleteServiceCommand).resolves({});
    // DescribeServices answers the service as MISSING (the resetAws default): it is gone.
    await expect(sweepResource(ctx(), 'AWS::ECS::Service', SERVICE)).resolves.toEqual({ done: true, text: 'deleted ECS service app (scaled to 0, force delete; 0s)' });
    expect(aws.ecs.commandCalls(DeleteServiceCommand).map((c) => c.args[0].input)).toEqual([{ cluster: 'lab-ana', service: 'app', force: true }]);
  });

  test('an ECS cluster without services is deleted by its name', async () => {
    aws.ecs.on(DeleteClusterCommand).resolves({});
    await expect(sweepResource(ctx(), 'AWS::ECS::Cluster', 'lab-ana')).resolves.toEqual({ done: true, text: 'deleted ECS cluster lab-ana' });
    expect(aws.ecs.commandCalls(DeleteClusterCommand).map((c) => c.args[0].input)).toEqual([{ cluster: 'lab-ana' }]);
  });

  test('an Auto Scaling group: force-deleted with its instances, done once DescribeAutoScalingGroups no longer lists it', async () => {
    // https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteAutoScalingGroup.html
    aws.autoscaling.on(DeleteAutoScalingGroupCommand).resolves({});
    await expect(sweepResource(ctx(), 'AWS::AutoScaling::AutoScalingGroup', 'asg-ana')).resolves.toEqual({ done: true, text: 'deleted Auto Scaling group asg-ana and its instances (force delete; 0s)' });
    expect(aws.autoscaling.commandCalls(DeleteAutoScalingGroupCommand).map((c) => c.args[0].input)).toEqual([{ AutoScalingGroupName: 'asg-ana', ForceDelete: true }]);
  });

  test('a load balancer is deleted by its ARN, and only the load balancer', async () => {
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteLoadBalancer.html
    aws.elbv2.on(DeleteLoadBalancerCommand).resolves({});
    await expect(sweepResource(ctx(), 'AWS::ElasticLoadBalancingV2::LoadBalancer', LB)).resolves.toEqual({ done: true, text: `deleted load balancer ${LB}` });
    expect(aws.elbv2.commandCalls(DeleteLoadBalancerCommand).map((c) => c.args[0].input)).toEqual([{ LoadBalancerArn: LB }]);
    expect(aws.elbv2.commandCalls(DeleteTargetGroupCommand)).toEqual([]);
  });

  test('a target group is deleted by its ARN, and only the target group', async () => {
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html
    aws.elbv2.on(DeleteTargetGroupCommand).resolves({});
    await expect(sweepResource(ctx(), 'AWS::ElasticLoadBalancingV2::TargetGroup', TG)).resolves.toEqual({ done: true, text: `deleted target group ${TG}` });
    expect(aws.elbv2.commandCalls(DeleteTargetGroupCommand).map((c) => c.args[0].input)).toEqual([{ TargetGroupArn: TG }]);
    expect(aws.ec2.commandCalls(DeleteInternetGatewayCommand)).toEqual([]);
  });

  test('a load balancer already gone (LoadBalancerNotFound) counts as done', async () => {
    aws.elbv2.on(DeleteLoadBalancerCommand).rejects(awsError('LoadBalancerNotFoundException', 'One or more load balancers not found'));
    await expect(sweepResource(ctx(), 'AWS::ElasticLoadBalancingV2::LoadBalancer', LB)).resolves.toEqual({ done: true, text: `deleted load balancer ${LB}` });
  });
});

describe('storage', () => {
  test('a bucket: every object version goes first, then the bucket', async () => {
    // A bucket must be empty, versions included, before DeleteBucket:
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html
    aws.s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: 'notes.txt', VersionId: 'v1' }], IsTruncated: false });
    aws.s3.on(DeleteObjectsCommand).resolves({});
    aws.s3.on(DeleteBucketCommand).resolves({});
    await expect(sweepResource(ctx(), 'AWS::S3::Bucket', 'class-lab-ana-bucket')).resolves.toEqual({ done: true, text: 'deleted bucket class-lab-ana-bucket' });
    expect(aws.s3.calls().map((c) => (c.args[0] as any).constructor.name)).toEqual(['ListObjectVersionsCommand', 'DeleteObjectsCommand', 'DeleteBucketCommand']);
    expect(aws.s3.commandCalls(DeleteBucketCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'class-lab-ana-bucket' }]);
  });

  test('an ECR repository is deleted with force, so its images go with it', async () => {
    // force: "If true, deleting the repository force deletes the contents of the repository."
    // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html
    aws.ecr.on(DeleteRepositoryCommand).resolves({});
    await expect(sweepResource(ctx(), 'AWS::ECR::Repository', 'class-lab-ana-app')).resolves.toEqual({ done: true, text: 'deleted repository class-lab-ana-app and its images' });
    expect(aws.ecr.commandCalls(DeleteRepositoryCommand).map((c) => c.args[0].input)).toEqual([{ repositoryName: 'class-lab-ana-app', force: true }]);
  });

  test('a log group is deleted by its name; one already gone (ResourceNotFoundException) counts as done', async () => {
    // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html
    aws.logs.on(DeleteLogGroupCommand).resolvesOnce({}).rejects(awsError('ResourceNotFoundException', 'The specified log group does not exist.'));
    await expect(sweepResource(ctx(), 'AWS::Logs::LogGroup', 'ClassLabStack-ana-AppLogs')).resolves.toEqual({ done: true, text: 'deleted log group ClassLabStack-ana-AppLogs' });
    await expect(sweepResource(ctx(), 'AWS::Logs::LogGroup', 'ClassLabStack-ana-AppLogs')).resolves.toEqual({ done: true, text: 'deleted log group ClassLabStack-ana-AppLogs' });
    expect(aws.logs.commandCalls(DeleteLogGroupCommand).map((c) => c.args[0].input)).toEqual([{ logGroupName: 'ClassLabStack-ana-AppLogs' }, { logGroupName: 'ClassLabStack-ana-AppLogs' }]);
  });

  test('a hosted zone: the records the stack did not create go first, then the zone', async () => {
    // A zone with records other than the apex SOA and NS cannot be deleted (HostedZoneNotEmpty):
    // https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteHostedZone.html
    aws.route53.on(GetHostedZoneCommand).resolves({ HostedZone: { Id: '/hostedzone/Z0ANA', Name: 'ana.class.internal.', CallerReference: 'x' } });
    aws.route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        { Name: 'ana.class.internal.', Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org. hostmaster 1 7200 900 1209600 86400' }] },
        { Name: 'ana.class.internal.', Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }] },
      ],
      IsTruncated: false, MaxItems: 100,
    });
    aws.route53.on(DeleteHostedZoneCommand).resolves({ ChangeInfo: { Id: 'c1', Status: 'PENDING', SubmittedAt: new Date() } });
    await expect(sweepResource(ctx(), 'AWS::Route53::HostedZone', 'Z0ANA')).resolves.toEqual({ done: true, text: 'deleted hosted zone Z0ANA' });
    expect(aws.route53.commandCalls(DeleteHostedZoneCommand).map((c) => c.args[0].input)).toEqual([{ Id: 'Z0ANA' }]);
  });
});

describe('the network: interfaces freed first, DependencyViolation retried within the wait', () => {
  // The filters DescribeNetworkInterfaces takes for the interfaces of a group, subnet or VPC:
  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNetworkInterfaces.html
  // A leftover interface keeps them from deleting (DependencyViolation):
  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
  const leftoverEni = (id: string) => ({ NetworkInterfaceId: id, Status: 'available' as const, InterfaceType: 'interface' as const, Description: 'left by a deleted load balancer' });

  test.each([
    ['AWS::EC2::SecurityGroup', 'sg-0ana', 'group-id', 'DeleteSecurityGroup', 'deleted security group sg-0ana'],
    ['AWS::EC2::Subnet', 'subnet-0ana', 'subnet-id', 'DeleteSubnet', 'deleted subnet subnet-0ana'],
    ['AWS::EC2::VPC', 'vpc-0ana', 'vpc-id', 'DeleteVpc', 'deleted VPC vpc-0ana'],
  ])('%s: its leftover interface is deleted, then it is', async (type, id, filter, deleteCall, text) => {
    aws.ec2.on(DescribeNetworkInterfacesCommand, { Filters: [{ Name: filter, Values: [id] }] })
      .resolvesOnce({ NetworkInterfaces: [leftoverEni('eni-0left')] })
      .resolves({ NetworkInterfaces: [] });
    aws.ec2.on(DeleteNetworkInterfaceCommand).resolves({});
    aws.ec2.on(DeleteSecurityGroupCommand).resolves({});
    aws.ec2.on(DeleteSubnetCommand).resolves({});
    aws.ec2.on(DeleteVpcCommand).resolves({});
    await expect(sweepResource(ctx(), type, id)).resolves.toEqual({ done: true, text });
    expect(aws.ec2.commandCalls(DeleteNetworkInterfaceCommand).map((c) => c.args[0].input)).toEqual([{ NetworkInterfaceId: 'eni-0left' }]);
    const calls = ec2Calls().filter((c) => c.startsWith('Delete'));
    expect(calls).toEqual(['DeleteNetworkInterface', deleteCall]);
  });

  test('each is deleted by its own id', async () => {
    aws.ec2.on(DeleteSecurityGroupCommand).resolves({});
    aws.ec2.on(DeleteSubnetCommand).resolves({});
    aws.ec2.on(DeleteVpcCommand).resolves({});
    aws.ec2.on(DeleteInternetGatewayCommand).resolves({});
    await sweepResource(ctx(), 'AWS::EC2::SecurityGroup', 'sg-0ana');
    await sweepResource(ctx(), 'AWS::EC2::Subnet', 'subnet-0ana');
    await sweepResource(ctx(), 'AWS::EC2::VPC', 'vpc-0ana');
    await expect(sweepResource(ctx(), 'AWS::EC2::InternetGateway', 'igw-0ana')).resolves.toEqual({ done: true, text: 'deleted internet gateway igw-0ana' });
    expect(aws.ec2.commandCalls(DeleteSecurityGroupCommand).map((c) => c.args[0].input)).toEqual([{ GroupId: 'sg-0ana' }]);
    expect(aws.ec2.commandCalls(DeleteSubnetCommand).map((c) => c.args[0].input)).toEqual([{ SubnetId: 'subnet-0ana' }]);
    expect(aws.ec2.commandCalls(DeleteVpcCommand).map((c) => c.args[0].input)).toEqual([{ VpcId: 'vpc-0ana' }]);
    expect(aws.ec2.commandCalls(DeleteInternetGatewayCommand).map((c) => c.args[0].input)).toEqual([{ InternetGatewayId: 'igw-0ana' }]);
  });

  test('a subnet already gone (InvalidSubnetID.NotFound) counts as done', async () => {
    aws.ec2.on(DeleteSubnetCommand).rejects(awsError('InvalidSubnetID.NotFound', "The subnet ID 'subnet-0ana' does not exist"));
    await expect(sweepResource(ctx(), 'AWS::EC2::Subnet', 'subnet-0ana')).resolves.toEqual({ done: true, text: 'deleted subnet subnet-0ana' });
  });

  test('EC2 answers DependencyViolation for a while (eventual consistency): waited for, said so, tried again until it deletes', async () => {
    // AWS's advice: retry with backoff. https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html
    aws.ec2.on(DeleteSecurityGroupCommand)
      .rejectsOnce(awsError('DependencyViolation', 'resource sg-0ana has a dependent object'))
      .rejectsOnce(awsError('DependencyViolation', 'resource sg-0ana has a dependent object'))
      .resolves({});
    await expect(sweepResource(ctx(), 'AWS::EC2::SecurityGroup', 'sg-0ana')).resolves.toEqual({ done: true, text: 'deleted security group sg-0ana' });
    expect(aws.ec2.commandCalls(DeleteSecurityGroupCommand)).toHaveLength(3);
    expect(clock.sleeps).toEqual([15_000, 30_000]);
    expect(progress).toEqual([
      '  deleted security group sg-0ana: resource sg-0ana has a dependent object; trying again in 15s',
      '  deleted security group sg-0ana: resource sg-0ana has a dependent object; trying again in 30s',
    ]);
  });

  test('a DependencyViolation that outlasts the wait is the error: tried again up to the bound, never past it', async () => {
    // Wait 45s, backoff 15s then 30s: the tries at 0s, 15s and 45s fit in the wait (the last one
    // exactly at its end); the next pause (60s) would go past it.
    const violation = awsError('DependencyViolation', "The vpc 'vpc-0ana' has dependencies and cannot be deleted.");
    aws.ec2.on(DeleteVpcCommand).rejects(violation);
    await expect(sweepResource(ctx({ eniWaitMs: 45_000 }), 'AWS::EC2::VPC', 'vpc-0ana')).rejects.toBe(violation);
    expect(aws.ec2.commandCalls(DeleteVpcCommand)).toHaveLength(3);
    expect(clock.sleeps).toEqual([15_000, 30_000]);
    expect(clock.elapsed()).toBe(45_000);
  });

  test('any other refusal is not waited for: it is the error at once', async () => {
    const denied = awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.');
    aws.ec2.on(DeleteSubnetCommand).rejects(denied);
    await expect(sweepResource(ctx(), 'AWS::EC2::Subnet', 'subnet-0ana')).rejects.toBe(denied);
    expect(aws.ec2.commandCalls(DeleteSubnetCommand)).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('the internet gateway attachment', () => {
  // Its physical id is the type's compound identifier, AttachmentType|VpcId ("IGW|vpc-..."):
  // https://docs.aws.amazon.com/cloudcontrolapi/latest/userguide/resource-identifier.html
  // It names no gateway, so the gateway is the one the stack recorded.
  const ATTACHMENT = 'IGW|vpc-0abc1234';
  const gw = (stackId: string, physicalId: string): SiblingResource => ({ stackId, type: 'AWS::EC2::InternetGateway', physicalId });
  const vpcOf = (stackId: string, physicalId: string): SiblingResource => ({ stackId, type: 'AWS::EC2::VPC', physicalId });

  beforeEach(() => {
    aws.ec2.on(DetachInternetGatewayCommand).resolves({});
  });

  const detached = () => aws.ec2.commandCalls(DetachInternetGatewayCommand).map((c) => c.args[0].input);

  test('the VPC from the id, the gateway the stack recorded: detached once no interface of the VPC has a public address', async () => {
    // DetachInternetGateway: "The VPC must not contain any running instances with Elastic IP addresses or public IPv4 addresses."
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachInternetGateway.html
    aws.ec2.on(DescribeNetworkInterfacesCommand, { Filters: [{ Name: 'vpc-id', Values: ['vpc-0abc1234'] }] })
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0task', Association: { PublicIp: '198.51.100.7' }, Description: 'ECS task' }] })
      .resolves({ NetworkInterfaces: [] });
    const result = await sweepResource(ctx(), 'AWS::EC2::VPCGatewayAttachment', ATTACHMENT, [gw(NESTED, 'igw-0aaa')], NESTED);
    expect(result).toEqual({ done: true, text: 'detached igw-0aaa from vpc-0abc1234' });
    expect(detached()).toEqual([{ InternetGatewayId: 'igw-0aaa', VpcId: 'vpc-0abc1234' }]);
    expect(ec2Calls()).toEqual(['DescribeNetworkInterfaces', 'DescribeNetworkInterfaces', 'DetachInternetGateway']);
    expect(progress).toContain('  no public addresses left in vpc-0abc1234 (waited 15s)');
  });

  test('the VPC named in the id wins over a VPC the stacks recorded', async () => {
    await sweepResource(ctx(), 'AWS::EC2::VPCGatewayAttachment', ATTACHMENT, [vpcOf(NESTED, 'vpc-0fff9999'), gw(NESTED, 'igw-0aaa')], NESTED);
    expect(detached()).toEqual([{ InternetGatewayId: 'igw-0aaa', VpcId: 'vpc-0abc1234' }]);
  });

  test('the gateway of the attachment\'s own stack, when the stacks recorded more than one', async () => {
    const recorded = [gw(ROOT, 'igw-0111'), gw(NESTED, 'igw-0222')];
    await expect(sweepResource(ctx(), 'AWS::EC2::VPCGatewayAttachment', ATTACHMENT, recorded, NESTED)).resolves.toEqual({ done: true, text: 'detached igw-0222 from vpc-0abc1234' });
    expect(detached()).toEqual([{ InternetGatewayId: 'igw-0222', VpcId: 'vpc-0abc1234' }]);
  });

  test('the only gateway the stacks recorded, even in another stack of the lab', async () => {
    await expect(sweepResource(ctx(), 'AWS::EC2::VPCGatewayAttachment', ATTACHMENT, [gw(ROOT, 'igw-0111')], NESTED)).resolves.toEqual({ done: true, text: 'detached igw-0111 from vpc-0abc1234' });
    expect(detached()).toEqual([{ InternetGatewayId: 'igw-0111', VpcId: 'vpc-0abc1234' }]);
  });

  test('two gateways in other stacks: no guess; the user is told to detach it by hand', async () => {
    const recorded = [gw(ROOT, 'igw-0111'), gw(ROOT, 'igw-0333')];
    await expect(sweepResource(ctx(), 'AWS::EC2::VPCGatewayAttachment', ATTACHMENT, recorded, NESTED)).resolves.toEqual({
      done: false, text: 'internet gateway attachment IGW|vpc-0abc1234 was retained and the stack recorded no internet gateway: detach it by hand',
    });
    expect(detached()).toEqual([]);
  });

  test('no gateway recorded: not detached, the user is told to detach it by hand', async () => {
    await expect(sweepResource(ctx(), 'AWS::EC2::VPCGatewayAttachment', ATTACHMENT, [vpcOf(NESTED, 'vpc-0abc1234')], NESTED)).resolves.toEqual({
      done: false, text: 'internet gateway attachment IGW|vpc-0abc1234 was retained and the stack recorded no internet gateway: detach it by hand',
    });
    await expect(sweepResource(ctx(), 'AWS::EC2::VPCGatewayAttachment', ATTACHMENT)).resolves.toMatchObject({ done: false });
    expect(detached()).toEqual([]);
  });

  test('an id that names no VPC: the VPC the stack recorded; none recorded, the user is told', async () => {
    const legacy = 'ClassL-Netwo-1QRSTUVWXYZ12';
    await expect(sweepResource(ctx(), 'AWS::EC2::VPCGatewayAttachment', legacy, [gw(NESTED, 'igw-0aaa'), vpcOf(NESTED, 'vpc-0def5678')], NESTED))
      .resolves.toEqual({ done: true, text: 'detached igw-0aaa from vpc-0def5678' });
    expect(detached()).toEqual([{ InternetGatewayId: 'igw-0aaa', VpcId: 'vpc-0def5678' }]);
    await expect(sweepResource(ctx(), 'AWS::EC2::VPCGatewayAttachment', legacy, [gw(NESTED, 'igw-0aaa')], NESTED)).resolves.toEqual({
      done: false, text: `internet gateway attachment ${legacy} was retained and the stack recorded no VPC: detach it by hand`,
    });
    expect(detached()).toHaveLength(1);
  });

  test('an id that names the gateway too: that gateway, whole, not a recorded one', async () => {
    await expect(sweepResource(ctx(), 'AWS::EC2::VPCGatewayAttachment', 'igw-0abc5678|vpc-0abc1234', [gw(NESTED, 'igw-0aaa')], NESTED))
      .resolves.toEqual({ done: true, text: 'detached igw-0abc5678 from vpc-0abc1234' });
    expect(detached()).toEqual([{ InternetGatewayId: 'igw-0abc5678', VpcId: 'vpc-0abc1234' }]);
  });

  test('a gateway no longer attached (Gateway.NotAttached) counts as done', async () => {
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (Gateway.NotAttached)
    aws.ec2.on(DetachInternetGatewayCommand).rejects(awsError('Gateway.NotAttached', 'resource igw-0aaa is not attached to network vpc-0abc1234'));
    await expect(sweepResource(ctx(), 'AWS::EC2::VPCGatewayAttachment', ATTACHMENT, [gw(NESTED, 'igw-0aaa')], NESTED))
      .resolves.toEqual({ done: true, text: 'igw-0aaa was already detached from vpc-0abc1234' });
  });

  test('any other refusal to detach is the error, never "detached"', async () => {
    const denied = awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.');
    aws.ec2.on(DetachInternetGatewayCommand).rejects(denied);
    await expect(sweepResource(ctx(), 'AWS::EC2::VPCGatewayAttachment', ATTACHMENT, [gw(NESTED, 'igw-0aaa')], NESTED)).rejects.toBe(denied);
    expect(detached()).toHaveLength(1);
  });
});

describe('what the tool does not delete', () => {
  test('a custom resource has nothing of its own in the account: done, nothing called', async () => {
    await expect(sweepResource(ctx(), 'Custom::S3AutoDeleteObjects', 'a1b2c3')).resolves.toEqual({ done: true, text: 'Custom::S3AutoDeleteObjects a1b2c3 has no resource of its own to delete' });
    await expect(sweepResource(ctx(), 'AWS::CloudFormation::CustomResource', 'd4e5f6')).resolves.toEqual({ done: true, text: 'AWS::CloudFormation::CustomResource d4e5f6 has no resource of its own to delete' });
    expect(aws.ec2.calls()).toEqual([]);
  });

  test('a type the tool cannot delete: not done, and the user is told to delete it by hand', async () => {
    const queue = `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/class-lab-ana-jobs`;
    await expect(sweepResource(ctx(), 'AWS::SQS::Queue', queue)).resolves.toEqual({
      done: false, text: `AWS::SQS::Queue ${queue} was retained and the tool cannot delete that type: delete it by hand`,
    });
  });
});
