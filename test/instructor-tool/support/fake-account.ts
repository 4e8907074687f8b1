/**
 * A fake AWS account whose starting state is the kit's OWN synthesized templates: every
 * resource of the root and nested templates is "deployed" with a physical id, and its
 * runtime side effects are added (object versions in the bucket, images in the repository,
 * records in the zone, Fargate and load balancer network interfaces with public IPv4).
 *
 * CloudFormation deletes in reverse dependency order (Ref, Fn::GetAtt, DependsOn) and each
 * resource type has a model saying what its delete does to the account or why it fails,
 * as AWS answers: a bucket with versions, a repository with images (unless EmptyOnDelete),
 * a zone with extra records, a security group or subnet an interface still uses, an
 * internet gateway attachment while public addresses are mapped. Deleting an ECS service or
 * a load balancer leaves its interfaces draining (public IPv4 kept) for minutes of virtual
 * time. A custom resource invokes its Lambda function, which creates `/aws/lambda/<name>`
 * on first invoke unless the function names its own log group.
 *
 * What a real account shows after a delete is modelled too: the Resource Groups Tagging API keeps
 * answering with deleted resources for a while (the deleted stack's own ARN included), a deleted
 * stack's task definitions stay INACTIVE (and tagged), EC2 refuses a security group, subnet or
 * VPC with DependencyViolation for a while after what used it went (eventual consistency), an
 * internet gateway cannot be deleted while attached nor a VPC while subnets or a gateway remain,
 * image indexes hold their children (ImageReferencedByManifestList), and a forced delete takes
 * minutes. What FORCE_DELETE_STACK skipped shows as the resources' DELETE_SKIPPED status.
 *
 * Every service the tool calls answers from this state through aws-sdk-client-mock, with
 * small pages (so every paging path runs), AWS's batch limits enforced, optional per-item
 * failures and AccessDenied, and credentials that can expire at a virtual time.
 */
import {
  AutoScalingClient, DeleteAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CloudFormationClient, DeleteStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, ListStackResourcesCommand, Stack as ApiStack, StackEvent,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DeleteLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteInternetGatewayCommand, DeleteNetworkInterfaceCommand, DeleteSecurityGroupCommand, DeleteSubnetCommand, DeleteVpcCommand,
  DescribeAddressesCommand, DescribeInstancesCommand, DescribeNatGatewaysCommand, DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand,
  DescribeInternetGatewaysCommand, DescribeLaunchTemplatesCommand, DescribeRouteTablesCommand, DescribeSnapshotsCommand, DescribeSubnetsCommand, DescribeVolumesCommand, DescribeVpcsCommand, DetachInternetGatewayCommand, EC2Client, NetworkInterface,
} from '@aws-sdk/client-ec2';
import { BatchDeleteImageCommand, DeleteRepositoryCommand, DescribeRepositoriesCommand, ECRClient, ListImagesCommand } from '@aws-sdk/client-ecr';
import {
  DeleteClusterCommand, DeleteServiceCommand, DescribeClustersCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, ListClustersCommand,
  ListServicesCommand, ListTasksCommand, UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DeleteLoadBalancerCommand, DeleteTargetGroupCommand, DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeRulesCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ChangeResourceRecordSetsCommand, DeleteHostedZoneCommand, GetHostedZoneCommand, ListResourceRecordSetsCommand, ResourceRecordSet, Route53Client } from '@aws-sdk/client-route-53';
import { DeleteBucketCommand, DeleteObjectsCommand, HeadBucketCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { ACCOUNT, awsError, CALLER_ARN, VirtualClock } from './harness';

/** One deployed template: the root or a nested stack (nested ones keyed by their logical id in the parent). */
export interface DeployedTemplate {
  readonly template: Record<string, any>;
  readonly nested: Record<string, DeployedTemplate>;
}

export interface Scenario {
  /** The custom resource that empties the bucket fails (its handler times out, say). */
  readonly autoDeleteFails?: boolean;
  /** Minutes a Fargate task or load balancer interface keeps its public IPv4 after its owner is deleted. */
  readonly drainMinutes?: number;
  /** Object versions (and delete markers) the student left in the bucket. */
  readonly objectVersions?: number;
  /** Images the student pushed. */
  readonly images?: number;
  /** Records the student added to the zone. */
  readonly extraRecords?: number;
  /** Keys DeleteObjects reports in Errors (AccessDenied) inside a successful response. */
  readonly objectsThatFail?: number;
  /** Image digests BatchDeleteImage reports in failures. */
  readonly imagesThatFail?: number;
  /** Credentials expire at this virtual time: every call after it is ExpiredToken. */
  readonly credentialsExpireAt?: number;
  /** CloudFormation cannot delete the ECS service (it does not stabilize) while the service is ACTIVE. */
  readonly serviceDeleteFails?: boolean;
  /** CloudFormation cannot delete the Auto Scaling group (a scaling activity in progress) while it exists. */
  readonly asgDeleteFails?: boolean;
  /** Operations answered with AccessDenied, e.g. 'DeleteBucket'. */
  readonly denied?: readonly string[];
  /** Minutes the tagging API keeps returning a deleted resource (default 60: longer than any teardown here). */
  readonly staleTagMinutes?: number;
  /** Seconds EC2 keeps answering DependencyViolation for a group, subnet or VPC after the last interface in it went. */
  readonly ec2LagSeconds?: number;
  /** Whether the pushed images are a Docker 29 build: an image index (the last image) referencing the others (default true). */
  readonly imageIndex?: boolean;
  /** Minutes a FORCE_DELETE_STACK delete takes (default 1, like any delete). */
  readonly forceDeleteMinutes?: number;
}

/**
 * Resource types the fake models; a template type not listed fails the fake (and its test).
 * PLAIN ones never come back from the tagging API: they cannot be tagged (routes, associations,
 * ingress rules, bucket and queue policies, scaling policies, Scheduler schedules: only schedule
 * groups take tags, https://docs.aws.amazon.com/scheduler/latest/APIReference/API_TagResource.html),
 * or GetResources does not return them (IAM users and roles,
 * https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/supported-services.html).
 * A taggable type is modelled with its tagged ARN and the probe that confirms it, so a module that
 * adds one (an alarm, a parameter, a rule, an endpoint) fails here until the fake and the tool's
 * leftover scan know it.
 */
const PLAIN = new Set([
  'AWS::CDK::Metadata', 'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::InstanceProfile', 'AWS::EC2::Route',
  'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress',
  'AWS::AutoScaling::ScalingPolicy', 'AWS::S3::BucketPolicy', 'AWS::Lambda::Permission', 'AWS::Scheduler::Schedule',
  'AWS::SQS::QueuePolicy', 'AWS::ApplicationAutoScaling::ScalingPolicy',
]);
const STATEFUL = new Set([
  'AWS::CloudFormation::Stack', 'AWS::S3::Bucket', 'Custom::S3AutoDeleteObjects', 'Custom::LabExpiryClock', 'AWS::ECR::Repository', 'AWS::Route53::HostedZone', 'AWS::Route53::RecordSet',
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::SecurityGroup',
  'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::ECS::Cluster', 'AWS::ECS::Service',
  'AWS::AutoScaling::AutoScalingGroup', 'AWS::Logs::LogGroup', 'AWS::ECS::TaskDefinition', 'AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::EC2::RouteTable', 'AWS::EC2::LaunchTemplate', 'AWS::Lambda::Function', 'AWS::SQS::Queue',
]);

/** Whether the fake has a model for a CloudFormation resource type. */
export function isModelled(type: string): boolean {
  return PLAIN.has(type) || STATEFUL.has(type);
}

interface Res {
  logicalId: string;
  type: string;
  physicalId: string;
  props: any;
  deps: Set<string>;
  status: string;
}

interface FStack {
  id: string;
  name: string;
  parentId?: string;
  logicalId?: string;
  status: string;
  tags: Record<string, string>;
  resources: Map<string, Res>;
  nested: Map<string, FStack>;
  events: StackEvent[];
  finishAt?: number;
  force?: boolean;
}

interface Eni { id: string; vpcId: string; subnetId: string; groups: string[]; publicIp?: string; description: string; owner: string; releaseAt?: number }

const PAGE = 2;

function refsOf(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => refsOf(v, found));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') found.add(v);
      else if (k === 'Fn::GetAtt') found.add(Array.isArray(v) ? v[0] : String(v).split('.')[0]);
      else refsOf(v, found);
    }
  }
  return found;
}

export class FakeAccount {
  readonly stacks: FStack[] = [];
  readonly buckets = new Map<string, { versions: Array<{ Key: string; VersionId: string; marker?: boolean }> }>();
  readonly repositories = new Map<string, { images: Array<{ imageDigest: string; imageTag?: string }> }>();
  readonly zones = new Map<string, { name: string; records: ResourceRecordSet[] }>();
  readonly enis: Eni[] = [];
  readonly logGroups = new Set<string>();
  readonly vpcs = new Set<string>();
  readonly securityGroups = new Set<string>();
  readonly loadBalancers = new Set<string>();
  readonly targetGroups = new Set<string>();
  readonly igwAttachments = new Map<string, string>();
  /** Internet gateways, subnets (by id, their VPC) and when the last interface of a VPC or group went. */
  readonly gateways = new Set<string>();
  readonly subnets = new Map<string, string>();
  private readonly lastRelease = new Map<string, number>();
  /** ECS task definitions by ARN: ACTIVE, then INACTIVE once their stack deleted (deregistered) them. */
  readonly taskDefinitions = new Map<string, 'ACTIVE' | 'INACTIVE'>();
  readonly listeners = new Set<string>();
  readonly rules = new Set<string>();
  /** Route tables, launch templates, Lambda functions (by name) and SQS queues (by name): tagged, gone with their stack. */
  readonly routeTables = new Set<string>();
  readonly launchTemplates = new Set<string>();
  readonly functions = new Set<string>();
  readonly queues = new Set<string>();
  /** When the tagging API first saw a tagged resource gone (it keeps returning it for staleTagMinutes). */
  private readonly diedAt = new Map<string, number>();
  /** ECS clusters by name; a cluster with ACTIVE or DRAINING services cannot be deleted. */
  readonly clusters = new Map<string, { status: 'ACTIVE' | 'INACTIVE'; tags: Record<string, string> }>();
  /** ECS services by ARN: DRAINING after delete while their task interfaces drain, then INACTIVE. */
  readonly services = new Map<string, { cluster: string; name: string; desired: number; status: 'ACTIVE' | 'DRAINING' | 'INACTIVE' }>();
  /** Auto Scaling groups by name; a force delete terminates the instances and takes a while. */
  readonly asgs = new Map<string, { instances: number; tags: Record<string, string>; goneAt?: number }>();
  /** Every API call, "Service.Operation", in order. */
  readonly calls: string[] = [];
  /** Tags by resource ARN, for the tagging API. */
  private readonly tagged = new Map<string, { tags: Record<string, string>; alive: () => boolean }>();
  private readonly mocks: Array<{ restore(): void }> = [];
  private counter = 0;
  private readonly imagesThatFail = new Set<string>();
  /** Image digests an image index references, by repository: they fail with ImageReferencedByManifestList while the index is there. */
  private readonly indexOf = new Map<string, string>();

  constructor(private readonly clock: VirtualClock, private readonly scenario: Scenario = {}) {
    this.wire();
  }

  restore(): void {
    for (const m of this.mocks) m.restore();
  }

  /** Deploys one ClassLabStack: its root template and nested templates, with the kit's stack tags. */
  deploy(name: string, root: DeployedTemplate, tags: Record<string, string>): FStack {
    return this.createStack(name, root, tags);
  }

  private id(prefix: string): string {
    return `${prefix}${(++this.counter).toString(16).padStart(8, '0')}`;
  }

  private createStack(name: string, deployed: DeployedTemplate, tags: Record<string, string>, parent?: FStack, logicalId?: string): FStack {
    const id = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/${name}/${this.id('')}-0000-0000-0000-000000000000`;
    const stack: FStack = { id, name, parentId: parent?.id, logicalId, status: 'CREATE_COMPLETE', tags, resources: new Map(), nested: new Map(), events: [] };
    this.stacks.push(stack);
    // The tagging API answers with stacks too, and with a deleted one for a while.
    this.tag(id, stack, () => stack.status !== 'DELETE_COMPLETE');
    const resources = deployed.template.Resources ?? {};
    for (const [lid, r] of Object.entries<any>(resources)) {
      if (!isModelled(r.Type)) throw new Error(`fake account: no model for ${r.Type} (${name}/${lid}); add one to test/instructor-tool/support/fake-account.ts`);
      const deps = new Set([...refsOf(r.Properties), ...[r.DependsOn ?? []].flat()].filter((d) => d in resources && d !== lid));
      stack.resources.set(lid, { logicalId: lid, type: r.Type, physicalId: '', props: r.Properties ?? {}, deps, status: 'CREATE_COMPLETE' });
    }
    // Create in dependency order so physical ids of references exist.
    const done = new Set<string>();
    const create = (res: Res): void => {
      if (done.has(res.logicalId)) return;
      done.add(res.logicalId);
      for (const d of res.deps) create(stack.resources.get(d)!);
      res.physicalId = this.createResource(stack, res, deployed);
    };
    for (const res of stack.resources.values()) create(res);
    return stack;
  }

  private vpcOf(stack: FStack): string {
    let s: FStack | undefined = stack;
    while (s) {
      const vpc = [...s.resources.values()].find((r) => r.type === 'AWS::EC2::VPC');
      if (vpc) return vpc.physicalId;
      s = this.stacks.find((x) => x.id === s!.parentId);
    }
    return 'vpc-none';
  }

  private tag(arn: string, stack: FStack, alive: () => boolean): void {
    this.tagged.set(arn, { tags: stack.tags, alive });
  }

  private createResource(stack: FStack, res: Res, deployed: DeployedTemplate): string {
    const s = this.scenario;
    switch (res.type) {
      case 'AWS::CloudFormation::Stack': {
        const child = this.createStack(`${stack.name}-${res.logicalId}-${this.id('')}`, deployed.nested[res.logicalId], stack.tags, stack, res.logicalId);
        stack.nested.set(res.logicalId, child);
        return child.id;
      }
      case 'AWS::S3::Bucket': {
        const name = `${stack.name.toLowerCase()}-${res.logicalId.toLowerCase().slice(0, 20)}-${this.id('')}`;
        const versions = Array.from({ length: s.objectVersions ?? 5 }, (_, i) => ({ Key: `file-${i % 3}.txt`, VersionId: `v${i}`, marker: i % 4 === 3 }));
        this.buckets.set(name, { versions });
        this.tag(`arn:aws:s3:::${name}`, stack, () => this.buckets.has(name));
        return name;
      }
      case 'AWS::ECR::Repository': {
        const name = `${stack.name.toLowerCase()}-${this.id('repo')}`;
        const images = Array.from({ length: s.images ?? 3 }, (_, i) => ({ imageDigest: `sha256:${name}${i.toString(16).padStart(8, '0')}`, imageTag: i === (s.images ?? 3) - 1 ? 'v1' : undefined }));
        for (const img of images.slice(0, s.imagesThatFail ?? 0)) this.imagesThatFail.add(img.imageDigest);
        // A Docker 29 push: the tagged image is an index; the platform images and attestations it references come first in the list.
        if (s.imageIndex !== false && images.length > 1) for (const img of images.slice(0, -1)) this.indexOf.set(img.imageDigest, images[images.length - 1].imageDigest);
        this.repositories.set(name, { images });
        this.tag(`arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${name}`, stack, () => this.repositories.has(name));
        return name;
      }
      case 'AWS::Route53::HostedZone': {
        const zoneId = this.id('Z').toUpperCase();
        const name = `${res.props.Name ?? 'lab.class.internal'}`.replace(/\.?$/, '.');
        const extra = Array.from({ length: s.extraRecords ?? 3 }, (_, i): ResourceRecordSet => ({
          Name: `extra${i}.${name}`, Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"student"' }],
          ...(i === 0 ? { SetIdentifier: 'weighted-a', Weight: 1 } : {}),
        }));
        this.zones.set(zoneId, { name, records: [{ Name: name, Type: 'SOA' }, { Name: name, Type: 'NS' }, ...extra] });
        this.tag(`arn:aws:route53:::hostedzone/${zoneId}`, stack, () => this.zones.has(zoneId));
        return zoneId;
      }
      case 'AWS::Route53::RecordSet': {
        const zoneId = this.physical(stack, res.props.HostedZoneId);
        const zone = this.zones.get(zoneId);
        const name = `${typeof res.props.Name === 'string' ? res.props.Name : `rec${this.counter}`}`.replace(/\.?$/, '.');
        zone?.records.push({ Name: name, Type: res.props.Type ?? 'A', AliasTarget: { DNSName: 'lb', HostedZoneId: 'Z35SXDOTRQ7X7K', EvaluateTargetHealth: false } });
        return name;
      }
      case 'AWS::EC2::VPC': {
        const vpc = this.id('vpc-');
        this.vpcs.add(vpc);
        this.tag(`arn:aws:ec2:us-east-1:${ACCOUNT}:vpc/${vpc}`, stack, () => this.vpcs.has(vpc));
        return vpc;
      }
      case 'AWS::EC2::Subnet': {
        const subnet = this.id('subnet-');
        this.subnets.set(subnet, this.vpcOf(stack));
        this.tag(`arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/${subnet}`, stack, () => this.subnets.has(subnet));
        return subnet;
      }
      case 'AWS::EC2::InternetGateway': {
        const igw = this.id('igw-');
        this.gateways.add(igw);
        this.tag(`arn:aws:ec2:us-east-1:${ACCOUNT}:internet-gateway/${igw}`, stack, () => this.gateways.has(igw));
        return igw;
      }
      case 'AWS::ECS::TaskDefinition': {
        const arn = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/${stack.name}${res.logicalId}:1`;
        this.taskDefinitions.set(arn, 'ACTIVE');
        // Deregistered, a task definition stays discoverable and keeps its tags.
        this.tag(arn, stack, () => this.taskDefinitions.has(arn));
        return arn;
      }
      case 'AWS::ElasticLoadBalancingV2::Listener': {
        const arn = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener/app/lab/0123/${this.id('')}`;
        this.listeners.add(arn);
        this.tag(arn, stack, () => this.listeners.has(arn));
        return arn;
      }
      case 'AWS::ElasticLoadBalancingV2::ListenerRule': {
        const arn = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener-rule/app/lab/0123/4567/${this.id('')}`;
        this.rules.add(arn);
        this.tag(arn, stack, () => this.rules.has(arn));
        return arn;
      }
      case 'AWS::EC2::VPCGatewayAttachment': {
        const vpc = this.vpcOf(stack);
        const igw = this.physical(stack, res.props.InternetGatewayId);
        this.igwAttachments.set(vpc, igw);
        return `IGW|${vpc}`;
      }
      case 'AWS::EC2::SecurityGroup': {
        const sg = this.id('sg-');
        this.securityGroups.add(sg);
        return sg;
      }
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const arn = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/${this.id('lab')}/0123`;
        this.loadBalancers.add(arn);
        this.tag(arn, stack, () => this.loadBalancers.has(arn));
        const groups = (res.props.SecurityGroups ?? []).map((g: unknown) => this.physical(stack, g));
        for (let i = 0; i < 2; i++) this.addEni(stack, arn, groups, 'ELB app/lab', true, 'interface');
        return arn;
      }
      case 'AWS::ElasticLoadBalancingV2::TargetGroup': {
        const arn = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/${this.id('tg')}/0123`;
        this.targetGroups.add(arn);
        return arn;
      }
      case 'AWS::ECS::Cluster': {
        const name = this.id('cluster-');
        this.clusters.set(name, { status: 'ACTIVE', tags: stack.tags });
        return name;
      }
      case 'AWS::ECS::Service': {
        const cluster = this.physical(stack, res.props.Cluster);
        const name = this.id('app');
        const arn = `arn:aws:ecs:us-east-1:${ACCOUNT}:service/${cluster}/${name}`;
        this.services.set(arn, { cluster, name, desired: Number(res.props.DesiredCount) || 1, status: 'ACTIVE' });
        const network = res.props.NetworkConfiguration?.AwsvpcConfiguration ?? {};
        const groups = (network.SecurityGroups ?? []).map((g: unknown) => this.physical(stack, g));
        for (let i = 0; i < (Number(res.props.DesiredCount) || 1); i++) this.addEni(stack, arn, groups, 'arn:aws:ecs:us-east-1:task attachment', network.AssignPublicIp === 'ENABLED', 'interface');
        return arn;
      }
      case 'AWS::AutoScaling::AutoScalingGroup': {
        const name = this.id('asg-');
        this.asgs.set(name, { instances: Number(res.props.DesiredCapacity ?? res.props.MinSize) || 1, tags: stack.tags });
        return name;
      }
      case 'AWS::Logs::LogGroup': {
        const name = typeof res.props.LogGroupName === 'string' ? res.props.LogGroupName : `${stack.name}-${res.logicalId}-${this.id('')}`;
        this.logGroups.add(name);
        return name;
      }
      case 'AWS::Lambda::Function': {
        const name = `${stack.name}-${res.logicalId}`.slice(0, 56) + this.id('');
        this.functions.add(name);
        this.tag(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`, stack, () => this.functions.has(name));
        return name;
      }
      case 'AWS::SQS::Queue': {
        // Ref of a queue is its URL; the tagging API names it by ARN.
        const name = `${stack.name}-${res.logicalId}-${this.id('')}`.slice(0, 80);
        this.queues.add(name);
        this.tag(`arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`, stack, () => this.queues.has(name));
        return `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`;
      }
      case 'AWS::EC2::LaunchTemplate': {
        const lt = this.id('lt-');
        this.launchTemplates.add(lt);
        this.tag(`arn:aws:ec2:us-east-1:${ACCOUNT}:launch-template/${lt}`, stack, () => this.launchTemplates.has(lt));
        return lt;
      }
      case 'AWS::EC2::RouteTable': {
        const rtb = this.id('rtb-');
        this.routeTables.add(rtb);
        this.tag(`arn:aws:ec2:us-east-1:${ACCOUNT}:route-table/${rtb}`, stack, () => this.routeTables.has(rtb));
        return rtb;
      }
      default: return this.id(`${res.type.split('::').pop()!.toLowerCase()}-`);
    }
  }

  /** An interface goes; EC2 keeps counting it against its VPC and groups for ec2LagSeconds. */
  private release(index: number, at: number): void {
    const eni = this.enis[index];
    for (const key of [eni.vpcId, eni.subnetId, ...eni.groups]) this.lastRelease.set(key, Math.max(this.lastRelease.get(key) ?? 0, at));
    this.enis.splice(index, 1);
  }

  /** DependencyViolation while EC2 has not caught up with the interfaces that went (eventual consistency). */
  private lagging(id: string): boolean {
    const at = this.lastRelease.get(id);
    return at !== undefined && this.clock.now() < at + (this.scenario.ec2LagSeconds ?? 0) * 1000;
  }

  private addEni(stack: FStack, owner: string, groups: string[], description: string, publicIp: boolean, _type: string): void {
    this.enis.push({ id: this.id('eni-'), vpcId: this.vpcOf(stack), subnetId: 'subnet-x', groups, description, owner, publicIp: publicIp ? `198.51.100.${this.counter % 250}` : undefined });
  }

  /** The physical id a Ref / GetAtt in a template resolves to within a stack. */
  private physical(stack: FStack, value: unknown): string {
    if (typeof value === 'string') return value;
    const ref = [...refsOf(value)][0];
    return (ref && stack.resources.get(ref)?.physicalId) || 'unknown';
  }

  /** Interfaces whose owner is gone release their address once their drain time has passed. */
  private tick(): void {
    const now = this.clock.now();
    for (let i = this.enis.length - 1; i >= 0; i--) if (this.enis[i].releaseAt !== undefined && this.enis[i].releaseAt! <= now) this.release(i, this.enis[i].releaseAt!);
    // A deleted service stays DRAINING while its tasks (and their interfaces) stop.
    for (const [arn, svc] of this.services) if (svc.status === 'DRAINING' && !this.enis.some((e) => e.owner === arn)) svc.status = 'INACTIVE';
    for (const [name, group] of this.asgs) if (group.goneAt !== undefined && group.goneAt <= now) this.asgs.delete(name);
    // Root stacks, and nested stacks deleted on their own (orphans); the others go with their parent.
    for (const stack of this.stacks) this.settle(stack);
  }

  // ---------- CloudFormation delete ----------

  private event(stack: FStack, logicalId: string, physicalId: string, type: string, status: string, reason?: string): void {
    stack.events.unshift({
      StackId: stack.id, StackName: stack.name, EventId: this.id('e'), LogicalResourceId: logicalId, PhysicalResourceId: physicalId,
      ResourceType: type, ResourceStatus: status as StackEvent['ResourceStatus'], ResourceStatusReason: reason, Timestamp: new Date(this.clock.now()),
    });
  }

  private settle(stack: FStack): void {
    if (stack.status !== 'DELETE_IN_PROGRESS' || stack.finishAt === undefined || this.clock.now() < stack.finishAt) return;
    this.runDelete(stack, stack.force === true);
  }

  /** Deletes what can go, in reverse dependency order; returns whether the stack is gone. */
  private runDelete(stack: FStack, force: boolean): boolean {
    this.event(stack, stack.logicalId ?? stack.name, stack.id, 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS', 'User Initiated');
    const live = () => [...stack.resources.values()].filter((r) => r.status !== 'DELETE_COMPLETE' && r.status !== 'DELETE_SKIPPED');
    const failed = new Set<string>();
    for (let progress = true; progress;) {
      progress = false;
      for (const res of live()) {
        if (failed.has(res.logicalId)) continue;
        // Deleted only after everything that refers to it.
        const blockedBy = live().some((other) => other.deps.has(res.logicalId));
        if (blockedBy) continue;
        const why = this.deleteResource(stack, res, force);
        if (why === undefined) {
          res.status = 'DELETE_COMPLETE';
          progress = true;
        } else if (force) {
          // FORCE_DELETE_STACK skips every resource that fails to delete and goes on; they show DELETE_SKIPPED.
          // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-cli-deleting-stack.html
          // The fake shows it as the resource's status only (ListStackResources), where AWS documents it.
          res.status = 'DELETE_SKIPPED';
          progress = true;
        } else {
          failed.add(res.logicalId);
          res.status = 'DELETE_FAILED';
          this.event(stack, res.logicalId, res.physicalId, res.type, 'DELETE_FAILED', why);
        }
      }
    }
    if (live().length === 0) {
      stack.status = 'DELETE_COMPLETE';
      this.event(stack, stack.logicalId ?? stack.name, stack.id, 'AWS::CloudFormation::Stack', 'DELETE_COMPLETE');
      return true;
    }
    stack.status = 'DELETE_FAILED';
    this.event(stack, stack.logicalId ?? stack.name, stack.id, 'AWS::CloudFormation::Stack', 'DELETE_FAILED', `The following resource(s) failed to delete: [${[...failed].join(', ')}]. `);
    return false;
  }

  /** Why one resource does not delete (as CloudFormation reports it), or undefined when it is gone. */
  private deleteResource(stack: FStack, res: Res, force: boolean): string | undefined {
    const id = res.physicalId;
    switch (res.type) {
      case 'AWS::CloudFormation::Stack': {
        const child = stack.nested.get(res.logicalId)!;
        if (child.status === 'DELETE_COMPLETE') return undefined;
        return this.runDelete(child, force && child.status === 'DELETE_FAILED') ? undefined : 'Embedded stack was not successfully deleted';
      }
      case 'AWS::S3::Bucket':
        if (!this.buckets.has(id)) return undefined;
        if (this.buckets.get(id)!.versions.length > 0) return 'The bucket you tried to delete is not empty. You must delete all versions in the bucket. (Service: S3, Status Code: 409)';
        this.buckets.delete(id);
        return undefined;
      case 'Custom::S3AutoDeleteObjects': {
        this.invoke(stack, res.props.ServiceToken);
        if (this.scenario.autoDeleteFails) return 'CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [0000]';
        const bucket = this.buckets.get(this.physical(stack, res.props.BucketName));
        if (bucket) bucket.versions = [];
        return undefined;
      }
      case 'Custom::LabExpiryClock':
        // The expiry clock's function answers the Delete event too (lib/class-operations/expiry.ts): one more invoke.
        this.invoke(stack, res.props.ServiceToken);
        return undefined;
      case 'AWS::ECR::Repository': {
        const repo = this.repositories.get(id);
        if (!repo) return undefined;
        if (repo.images.length > 0 && res.props.EmptyOnDelete !== true) return `The repository with name '${id}' in registry with id '${ACCOUNT}' cannot be deleted because it still contains images`;
        this.repositories.delete(id);
        return undefined;
      }
      case 'AWS::Route53::HostedZone': {
        const zone = this.zones.get(id);
        if (!zone) return undefined;
        if (zone.records.length > 2) return `The specified hosted zone contains non-required resource record sets and so cannot be deleted. (Service: Route53, Status Code: 400)`;
        this.zones.delete(id);
        return undefined;
      }
      case 'AWS::Route53::RecordSet': {
        const zone = this.zones.get(this.physical(stack, res.props.HostedZoneId));
        if (zone) zone.records = zone.records.filter((r) => r.Name !== id);
        return undefined;
      }
      case 'AWS::ECS::Cluster': {
        const cluster = this.clusters.get(id);
        if (!cluster || cluster.status === 'INACTIVE') return undefined;
        if ([...this.services.values()].some((v) => v.cluster === id && v.status !== 'INACTIVE')) return 'The Cluster cannot be deleted while Services are active. (Service: Ecs, Status Code: 400, ClusterContainsServicesException)';
        cluster.status = 'INACTIVE';
        return undefined;
      }
      case 'AWS::AutoScaling::AutoScalingGroup': {
        if (!this.asgs.has(id)) return undefined;
        if (this.scenario.asgDeleteFails) return `Resource handler returned message: "Scaling activity in progress for ${id}" (Service: AutoScaling, Status Code: 400, ScalingActivityInProgress)`;
        this.asgs.delete(id);
        return undefined;
      }
      case 'AWS::ECS::Service':
        if (this.services.get(id)?.status === 'INACTIVE') return undefined;
        if (this.scenario.serviceDeleteFails && this.services.get(id)?.status === 'ACTIVE') return `Service arn ${id} did not stabilize. (Service: Ecs, Status Code: 400)`;
        this.drainService(id);
        return undefined;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        // The load balancer goes; its interfaces keep their public IPv4 while they drain (half a task's drain).
        const drain = (this.scenario.drainMinutes ?? 4) * 60_000 * 0.5;
        for (const eni of this.enis.filter((e) => e.owner === id && e.releaseAt === undefined)) eni.releaseAt = this.clock.now() + drain;
        this.loadBalancers.delete(id);
        return undefined;
      }
      case 'AWS::ElasticLoadBalancingV2::TargetGroup': this.targetGroups.delete(id); return undefined;
      case 'AWS::EC2::SecurityGroup': {
        if (!this.securityGroups.has(id)) return undefined;
        if (this.enis.some((e) => e.groups.includes(id))) return `resource ${id} has a dependent object (Service: Ec2, Status Code: 400)`;
        this.securityGroups.delete(id);
        return undefined;
      }
      case 'AWS::EC2::VPCGatewayAttachment': {
        const vpc = id.split('|')[1];
        if (this.enis.some((e) => e.vpcId === vpc && e.publicIp)) {
          return `Network ${vpc} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway. (Service: Ec2, Status Code: 400)`;
        }
        this.igwAttachments.delete(vpc);
        return undefined;
      }
      case 'AWS::EC2::VPC': {
        if (!this.vpcs.has(id)) return undefined;
        if (this.vpcBlocked(id)) return `The vpc '${id}' has dependencies and cannot be deleted. (Service: Ec2, Status Code: 400)`;
        this.vpcs.delete(id);
        return undefined;
      }
      case 'AWS::EC2::Subnet': {
        if (!this.subnets.has(id)) return undefined;
        if (this.enis.some((e) => e.subnetId === id)) return `The subnet '${id}' has dependencies and cannot be deleted. (Service: Ec2, Status Code: 400)`;
        this.subnets.delete(id);
        return undefined;
      }
      case 'AWS::EC2::InternetGateway': {
        if (!this.gateways.has(id)) return undefined;
        if ([...this.igwAttachments.values()].includes(id)) return `The internetGateway '${id}' has dependencies and cannot be deleted. (Service: Ec2, Status Code: 400)`;
        this.gateways.delete(id);
        return undefined;
      }
      // CloudFormation deregisters a task definition: INACTIVE, still there, still tagged.
      case 'AWS::ECS::TaskDefinition': if (this.taskDefinitions.has(id)) this.taskDefinitions.set(id, 'INACTIVE'); return undefined;
      case 'AWS::ElasticLoadBalancingV2::Listener': this.listeners.delete(id); return undefined;
      case 'AWS::ElasticLoadBalancingV2::ListenerRule': this.rules.delete(id); return undefined;
      case 'AWS::Logs::LogGroup': this.logGroups.delete(id); return undefined;
      case 'AWS::EC2::RouteTable': this.routeTables.delete(id); return undefined;
      case 'AWS::EC2::LaunchTemplate': this.launchTemplates.delete(id); return undefined;
      case 'AWS::Lambda::Function': this.functions.delete(id); return undefined;
      case 'AWS::SQS::Queue': this.queues.delete(id.split('/').pop()!); return undefined;
      default: return undefined;
    }
  }

  /** What keeps a VPC from deleting: interfaces, subnets, an attached gateway, or EC2 not caught up yet. */
  private vpcBlocked(vpc: string): boolean {
    return this.enis.some((e) => e.vpcId === vpc) || [...this.subnets.values()].includes(vpc) || this.igwAttachments.has(vpc);
  }

  /** A deleted service's tasks stop: their interfaces keep a public IPv4 while they drain. */
  private drainService(arn: string): void {
    const svc = this.services.get(arn);
    if (!svc) return;
    svc.status = 'DRAINING';
    svc.desired = 0;
    for (const eni of this.enis.filter((e) => e.owner === arn && e.releaseAt === undefined)) eni.releaseAt = this.clock.now() + (this.scenario.drainMinutes ?? 4) * 60_000;
  }

  /** A custom resource invokes its function: Lambda writes to the function's log group, creating it if missing. */
  private invoke(stack: FStack, serviceToken: unknown): void {
    const fnId = [...refsOf(serviceToken)][0];
    const fn = fnId ? stack.resources.get(fnId) : undefined;
    if (!fn) return;
    const owned = fn.props.LoggingConfig?.LogGroup;
    this.logGroups.add(owned ? this.physical(stack, owned) : `/aws/lambda/${fn.physicalId}`);
  }

  // ---------- the services' APIs ----------

  private guard<T>(op: string, call: () => T): T {
    this.calls.push(op);
    if (this.scenario.credentialsExpireAt !== undefined && this.clock.now() >= this.scenario.credentialsExpireAt) {
      throw awsError('ExpiredToken', 'The security token included in the request is expired');
    }
    if (this.scenario.denied?.includes(op.split('.')[1])) throw awsError('AccessDenied', `User: ${CALLER_ARN} is not authorized to perform: ${op}`);
    this.tick();
    return call();
  }

  private on<C>(client: any, command: any, op: string, handler: (input: any) => C): void {
    const mock = this.mocks.find((m: any) => m.client === client) as any;
    mock.mock.on(command).callsFake((input: any) => this.guard(op, () => handler(input)));
  }

  private wire(): void {
    const clients = {
      cfn: CloudFormationClient, s3: S3Client, ecr: ECRClient, r53: Route53Client, ec2: EC2Client, logs: CloudWatchLogsClient, elbv2: ElasticLoadBalancingV2Client,
      tag: ResourceGroupsTaggingAPIClient, sts: STSClient, ecs: ECSClient, asg: AutoScalingClient, lambda: LambdaClient, sqs: SQSClient,
    };
    for (const client of Object.values(clients)) this.mocks.push(Object.assign({ client, mock: mockClient(client as any) }, { restore() { (this as any).mock.restore(); } }));
    this.on(clients.sts, GetCallerIdentityCommand, 'STS.GetCallerIdentity', () => ({ Account: ACCOUNT, Arn: CALLER_ARN, UserId: 'AIDATEST' }));

    // CloudFormation
    this.on(clients.cfn, DescribeStacksCommand, 'CloudFormation.DescribeStacks', (input) => {
      if (input.StackName) {
        const stack = this.findStack(input.StackName);
        return { Stacks: [this.apiStack(stack)] };
      }
      const live = this.stacks.filter((s) => s.status !== 'DELETE_COMPLETE');
      const start = Number(input.NextToken ?? 0);
      return { Stacks: live.slice(start, start + PAGE).map((s) => this.apiStack(s)), NextToken: start + PAGE < live.length ? String(start + PAGE) : undefined };
    });
    this.on(clients.cfn, ListStackResourcesCommand, 'CloudFormation.ListStackResources', (input) => {
      const stack = this.findStack(input.StackName);
      const all = [...stack.resources.values()];
      const start = Number(input.NextToken ?? 0);
      return {
        StackResourceSummaries: all.slice(start, start + PAGE).map((r) => ({ LogicalResourceId: r.logicalId, PhysicalResourceId: r.physicalId, ResourceType: r.type, ResourceStatus: r.status as any, LastUpdatedTimestamp: new Date(this.clock.now()) })),
        NextToken: start + PAGE < all.length ? String(start + PAGE) : undefined,
      };
    });
    this.on(clients.cfn, DescribeStackEventsCommand, 'CloudFormation.DescribeStackEvents', (input) => {
      const stack = this.findStack(input.StackName);
      const start = Number(input.NextToken ?? 0);
      return { StackEvents: stack.events.slice(start, start + PAGE), NextToken: start + PAGE < stack.events.length ? String(start + PAGE) : undefined };
    });
    this.on(clients.cfn, DeleteStackCommand, 'CloudFormation.DeleteStack', (input) => {
      const stack = this.findStack(input.StackName);
      if (stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return {};
      const force = input.DeletionMode === 'FORCE_DELETE_STACK';
      if (force && stack.status !== 'DELETE_FAILED') throw awsError('ValidationError', 'FORCE_DELETE_STACK can only be used on a stack in DELETE_FAILED');
      stack.status = 'DELETE_IN_PROGRESS';
      stack.force = force;
      stack.finishAt = this.clock.now() + (force ? (this.scenario.forceDeleteMinutes ?? 1) : 1) * 60_000;
      return {};
    });

    // S3
    this.on(clients.s3, HeadBucketCommand, 'S3.HeadBucket', (input) => {
      if (!this.buckets.has(input.Bucket)) throw awsError('NotFound', 'NotFound');
      return {};
    });
    this.on(clients.s3, ListObjectVersionsCommand, 'S3.ListObjectVersions', (input) => {
      const bucket = this.buckets.get(input.Bucket);
      if (!bucket) throw awsError('NoSuchBucket', 'The specified bucket does not exist');
      const all = bucket.versions;
      const start = input.KeyMarker ? all.findIndex((v) => v.Key === input.KeyMarker && v.VersionId === input.VersionIdMarker) + 1 : 0;
      const page = all.slice(start, start + PAGE);
      const truncated = start + PAGE < all.length;
      return {
        Versions: page.filter((v) => !v.marker).map((v) => ({ Key: v.Key, VersionId: v.VersionId })),
        DeleteMarkers: page.filter((v) => v.marker).map((v) => ({ Key: v.Key, VersionId: v.VersionId })),
        IsTruncated: truncated, NextKeyMarker: truncated ? page[page.length - 1].Key : undefined, NextVersionIdMarker: truncated ? page[page.length - 1].VersionId : undefined,
      };
    });
    this.on(clients.s3, DeleteObjectsCommand, 'S3.DeleteObjects', (input) => {
      const objects = input.Delete.Objects as Array<{ Key: string; VersionId: string }>;
      if (objects.length > 1000) throw awsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
      const bucket = this.buckets.get(input.Bucket)!;
      const errors: any[] = [];
      let failing = this.scenario.objectsThatFail ?? 0;
      for (const o of objects) {
        if (failing-- > 0) {
          errors.push({ Key: o.Key, VersionId: o.VersionId, Code: 'AccessDenied', Message: 'Access Denied' });
          continue;
        }
        bucket.versions = bucket.versions.filter((v) => !(v.Key === o.Key && v.VersionId === o.VersionId));
      }
      return { Deleted: [], Errors: errors.length ? errors : undefined };
    });
    this.on(clients.s3, DeleteBucketCommand, 'S3.DeleteBucket', (input) => {
      const bucket = this.buckets.get(input.Bucket);
      if (!bucket) throw awsError('NoSuchBucket', 'The specified bucket does not exist');
      if (bucket.versions.length) throw awsError('BucketNotEmpty', 'The bucket you tried to delete is not empty');
      this.buckets.delete(input.Bucket);
      return {};
    });

    // ECR
    this.on(clients.ecr, DescribeRepositoriesCommand, 'ECR.DescribeRepositories', (input) => {
      const name = input.repositoryNames[0];
      if (!this.repositories.has(name)) throw awsError('RepositoryNotFoundException', `The repository with name '${name}' does not exist`);
      return { repositories: [{ repositoryName: name }] };
    });
    this.on(clients.ecr, ListImagesCommand, 'ECR.ListImages', (input) => {
      const repo = this.repositories.get(input.repositoryName);
      if (!repo) throw awsError('RepositoryNotFoundException', 'The repository does not exist');
      const start = Number(input.nextToken ?? 0);
      return { imageIds: repo.images.slice(start, start + PAGE), nextToken: start + PAGE < repo.images.length ? String(start + PAGE) : undefined };
    });
    this.on(clients.ecr, BatchDeleteImageCommand, 'ECR.BatchDeleteImage', (input) => {
      if (input.imageIds.length > 100) throw awsError('InvalidParameterException', 'imageIds: Member must have length less than or equal to 100');
      const repo = this.repositories.get(input.repositoryName)!;
      // Checked against the repository as the call found it: an index in the same batch still holds its children.
      const present = new Set(repo.images.map((img) => img.imageDigest));
      const failure = (digest: string) => this.imagesThatFail.has(digest) ? { failureCode: 'KmsError', failureReason: 'the repository\'s KMS key refused the request' }
        : present.has(this.indexOf.get(digest) ?? '') ? { failureCode: 'ImageReferencedByManifestList', failureReason: 'Requested image referenced by manifest list' } : undefined;
      const failures = input.imageIds.filter((i: any) => failure(i.imageDigest)).map((i: any) => ({ imageId: i, ...failure(i.imageDigest) }));
      repo.images = repo.images.filter((img) => failure(img.imageDigest) || !input.imageIds.some((i: any) => i.imageDigest === img.imageDigest));
      return { imageIds: [], failures };
    });
    this.on(clients.ecr, DeleteRepositoryCommand, 'ECR.DeleteRepository', (input) => {
      if (!this.repositories.delete(input.repositoryName)) throw awsError('RepositoryNotFoundException', 'The repository does not exist');
      return {};
    });

    // Route 53
    this.on(clients.r53, GetHostedZoneCommand, 'Route53.GetHostedZone', (input) => {
      const zone = this.zones.get(input.Id);
      if (!zone) throw awsError('NoSuchHostedZone', `No hosted zone found with ID: ${input.Id}`);
      return { HostedZone: { Id: input.Id, Name: zone.name, CallerReference: 'x' } };
    });
    this.on(clients.r53, ListResourceRecordSetsCommand, 'Route53.ListResourceRecordSets', (input) => {
      const records = this.zones.get(input.HostedZoneId)!.records;
      let start = 0;
      if (input.StartRecordName) {
        start = records.findIndex((r) => r.Name === input.StartRecordName && r.Type === input.StartRecordType && (r.SetIdentifier ?? undefined) === (input.StartRecordIdentifier ?? undefined));
        if (start < 0) throw awsError('InvalidInput', 'start record not found (StartRecordIdentifier missing?)');
      }
      const page = records.slice(start, start + PAGE);
      const next = records[start + PAGE];
      return { ResourceRecordSets: page, IsTruncated: next !== undefined, NextRecordName: next?.Name, NextRecordType: next?.Type, NextRecordIdentifier: next?.SetIdentifier };
    });
    this.on(clients.r53, ChangeResourceRecordSetsCommand, 'Route53.ChangeResourceRecordSets', (input) => {
      const zone = this.zones.get(input.HostedZoneId)!;
      for (const c of input.ChangeBatch.Changes) {
        const i = zone.records.findIndex((r) => r.Name === c.ResourceRecordSet.Name && r.Type === c.ResourceRecordSet.Type && r.SetIdentifier === c.ResourceRecordSet.SetIdentifier);
        if (i < 0) throw awsError('InvalidChangeBatch', `Tried to delete resource record set [name='${c.ResourceRecordSet.Name}', type='${c.ResourceRecordSet.Type}'] but it was not found`);
      }
      for (const c of input.ChangeBatch.Changes) zone.records = zone.records.filter((r) => !(r.Name === c.ResourceRecordSet.Name && r.Type === c.ResourceRecordSet.Type && r.SetIdentifier === c.ResourceRecordSet.SetIdentifier));
      return { ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date(this.clock.now()) } };
    });
    this.on(clients.r53, DeleteHostedZoneCommand, 'Route53.DeleteHostedZone', (input) => {
      const zone = this.zones.get(input.Id);
      if (!zone) throw awsError('NoSuchHostedZone', 'No hosted zone found');
      if (zone.records.length > 2) throw awsError('HostedZoneNotEmpty', 'The hosted zone contains resource records that are not SOA or NS records.');
      this.zones.delete(input.Id);
      return {};
    });

    // EC2
    const eniApi = (e: Eni): NetworkInterface => ({
      NetworkInterfaceId: e.id, VpcId: e.vpcId, SubnetId: e.subnetId, Status: 'in-use', Description: e.description, InterfaceType: 'interface', RequesterManaged: true,
      Groups: e.groups.map((g) => ({ GroupId: g })), ...(e.publicIp ? { Association: { PublicIp: e.publicIp } } : {}),
    });
    this.on(clients.ec2, DescribeNetworkInterfacesCommand, 'EC2.DescribeNetworkInterfaces', (input) => {
      let found = this.enis;
      if (input.NetworkInterfaceIds) found = found.filter((e) => input.NetworkInterfaceIds.includes(e.id));
      for (const f of input.Filters ?? []) {
        const value = (e: Eni) => (f.Name === 'vpc-id' ? [e.vpcId] : f.Name === 'group-id' ? e.groups : f.Name === 'subnet-id' ? [e.subnetId] : []);
        found = found.filter((e) => value(e).some((v) => f.Values.includes(v)));
      }
      const start = Number(input.NextToken ?? 0);
      return { NetworkInterfaces: found.slice(start, start + PAGE).map(eniApi), NextToken: start + PAGE < found.length ? String(start + PAGE) : undefined };
    });
    this.on(clients.ec2, DeleteNetworkInterfaceCommand, 'EC2.DeleteNetworkInterface', () => {
      throw awsError('InvalidNetworkInterface.InUse', 'Interface is in use');
    });
    this.on(clients.ec2, DescribeSecurityGroupsCommand, 'EC2.DescribeSecurityGroups', (input) => {
      if (input.GroupIds) {
        const missing = input.GroupIds.find((g: string) => !this.securityGroups.has(g));
        if (missing) throw awsError('InvalidGroup.NotFound', `The security group '${missing}' does not exist`);
        return { SecurityGroups: input.GroupIds.map((g: string) => ({ GroupId: g })) };
      }
      return { SecurityGroups: [] };
    });
    this.on(clients.ec2, DescribeVpcsCommand, 'EC2.DescribeVpcs', (input) => {
      const missing = (input.VpcIds ?? []).find((v: string) => !this.vpcs.has(v));
      if (missing) throw awsError('InvalidVpcID.NotFound', `The vpc ID '${missing}' does not exist`);
      return { Vpcs: (input.VpcIds ?? []).map((v: string) => ({ VpcId: v })) };
    });
    for (const [command, op, key] of [[DescribeInstancesCommand, 'DescribeInstances', 'Reservations'], [DescribeVolumesCommand, 'DescribeVolumes', 'Volumes'],
      [DescribeSnapshotsCommand, 'DescribeSnapshots', 'Snapshots'], [DescribeNatGatewaysCommand, 'DescribeNatGateways', 'NatGateways'], [DescribeAddressesCommand, 'DescribeAddresses', 'Addresses']] as const) {
      // The kit creates none of these (its fleet's instances go with the Auto Scaling group).
      this.on(clients.ec2, command, `EC2.${op}`, () => ({ [key]: [] }));
    }
    this.on(clients.ec2, DeleteSecurityGroupCommand, 'EC2.DeleteSecurityGroup', (input) => {
      if (this.enis.some((e) => e.groups.includes(input.GroupId)) || this.lagging(input.GroupId)) throw awsError('DependencyViolation', `resource ${input.GroupId} has a dependent object`);
      if (!this.securityGroups.delete(input.GroupId)) throw awsError('InvalidGroup.NotFound', 'not found');
      return {};
    });
    this.on(clients.ec2, DetachInternetGatewayCommand, 'EC2.DetachInternetGateway', (input) => {
      if (!this.gateways.has(input.InternetGatewayId)) throw awsError('InvalidInternetGatewayID.NotFound', `The internetGateway ID '${input.InternetGatewayId}' does not exist`);
      if (this.igwAttachments.get(input.VpcId) !== input.InternetGatewayId) throw awsError('Gateway.NotAttached', `resource ${input.InternetGatewayId} is not attached to network ${input.VpcId}`);
      if (this.enis.some((e) => e.vpcId === input.VpcId && e.publicIp)) throw awsError('DependencyViolation', `Network ${input.VpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`);
      this.igwAttachments.delete(input.VpcId);
      return {};
    });
    this.on(clients.ec2, DeleteInternetGatewayCommand, 'EC2.DeleteInternetGateway', (input) => {
      const igw = input.InternetGatewayId;
      if (!this.gateways.has(igw)) throw awsError('InvalidInternetGatewayID.NotFound', `The internetGateway ID '${igw}' does not exist`);
      if ([...this.igwAttachments.values()].includes(igw)) throw awsError('DependencyViolation', `The internetGateway '${igw}' has dependencies and cannot be deleted.`);
      this.gateways.delete(igw);
      return {};
    });
    this.on(clients.ec2, DeleteSubnetCommand, 'EC2.DeleteSubnet', (input) => {
      const subnet = input.SubnetId;
      if (!this.subnets.has(subnet)) throw awsError('InvalidSubnetID.NotFound', `The subnet ID '${subnet}' does not exist`);
      if (this.enis.some((e) => e.subnetId === subnet) || this.lagging(this.subnets.get(subnet)!)) throw awsError('DependencyViolation', `The subnet '${subnet}' has dependencies and cannot be deleted.`);
      this.subnets.delete(subnet);
      return {};
    });
    this.on(clients.ec2, DeleteVpcCommand, 'EC2.DeleteVpc', (input) => {
      const vpc = input.VpcId;
      if (!this.vpcs.has(vpc)) throw awsError('InvalidVpcID.NotFound', `The vpc ID '${vpc}' does not exist`);
      if (this.vpcBlocked(vpc) || this.lagging(vpc)) throw awsError('DependencyViolation', `The vpc '${vpc}' has dependencies and cannot be deleted.`);
      this.vpcs.delete(vpc);
      return {};
    });
    this.on(clients.ec2, DescribeSubnetsCommand, 'EC2.DescribeSubnets', (input) => {
      const missing = (input.SubnetIds ?? []).find((id: string) => !this.subnets.has(id));
      if (missing) throw awsError('InvalidSubnetID.NotFound', `The subnet ID '${missing}' does not exist`);
      return { Subnets: (input.SubnetIds ?? []).map((id: string) => ({ SubnetId: id, VpcId: this.subnets.get(id) })) };
    });
    this.on(clients.ec2, DescribeRouteTablesCommand, 'EC2.DescribeRouteTables', (input) => {
      const missing = (input.RouteTableIds ?? []).find((id: string) => !this.routeTables.has(id));
      if (missing) throw awsError('InvalidRouteTableID.NotFound', `The routeTable ID '${missing}' does not exist`);
      return { RouteTables: (input.RouteTableIds ?? []).map((id: string) => ({ RouteTableId: id })) };
    });
    this.on(clients.ec2, DescribeLaunchTemplatesCommand, 'EC2.DescribeLaunchTemplates', (input) => {
      const missing = (input.LaunchTemplateIds ?? []).find((id: string) => !this.launchTemplates.has(id));
      if (missing) throw awsError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${missing}, does not exist.`);
      return { LaunchTemplates: (input.LaunchTemplateIds ?? []).map((id: string) => ({ LaunchTemplateId: id })) };
    });
    this.on(clients.ec2, DescribeInternetGatewaysCommand, 'EC2.DescribeInternetGateways', (input) => {
      const missing = (input.InternetGatewayIds ?? []).find((id: string) => !this.gateways.has(id));
      if (missing) throw awsError('InvalidInternetGatewayID.NotFound', `The internetGateway ID '${missing}' does not exist`);
      return { InternetGateways: (input.InternetGatewayIds ?? []).map((id: string) => ({ InternetGatewayId: id })) };
    });

    // ELBv2
    this.on(clients.elbv2, DescribeLoadBalancersCommand, 'ELBv2.DescribeLoadBalancers', (input) => {
      const arns = (input.LoadBalancerArns ?? []).filter((a: string) => this.loadBalancers.has(a));
      if (arns.length === 0) throw awsError('LoadBalancerNotFoundException', 'One or more load balancers not found');
      return { LoadBalancers: arns.map((a: string) => ({ LoadBalancerArn: a })) };
    });
    this.on(clients.elbv2, DescribeTargetGroupsCommand, 'ELBv2.DescribeTargetGroups', (input) => {
      const arns = (input.TargetGroupArns ?? []).filter((a: string) => this.targetGroups.has(a));
      if (arns.length === 0) throw awsError('TargetGroupNotFoundException', 'One or more target groups not found');
      return { TargetGroups: arns.map((a: string) => ({ TargetGroupArn: a })) };
    });
    this.on(clients.elbv2, DescribeListenersCommand, 'ELBv2.DescribeListeners', (input) => {
      const arns = (input.ListenerArns ?? []).filter((a: string) => this.listeners.has(a));
      if (arns.length === 0) throw awsError('ListenerNotFoundException', 'One or more listeners not found');
      return { Listeners: arns.map((a: string) => ({ ListenerArn: a })) };
    });
    this.on(clients.elbv2, DescribeRulesCommand, 'ELBv2.DescribeRules', (input) => {
      const arns = (input.RuleArns ?? []).filter((a: string) => this.rules.has(a));
      if (arns.length === 0) throw awsError('RuleNotFoundException', 'One or more rules not found');
      return { Rules: arns.map((a: string) => ({ RuleArn: a })) };
    });
    this.on(clients.elbv2, DeleteLoadBalancerCommand, 'ELBv2.DeleteLoadBalancer', (input) => (this.loadBalancers.delete(input.LoadBalancerArn), {}));
    this.on(clients.elbv2, DeleteTargetGroupCommand, 'ELBv2.DeleteTargetGroup', (input) => (this.targetGroups.delete(input.TargetGroupArn), {}));

    // CloudWatch Logs
    this.on(clients.logs, DescribeLogGroupsCommand, 'Logs.DescribeLogGroups', (input) => {
      const all = [...this.logGroups].filter((g) => g.startsWith(input.logGroupNamePrefix ?? '')).sort();
      const start = Number(input.nextToken ?? 0);
      return { logGroups: all.slice(start, start + PAGE).map((logGroupName) => ({ logGroupName })), nextToken: start + PAGE < all.length ? String(start + PAGE) : undefined };
    });
    this.on(clients.logs, DeleteLogGroupCommand, 'Logs.DeleteLogGroup', (input) => {
      if (!this.logGroups.delete(input.logGroupName)) throw awsError('ResourceNotFoundException', 'The specified log group does not exist.');
      return {};
    });

    // ECS, as its API reference describes it: DeleteService needs desired count 0 or force;
    // DeleteCluster fails with ClusterContainsServicesException while services are ACTIVE or DRAINING.
    const serviceArn = (cluster: string | undefined, service: string) => [...this.services.keys()].find((arn) => arn === service || (arn.endsWith(`/${service}`) && (!cluster || arn.includes(`/${cluster}/`))));
    const paged = <T>(all: T[], token: string | undefined) => {
      const start = Number(token ?? 0);
      return { page: all.slice(start, start + PAGE), nextToken: start + PAGE < all.length ? String(start + PAGE) : undefined };
    };
    this.on(clients.ecs, ListClustersCommand, 'ECS.ListClusters', (input) => {
      const { page, nextToken } = paged([...this.clusters.entries()].filter(([, c]) => c.status === 'ACTIVE').map(([name]) => `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${name}`), input.nextToken);
      return { clusterArns: page, nextToken };
    });
    this.on(clients.ecs, DescribeClustersCommand, 'ECS.DescribeClusters', (input) => {
      if ((input.clusters ?? []).length > 100) throw awsError('InvalidParameterException', 'clusters can have at most 100 items');
      const clusters: any[] = [];
      const failures: any[] = [];
      for (const ref of input.clusters ?? []) {
        const name = String(ref).split('/').pop()!;
        const c = this.clusters.get(name);
        if (!c) {
          failures.push({ arn: ref, reason: 'MISSING' });
          continue;
        }
        const active = [...this.services.values()].filter((v) => v.cluster === name && v.status === 'ACTIVE');
        clusters.push({
          clusterName: name, clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${name}`, status: c.status, activeServicesCount: active.length,
          runningTasksCount: active.reduce((n, v) => n + v.desired, 0), pendingTasksCount: 0,
          ...(input.include?.includes('TAGS') ? { tags: Object.entries(c.tags).map(([key, value]) => ({ key, value })) } : {}),
        });
      }
      return { clusters, failures };
    });
    this.on(clients.ecs, ListServicesCommand, 'ECS.ListServices', (input) => {
      if (!this.clusters.has(input.cluster)) throw awsError('ClusterNotFoundException', 'Cluster not found.');
      // ListServices does not show DRAINING services.
      const { page, nextToken } = paged([...this.services.entries()].filter(([, v]) => v.cluster === input.cluster && v.status === 'ACTIVE').map(([arn]) => arn), input.nextToken);
      return { serviceArns: page, nextToken };
    });
    this.on(clients.ecs, ListTasksCommand, 'ECS.ListTasks', (input) => {
      const tasks = [...this.services.entries()].filter(([, v]) => v.cluster === input.cluster && v.status === 'ACTIVE')
        .flatMap(([, v]) => Array.from({ length: v.desired }, (_, i) => `arn:aws:ecs:us-east-1:${ACCOUNT}:task/${v.cluster}/${v.name}${i}`));
      const { page, nextToken } = paged(tasks, input.nextToken);
      return { taskArns: page, nextToken };
    });
    this.on(clients.ecs, DescribeTasksCommand, 'ECS.DescribeTasks', (input) => ({
      tasks: (input.tasks ?? []).map((arn: string) => {
        const [, cluster, id] = arn.split(':').pop()!.split('/');
        const running = [...this.services.values()].some((v) => v.cluster === cluster && v.status === 'ACTIVE' && id.startsWith(v.name) && Number(id.slice(v.name.length)) < v.desired);
        return { taskArn: arn, lastStatus: running ? 'RUNNING' : 'STOPPED' };
      }),
    }));
    this.on(clients.ecs, DescribeServicesCommand, 'ECS.DescribeServices', (input) => {
      const services: any[] = [];
      const failures: any[] = [];
      for (const ref of input.services ?? []) {
        const arn = serviceArn(input.cluster, ref);
        if (!arn) failures.push({ arn: ref, reason: 'MISSING' });
        else services.push({ serviceArn: arn, serviceName: this.services.get(arn)!.name, status: this.services.get(arn)!.status, desiredCount: this.services.get(arn)!.desired });
      }
      return { services, failures };
    });
    this.on(clients.ecs, DescribeTaskDefinitionCommand, 'ECS.DescribeTaskDefinition', (input) => {
      const status = this.taskDefinitions.get(input.taskDefinition);
      if (!status) throw awsError('ClientException', 'Unable to describe task definition.');
      return { taskDefinition: { taskDefinitionArn: input.taskDefinition, status } };
    });
    this.on(clients.ecs, UpdateServiceCommand, 'ECS.UpdateService', (input) => {
      const arn = serviceArn(input.cluster, input.service);
      if (!arn) throw awsError('ServiceNotFoundException', 'Service not found.');
      if (this.services.get(arn)!.status !== 'ACTIVE') throw awsError('ServiceNotActiveException', 'Service was not ACTIVE.');
      this.services.get(arn)!.desired = input.desiredCount ?? this.services.get(arn)!.desired;
      return { service: { serviceArn: arn } };
    });
    this.on(clients.ecs, DeleteServiceCommand, 'ECS.DeleteService', (input) => {
      const arn = serviceArn(input.cluster, input.service);
      if (!arn || this.services.get(arn)!.status === 'INACTIVE') throw awsError('ServiceNotFoundException', 'Service not found.');
      if (this.services.get(arn)!.desired > 0 && !input.force) throw awsError('InvalidParameterException', 'The service cannot be stopped while it is scaled above 0.');
      this.drainService(arn);
      return { service: { serviceArn: arn, status: 'DRAINING' } };
    });
    this.on(clients.ecs, DeleteClusterCommand, 'ECS.DeleteCluster', (input) => {
      const name = String(input.cluster).split('/').pop()!;
      const c = this.clusters.get(name);
      if (!c || c.status === 'INACTIVE') throw awsError('ClusterNotFoundException', 'Cluster not found.');
      if ([...this.services.values()].some((v) => v.cluster === name && v.status !== 'INACTIVE')) {
        throw awsError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.');
      }
      c.status = 'INACTIVE';
      return { cluster: { clusterName: name, status: 'INACTIVE' } };
    });

    // Auto Scaling: a group with instances needs ForceDelete, which terminates them over a few minutes.
    this.on(clients.asg, DescribeAutoScalingGroupsCommand, 'AutoScaling.DescribeAutoScalingGroups', (input) => {
      let groups = [...this.asgs.entries()];
      if (input.AutoScalingGroupNames) groups = groups.filter(([name]) => input.AutoScalingGroupNames.includes(name));
      for (const f of input.Filters ?? []) groups = groups.filter(([, g]) => String(f.Name).startsWith('tag:') && f.Values.includes(g.tags[String(f.Name).slice(4)]));
      const { page, nextToken } = paged(groups, input.NextToken);
      return {
        AutoScalingGroups: page.map(([name, g]) => ({ AutoScalingGroupName: name, Instances: Array.from({ length: g.instances }, (_, i) => ({ InstanceId: `i-${name}${i}` })), ...(g.goneAt ? { Status: 'Delete in progress' } : {}) })),
        NextToken: nextToken,
      };
    });
    this.on(clients.asg, DeleteAutoScalingGroupCommand, 'AutoScaling.DeleteAutoScalingGroup', (input) => {
      const group = this.asgs.get(input.AutoScalingGroupName);
      if (!group) throw awsError('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup ${input.AutoScalingGroupName} not found`);
      if (group.goneAt !== undefined) throw awsError('ScalingActivityInProgress', 'An AutoScalingGroup delete is in progress.');
      if (group.instances > 0 && !input.ForceDelete) throw awsError('ResourceInUse', 'You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.');
      group.goneAt = this.clock.now() + 2 * 60_000;
      return {};
    });

    // Lambda and SQS, as their API references describe the read calls the tool makes.
    this.on(clients.lambda, GetFunctionConfigurationCommand, 'Lambda.GetFunctionConfiguration', (input) => {
      const name = String(input.FunctionName).split(':function:').pop()!.split(':')[0];
      if (!this.functions.has(name)) throw awsError('ResourceNotFoundException', `Function not found: arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`);
      return { FunctionName: name, FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`, State: 'Active' };
    });
    this.on(clients.sqs, GetQueueUrlCommand, 'SQS.GetQueueUrl', (input) => {
      if (!this.queues.has(input.QueueName)) throw awsError('QueueDoesNotExist', 'The specified queue does not exist.');
      return { QueueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${input.QueueName}` };
    });

    // Resource Groups Tagging API: what still exists and carries the filter's tags.
    this.on(clients.tag, GetResourcesCommand, 'Tagging.GetResources', (input) => {
      // "Previously tagged" resources: a deleted one keeps coming back for staleTagMinutes.
      const shown = ([arn, t]: [string, { alive: () => boolean }]) => {
        if (t.alive()) return true;
        if (!this.diedAt.has(arn)) this.diedAt.set(arn, this.clock.now());
        return this.clock.now() < this.diedAt.get(arn)! + (this.scenario.staleTagMinutes ?? 60) * 60_000;
      };
      const matches = [...this.tagged.entries()].filter((e) => shown(e) && (input.TagFilters ?? []).every((f: any) => f.Values.includes(e[1].tags[f.Key])));
      const start = Number(input.PaginationToken || 0);
      return {
        ResourceTagMappingList: matches.slice(start, start + PAGE).map(([arn, t]) => ({ ResourceARN: arn, Tags: Object.entries(t.tags).map(([Key, Value]) => ({ Key, Value })) })),
        PaginationToken: start + PAGE < matches.length ? String(start + PAGE) : '',
      };
    });
  }

  private findStack(nameOrId: string): FStack {
    const stack = this.stacks.find((s) => s.id === nameOrId) ?? this.stacks.find((s) => s.name === nameOrId && s.status !== 'DELETE_COMPLETE');
    if (!stack || (stack.status === 'DELETE_COMPLETE' && !nameOrId.startsWith('arn:'))) throw awsError('ValidationError', `Stack with id ${nameOrId} does not exist`);
    return stack;
  }

  private apiStack(s: FStack): ApiStack {
    const root = s.parentId ? this.rootOf(s) : undefined;
    return {
      StackName: s.name, StackId: s.id, StackStatus: s.status as ApiStack['StackStatus'], CreationTime: new Date('2026-03-02T08:00:00Z'),
      ParentId: s.parentId, RootId: root?.id, Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })), Outputs: [],
    };
  }

  private rootOf(s: FStack): FStack {
    let current = s;
    while (current.parentId) current = this.stacks.find((x) => x.id === current.parentId)!;
    return current;
  }

  /**
   * A stack CloudFormation deleted successfully, as a partial teardown leaves it (a delete of the
   * root that retained one nested stack, say): every resource of its own goes, with the network
   * interfaces its load balancers and services held; nested stacks are left to the caller.
   */
  purge(stack: FStack): void {
    for (const res of stack.resources.values()) {
      if (res.type === 'AWS::CloudFormation::Stack') continue;
      const id = res.physicalId;
      this.buckets.delete(id);
      this.repositories.delete(id);
      this.zones.delete(id);
      this.logGroups.delete(id);
      this.vpcs.delete(id);
      this.securityGroups.delete(id);
      this.loadBalancers.delete(id);
      this.targetGroups.delete(id);
      this.asgs.delete(id);
      this.subnets.delete(id);
      this.gateways.delete(id);
      this.listeners.delete(id);
      this.rules.delete(id);
      this.routeTables.delete(id);
      this.launchTemplates.delete(id);
      this.functions.delete(id);
      this.queues.delete(id.split('/').pop()!);
      if (this.taskDefinitions.has(id)) this.taskDefinitions.set(id, 'INACTIVE');
      if (this.clusters.has(id)) this.clusters.get(id)!.status = 'INACTIVE';
      if (this.services.has(id)) this.services.get(id)!.status = 'INACTIVE';
      for (let i = this.enis.length - 1; i >= 0; i--) if (this.enis[i].owner === id || this.enis[i].vpcId === id) this.enis.splice(i, 1);
      res.status = 'DELETE_COMPLETE';
    }
    stack.status = 'DELETE_COMPLETE';
  }

  /** What is still in the account (for a test's final check): billable or not. */
  remaining(): string[] {
    this.tick();
    return [
      ...this.stacks.filter((s) => s.status !== 'DELETE_COMPLETE').map((s) => `stack ${s.name} ${s.status}`),
      ...[...this.buckets.keys()].map((b) => `bucket ${b}`),
      ...[...this.repositories.keys()].map((r) => `repository ${r}`),
      ...[...this.zones.keys()].map((z) => `zone ${z}`),
      ...[...this.logGroups].map((g) => `log group ${g}`),
      ...[...this.loadBalancers].map((l) => `load balancer ${l}`),
      ...this.enis.map((e) => `network interface ${e.id}`),
      ...[...this.clusters].filter(([, c]) => c.status === 'ACTIVE').map(([name]) => `ECS cluster ${name}`),
      ...[...this.services].filter(([, v]) => v.status !== 'INACTIVE').map(([arn, v]) => `ECS service ${arn} ${v.status}`),
      ...[...this.asgs.keys()].map((name) => `Auto Scaling group ${name}`),
      ...[...this.vpcs].map((v) => `VPC ${v}`),
      ...[...this.subnets.keys()].map((v) => `subnet ${v}`),
      ...[...this.gateways].map((g) => `internet gateway ${g}${[...this.igwAttachments.entries()].find(([, i]) => i === g) ? ' (attached)' : ''}`),
      ...[...this.securityGroups].map((g) => `security group ${g}`),
      ...[...this.routeTables].map((t) => `route table ${t}`),
      ...[...this.launchTemplates].map((t) => `launch template ${t}`),
      ...[...this.functions].map((f) => `Lambda function ${f}`),
      ...[...this.queues].map((q) => `SQS queue ${q}`),
      // INACTIVE task definitions are what CloudFormation leaves in a real account: not listed.
      ...[...this.taskDefinitions].filter(([, st]) => st === 'ACTIVE').map(([arn]) => `task definition ${arn}`),
    ];
  }
}
