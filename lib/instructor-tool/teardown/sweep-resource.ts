/**
 * The last resort's own deletes: a resource CloudFormation retained or skipped, deleted by the
 * tool in dependency order, EC2's eventual consistency retried with bounded backoff.
 */
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteInternetGatewayCommand, DeleteSecurityGroupCommand, DeleteSubnetCommand, DeleteVpcCommand, DetachInternetGatewayCommand } from '@aws-sdk/client-ec2';
import { DeleteRepositoryCommand } from '@aws-sdk/client-ecr';
import { DeleteLoadBalancerCommand, DeleteTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DeleteHostedZoneCommand } from '@aws-sdk/client-route-53';
import { DeleteBucketCommand } from '@aws-sdk/client-s3';
import { formatDuration } from '../core/clock';
import { errorName } from '../core/errors';
import { withRetry } from '../aws/poller';
import { clearNetworkInterfaces, deleteExtraRecords, emptyBucket, ignoringGone, SiblingResource, waitForPublicAddresses } from './blockers';
import { backoff, deleteAutoScalingGroup, deleteEcsCluster, deleteEcsService } from './compute-blockers';
import { BlockerContext } from './context';

/**
 * Runs an EC2 delete, and while EC2 answers DependencyViolation waits (bounded exponential
 * backoff, within the interface wait) and tries again. EC2 is eventually consistent: a
 * security group, subnet or VPC can refuse for a while after what depended on it is gone,
 * and AWS's advice is to retry with backoff
 * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html).
 */
export async function retryDependencyViolation<T>(ctx: BlockerContext, what: string, call: () => Promise<T>): Promise<T> {
  const start = ctx.clock.now();
  for (let round = 0; ; round++) {
    try {
      return await withRetry(ctx.clock, call);
    } catch (error) {
      if (errorName(error) !== 'DependencyViolation') throw error;
      const elapsed = ctx.clock.now() - start;
      const pause = backoff(ctx.eniPollMs, round);
      if (elapsed + pause > ctx.eniWaitMs) throw error;
      ctx.progress(`  ${what}: ${(error as Error).message}; trying again in ${formatDuration(pause)}`);
      await ctx.clock.sleep(pause);
    }
  }
}

/**
 * The order a sweep deletes in, so that nothing is deleted before what depends on it: what runs
 * (services, groups) first, then the load balancer and its target groups, storage, then the
 * network from the outside in (the gateway attachment, the gateway, security groups, subnets
 * and route tables, the VPC last). A type not named goes with storage.
 */
const SWEEP_ORDER: readonly string[] = [
  'AWS::ECS::Service', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::ECS::Cluster', 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::TargetGroup', '*', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::InternetGateway',
  'AWS::EC2::SecurityGroup', 'AWS::EC2::Subnet', 'AWS::EC2::VPC',
];

export function sweepRank(type: string): number {
  const at = SWEEP_ORDER.indexOf(type);
  return at >= 0 ? at : SWEEP_ORDER.indexOf('*');
}

/** The physical id of the one resource of a type the stack recorded (its own stack first, then any). */
function recordedOf(recorded: readonly SiblingResource[], type: string, stackId?: string): string | undefined {
  const ofType = recorded.filter((r) => r.type === type && r.physicalId);
  return (ofType.find((r) => r.stackId === stackId) ?? (ofType.length === 1 ? ofType[0] : undefined))?.physicalId;
}

/**
 * Deletes a resource CloudFormation was told to retain (or skipped). Returns what was done, or
 * a sentence saying it must be deleted by hand (it then shows up as a leftover). `recorded` are
 * the resources the stacks held before the delete: an internet gateway attachment's physical id
 * ("IGW|vpc-...") names no gateway, so the gateway is the stack's recorded AWS::EC2::InternetGateway.
 * That id is the resource type's compound primary identifier (AttachmentType, VpcId), written as
 * Cloud Control writes compound identifiers, joined by "|"
 * (https://docs.aws.amazon.com/cloudcontrolapi/latest/userguide/resource-identifier.html;
 * the identifier of this type: https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1869).
 */
export async function sweepResource(ctx: BlockerContext, type: string, physicalId: string, recorded: readonly SiblingResource[] = [], stackId?: string): Promise<{ done: boolean; text: string }> {
  const c = ctx.clients;
  const run = async (what: string, call: () => Promise<unknown>) => {
    await ignoringGone(() => withRetry(ctx.clock, call));
    return { done: true, text: what };
  };
  const runEc2 = async (what: string, call: () => Promise<unknown>) => {
    await ignoringGone(() => retryDependencyViolation(ctx, what, call));
    return { done: true, text: what };
  };
  switch (type) {
    case 'AWS::S3::Bucket':
      await emptyBucket(ctx, physicalId);
      return run(`deleted bucket ${physicalId}`, () => c.s3.send(new DeleteBucketCommand({ Bucket: physicalId })));
    case 'AWS::ECR::Repository':
      return run(`deleted repository ${physicalId} and its images`, () => c.ecr.send(new DeleteRepositoryCommand({ repositoryName: physicalId, force: true })));
    case 'AWS::Route53::HostedZone':
      await deleteExtraRecords(ctx, physicalId);
      return run(`deleted hosted zone ${physicalId}`, () => c.route53.send(new DeleteHostedZoneCommand({ Id: physicalId })));
    case 'AWS::EC2::SecurityGroup':
      await clearNetworkInterfaces(ctx, { Name: 'group-id', Values: [physicalId] });
      return runEc2(`deleted security group ${physicalId}`, () => c.ec2.send(new DeleteSecurityGroupCommand({ GroupId: physicalId })));
    case 'AWS::EC2::Subnet':
      await clearNetworkInterfaces(ctx, { Name: 'subnet-id', Values: [physicalId] });
      return runEc2(`deleted subnet ${physicalId}`, () => c.ec2.send(new DeleteSubnetCommand({ SubnetId: physicalId })));
    case 'AWS::EC2::VPC':
      await clearNetworkInterfaces(ctx, { Name: 'vpc-id', Values: [physicalId] });
      return runEc2(`deleted VPC ${physicalId}`, () => c.ec2.send(new DeleteVpcCommand({ VpcId: physicalId })));
    case 'AWS::Logs::LogGroup':
      return run(`deleted log group ${physicalId}`, () => c.logs.send(new DeleteLogGroupCommand({ logGroupName: physicalId })));
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
      return run(`deleted load balancer ${physicalId}`, () => c.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: physicalId })));
    case 'AWS::ElasticLoadBalancingV2::TargetGroup':
      return run(`deleted target group ${physicalId}`, () => c.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: physicalId })));
    case 'AWS::EC2::InternetGateway':
      return runEc2(`deleted internet gateway ${physicalId}`, () => c.ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: physicalId })));
    case 'AWS::ECS::Service': return { done: true, text: await deleteEcsService(ctx, physicalId) };
    case 'AWS::ECS::Cluster': return { done: true, text: await deleteEcsCluster(ctx, physicalId) };
    case 'AWS::AutoScaling::AutoScalingGroup': return { done: true, text: await deleteAutoScalingGroup(ctx, physicalId) };
    case 'AWS::EC2::VPCGatewayAttachment': {
      // Physical id "IGW|vpc-..." (internet gateway attachment): the VPC is in it, the gateway is not.
      const vpc = /vpc-[0-9a-f]+/.exec(physicalId)?.[0] ?? recordedOf(recorded, 'AWS::EC2::VPC', stackId);
      const igw = /igw-[0-9a-f]+/.exec(physicalId)?.[0] ?? recordedOf(recorded, 'AWS::EC2::InternetGateway', stackId);
      if (!vpc || !igw) return { done: false, text: `internet gateway attachment ${physicalId} was retained and the stack recorded no ${vpc ? 'internet gateway' : 'VPC'}: detach it by hand` };
      const waited = await waitForPublicAddresses(ctx, vpc);
      ctx.progress(`  ${waited}`);
      try {
        return await runEc2(`detached ${igw} from ${vpc}`, () => c.ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc })));
      } catch (error) {
        if (errorName(error) === 'Gateway.NotAttached') return { done: true, text: `${igw} was already detached from ${vpc}` };
        throw error;
      }
    }
    default:
      // A custom resource has nothing of its own in the account: what it manages (the
      // bucket it empties) is swept as its own resource.
      if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return { done: true, text: `${type} ${physicalId} has no resource of its own to delete` };
      return { done: false, text: `${type} ${physicalId} was retained and the tool cannot delete that type: delete it by hand` };
  }
}
