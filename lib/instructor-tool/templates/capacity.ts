/**
 * What a class needs from an AWS account, counted from the kit's synthesized templates, next
 * to AWS's quotas (data/quotas.json). `plan` prints it for every account and Region of the
 * roster; `doctor` checks the same needs against the applied quotas minus current usage.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnResource, StackNode, walk } from './templates';

/** Everything one student's ClassLabStack needs that a quota limits. */
export interface StackNeeds {
  readonly vpcs: number;
  readonly internetGateways: number;
  readonly loadBalancers: number;
  readonly targetGroups: number;
  /** Listener rules on the student's own load balancer (the quota is per load balancer). */
  readonly listenerRulesPerLoadBalancer: number;
  readonly securityGroups: number;
  /** On-Demand Standard vCPUs of the fleet at its desired size. */
  readonly vcpusDesired: number;
  /**
   * ...and at its peak: the maximum size (scaling out is a lab step), or more while an instance
   * refresh launches replacements beside the fleet (MaxHealthyPercentage above 100, a percentage
   * of the desired capacity, which can be the maximum). What the quota must allow.
   */
  readonly vcpusMax: number;
  readonly fargateTasks: number;
  readonly fargateVcpus: number;
  /** Fargate vCPUs during a rolling deployment, when old and new tasks overlap (maximumPercent). */
  readonly fargateVcpusDeploying: number;
  readonly hostedZones: number;
  readonly repositories: number;
  readonly buckets: number;
  readonly schedules: number;
}

export type NeedId = keyof StackNeeds;

export const NEED_LABELS: Record<NeedId, string> = {
  vpcs: 'VPCs',
  internetGateways: 'internet gateways',
  loadBalancers: 'application load balancers',
  targetGroups: 'target groups',
  listenerRulesPerLoadBalancer: 'listener rules per load balancer',
  securityGroups: 'security groups',
  vcpusDesired: 'On-Demand Standard vCPUs at desired size',
  vcpusMax: 'On-Demand Standard vCPUs at the fleet\'s peak',
  fargateTasks: 'Fargate tasks',
  fargateVcpus: 'Fargate vCPUs',
  fargateVcpusDeploying: 'Fargate vCPUs during a deployment',
  hostedZones: 'hosted zones',
  repositories: 'ECR repositories',
  buckets: 'S3 buckets',
  schedules: 'EventBridge schedules',
};

export interface QuotaSpec {
  readonly need: NeedId;
  readonly name: string;
  readonly serviceCode: string;
  /** null where Service Quotas lists no code (nothing to request). */
  readonly quotaCode: string | null;
  readonly default: number;
  /** region: per account and Region; account: per account; load-balancer: per student's ALB. */
  readonly scope: 'region' | 'account' | 'load-balancer';
  /** What the account's default VPC already takes of the quota, where one exists. */
  readonly defaultVpcUses?: number;
  readonly note?: string;
  readonly source: string;
}

export interface QuotaTable {
  readonly file: string;
  readonly gathered: string;
  readonly requestTiming: { readonly text: string; readonly sources: readonly string[] };
  readonly quotas: readonly QuotaSpec[];
  readonly instanceVcpus: { readonly default: number; readonly overrides: Record<string, number> };
}

export const DEFAULT_QUOTA_FILE = path.join(__dirname, '..', '..', '..', 'data', 'quotas.json');

export function loadQuotas(file = DEFAULT_QUOTA_FILE): QuotaTable {
  return { file, ...JSON.parse(fs.readFileSync(file, 'utf8')) };
}

const ZERO: StackNeeds = {
  vpcs: 0, internetGateways: 0, loadBalancers: 0, targetGroups: 0, listenerRulesPerLoadBalancer: 0, securityGroups: 0,
  vcpusDesired: 0, vcpusMax: 0, fargateTasks: 0, fargateVcpus: 0, fargateVcpusDeploying: 0,
  hostedZones: 0, repositories: 0, buckets: 0, schedules: 0,
};

/** A template value that synthesizes to a literal (ASG sizes are strings, counts numbers). */
function literal(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

/**
 * The most instances a group runs at once: its maximum size, or during an instance refresh up to
 * MaxHealthyPercentage of its desired capacity (which can be the maximum); without that
 * preference an instance refresh launches no extra instances (its default is 100).
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html
 */
export function peakInstances(maxSize: number, updatePolicy: CfnResource['UpdatePolicy']): number {
  const percent = literal(updatePolicy?.AutoScalingInstanceRefresh?.Preferences?.MaxHealthyPercentage, 100);
  return Math.max(maxSize, Math.ceil((maxSize * percent) / 100));
}

type Found = { resource: CfnResource; node: StackNode };

/** Counts one student stack's needs, nested module stacks included. */
export function needsOf(root: StackNode, quotas: Pick<QuotaTable, 'instanceVcpus'>): StackNeeds {
  const all: Found[] = walk(root).flatMap((node) => Object.values(node.template.Resources ?? {}).map((resource) => ({ resource, node })));
  const ofType = (type: string) => all.filter((f) => f.resource.Type === type);
  const count = (type: string) => ofType(type).length;

  const instanceTypes = ofType('AWS::EC2::LaunchTemplate').map((f) => f.resource.Properties?.LaunchTemplateData?.InstanceType);
  const vcpusPer = (type: unknown) => (typeof type === 'string' ? quotas.instanceVcpus.overrides[type] : undefined) ?? quotas.instanceVcpus.default;
  let vcpusDesired = 0;
  let vcpusMax = 0;
  for (const { resource } of ofType('AWS::AutoScaling::AutoScalingGroup')) {
    const props = resource.Properties ?? {};
    const perInstance = vcpusPer(instanceTypes[0]);
    const min = literal(props.MinSize, 0);
    vcpusDesired += perInstance * literal(props.DesiredCapacity, min);
    vcpusMax += perInstance * peakInstances(literal(props.MaxSize, min), resource.UpdatePolicy);
  }

  const taskCpu = new Map<string, number>();
  for (const { resource, node } of ofType('AWS::ECS::TaskDefinition')) {
    const id = Object.entries(node.template.Resources ?? {}).find(([, r]) => r === resource)?.[0] ?? '';
    // Fargate CPU units: 1024 = 1 vCPU.
    taskCpu.set(`${node.name}/${id}`, literal(resource.Properties?.Cpu, 256) / 1024);
  }
  let fargateTasks = 0;
  let fargateVcpus = 0;
  let fargateVcpusDeploying = 0;
  for (const { resource, node } of ofType('AWS::ECS::Service')) {
    const props = resource.Properties ?? {};
    if (props.LaunchType !== 'FARGATE' && !props.CapacityProviderStrategy) continue;
    const taskRef = props.TaskDefinition?.Ref;
    const cpu = taskCpu.get(`${node.name}/${taskRef}`) ?? 0.25;
    const tasks = literal(props.DesiredCount, 1);
    const peak = literal(props.DeploymentConfiguration?.MaximumPercent, 200) / 100;
    fargateTasks += tasks;
    fargateVcpus += tasks * cpu;
    fargateVcpusDeploying += Math.ceil(tasks * peak) * cpu;
  }

  const rulesPerAlb = ofType('AWS::ElasticLoadBalancingV2::ListenerRule').length;
  return {
    ...ZERO,
    vpcs: count('AWS::EC2::VPC'),
    internetGateways: count('AWS::EC2::InternetGateway'),
    loadBalancers: ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').filter((f) => (f.resource.Properties?.Type ?? 'application') === 'application').length,
    targetGroups: count('AWS::ElasticLoadBalancingV2::TargetGroup'),
    listenerRulesPerLoadBalancer: rulesPerAlb,
    securityGroups: count('AWS::EC2::SecurityGroup'),
    vcpusDesired, vcpusMax,
    fargateTasks, fargateVcpus, fargateVcpusDeploying,
    hostedZones: count('AWS::Route53::HostedZone'),
    repositories: count('AWS::ECR::Repository'),
    buckets: count('AWS::S3::Bucket'),
    schedules: count('AWS::Scheduler::Schedule'),
  };
}

/** Where a group of students deploys; account/region undefined = the instructor's current ones. */
export interface Placement {
  readonly account?: string;
  readonly region?: string;
  readonly students: readonly string[];
}

export interface QuotaLine {
  readonly need: NeedId;
  readonly name: string;
  readonly serviceCode: string;
  readonly quotaCode: string | null;
  readonly scope: QuotaSpec['scope'];
  /** What the students here need in total (per load balancer for load-balancer quotas). */
  readonly needed: number;
  /** What else takes from the quota in a fresh account (the default VPC). */
  readonly alreadyUsed: number;
  readonly quota: number;
  readonly exceeds: boolean;
  /** The value to request: needed + already used. */
  readonly requestValue?: number;
  readonly command?: string;
  readonly source: string;
  readonly note?: string;
}

export interface PlacementPlan {
  readonly account?: string;
  readonly region?: string;
  readonly students: readonly string[];
  readonly needs: StackNeeds;
  readonly quotas: QuotaLine[];
}

export function times(needs: StackNeeds, n: number): StackNeeds {
  return Object.fromEntries(Object.entries(needs).map(([k, v]) => [k, k === 'listenerRulesPerLoadBalancer' ? v : v * n])) as unknown as StackNeeds;
}

/** The request-service-quota-increase command for one quota, ready to paste. */
export function increaseCommand(spec: Pick<QuotaSpec, 'serviceCode' | 'quotaCode' | 'scope'>, desired: number, region?: string, profile?: string): string | undefined {
  if (!spec.quotaCode) return undefined;
  // Route 53 quotas are global: Service Quotas takes them in us-east-1.
  const where = spec.serviceCode === 'route53' ? 'us-east-1' : region;
  return `aws service-quotas request-service-quota-increase --service-code ${spec.serviceCode} --quota-code ${spec.quotaCode} --desired-value ${desired}`
    + (where ? ` --region ${where}` : '') + (profile ? ` --profile ${profile}` : '');
}

/**
 * Compares what `students` stacks need in one account and Region with the default quotas,
 * assuming a default VPC exists there (it does in every Region of an account AWS created).
 */
export function planPlacement(placement: Placement, perStudent: StackNeeds, table: QuotaTable): PlacementPlan {
  const needs = times(perStudent, placement.students.length);
  const quotas = table.quotas.map((spec): QuotaLine => {
    const needed = needs[spec.need];
    const alreadyUsed = spec.defaultVpcUses ?? 0;
    const exceeds = needed + alreadyUsed > spec.default;
    const requestValue = exceeds ? needed + alreadyUsed : undefined;
    return {
      need: spec.need, name: spec.name, serviceCode: spec.serviceCode, quotaCode: spec.quotaCode, scope: spec.scope,
      needed, alreadyUsed, quota: spec.default, exceeds, requestValue,
      command: requestValue === undefined ? undefined : increaseCommand(spec, requestValue, placement.region),
      source: spec.source, note: spec.note,
    };
  });
  return { account: placement.account, region: placement.region, students: placement.students, needs, quotas };
}

/** Groups roster students by account and Region; missing ones fall back to the given defaults. */
export function placements(students: ReadonlyArray<{ id: string; account?: string; region?: string }>, fallback: { account?: string; region?: string } = {}): Placement[] {
  const groups = new Map<string, { account?: string; region?: string; students: string[] }>();
  for (const s of students) {
    const account = s.account ?? fallback.account;
    const region = s.region ?? fallback.region;
    const key = `${account ?? ''}/${region ?? ''}`;
    if (!groups.has(key)) groups.set(key, { account, region, students: [] });
    groups.get(key)!.students.push(s.id);
  }
  return [...groups.values()];
}
