/**
 * doctor's capacity checks: for the students who deploy into this account and Region, what
 * the class needs (counted from the synthesized ClassLabStack, as `plan` does) against the
 * quota applied to the account (Service Quotas) minus what already uses it there.
 */
import { DescribeInstancesCommand, DescribeInternetGatewaysCommand, DescribeSecurityGroupsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetHostedZoneCountCommand } from '@aws-sdk/client-route-53';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { AwsClients } from '../aws/clients';
import { increaseCommand, NEED_LABELS, QuotaSpec, QuotaTable, StackNeeds } from '../templates/capacity';
import type { CheckResult } from './check-result';
import { describeAwsError, errorName } from '../core/errors';

/** Check id per quota; vcpu-quota keeps the id doctor always had. */
const CHECK_IDS: Partial<Record<keyof StackNeeds, string>> = {
  vpcs: 'vpc-quota',
  internetGateways: 'internet-gateway-quota',
  vcpusMax: 'vcpu-quota',
  loadBalancers: 'load-balancer-quota',
  targetGroups: 'target-group-quota',
  securityGroups: 'security-group-quota',
  fargateVcpusDeploying: 'fargate-vcpu-quota',
  hostedZones: 'hosted-zone-quota',
};

/** Instance families the "Running On-Demand Standard" quota counts (its name lists them). */
const STANDARD_FAMILIES = /^[acdhimrtz]/;

export interface CapacityInput {
  readonly perStudent: StackNeeds;
  /** Students who deploy into this account and Region. */
  readonly students: readonly string[];
  readonly quotas: QuotaTable;
  readonly region: string;
}

async function pages<T>(fetch: (token?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    all.push(...page.items);
    token = page.next;
  } while (token);
  return all;
}

/** How much of each quota the account already uses in this Region; undefined = not counted. */
async function usage(clients: AwsClients, need: keyof StackNeeds): Promise<number | undefined> {
  const notFound = (error: unknown, names: string[]) => {
    if (names.includes(errorName(error))) return { items: [] };
    throw error;
  };
  switch (need) {
    case 'vpcs':
      return (await pages(async (t) => {
        const out = await clients.ec2.send(new DescribeVpcsCommand({ NextToken: t }));
        return { items: out?.Vpcs ?? [], next: out?.NextToken };
      })).length;
    case 'internetGateways':
      return (await pages(async (t) => {
        const out = await clients.ec2.send(new DescribeInternetGatewaysCommand({ NextToken: t }));
        return { items: out?.InternetGateways ?? [], next: out?.NextToken };
      })).length;
    case 'securityGroups':
      return (await pages(async (t) => {
        const out = await clients.ec2.send(new DescribeSecurityGroupsCommand({ NextToken: t }));
        return { items: out?.SecurityGroups ?? [], next: out?.NextToken };
      })).length;
    case 'vcpusMax': {
      const instances = await pages(async (t) => {
        const out = await clients.ec2.send(new DescribeInstancesCommand({ NextToken: t, Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running'] }] }));
        return { items: (out?.Reservations ?? []).flatMap((r) => r.Instances ?? []), next: out?.NextToken };
      });
      return instances
        .filter((i) => STANDARD_FAMILIES.test(i.InstanceType ?? ''))
        .reduce((sum, i) => sum + (i.CpuOptions?.CoreCount ?? 1) * (i.CpuOptions?.ThreadsPerCore ?? 2), 0);
    }
    case 'loadBalancers':
      return (await pages(async (t) => {
        const out = await clients.elbv2.send(new DescribeLoadBalancersCommand({ Marker: t })).catch((e) => notFound(e, ['LoadBalancerNotFoundException', 'LoadBalancerNotFound']) as any);
        return { items: (out?.LoadBalancers ?? []).filter((lb: { Type?: string }) => lb.Type === 'application'), next: out?.NextMarker };
      })).length;
    case 'targetGroups':
      return (await pages(async (t) => {
        const out = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Marker: t })).catch((e) => notFound(e, ['TargetGroupNotFoundException', 'TargetGroupNotFound']) as any);
        return { items: out?.TargetGroups ?? [], next: out?.NextMarker };
      })).length;
    case 'hostedZones':
      return (await clients.route53.send(new GetHostedZoneCountCommand({})))?.HostedZoneCount ?? 0;
    default:
      // Fargate vCPUs in use would need ECS calls per cluster; the check compares with the quota alone.
      return undefined;
  }
}

/** The quota applied to the account, else AWS's default for it, else the table's. */
async function appliedQuota(clients: AwsClients, spec: QuotaSpec): Promise<{ value: number; from: string }> {
  const input = { ServiceCode: spec.serviceCode, QuotaCode: spec.quotaCode! };
  try {
    const applied = (await clients.serviceQuotas.send(new GetServiceQuotaCommand(input)))?.Quota?.Value;
    if (applied !== undefined) return { value: applied, from: 'applied' };
  } catch (error) {
    // An account that never changed a quota may only answer with the default.
    if (errorName(error) !== 'NoSuchResourceException') throw error;
  }
  const fallback = (await clients.serviceQuotas.send(new GetAWSDefaultServiceQuotaCommand(input)))?.Quota?.Value;
  return fallback !== undefined ? { value: fallback, from: 'AWS default' } : { value: spec.default, from: 'default from data/quotas.json' };
}

async function checkOne(clients: AwsClients, spec: QuotaSpec, input: CapacityInput): Promise<CheckResult> {
  const id = CHECK_IDS[spec.need]!;
  const n = input.students.length;
  const perStudent = input.perStudent[spec.need];
  const need = perStudent * n;
  const sum = `${n} student(s) x ${perStudent} = ${need} ${NEED_LABELS[spec.need]}`;
  try {
    const [quota, used] = await Promise.all([appliedQuota(clients, spec), usage(clients, spec.need)]);
    const free = quota.value - (used ?? 0);
    const usedText = used === undefined ? 'usage not counted' : `${used} in use`;
    const detail = `${spec.name} (${spec.quotaCode}) ${quota.value} (${quota.from}), ${usedText}, ${free} free; the class here needs ${sum}`;
    if (need > free) {
      const desired = (used ?? 0) + need;
      const command = increaseCommand(spec, desired, input.region);
      return { id, status: 'fail', detail, fix: `${command}${spec.need === 'vcpusMax' ? ' (or lower -c fleetMax)' : ''}, or put fewer students in this account (one account per student: README "Class sizes")` };
    }
    if (need === free && need > 0) {
      return { id, status: 'warn', detail: `${detail}: nothing to spare`, fix: `one more student or a failed deploy's leftovers will not fit: ${increaseCommand(spec, (used ?? 0) + need + perStudent, input.region)}` };
    }
    return { id, status: 'pass', detail };
  } catch (error) {
    return { id, status: 'warn', detail: `could not check: ${describeAwsError(error).message}`, fix: `make sure ${spec.name} (${spec.quotaCode}) leaves room for ${sum}` };
  }
}

/** One check per quota that a class in one account can exceed. */
export async function capacityChecks(clients: AwsClients, input: CapacityInput): Promise<CheckResult[]> {
  const specs = input.quotas.quotas.filter((q) => q.quotaCode && CHECK_IDS[q.need] && input.perStudent[q.need] > 0);
  return Promise.all(specs.map((spec) => checkOne(clients, spec, input)));
}

/** The roster students who deploy into this account and Region (entries without one deploy with the instructor's). */
export function studentsHere(students: ReadonlyArray<{ id: string; account?: string; region?: string }>, account: string, region: string): string[] {
  return students.filter((s) => (s.account ?? account) === account && (s.region ?? region) === region).map((s) => s.id);
}
