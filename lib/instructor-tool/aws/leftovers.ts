/**
 * After a teardown: what is still there? Candidates come from the kit's tags (Resource Groups
 * Tagging API, EC2 tag filters) and from the physical ids the deleted stacks recorded; each
 * candidate is checked against its own service, so a stale tag index or a terminated
 * instance is not reported as a leftover.
 *
 * The Resource Groups Tagging API keeps answering with resources for a while after they are
 * deleted ("previously tagged resources"; listener rules, volumes, hosted zones and more are
 * reported: https://github.com/aws/aws-sdk/issues/302, https://github.com/aws/aws-cli/issues/8197),
 * so a tagged ARN is only a candidate until the service's own describe call says it is there.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeAddressesCommand, DescribeInstancesCommand, DescribeInternetGatewaysCommand, DescribeLaunchTemplatesCommand, DescribeNatGatewaysCommand, DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, DescribeSnapshotsCommand, DescribeSubnetsCommand, DescribeVolumesCommand, DescribeVpcsCommand, Filter,
} from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import {
  DescribeClustersCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ListClustersCommand, ListServicesCommand, ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeRulesCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { AwsClients } from './clients';
import { serviceArnParts } from './arns';
import { Clock } from '../core/clock';
import { describeAwsError, errorName, isGone, isThrottle } from '../core/errors';
import { withRetry } from './poller';
import { KIT_TAGS } from './stacks';
import { BILLABLE, deleteCommand, Leftover, RecordedResource, Candidate, candidatesFromRecord, candidateFromArn } from './leftover-kinds';

/** Calls a paged EC2 describe until its NextToken runs out. */
async function pages<T extends { NextToken?: string }>(clock: Clock, call: (token: string | undefined) => Promise<T>, each: (page: T) => void): Promise<void> {
  let token: string | undefined;
  do {
    const page = await withRetry(clock, () => call(token));
    each(page);
    token = page.NextToken;
  } while (token);
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
  // EC2 answers tag filters itself, without the tagging index's delay; every call pages.
  const filters: Filter[] = studentFilters(student).map((f) => ({ Name: `tag:${f.Key}`, Values: f.Values }));
  const ec2 = clients.ec2;
  await pages(clock, (NextToken) => ec2.send(new DescribeInstancesCommand({ Filters: filters, NextToken })), (out) => {
    for (const r of out.Reservations ?? []) for (const i of r.Instances ?? []) found.push({ kind: 'instance', id: i.InstanceId!, foundBy: 'tags' });
  });
  await pages(clock, (NextToken) => ec2.send(new DescribeVolumesCommand({ Filters: filters, NextToken })), (out) => {
    for (const v of out.Volumes ?? []) found.push({ kind: 'volume', id: v.VolumeId!, foundBy: 'tags' });
  });
  await pages(clock, (NextToken) => ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: filters, NextToken })), (out) => {
    for (const sn of out.Snapshots ?? []) found.push({ kind: 'snapshot', id: sn.SnapshotId!, foundBy: 'tags' });
  });
  await pages(clock, (NextToken) => ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters, NextToken })), (out) => {
    for (const g of out.SecurityGroups ?? []) found.push({ kind: 'security-group', id: g.GroupId!, foundBy: 'tags' });
  });
  found.push(...await taggedEcs(clients, clock, student), ...await taggedAutoScalingGroups(clients, clock, student));
  return found;
}

/** Whether a resource's tags are the kit's and this student's. */
function isStudents(tags: ReadonlyArray<{ key?: string; value?: string; Key?: string; Value?: string }>, student: string): boolean {
  const map = new Map(tags.map((t) => [t.key ?? t.Key, t.value ?? t.Value]));
  return Object.entries(KIT_TAGS).every(([k, v]) => map.get(k) === v) && map.get('student') === student;
}

/**
 * ECS clusters carrying the kit's tags (ListClusters, then DescribeClusters with TAGS, at most
 * 100 clusters a call), and in them every service and running task (ListServices, ListTasks).
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html
 */
async function taggedEcs(clients: AwsClients, clock: Clock, student: string): Promise<Candidate[]> {
  const ecs = clients.ecs;
  const clusterArns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await withRetry(clock, () => ecs.send(new ListClustersCommand({ nextToken })));
    clusterArns.push(...(page?.clusterArns ?? []));
    nextToken = page?.nextToken;
  } while (nextToken);
  const found: Candidate[] = [];
  for (let i = 0; i < clusterArns.length; i += 100) {
    const out = await withRetry(clock, () => ecs.send(new DescribeClustersCommand({ clusters: clusterArns.slice(i, i + 100), include: ['TAGS'] })));
    for (const cluster of out?.clusters ?? []) {
      if (cluster.status === 'INACTIVE' || !isStudents(cluster.tags ?? [], student)) continue;
      const name = cluster.clusterName!;
      found.push({ kind: 'ecs-cluster', id: name, foundBy: 'tags' });
      for (const [command, key, kind] of [[ListServicesCommand, 'serviceArns', 'ecs-service'], [ListTasksCommand, 'taskArns', 'ecs-task']] as const) {
        let token: string | undefined;
        do {
          const page: any = await withRetry(clock, () => ecs.send(new (command as any)({ cluster: name, nextToken: token })) as Promise<any>);
          for (const arn of page?.[key] ?? []) found.push({ kind, id: arn, foundBy: 'tags' });
          token = page?.nextToken;
        } while (token);
      }
    }
  }
  return found;
}

/** Auto Scaling groups with the kit's tags (DescribeAutoScalingGroups tag filters, paged). */
async function taggedAutoScalingGroups(clients: AwsClients, clock: Clock, student: string): Promise<Candidate[]> {
  const found: Candidate[] = [];
  const Filters = studentFilters(student).map((f) => ({ Name: `tag:${f.Key}`, Values: f.Values }));
  let NextToken: string | undefined;
  do {
    const page = await withRetry(clock, () => clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ Filters, NextToken })));
    for (const g of page?.AutoScalingGroups ?? []) found.push({ kind: 'auto-scaling-group', id: g.AutoScalingGroupName!, foundBy: 'tags' });
    NextToken = page?.NextToken;
  } while (NextToken);
  return found;
}

/** Whether a candidate is still there: a yes, a no, or "cannot tell" (reported, to be safe). */
type Presence = { there: false } | { there: true; billable?: boolean; unverified?: string; note?: string };

/**
 * What CloudFormation leaves of a task definition: deleting the stack deregisters it, and a
 * deregistered (INACTIVE) revision stays discoverable, and tagged, indefinitely; only
 * DeleteTaskDefinitions removes it, through DELETE_IN_PROGRESS. It runs nothing, costs nothing
 * and blocks no delete, so it is reported as free and the teardown does not delete it: that
 * would be an irreversible call beyond what CloudFormation does, for no saving.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeregisterTaskDefinition.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-definition-state.html
 */
export const INACTIVE_TASK_DEFINITION_NOTE = 'INACTIVE (deregistered): the state CloudFormation leaves a task definition in; it runs nothing and costs nothing';
/**
 * ECS's answer (a ClientException) for a task definition that is not there: AWS documents no
 * error code for it; the message is what callers see for a deleted one
 * (https://github.com/hashicorp/terraform-provider-aws/issues/29749).
 */
const GONE_TASK_DEFINITION = /Unable to describe task definition/i;

/**
 * SQS's answer for a queue that is not there: the SDK's QueueDoesNotExist (the JSON protocol's
 * name), or the query protocol's code AWS.SimpleQueueService.NonExistentQueue, which older
 * endpoints and emulators still send (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html).
 */
const GONE_QUEUE = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);

async function exists(clients: AwsClients, candidate: Candidate): Promise<Presence> {
  const { id } = candidate;
  const probe = async (call: () => Promise<boolean | Presence>): Promise<Presence> => {
    try {
      const answer = await call();
      return typeof answer === 'boolean' ? (answer ? { there: true } : { there: false }) : answer;
    } catch (error) {
      if (isGone(error)) return { there: false };
      if (isThrottle(error)) throw error;
      // Cannot tell (access denied, say): "cannot tell" is never "gone"; report it.
      return { there: true, unverified: describeAwsError(error).message };
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
    case 'network-interface': return probe(async () => {
      const eni = (await clients.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }))).NetworkInterfaces?.[0];
      // A public IPv4 address is billed by the hour; a private-only interface is free.
      return eni ? { there: true, billable: eni.Association?.PublicIp !== undefined } : { there: false };
    });
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
      let nextToken: string | undefined;
      do {
        const out = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: id, nextToken }));
        if ((out.logGroups ?? []).some((g) => g.logGroupName === id)) return true;
        nextToken = out.nextToken;
      } while (nextToken);
      return false;
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
    case 'ecs-service': return probe(async () => {
      const { cluster, service } = serviceArnParts(id);
      const found = (await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0];
      // A deleted service is DRAINING while its tasks stop (still running, still billed), then INACTIVE.
      return found !== undefined && found.status !== 'INACTIVE';
    });
    case 'ecs-cluster': return probe(async () => {
      const found = (await clients.ecs.send(new DescribeClustersCommand({ clusters: [id] }))).clusters?.[0];
      if (!found || found.status === 'INACTIVE') return false;
      // An empty cluster costs nothing; one with services or tasks does.
      return { there: true, billable: (found.activeServicesCount ?? 0) + (found.runningTasksCount ?? 0) + (found.pendingTasksCount ?? 0) > 0 };
    });
    case 'ecs-task': return probe(async () => {
      const path = id.split(':').pop()!.split('/');
      const found = (await clients.ecs.send(new DescribeTasksCommand({ cluster: path.length >= 3 ? path[1] : undefined, tasks: [id] }))).tasks?.[0];
      return found !== undefined && found.lastStatus !== 'STOPPED';
    });
    case 'auto-scaling-group': return probe(async () => ((await clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [id] }))).AutoScalingGroups ?? []).length > 0);
    case 'internet-gateway': return probe(async () => ((await clients.ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] }))).InternetGateways ?? []).length > 0);
    case 'subnet': return probe(async () => ((await clients.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))).Subnets ?? []).length > 0);
    case 'route-table': return probe(async () => ((await clients.ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }))).RouteTables ?? []).length > 0);
    case 'listener': return probe(async () => ((await clients.elbv2.send(new DescribeListenersCommand({ ListenerArns: [id] }))).Listeners ?? []).length > 0);
    case 'listener-rule': return probe(async () => ((await clients.elbv2.send(new DescribeRulesCommand({ RuleArns: [id] }))).Rules ?? []).length > 0);
    case 'stack': return probe(async () => {
      // A deleted stack is still described by its unique id, as DELETE_COMPLETE.
      const status = (await clients.cloudformation.send(new DescribeStacksCommand({ StackName: id }))).Stacks?.[0]?.StackStatus;
      return status !== undefined && status !== 'DELETE_COMPLETE';
    });
    case 'ecs-task-definition': {
      try {
        const status = (await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: id }))).taskDefinition?.status;
        if (status === undefined) return { there: false };
        return status === 'ACTIVE' ? { there: true, note: 'ACTIVE: still registered; it runs nothing by itself and costs nothing' } : { there: true, note: status === 'INACTIVE' ? INACTIVE_TASK_DEFINITION_NOTE : `${status}: ECS deletes it once no task uses it` };
      } catch (error) {
        if (GONE_TASK_DEFINITION.test((error as Error)?.message ?? '')) return { there: false };
        return probe(() => Promise.reject(error));
      }
    }
    // Lambda: ResourceNotFoundException once the function is deleted
    // (https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html).
    case 'lambda-function': return probe(async () => {
      await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: id }));
      return true;
    });
    case 'sqs-queue': return probe(async () => {
      try {
        await clients.sqs.send(new GetQueueUrlCommand({ QueueName: id }));
        return true;
      } catch (error) {
        if (GONE_QUEUE.has(errorName(error))) return false;
        throw error;
      }
    });
    // EC2: InvalidLaunchTemplateId.NotFound for a deleted template
    // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
    case 'launch-template': return probe(async () => ((await clients.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [id] }))).LaunchTemplates ?? []).length > 0);
    // Records and kinds without a describe call the tool makes: reported as there, unverified.
    default: return { there: true, unverified: 'the tool cannot look this kind up; the kit\'s tags still name it' };
  }
}

/** Students whose resources still carry the kit's tags (for --all when no stack is left). */
export async function taggedStudents(clients: AwsClients, clock: Clock): Promise<string[]> {
  const students = new Set<string>();
  let token: string | undefined;
  do {
    const page = await withRetry(clock, () => clients.tagging.send(new GetResourcesCommand({
      TagFilters: Object.entries(KIT_TAGS).map(([Key, v]) => ({ Key, Values: [v] })), PaginationToken: token || undefined,
    })));
    for (const m of page.ResourceTagMappingList ?? []) {
      const student = m.Tags?.find((t) => t.Key === 'student')?.Value;
      if (student) students.add(student);
    }
    token = page.PaginationToken;
  } while (token);
  return [...students].sort();
}

/** Everything of one student that is still there: by the kit's tags and by the deleted stacks' records. */
export async function scanLeftovers(clients: AwsClients, clock: Clock, student: string, recorded: readonly RecordedResource[]): Promise<Leftover[]> {
  const candidates = new Map<string, Candidate>();
  for (const c of recorded.flatMap(candidatesFromRecord)) candidates.set(`${c.kind}:${c.id}`, c);
  for (const c of await taggedCandidates(clients, clock, student)) if (!candidates.has(`${c.kind}:${c.id}`)) candidates.set(`${c.kind}:${c.id}`, c);
  const leftovers: Leftover[] = [];
  for (const c of candidates.values()) {
    const presence = await withRetry(clock, () => exists(clients, c));
    if (!presence.there) continue;
    leftovers.push({
      student, kind: c.kind, id: c.id, billable: presence.billable ?? BILLABLE.has(c.kind), foundBy: c.foundBy,
      command: deleteCommand(c.kind, c.id), ...(presence.unverified ? { unverified: presence.unverified } : {}), ...(presence.note ? { note: presence.note } : {}),
    });
  }
  return leftovers;
}
