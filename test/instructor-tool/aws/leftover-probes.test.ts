/**
 * The scan's per-kind look-ups: a candidate leftover (from a deleted stack's record or from the
 * kit's tags) is reported only while its own service still describes it, and then with the right
 * billable flag and the command that deletes it. For each kind: the answer AWS gives while the
 * resource is there, the answers it gives once it is gone (an empty list, a not-found error, or
 * the terminal state a describe keeps showing for a while), access denied ("cannot tell": still
 * reported, marked unverified), and that the request names the candidate.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeAddressesCommand, DescribeInstancesCommand, DescribeInternetGatewaysCommand, DescribeNatGatewaysCommand, DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, DescribeSnapshotsCommand, DescribeSubnetsCommand, DescribeVolumesCommand, DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { DescribeClustersCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeRulesCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { INACTIVE_TASK_DEFINITION_NOTE, scanLeftovers } from '../../../lib/instructor-tool/aws/leftovers';
import { LeftoverKind } from '../../../lib/instructor-tool/aws/leftover-kinds';
import { aws, resetAws } from '../support/aws-mocks';
import { awsError, testClients, VirtualClock } from '../support/harness';

const cloudformation = mockClient(CloudFormationClient);
const ACCT = '111122223333';
const ARN = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCT}:${resource}`;

beforeEach(() => {
  resetAws();
  cloudformation.reset();
});

/** The scan of student ana, with the given deleted-stack records. */
const scan = (recorded: Array<{ type: string; physicalId: string }> = [], clock = new VirtualClock()) => scanLeftovers(testClients(), clock, 'ana', recorded);

/** How the candidate reaches the scan: a deleted stack recorded it, or the tagging API still lists its ARN. */
type Source = { recorded: string } | { tagged: string };

interface Row {
  readonly kind: LeftoverKind;
  readonly id: string;
  readonly source: Source;
  readonly client: any;
  readonly command: any;
  /** What the probe must send: the candidate's id, in the field its API takes. */
  readonly input: Record<string, unknown>;
  /** Answers while it is there, each with the billable flag the report must carry. */
  readonly present: ReadonlyArray<readonly [answer: object, billable: boolean, note?: string]>;
  /** Answers once it is gone: responses (an Error is thrown by the call). */
  readonly gone: ReadonlyArray<object>;
  /** The error AWS gives a caller without the read permission. */
  readonly denied: Error;
  /** Billable when the tool cannot tell (access denied). */
  readonly billableUnverified: boolean;
  readonly deleteCommand: string;
}

const answer = (stub: any, value: object) => (value instanceof Error ? stub.rejects(value) : stub.resolves(value));
/** The records to scan with; a tagged candidate is listed by the tagging API instead. */
const recordedOf = (row: Row) => {
  if ('recorded' in row.source) return [{ type: row.source.recorded, physicalId: row.id }];
  aws.tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [{ ResourceARN: row.source.tagged }] });
  return [];
};
const foundBy = (row: Row) => ('recorded' in row.source ? 'stack' : 'tags');
const ec2Denied = () => awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.');

const TASK = ARN('ecs', 'task/lab-cluster/0a1b2c3d4e5f');
const SERVICE = ARN('ecs', 'service/lab-cluster/app');
const LB = ARN('elasticloadbalancing', 'loadbalancer/app/lab/50dc6c495c0c9188');
const TG = ARN('elasticloadbalancing', 'targetgroup/fleet/73e2d6bc24d8a067');
const LISTENER = ARN('elasticloadbalancing', 'listener/app/lab/50dc6c495c0c9188/f2f7dc8efc522ab2');
const RULE = ARN('elasticloadbalancing', 'listener-rule/app/lab/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee');
const STACK = ARN('cloudformation', 'stack/ClassLabStack-ana/0a1b2c3d-0000-0000-0000-000000000000');
// Fixed, so that test names (which print the answers) are the same on every run.
const CREATED = new Date('2026-03-01T09:00:00Z');
const TASK_DEFINITION = ARN('ecs', 'task-definition/ClassLabStackanaTaskDef:3');

const ROWS: Row[] = [
  // EC2 keeps describing a terminated instance for about an hour; "Recently terminated instances
  // might appear in the returned results" and an instance you do not own is left out
  // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html). A stopped
  // instance is still there: its volumes bill.
  {
    kind: 'instance', id: 'i-0abc', source: { recorded: 'AWS::EC2::Instance' }, client: aws.ec2, command: DescribeInstancesCommand, input: { InstanceIds: ['i-0abc'] },
    present: [
      [{ Reservations: [{ Instances: [{ InstanceId: 'i-0abc', State: { Name: 'running' } }] }] }, true],
      [{ Reservations: [{ Instances: [{ InstanceId: 'i-0abc', State: { Name: 'stopped' } }] }] }, true],
      [{ Reservations: [{ Instances: [{ InstanceId: 'i-0abc', State: { Name: 'shutting-down' } }] }] }, true],
    ],
    gone: [
      { Reservations: [{ Instances: [{ InstanceId: 'i-0abc', State: { Name: 'terminated' } }] }] },
      {}, { Reservations: [] }, { Reservations: [{}] }, { Reservations: [{ Instances: [] }] },
      awsError('InvalidInstanceID.NotFound', "The instance ID 'i-0abc' does not exist"),
    ],
    denied: ec2Denied(), billableUnverified: true, deleteCommand: 'aws ec2 terminate-instances --instance-ids i-0abc',
  },
  {
    kind: 'volume', id: 'vol-0abc', source: { recorded: 'AWS::EC2::Volume' }, client: aws.ec2, command: DescribeVolumesCommand, input: { VolumeIds: ['vol-0abc'] },
    present: [[{ Volumes: [{ VolumeId: 'vol-0abc', State: 'available' }] }, true]],
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (InvalidVolume.NotFound)
    gone: [{}, { Volumes: [] }, awsError('InvalidVolume.NotFound', "The volume 'vol-0abc' does not exist.")],
    denied: ec2Denied(), billableUnverified: true, deleteCommand: 'aws ec2 delete-volume --volume-id vol-0abc',
  },
  {
    kind: 'snapshot', id: 'snap-0abc', source: { tagged: 'arn:aws:ec2:us-east-1::snapshot/snap-0abc' }, client: aws.ec2, command: DescribeSnapshotsCommand, input: { SnapshotIds: ['snap-0abc'] },
    present: [[{ Snapshots: [{ SnapshotId: 'snap-0abc', State: 'completed' }] }, true]],
    gone: [{}, { Snapshots: [] }, awsError('InvalidSnapshot.NotFound', "The snapshot 'snap-0abc' does not exist.")],
    denied: ec2Denied(), billableUnverified: true, deleteCommand: 'aws ec2 delete-snapshot --snapshot-id snap-0abc',
  },
  // A public IPv4 address bills by the hour, in use or not (https://aws.amazon.com/vpc/pricing/);
  // EC2 names it in the interface's Association.PublicIp
  // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterfaceAssociation.html).
  {
    kind: 'network-interface', id: 'eni-0abc', source: { recorded: 'AWS::EC2::NetworkInterface' }, client: aws.ec2, command: DescribeNetworkInterfacesCommand,
    input: { NetworkInterfaceIds: ['eni-0abc'] },
    present: [
      [{ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0abc', Association: { PublicIp: '198.51.100.7' } }] }, true],
      [{ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0abc' }] }, false],
      [{ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0abc', Association: { IpOwnerId: 'amazon' } }] }, false],
    ],
    gone: [{}, { NetworkInterfaces: [] }, awsError('InvalidNetworkInterfaceID.NotFound', "The networkInterface ID 'eni-0abc' does not exist")],
    denied: ec2Denied(), billableUnverified: false, deleteCommand: 'aws ec2 delete-network-interface --network-interface-id eni-0abc',
  },
  {
    kind: 'security-group', id: 'sg-0abc', source: { recorded: 'AWS::EC2::SecurityGroup' }, client: aws.ec2, command: DescribeSecurityGroupsCommand, input: { GroupIds: ['sg-0abc'] },
    present: [[{ SecurityGroups: [{ GroupId: 'sg-0abc' }] }, false]],
    gone: [{}, { SecurityGroups: [] }, awsError('InvalidGroup.NotFound', "The security group 'sg-0abc' does not exist")],
    denied: ec2Denied(), billableUnverified: false, deleteCommand: 'aws ec2 delete-security-group --group-id sg-0abc',
  },
  {
    kind: 'vpc', id: 'vpc-0abc', source: { recorded: 'AWS::EC2::VPC' }, client: aws.ec2, command: DescribeVpcsCommand, input: { VpcIds: ['vpc-0abc'] },
    present: [[{ Vpcs: [{ VpcId: 'vpc-0abc', State: 'available' }] }, false]],
    gone: [{}, { Vpcs: [] }, awsError('InvalidVpcID.NotFound', "The vpc ID 'vpc-0abc' does not exist")],
    denied: ec2Denied(), billableUnverified: false, deleteCommand: 'aws ec2 delete-vpc --vpc-id vpc-0abc',
  },
  // NAT gateway states: pending, failed, available, deleting ("may still be processing traffic"),
  // deleted; a deleted one stays visible for a while
  // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGateway.html,
  // https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html).
  {
    kind: 'nat-gateway', id: 'nat-0abc', source: { recorded: 'AWS::EC2::NatGateway' }, client: aws.ec2, command: DescribeNatGatewaysCommand, input: { NatGatewayIds: ['nat-0abc'] },
    present: [
      [{ NatGateways: [{ NatGatewayId: 'nat-0abc', State: 'available' }] }, true],
      [{ NatGateways: [{ NatGatewayId: 'nat-0abc', State: 'deleting' }] }, true],
    ],
    gone: [{ NatGateways: [{ NatGatewayId: 'nat-0abc', State: 'deleted' }] }, {}, { NatGateways: [] }, awsError('NatGatewayNotFound', 'The Nat Gateway nat-0abc was not found')],
    denied: ec2Denied(), billableUnverified: true, deleteCommand: 'aws ec2 delete-nat-gateway --nat-gateway-id nat-0abc',
  },
  // DescribeAddresses takes allocation ids or public IPs
  // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAddresses.html); a stack
  // records an AWS::EC2::EIP by its address (Ref returns the public IP), a tagged ARN names the allocation.
  {
    kind: 'elastic-ip', id: 'eipalloc-0abc', source: { tagged: ARN('ec2', 'elastic-ip/eipalloc-0abc') }, client: aws.ec2, command: DescribeAddressesCommand,
    input: { AllocationIds: ['eipalloc-0abc'] },
    present: [[{ Addresses: [{ AllocationId: 'eipalloc-0abc', PublicIp: '198.51.100.7' }] }, true]],
    gone: [{}, { Addresses: [] }, awsError('InvalidAllocationID.NotFound', "The allocation ID 'eipalloc-0abc' does not exist")],
    denied: ec2Denied(), billableUnverified: true, deleteCommand: 'aws ec2 release-address --allocation-id eipalloc-0abc',
  },
  {
    kind: 'elastic-ip', id: '198.51.100.7', source: { recorded: 'AWS::EC2::EIP' }, client: aws.ec2, command: DescribeAddressesCommand, input: { PublicIps: ['198.51.100.7'] },
    present: [[{ Addresses: [{ AllocationId: 'eipalloc-0abc', PublicIp: '198.51.100.7' }] }, true]],
    gone: [{}, { Addresses: [] }, awsError('InvalidAddress.NotFound', "Address '198.51.100.7' not found.")],
    denied: ec2Denied(), billableUnverified: true, deleteCommand: 'aws ec2 release-address --public-ip 198.51.100.7',
  },
  {
    kind: 'internet-gateway', id: 'igw-0abc', source: { tagged: ARN('ec2', 'internet-gateway/igw-0abc') }, client: aws.ec2, command: DescribeInternetGatewaysCommand,
    input: { InternetGatewayIds: ['igw-0abc'] },
    present: [[{ InternetGateways: [{ InternetGatewayId: 'igw-0abc' }] }, false]],
    gone: [{}, { InternetGateways: [] }, awsError('InvalidInternetGatewayID.NotFound', "The internetGateway ID 'igw-0abc' does not exist")],
    denied: ec2Denied(), billableUnverified: false,
    deleteCommand: 'aws ec2 delete-internet-gateway --internet-gateway-id igw-0abc (detach it first: aws ec2 detach-internet-gateway)',
  },
  {
    kind: 'subnet', id: 'subnet-0abc', source: { tagged: ARN('ec2', 'subnet/subnet-0abc') }, client: aws.ec2, command: DescribeSubnetsCommand, input: { SubnetIds: ['subnet-0abc'] },
    present: [[{ Subnets: [{ SubnetId: 'subnet-0abc' }] }, false]],
    gone: [{}, { Subnets: [] }, awsError('InvalidSubnetID.NotFound', "The subnet ID 'subnet-0abc' does not exist")],
    denied: ec2Denied(), billableUnverified: false, deleteCommand: 'aws ec2 delete-subnet --subnet-id subnet-0abc',
  },
  {
    kind: 'route-table', id: 'rtb-0abc', source: { tagged: ARN('ec2', 'route-table/rtb-0abc') }, client: aws.ec2, command: DescribeRouteTablesCommand, input: { RouteTableIds: ['rtb-0abc'] },
    present: [[{ RouteTables: [{ RouteTableId: 'rtb-0abc' }] }, false]],
    gone: [{}, { RouteTables: [] }, awsError('InvalidRouteTableID.NotFound', "The routeTable ID 'rtb-0abc' does not exist")],
    denied: ec2Denied(), billableUnverified: false, deleteCommand: 'aws ec2 delete-route-table --route-table-id rtb-0abc',
  },
  // ELBv2 answers an unknown ARN with LoadBalancerNotFound / TargetGroupNotFound / ListenerNotFound / RuleNotFound
  // (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeLoadBalancers.html, and the other Describe* pages).
  {
    kind: 'load-balancer', id: LB, source: { recorded: 'AWS::ElasticLoadBalancingV2::LoadBalancer' }, client: aws.elbv2, command: DescribeLoadBalancersCommand, input: { LoadBalancerArns: [LB] },
    present: [[{ LoadBalancers: [{ LoadBalancerArn: LB, State: { Code: 'active' } }] }, true]],
    gone: [{}, { LoadBalancers: [] }, awsError('LoadBalancerNotFoundException', 'One or more load balancers not found')],
    denied: awsError('AccessDenied', 'not authorized to perform: elasticloadbalancing:DescribeLoadBalancers'), billableUnverified: true,
    deleteCommand: `aws elbv2 delete-load-balancer --load-balancer-arn ${LB}`,
  },
  {
    kind: 'target-group', id: TG, source: { recorded: 'AWS::ElasticLoadBalancingV2::TargetGroup' }, client: aws.elbv2, command: DescribeTargetGroupsCommand, input: { TargetGroupArns: [TG] },
    present: [[{ TargetGroups: [{ TargetGroupArn: TG }] }, false]],
    gone: [{}, { TargetGroups: [] }, awsError('TargetGroupNotFoundException', 'One or more target groups not found')],
    denied: awsError('AccessDenied', 'not authorized to perform: elasticloadbalancing:DescribeTargetGroups'), billableUnverified: false,
    deleteCommand: `aws elbv2 delete-target-group --target-group-arn ${TG}`,
  },
  {
    kind: 'listener', id: LISTENER, source: { tagged: LISTENER }, client: aws.elbv2, command: DescribeListenersCommand, input: { ListenerArns: [LISTENER] },
    present: [[{ Listeners: [{ ListenerArn: LISTENER }] }, false]],
    gone: [{}, { Listeners: [] }, awsError('ListenerNotFoundException', 'One or more listeners not found')],
    denied: awsError('AccessDenied', 'not authorized to perform: elasticloadbalancing:DescribeListeners'), billableUnverified: false,
    deleteCommand: `aws elbv2 delete-listener --listener-arn ${LISTENER}`,
  },
  {
    kind: 'listener-rule', id: RULE, source: { tagged: RULE }, client: aws.elbv2, command: DescribeRulesCommand, input: { RuleArns: [RULE] },
    present: [[{ Rules: [{ RuleArn: RULE }] }, false]],
    gone: [{}, { Rules: [] }, awsError('RuleNotFoundException', 'One or more rules not found')],
    denied: awsError('AccessDenied', 'not authorized to perform: elasticloadbalancing:DescribeRules'), billableUnverified: false,
    deleteCommand: `aws elbv2 delete-rule --rule-arn ${RULE}`,
  },
  {
    kind: 'log-group', id: '/ecs/class-lab-ana', source: { recorded: 'AWS::Logs::LogGroup' }, client: aws.logs, command: DescribeLogGroupsCommand, input: { logGroupNamePrefix: '/ecs/class-lab-ana' },
    present: [[{ logGroups: [{ logGroupName: '/ecs/class-lab-ana' }] }, true]],
    gone: [{}, { logGroups: [] }],
    denied: awsError('AccessDeniedException', 'not authorized to perform: logs:DescribeLogGroups'), billableUnverified: true,
    deleteCommand: 'aws logs delete-log-group --log-group-name /ecs/class-lab-ana',
  },
  // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html (RepositoryNotFoundException)
  {
    kind: 'ecr-repository', id: 'class-lab-ana-app', source: { recorded: 'AWS::ECR::Repository' }, client: aws.ecr, command: DescribeRepositoriesCommand,
    input: { repositoryNames: ['class-lab-ana-app'] },
    present: [[{ repositories: [{ repositoryName: 'class-lab-ana-app' }] }, true]],
    gone: [{}, { repositories: [] }, awsError('RepositoryNotFoundException', "The repository with name 'class-lab-ana-app' does not exist in the registry")],
    denied: awsError('AccessDeniedException', 'not authorized to perform: ecr:DescribeRepositories'), billableUnverified: true,
    deleteCommand: 'aws ecr delete-repository --force --repository-name class-lab-ana-app',
  },
  {
    kind: 'bucket', id: 'class-lab-ana-bucket', source: { recorded: 'AWS::S3::Bucket' }, client: aws.s3, command: HeadBucketCommand, input: { Bucket: 'class-lab-ana-bucket' },
    present: [[{}, true]],
    // HeadBucket has no body: a missing bucket is a bare 404, NotFound (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html).
    gone: [awsError('NotFound', 'NotFound')],
    denied: awsError('AccessDenied', 'Access Denied'), billableUnverified: true,
    deleteCommand: 'aws s3 rb --force s3://class-lab-ana-bucket (a versioned bucket also needs its versions deleted: class-lab-admin teardown does that)',
  },
  // https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHostedZone.html (NoSuchHostedZone)
  {
    kind: 'hosted-zone', id: 'Z0ANA', source: { recorded: 'AWS::Route53::HostedZone' }, client: aws.route53, command: GetHostedZoneCommand, input: { Id: 'Z0ANA' },
    present: [[{ HostedZone: { Id: '/hostedzone/Z0ANA', Name: 'lab.class.internal.', CallerReference: 'r' } }, true]],
    gone: [awsError('NoSuchHostedZone', 'No hosted zone found with ID: Z0ANA')],
    denied: awsError('AccessDenied', 'not authorized to perform: route53:GetHostedZone'), billableUnverified: true,
    deleteCommand: 'aws route53 delete-hosted-zone --id Z0ANA (after deleting its records other than SOA and NS)',
  },
  // A deleted service is DRAINING while its tasks stop, then INACTIVE, and DescribeServices keeps
  // showing both (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html);
  // an unknown one comes back under failures, MISSING.
  {
    kind: 'ecs-service', id: SERVICE, source: { recorded: 'AWS::ECS::Service' }, client: aws.ecs, command: DescribeServicesCommand, input: { cluster: 'lab-cluster', services: ['app'] },
    present: [
      [{ services: [{ serviceArn: SERVICE, status: 'ACTIVE' }] }, true],
      [{ services: [{ serviceArn: SERVICE, status: 'DRAINING' }] }, true],
    ],
    gone: [{ services: [{ serviceArn: SERVICE, status: 'INACTIVE' }] }, { services: [], failures: [{ arn: SERVICE, reason: 'MISSING' }] }, { failures: [{ arn: SERVICE, reason: 'MISSING' }] }],
    denied: awsError('AccessDeniedException', 'not authorized to perform: ecs:DescribeServices'), billableUnverified: true,
    deleteCommand: 'aws ecs delete-service --force --cluster lab-cluster --service app',
  },
  // A deleted cluster is INACTIVE and "might remain discoverable" for a while
  // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html). An empty
  // cluster costs nothing; one that runs or is starting a task does.
  {
    kind: 'ecs-cluster', id: 'lab-cluster', source: { recorded: 'AWS::ECS::Cluster' }, client: aws.ecs, command: DescribeClustersCommand, input: { clusters: ['lab-cluster'] },
    present: [
      [{ clusters: [{ clusterName: 'lab-cluster', status: 'ACTIVE', activeServicesCount: 0, runningTasksCount: 0, pendingTasksCount: 0 }] }, false],
      [{ clusters: [{ clusterName: 'lab-cluster', status: 'ACTIVE', activeServicesCount: 0, runningTasksCount: 0, pendingTasksCount: 1 }] }, true],
      [{ clusters: [{ clusterName: 'lab-cluster', status: 'ACTIVE', activeServicesCount: 1, runningTasksCount: 0, pendingTasksCount: 0 }] }, true],
      [{ clusters: [{ clusterName: 'lab-cluster', status: 'ACTIVE', activeServicesCount: 0, runningTasksCount: 1, pendingTasksCount: 0 }] }, true],
    ],
    gone: [{ clusters: [{ clusterName: 'lab-cluster', status: 'INACTIVE' }] }, { clusters: [], failures: [{ arn: 'lab-cluster', reason: 'MISSING' }] }, { failures: [{ arn: 'lab-cluster', reason: 'MISSING' }] }],
    denied: awsError('AccessDeniedException', 'not authorized to perform: ecs:DescribeClusters'), billableUnverified: true,
    deleteCommand: 'aws ecs delete-cluster --cluster lab-cluster',
  },
  // "Currently, stopped tasks appear in the returned results for at least one hour"; the cluster
  // must be named unless the task runs in the default one
  // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html).
  {
    kind: 'ecs-task', id: TASK, source: { tagged: TASK }, client: aws.ecs, command: DescribeTasksCommand, input: { cluster: 'lab-cluster', tasks: [TASK] },
    present: [
      [{ tasks: [{ taskArn: TASK, lastStatus: 'RUNNING' }] }, true],
      [{ tasks: [{ taskArn: TASK, lastStatus: 'DEPROVISIONING' }] }, true],
    ],
    gone: [{ tasks: [{ taskArn: TASK, lastStatus: 'STOPPED' }] }, { tasks: [], failures: [{ arn: TASK, reason: 'MISSING' }] }, { failures: [{ arn: TASK, reason: 'MISSING' }] }],
    denied: awsError('AccessDeniedException', 'not authorized to perform: ecs:DescribeTasks'), billableUnverified: true,
    deleteCommand: `aws ecs stop-task --task ${TASK} --cluster lab-cluster`,
  },
  {
    kind: 'auto-scaling-group', id: 'lab-fleet', source: { recorded: 'AWS::AutoScaling::AutoScalingGroup' }, client: aws.autoscaling, command: DescribeAutoScalingGroupsCommand,
    input: { AutoScalingGroupNames: ['lab-fleet'] },
    present: [[{ AutoScalingGroups: [{ AutoScalingGroupName: 'lab-fleet' }] }, true]],
    gone: [{}, { AutoScalingGroups: [] }],
    denied: awsError('AccessDenied', 'not authorized to perform: autoscaling:DescribeAutoScalingGroups'), billableUnverified: true,
    deleteCommand: 'aws autoscaling delete-auto-scaling-group --force-delete --auto-scaling-group-name lab-fleet',
  },
  // A deleted stack is described by its unique id as DELETE_COMPLETE; by a name no stack has, the
  // answer is a ValidationError (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
  {
    kind: 'stack', id: STACK, source: { tagged: STACK }, client: cloudformation, command: DescribeStacksCommand, input: { StackName: STACK },
    present: [
      [{ Stacks: [{ StackName: 'ClassLabStack-ana', StackId: STACK, StackStatus: 'DELETE_FAILED', CreationTime: CREATED }] }, false],
      [{ Stacks: [{ StackName: 'ClassLabStack-ana', StackId: STACK, StackStatus: 'CREATE_COMPLETE', CreationTime: CREATED }] }, false],
    ],
    gone: [
      { Stacks: [{ StackName: 'ClassLabStack-ana', StackId: STACK, StackStatus: 'DELETE_COMPLETE', CreationTime: CREATED }] },
      {}, { Stacks: [] }, awsError('ValidationError', `Stack with id ${STACK} does not exist`),
    ],
    denied: awsError('AccessDenied', 'not authorized to perform: cloudformation:DescribeStacks'), billableUnverified: false,
    deleteCommand: `aws cloudformation delete-stack --stack-name ${STACK} (or class-lab-admin teardown)`,
  },
  // ACTIVE, INACTIVE (deregistered; CloudFormation leaves this), DELETE_IN_PROGRESS; all free
  // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-definition-state.html).
  {
    kind: 'ecs-task-definition', id: TASK_DEFINITION, source: { tagged: TASK_DEFINITION }, client: aws.ecs, command: DescribeTaskDefinitionCommand, input: { taskDefinition: TASK_DEFINITION },
    present: [
      [{ taskDefinition: { taskDefinitionArn: TASK_DEFINITION, status: 'ACTIVE' } }, false, 'ACTIVE: still registered; it runs nothing by itself and costs nothing'],
      [{ taskDefinition: { taskDefinitionArn: TASK_DEFINITION, status: 'INACTIVE' } }, false, INACTIVE_TASK_DEFINITION_NOTE],
      [{ taskDefinition: { taskDefinitionArn: TASK_DEFINITION, status: 'DELETE_IN_PROGRESS' } }, false, 'DELETE_IN_PROGRESS: ECS deletes it once no task uses it'],
    ],
    gone: [{}, { taskDefinition: { taskDefinitionArn: TASK_DEFINITION } }, awsError('ClientException', 'Unable to describe task definition.')],
    denied: awsError('AccessDeniedException', 'not authorized to perform: ecs:DescribeTaskDefinition'), billableUnverified: false,
    deleteCommand: `aws ecs delete-task-definitions --task-definitions ${TASK_DEFINITION} (optional: it costs nothing; an ACTIVE one needs aws ecs deregister-task-definition first)`,
  },
];

const label = (row: Row) => `${row.kind} ${row.id.startsWith('arn:') ? row.id.split(':').slice(5).join(':') : row.id} (${'recorded' in row.source ? 'recorded by a stack' : 'tagged'})`;

describe.each(ROWS.map((row) => [label(row), row] as const))('%s', (_name, row) => {
  const leftover = (billable: boolean, extra: object = {}) => ({ student: 'ana', kind: row.kind, id: row.id, billable, foundBy: foundBy(row), command: row.deleteCommand, ...extra });

  // Rows of a fixed length: jest takes a callback parameter beyond the row's values for `done`.
  test.each(row.present.map(([, billable, note], i) => [i, billable, note ?? null] as const))('there (answer %i): a leftover, billable %s', async (i, billable, note) => {
    answer(row.client.on(row.command, row.input), row.present[i][0]);
    expect(await scan(recordedOf(row))).toEqual([leftover(billable, note ? { note } : {})]);
    expect(row.client.commandCalls(row.command).map((c: any) => c.args[0].input)).toContainEqual(expect.objectContaining(row.input));
  });

  test.each(row.gone.map((g, i) => [i, g instanceof Error ? g.name : JSON.stringify(g)] as const))('gone (answer %i: %s): not a leftover', async (i) => {
    answer(row.client.on(row.command, row.input), row.gone[i]);
    expect(await scan(recordedOf(row))).toEqual([]);
  });

  test('access denied: reported, unverified, never gone', async () => {
    row.client.on(row.command, row.input).rejects(row.denied);
    expect(await scan(recordedOf(row))).toEqual([leftover(row.billableUnverified, { unverified: `access denied (${row.denied.name}): ${row.denied.message}` })]);
  });
});

describe('probes that read more than one answer', () => {
  test('a log group is there only under its exact name, found on any page of the prefix listing', async () => {
    // DescribeLogGroups matches by prefix and pages with nextToken
    // (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html).
    const id = '/aws/lambda/ClassLabStack-ana-Fn';
    aws.logs.on(DescribeLogGroupsCommand, { logGroupNamePrefix: id }).resolves({ logGroups: [{ logGroupName: `${id}-2` }], nextToken: 'p2' });
    aws.logs.on(DescribeLogGroupsCommand, { logGroupNamePrefix: id, nextToken: 'p2' }).resolves({ logGroups: [{ logGroupName: id }] });
    expect((await scan([{ type: 'AWS::Logs::LogGroup', physicalId: id }])).map((l) => [l.kind, l.id])).toEqual([['log-group', id]]);
    expect(aws.logs.commandCalls(DescribeLogGroupsCommand).map((c) => c.args[0].input)).toEqual([{ logGroupNamePrefix: id }, { logGroupNamePrefix: id, nextToken: 'p2' }]);
  });

  test('a longer name that shares the prefix is another log group: the one looked for is gone', async () => {
    const id = '/aws/lambda/ClassLabStack-ana-Fn';
    aws.logs.on(DescribeLogGroupsCommand, { logGroupNamePrefix: id }).resolves({ logGroups: [{ logGroupName: `${id}-2` }, { logGroupName: `${id}Other` }] });
    expect(await scan([{ type: 'AWS::Logs::LogGroup', physicalId: id }])).toEqual([]);
  });

  test('a task ARN in the old format names no cluster: the request leaves it out (the default cluster)', async () => {
    // Old format arn:aws:ecs:region:account:task/task-id, new one .../task/cluster-name/task-id
    // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html#ecs-resource-ids).
    const old = ARN('ecs', 'task/0a1b2c3d4e5f');
    aws.tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [{ ResourceARN: old }] });
    aws.ecs.on(DescribeTasksCommand, { tasks: [old] }).resolves({ tasks: [{ taskArn: old, lastStatus: 'RUNNING' }] });
    expect((await scan()).map((l) => [l.kind, l.id, l.command])).toEqual([['ecs-task', old, `aws ecs stop-task --task ${old}`]]);
    expect(aws.ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input)).toEqual([{ tasks: [old] }]);
  });

  test('a throttled probe is retried after a wait, not reported as "cannot tell"', async () => {
    // EC2 throttles with RequestLimitExceeded (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html).
    aws.ec2.on(DescribeInstancesCommand, { InstanceIds: ['i-0abc'] })
      .rejectsOnce(awsError('RequestLimitExceeded', 'Request limit exceeded.'))
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-0abc', State: { Name: 'running' } }] }] });
    const clock = new VirtualClock();
    expect(await scan([{ type: 'AWS::EC2::Instance', physicalId: 'i-0abc' }], clock)).toEqual([
      { student: 'ana', kind: 'instance', id: 'i-0abc', billable: true, foundBy: 'stack', command: 'aws ec2 terminate-instances --instance-ids i-0abc' },
    ]);
    expect(clock.sleeps.length).toBeGreaterThan(0);
  });
});
