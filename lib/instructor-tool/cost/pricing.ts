/**
 * Prices CloudFormation resources from their type and properties, with the dated table in
 * data/prices-us-east-1.json. Generic on purpose: any template with these resource types is
 * priced, whichever module wrote it. A type that costs money and has no pricer here is
 * reported as unpriced, never silently counted as free.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ToolError } from '../core/errors';
import { CfnResource, moduleOf, StackNode, Template, walk } from '../templates/templates';

export interface PriceTable {
  readonly region: string;
  readonly currency: string;
  readonly gathered: string;
  readonly source: string;
  readonly hoursPerMonth: number;
  readonly ec2InstanceHourly: Readonly<Record<string, number>>;
  readonly albHourly: number;
  readonly albLcuHourly: number;
  readonly publicIpv4Hourly: number;
  readonly natGatewayHourly: number;
  readonly fargateHourly: Readonly<Record<'x86_64' | 'arm64', { perVcpu: number; perGb: number }>>;
  readonly ebsPerGbMonth: Readonly<Record<string, number>>;
  readonly hostedZonePerMonth: number;
  readonly hostedZoneFreeIfDeletedWithinHours: number;
  readonly ecrStoragePerGbMonth: number;
  /** Price entries ("ec2InstanceHourly.t3.nano") not checked against AWS's published prices. */
  readonly estimates?: readonly string[];
}

export const DEFAULT_PRICE_FILE = path.join(__dirname, '..', '..', '..', 'data', 'prices-us-east-1.json');

export function loadPrices(file = DEFAULT_PRICE_FILE): PriceTable {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PriceTable;
  } catch (error) {
    throw new ToolError(`cannot read the price table ${file}: ${(error as Error).message}`);
  }
}

/** One priced item of a student environment. */
export interface CostLine {
  readonly stack: string;
  readonly module: string;
  readonly logicalId: string;
  readonly type: string;
  /** What is charged, in words: "2 x t4g.nano (Auto Scaling desired capacity)". */
  readonly item: string;
  /** USD per hour while the lab sits idle. */
  readonly hourly: number;
  /** A charge per student that does not grow by the hour (hosted zone month). */
  readonly oneOff?: { readonly amount: number; readonly when: string };
  readonly note?: string;
  /** Something the kit's design says must never be there (a NAT gateway). */
  readonly warning?: string;
  /** The price table entries the figure rests on ("ec2InstanceHourly.t3.nano", "publicIpv4Hourly"). */
  readonly priceKeys?: readonly string[];
  /** True when one of them is listed under `estimates` in the price table: the figure is an estimate. */
  readonly estimate?: boolean;
}

export interface Unpriced {
  readonly stack: string;
  readonly module: string;
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
}

/** Types with no idle charge: configuration, free networking, or pay-per-request services. */
const NO_IDLE_CHARGE = new Set([
  'AWS::CDK::Metadata', 'AWS::CloudFormation::Stack', 'AWS::CloudFormation::WaitConditionHandle',
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::RouteTable', 'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::Route', 'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::LaunchTemplate',
  'AWS::EC2::VPCCidrBlock', 'AWS::EC2::EgressOnlyInternetGateway', 'AWS::EC2::NetworkAcl',
  'AWS::EC2::NetworkAclEntry', 'AWS::EC2::SubnetNetworkAclAssociation',
  'AWS::AutoScaling::ScalingPolicy', 'AWS::AutoScaling::LifecycleHook', 'AWS::AutoScaling::ScheduledAction',
  'AWS::AutoScaling::LaunchConfiguration', 'AWS::AutoScaling::WarmPool',
  'AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::ElasticLoadBalancingV2::ListenerCertificate',
  'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::InstanceProfile',
  'AWS::IAM::ServiceLinkedRole', 'AWS::Lambda::Function', 'AWS::Lambda::Permission', 'AWS::Lambda::LayerVersion',
  'AWS::Logs::LogGroup', 'AWS::Logs::LogStream', 'AWS::S3::BucketPolicy', 'AWS::SSM::Parameter',
  'AWS::ECS::Cluster', 'AWS::ECS::TaskDefinition', 'AWS::ECS::ClusterCapacityProviderAssociations',
  'AWS::ECR::RepositoryPolicy', 'AWS::ECR::LifecyclePolicy',
  'AWS::Route53::RecordSet', 'AWS::Route53::RecordSetGroup',
  'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ApplicationAutoScaling::ScalingPolicy',
  'AWS::Events::Rule', 'AWS::Scheduler::Schedule', 'AWS::ServiceDiscovery::PrivateDnsNamespace',
  // The expiry's dead-letter queue: SQS bills per request, nothing for a queue at rest (https://aws.amazon.com/sqs/pricing/).
  'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy',
]);

/** A CloudFormation value as a number, when it is a literal. */
function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** The logical id a `{Ref}` or `{Fn::GetAtt}` points at. */
function referencedId(value: unknown): string | undefined {
  const v = value as any;
  if (typeof v?.Ref === 'string') return v.Ref;
  if (Array.isArray(v?.['Fn::GetAtt'])) return v['Fn::GetAtt'][0];
  if (typeof v?.['Fn::GetAtt'] === 'string') return v['Fn::GetAtt'].split('.')[0];
  return undefined;
}

interface Pricing {
  readonly prices: PriceTable;
  readonly template: Template;
  readonly stack: string;
  readonly module: string;
  readonly logicalId: string;
  readonly resource: CfnResource;
}

type Priced = { lines: Omit<CostLine, 'stack' | 'module' | 'logicalId' | 'type'>[] } | { unpriced: string };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : word.endsWith('s') ? 'es' : 's'}`;

/** EBS of one instance from block device mappings; the AMI's 8 GB gp3 root when none is given. */
function ebsPerInstance(mappings: unknown, prices: PriceTable): { gb: number; hourly: number; note?: string } | { unpriced: string } {
  const ebs = (Array.isArray(mappings) ? mappings : []).map((m: any) => m?.Ebs).filter((e: any) => e);
  if (ebs.length === 0) {
    return { gb: 8, hourly: (8 * prices.ebsPerGbMonth.gp3) / prices.hoursPerMonth, note: 'no block device mapping: the AMI default 8 GB gp3 root volume assumed' };
  }
  let gb = 0;
  let hourly = 0;
  for (const volume of ebs) {
    const size = literalNumber(volume.VolumeSize) ?? 8;
    const type = typeof volume.VolumeType === 'string' ? volume.VolumeType : 'gp3';
    const price = prices.ebsPerGbMonth[type];
    if (price === undefined) return { unpriced: `no price for EBS ${type} in the price table` };
    gb += size;
    hourly += (size * price) / prices.hoursPerMonth;
  }
  return { gb, hourly };
}

/** Instance type, block devices and public IP of a launch template (or launch configuration). */
function launchSettings(template: Template, ref: unknown): { instanceType?: string; blockDevices?: unknown; publicIp: boolean } | undefined {
  const id = referencedId(ref);
  const target = id ? template.Resources?.[id] : undefined;
  if (target?.Type === 'AWS::EC2::LaunchTemplate') {
    const data = target.Properties?.LaunchTemplateData ?? {};
    const publicIp = (data.NetworkInterfaces ?? []).some((n: any) => n?.AssociatePublicIpAddress === true);
    return { instanceType: data.InstanceType, blockDevices: data.BlockDeviceMappings, publicIp };
  }
  if (target?.Type === 'AWS::AutoScaling::LaunchConfiguration') {
    const p = target.Properties ?? {};
    return { instanceType: p.InstanceType, blockDevices: p.BlockDeviceMappings, publicIp: p.AssociatePublicIpAddress === true };
  }
  return undefined;
}

function priceInstances(count: number, why: string, instanceType: unknown, blockDevices: unknown, publicIp: boolean, prices: PriceTable): Priced {
  if (typeof instanceType !== 'string') return { unpriced: 'instance type is not a literal in the template' };
  const price = prices.ec2InstanceHourly[instanceType];
  if (price === undefined) return { unpriced: `no price for ${instanceType} in the price table` };
  const ebs = ebsPerInstance(blockDevices, prices);
  if ('unpriced' in ebs) return ebs;
  const lines: Extract<Priced, { lines: unknown }>['lines'] = [
    { item: `${count} x ${instanceType} (${why})`, hourly: count * price, priceKeys: [`ec2InstanceHourly.${instanceType}`] },
    { item: `EBS ${count} x ${ebs.gb} GB`, hourly: count * ebs.hourly, note: ebs.note },
  ];
  if (publicIp) lines.push({ item: `${plural(count, 'public IPv4 address')} (one per instance)`, hourly: count * prices.publicIpv4Hourly, priceKeys: ['publicIpv4Hourly'] });
  return { lines };
}

function priceLoadBalancer({ resource, prices }: Pricing): Priced {
  const p = resource.Properties ?? {};
  const type = p.Type ?? 'application';
  if (type !== 'application') return { unpriced: `no price for a ${type} load balancer in the price table` };
  const lines: Extract<Priced, { lines: unknown }>['lines'] = [
    { item: 'Application Load Balancer', hourly: prices.albHourly, priceKeys: ['albHourly'], note: `plus ${prices.albLcuHourly} per LCU-hour of traffic (about 0 when idle)` },
  ];
  if ((p.Scheme ?? 'internet-facing') === 'internet-facing') {
    const zones = Array.isArray(p.SubnetMappings) ? p.SubnetMappings.length : Array.isArray(p.Subnets) ? p.Subnets.length : 2;
    lines.push({ item: `${plural(zones, 'public IPv4 address')} (internet-facing ALB, one per AZ)`, hourly: zones * prices.publicIpv4Hourly, priceKeys: ['publicIpv4Hourly'] });
  }
  return { lines };
}

function priceAutoScalingGroup({ resource, template, prices }: Pricing): Priced {
  const p = resource.Properties ?? {};
  const count = literalNumber(p.DesiredCapacity) ?? literalNumber(p.MinSize);
  if (count === undefined) return { unpriced: 'desired capacity is not a literal in the template' };
  const spec = p.MixedInstancesPolicy?.LaunchTemplate;
  const ref = p.LaunchTemplate?.LaunchTemplateId ?? p.LaunchTemplate?.LaunchTemplateName
    ?? spec?.LaunchTemplateSpecification?.LaunchTemplateId ?? p.LaunchConfigurationName;
  const launch = launchSettings(template, ref);
  if (!launch) return { unpriced: 'launch template not found in the same template' };
  const instanceType = spec?.Overrides?.[0]?.InstanceType ?? launch.instanceType;
  return priceInstances(count, 'Auto Scaling desired capacity', instanceType, launch.blockDevices, launch.publicIp, prices);
}

function priceInstance({ resource, template, prices }: Pricing): Priced {
  const p = resource.Properties ?? {};
  const launch = p.LaunchTemplate ? launchSettings(template, p.LaunchTemplate.LaunchTemplateId) : undefined;
  const publicIp = (p.NetworkInterfaces ?? []).some((n: any) => n?.AssociatePublicIpAddress === true) || (launch?.publicIp ?? false);
  return priceInstances(1, 'instance', p.InstanceType ?? launch?.instanceType, p.BlockDeviceMappings ?? launch?.blockDevices, publicIp, prices);
}

/** Fargate task size: CPU units ("256") or "0.25 vCPU"; memory MiB ("512") or "0.5 GB". */
function fargateSize(cpu: unknown, memory: unknown): { vcpu: number; gb: number } | undefined {
  const parse = (value: unknown, unit: RegExp, divisor: number) => {
    if (typeof value === 'string' && unit.test(value)) return Number(value.replace(unit, '').trim());
    const n = literalNumber(value);
    return n === undefined ? undefined : n / divisor;
  };
  const vcpu = parse(cpu, /\s*vcpu\s*$/i, 1024);
  const gb = parse(memory, /\s*gb\s*$/i, 1024);
  return vcpu === undefined || gb === undefined || Number.isNaN(vcpu) || Number.isNaN(gb) ? undefined : { vcpu, gb };
}

function priceEcsService({ resource, template, prices }: Pricing): Priced {
  const p = resource.Properties ?? {};
  const count = p.DesiredCount === undefined ? 1 : literalNumber(p.DesiredCount);
  if (count === undefined) return { unpriced: 'desired count is not a literal in the template' };
  const taskId = referencedId(p.TaskDefinition);
  const task = taskId ? template.Resources?.[taskId] : undefined;
  if (task?.Type !== 'AWS::ECS::TaskDefinition') return { unpriced: 'task definition not found in the same template' };
  const t = task.Properties ?? {};
  const strategy: any[] = Array.isArray(p.CapacityProviderStrategy) ? p.CapacityProviderStrategy : [];
  const fargate = p.LaunchType === 'FARGATE'
    || strategy.some((s) => /^FARGATE/.test(s?.CapacityProvider))
    || (p.LaunchType === undefined && strategy.length === 0 && (t.RequiresCompatibilities ?? []).includes('FARGATE'));
  if (!fargate) return { lines: [{ item: `${plural(count, 'task')} on EC2 capacity`, hourly: 0, note: 'runs on the cluster instances, priced with them' }] };
  const size = fargateSize(t.Cpu, t.Memory);
  if (!size) return { unpriced: 'task CPU or memory is not a literal in the template' };
  const arch = t.RuntimePlatform?.CpuArchitecture === 'ARM64' ? 'arm64' : 'x86_64';
  const rate = prices.fargateHourly[arch];
  const lines: Extract<Priced, { lines: unknown }>['lines'] = [{
    item: `${count} x Fargate ${arch === 'arm64' ? 'ARM' : 'x86'} task ${size.vcpu} vCPU / ${size.gb} GB`,
    hourly: count * (size.vcpu * rate.perVcpu + size.gb * rate.perGb),
    priceKeys: [`fargateHourly.${arch}`],
    note: strategy.some((s) => s?.CapacityProvider === 'FARGATE_SPOT') ? 'Fargate Spot priced at on-demand (an upper bound)' : undefined,
  }];
  if (p.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp === 'ENABLED') {
    lines.push({ item: `${plural(count, 'public IPv4 address')} (one per task)`, hourly: count * prices.publicIpv4Hourly, priceKeys: ['publicIpv4Hourly'] });
  }
  return { lines };
}

function priceHostedZone({ prices }: Pricing): Priced {
  const within = prices.hostedZoneFreeIfDeletedWithinHours;
  return {
    lines: [{
      item: 'Route 53 hosted zone',
      hourly: 0,
      oneOff: { amount: prices.hostedZonePerMonth, when: `kept longer than ${within} h` },
      note: `${prices.hostedZonePerMonth.toFixed(2)} per month, free if deleted within ${within} hours of creation`,
    }],
  };
}

const PRICERS: Record<string, (pricing: Pricing) => Priced> = {
  'AWS::ElasticLoadBalancingV2::LoadBalancer': priceLoadBalancer,
  'AWS::AutoScaling::AutoScalingGroup': priceAutoScalingGroup,
  'AWS::EC2::Instance': priceInstance,
  'AWS::ECS::Service': priceEcsService,
  'AWS::Route53::HostedZone': priceHostedZone,
  'AWS::ECR::Repository': ({ prices }) => ({ lines: [{ item: 'ECR repository', hourly: 0, note: `${prices.ecrStoragePerGbMonth} per GB-month of images stored (about 0 for the sample image)` }] }),
  'AWS::S3::Bucket': () => ({ lines: [{ item: 'S3 bucket', hourly: 0, note: 'storage and requests only (about 0 for lab files)' }] }),
  'AWS::EC2::NatGateway': ({ prices }) => ({
    lines: [{ item: 'NAT gateway', hourly: prices.natGatewayHourly, priceKeys: ['natGatewayHourly'], warning: 'the kit is designed without NAT gateways: one in a template is a bug' }],
  }),
  'AWS::EC2::EIP': ({ prices }) => ({ lines: [{ item: 'Elastic IP (public IPv4 address)', hourly: prices.publicIpv4Hourly, priceKeys: ['publicIpv4Hourly'] }] }),
  'AWS::EC2::VPCEndpoint': ({ resource }) => (resource.Properties?.VpcEndpointType === 'Gateway'
    ? { lines: [] }
    : { unpriced: 'interface VPC endpoints are not in the price table' }),
};

export interface StackCost {
  readonly stack: string;
  readonly lines: CostLine[];
  readonly unpriced: Unpriced[];
  /** USD per idle hour of this student environment. */
  readonly hourly: number;
  /** USD per idle hour by class module. */
  readonly byModule: Record<string, number>;
  /** One-off charges (hosted zones kept past the free window). */
  readonly oneOff: number;
}

/** Whether a figure rests on a price entry the table lists under `estimates` (or a whole group of them). */
export function restsOnEstimate(keys: readonly string[] | undefined, prices: PriceTable): boolean {
  const estimates = prices.estimates ?? [];
  return (keys ?? []).some((key) => estimates.some((e) => e === key || e.startsWith(`${key}.`)));
}

/** Prices every resource of one template; nested stacks are priced as their own nodes. */
export function priceTemplate(template: Template, stack: string, stackModule: string, prices: PriceTable): { lines: CostLine[]; unpriced: Unpriced[] } {
  const lines: CostLine[] = [];
  const unpriced: Unpriced[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const module = moduleOf(resource, stackModule);
    const base = { stack, module, logicalId, type: resource.Type };
    const pricer = PRICERS[resource.Type];
    if (!pricer) {
      if (!NO_IDLE_CHARGE.has(resource.Type) && !resource.Type.startsWith('Custom::')) {
        unpriced.push({ ...base, reason: 'no pricer for this resource type' });
      }
      continue;
    }
    const priced = pricer({ prices, template, stack, module, logicalId, resource });
    if ('unpriced' in priced) unpriced.push({ ...base, reason: priced.unpriced });
    else for (const line of priced.lines) lines.push({ ...base, ...line, ...(restsOnEstimate(line.priceKeys, prices) ? { estimate: true } : {}) });
  }
  return { lines, unpriced };
}

/** Prices one student environment: a root stack and all its nested stacks. */
export function priceStack(root: StackNode, prices: PriceTable): StackCost {
  const lines: CostLine[] = [];
  const unpriced: Unpriced[] = [];
  for (const node of walk(root)) {
    const priced = priceTemplate(node.template, root.name, node.module, prices);
    lines.push(...priced.lines);
    unpriced.push(...priced.unpriced);
    for (const logicalId of node.missing) {
      unpriced.push({ stack: root.name, module: node.module, logicalId, type: 'AWS::CloudFormation::Stack', reason: 'nested stack template not found in the assembly' });
    }
  }
  const byModule: Record<string, number> = {};
  for (const line of lines) byModule[line.module] = (byModule[line.module] ?? 0) + line.hourly;
  return {
    stack: root.name,
    lines,
    unpriced,
    hourly: lines.reduce((sum, l) => sum + l.hourly, 0),
    byModule,
    oneOff: lines.reduce((sum, l) => sum + (l.oneOff?.amount ?? 0), 0),
  };
}

/** What N students for H hours cost: hourly charges for H hours plus one-off charges that apply. */
export function classTotal(cost: StackCost, students: number, hours: number, prices: PriceTable): number {
  const oneOff = hours > prices.hostedZoneFreeIfDeletedWithinHours ? cost.oneOff : 0;
  return students * (cost.hourly * hours + oneOff);
}

