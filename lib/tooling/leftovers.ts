/**
 * After a teardown: what is still there? Candidates come from the kit's tags (Resource Groups
 * Tagging API, EC2 tag filters) and from the physical ids the deleted stacks recorded; each
 * candidate is checked against its own service, so a stale tag index or a terminated
 * instance is not reported as a leftover.
 */
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeAddressesCommand, DescribeInstancesCommand, DescribeNatGatewaysCommand, DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand, DescribeSnapshotsCommand, DescribeVolumesCommand, DescribeVpcsCommand, Filter,
} from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { AwsClients } from './aws-clients';
import { isGone } from './blockers';
import { Clock } from './clock';
import { isThrottle } from './errors';
import { withRetry } from './poller';
import { KIT_TAGS } from './stacks';

export type LeftoverKind =
  | 'instance' | 'volume' | 'snapshot' | 'network-interface' | 'security-group' | 'load-balancer' | 'target-group'
  | 'log-group' | 'ecr-repository' | 'bucket' | 'hosted-zone' | 'nat-gateway' | 'elastic-ip' | 'vpc' | 'other';

/** Kinds that keep costing money while they exist. */
export const BILLABLE: ReadonlySet<LeftoverKind> = new Set<LeftoverKind>([
  'instance', 'volume', 'snapshot', 'load-balancer', 'log-group', 'ecr-repository', 'bucket', 'hosted-zone', 'nat-gateway', 'elastic-ip',
]);

export interface Leftover {
  readonly student: string;
  readonly kind: LeftoverKind;
  readonly id: string;
  readonly billable: boolean;
  /** How it was found: by the kit's tags or by a deleted stack's record. */
  readonly foundBy: 'tags' | 'stack';
}

/** A resource the stacks recorded before deletion (from ListStackResources). */
export interface RecordedResource {
  readonly type: string;
  readonly physicalId: string;
}

interface Candidate { kind: LeftoverKind; id: string; foundBy: 'tags' | 'stack' }

const TYPE_KINDS: Record<string, LeftoverKind> = {
  'AWS::EC2::Instance': 'instance',
  'AWS::EC2::Volume': 'volume',
  'AWS::EC2::NetworkInterface': 'network-interface',
  'AWS::EC2::SecurityGroup': 'security-group',
  'AWS::EC2::NatGateway': 'nat-gateway',
  'AWS::EC2::EIP': 'elastic-ip',
  'AWS::EC2::VPC': 'vpc',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'load-balancer',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'target-group',
  'AWS::Logs::LogGroup': 'log-group',
  'AWS::ECR::Repository': 'ecr-repository',
  'AWS::S3::Bucket': 'bucket',
  'AWS::Route53::HostedZone': 'hosted-zone',
};

/** What a recorded stack resource may leave behind: itself, or the log group Lambda creates for it. */
export function candidatesFromRecord(resource: RecordedResource): Candidate[] {
  if (!resource.physicalId) return [];
  if (resource.type === 'AWS::Lambda::Function') return [{ kind: 'log-group', id: `/aws/lambda/${resource.physicalId}`, foundBy: 'stack' }];
  const kind = TYPE_KINDS[resource.type];
  return kind ? [{ kind, id: resource.physicalId, foundBy: 'stack' }] : [];
}

/** Kind and id from a tagged resource's ARN. */
export function candidateFromArn(arn: string): Candidate {
  const [, , service, , , ...rest] = arn.split(':');
  const resource = rest.join(':');
  const slash = (prefix: string) => resource.startsWith(prefix) ? resource.slice(prefix.length) : undefined;
  const ec2: Array<[string, LeftoverKind]> = [
    ['instance/', 'instance'], ['volume/', 'volume'], ['snapshot/', 'snapshot'], ['network-interface/', 'network-interface'],
    ['security-group/', 'security-group'], ['natgateway/', 'nat-gateway'], ['elastic-ip/', 'elastic-ip'], ['vpc/', 'vpc'],
  ];
  if (service === 'ec2') {
    for (const [prefix, kind] of ec2) if (slash(prefix)) return { kind, id: slash(prefix)!, foundBy: 'tags' };
  }
  if (service === 'elasticloadbalancing') {
    if (resource.startsWith('loadbalancer/')) return { kind: 'load-balancer', id: arn, foundBy: 'tags' };
    if (resource.startsWith('targetgroup/')) return { kind: 'target-group', id: arn, foundBy: 'tags' };
  }
  if (service === 'logs' && resource.startsWith('log-group:')) return { kind: 'log-group', id: resource.slice('log-group:'.length).replace(/:\*$/, ''), foundBy: 'tags' };
  if (service === 'ecr' && slash('repository/')) return { kind: 'ecr-repository', id: slash('repository/')!, foundBy: 'tags' };
  if (service === 's3' && resource && !resource.includes('/')) return { kind: 'bucket', id: resource, foundBy: 'tags' };
  if (service === 'route53' && slash('hostedzone/')) return { kind: 'hosted-zone', id: slash('hostedzone/')!, foundBy: 'tags' };
  return { kind: 'other', id: arn, foundBy: 'tags' };
}

function studentFilters(student: string): Array<{ Key: string; Values: string[] }> {
  return [...Object.entries(KIT_TAGS).map(([Key, v]) => ({ Key, Values: [v] })), { Key: 'student', Values: [student] }];
}

async function taggedCandidates(clients: AwsClients, clock: Clock, student: string): Promise<Candidate[]> {
  const found: Candidate[] = [];
  let token: string | undefined;
  do {
    const page = await withRetry(clock, () => clients.tagging.send(new GetResourcesCommand({ TagFilters: studentFilters(student), PaginationToken: token || undefined })));
    for (const mapping of page.ResourceTagMappingList ?? []) if (mapping.ResourceARN) found.push(candidateFromArn(mapping.ResourceARN));
    token = page.PaginationToken;
  } while (token);
  // EC2 answers tag filters itself, without the tagging index's delay.
  const filters: Filter[] = studentFilters(student).map((f) => ({ Name: `tag:${f.Key}`, Values: f.Values }));
  const ec2 = clients.ec2;
  const instances = await withRetry(clock, () => ec2.send(new DescribeInstancesCommand({ Filters: filters })));
  for (const r of instances.Reservations ?? []) for (const i of r.Instances ?? []) found.push({ kind: 'instance', id: i.InstanceId!, foundBy: 'tags' });
  const volumes = await withRetry(clock, () => ec2.send(new DescribeVolumesCommand({ Filters: filters })));
  for (const v of volumes.Volumes ?? []) found.push({ kind: 'volume', id: v.VolumeId!, foundBy: 'tags' });
  const snapshots = await withRetry(clock, () => ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: filters })));
  for (const s of snapshots.Snapshots ?? []) found.push({ kind: 'snapshot', id: s.SnapshotId!, foundBy: 'tags' });
  const groups = await withRetry(clock, () => ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters })));
  for (const g of groups.SecurityGroups ?? []) found.push({ kind: 'security-group', id: g.GroupId!, foundBy: 'tags' });
  return found;
}

/** Whether a candidate still exists; true when the tool cannot tell (it is reported, to be safe). */
async function exists(clients: AwsClients, candidate: Candidate): Promise<boolean> {
  const { id } = candidate;
  const probe = async (call: () => Promise<boolean>) => {
    try {
      return await call();
    } catch (error) {
      if (isGone(error)) return false;
      if (isThrottle(error)) throw error;
      // Cannot tell (access denied, say): report it, so nothing billable hides.
      return true;
    }
  };
  switch (candidate.kind) {
    case 'instance': return probe(async () => {
      const out = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      const state = out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
      return state !== undefined && state !== 'terminated';
    });
    case 'volume': return probe(async () => ((await clients.ec2.send(new DescribeVolumesCommand({ VolumeIds: [id] }))).Volumes ?? []).length > 0);
    case 'snapshot': return probe(async () => ((await clients.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [id] }))).Snapshots ?? []).length > 0);
    case 'network-interface': return probe(async () => ((await clients.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }))).NetworkInterfaces ?? []).length > 0);
    case 'security-group': return probe(async () => ((await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups ?? []).length > 0);
    case 'vpc': return probe(async () => ((await clients.ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }))).Vpcs ?? []).length > 0);
    case 'nat-gateway': return probe(async () => {
      const out = await clients.ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] }));
      return (out.NatGateways ?? []).some((n) => n.State !== 'deleted');
    });
    case 'elastic-ip': return probe(async () => {
      const input = id.startsWith('eipalloc-') ? { AllocationIds: [id] } : { PublicIps: [id] };
      return ((await clients.ec2.send(new DescribeAddressesCommand(input))).Addresses ?? []).length > 0;
    });
    case 'load-balancer': return probe(async () => ((await clients.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [id] }))).LoadBalancers ?? []).length > 0);
    case 'target-group': return probe(async () => ((await clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [id] }))).TargetGroups ?? []).length > 0);
    case 'log-group': return probe(async () => {
      const out = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: id }));
      return (out.logGroups ?? []).some((g) => g.logGroupName === id);
    });
    case 'ecr-repository': return probe(async () => ((await clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [id] }))).repositories ?? []).length > 0);
    case 'bucket': return probe(async () => {
      await clients.s3.send(new HeadBucketCommand({ Bucket: id }));
      return true;
    });
    case 'hosted-zone': return probe(async () => {
      await clients.route53.send(new GetHostedZoneCommand({ Id: id }));
      return true;
    });
    default: return true;
  }
}

/** Everything of one student that is still there: by the kit's tags and by the deleted stacks' records. */
export async function scanLeftovers(clients: AwsClients, clock: Clock, student: string, recorded: readonly RecordedResource[]): Promise<Leftover[]> {
  const candidates = new Map<string, Candidate>();
  for (const c of recorded.flatMap(candidatesFromRecord)) candidates.set(`${c.kind}:${c.id}`, c);
  for (const c of await taggedCandidates(clients, clock, student)) if (!candidates.has(`${c.kind}:${c.id}`)) candidates.set(`${c.kind}:${c.id}`, c);
  const leftovers: Leftover[] = [];
  for (const c of candidates.values()) {
    if (await withRetry(clock, () => exists(clients, c))) {
      leftovers.push({ student, kind: c.kind, id: c.id, billable: BILLABLE.has(c.kind), foundBy: c.foundBy });
    }
  }
  return leftovers;
}
