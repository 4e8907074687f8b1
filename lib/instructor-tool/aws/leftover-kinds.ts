/**
 * The kinds of leftover the kit can leave, which of them bill, the AWS CLI command that deletes
 * each, and how a recorded stack resource or a tagged ARN names one (./leftovers.ts scans for them).
 */

export type LeftoverKind =
  | 'instance' | 'volume' | 'snapshot' | 'network-interface' | 'security-group' | 'load-balancer' | 'target-group'
  | 'log-group' | 'ecr-repository' | 'bucket' | 'hosted-zone' | 'nat-gateway' | 'elastic-ip' | 'vpc'
  | 'ecs-service' | 'ecs-cluster' | 'ecs-task' | 'auto-scaling-group' | 'internet-gateway' | 'record-set'
  | 'subnet' | 'route-table' | 'listener' | 'listener-rule' | 'ecs-task-definition' | 'stack'
  | 'lambda-function' | 'sqs-queue' | 'launch-template' | 'other';

/**
 * Kinds that keep costing money (or start things that do) while they exist. A network
 * interface is billable only with a public IPv4 address (charged per hour); an ECS service
 * or Auto Scaling group starts tasks and instances; an empty cluster is free, but what the
 * tool cannot see inside is counted. Free, and so never billable: a VPC, its subnets, route
 * tables and internet gateway (they count against the Region's quotas, and the report names
 * them), listeners and rules (the load balancer is what bills), a stack (its resources bill), and
 * an ECS task definition, which costs nothing in any state.
 *
 * Free as well, what the expiry clock and the fleet leave when they outlive their stack: a Lambda
 * function bills per request and per GB-second of running only, nothing while idle
 * (https://aws.amazon.com/lambda/pricing/), and the kit's functions run only when CloudFormation
 * invokes them for a custom resource; an SQS queue bills per request only, so an idle dead-letter
 * queue costs nothing (https://aws.amazon.com/sqs/pricing/); a launch template costs nothing (the
 * instances it launches do, and are counted as instances). The expiry schedules could start a
 * delete, but Scheduler schedules cannot be tagged (only schedule groups can) and go with their
 * stack, so the scan never meets one. 'other', a tagged ARN of a kind the tool has no name for,
 * stays billable: it cannot tell.
 */
export const BILLABLE: ReadonlySet<LeftoverKind> = new Set<LeftoverKind>([
  'instance', 'volume', 'snapshot', 'load-balancer', 'log-group', 'ecr-repository', 'bucket', 'hosted-zone', 'nat-gateway', 'elastic-ip',
  'ecs-service', 'ecs-cluster', 'ecs-task', 'auto-scaling-group', 'record-set', 'other',
]);

/** The AWS CLI command that deletes a leftover, for the instructor to run (or read first). */
export function deleteCommand(kind: LeftoverKind, id: string): string {
  switch (kind) {
    case 'instance': return `aws ec2 terminate-instances --instance-ids ${id}`;
    case 'volume': return `aws ec2 delete-volume --volume-id ${id}`;
    case 'snapshot': return `aws ec2 delete-snapshot --snapshot-id ${id}`;
    case 'network-interface': return `aws ec2 delete-network-interface --network-interface-id ${id}`;
    case 'security-group': return `aws ec2 delete-security-group --group-id ${id}`;
    case 'load-balancer': return `aws elbv2 delete-load-balancer --load-balancer-arn ${id}`;
    case 'target-group': return `aws elbv2 delete-target-group --target-group-arn ${id}`;
    case 'log-group': return `aws logs delete-log-group --log-group-name ${id}`;
    case 'ecr-repository': return `aws ecr delete-repository --force --repository-name ${id}`;
    case 'bucket': return `aws s3 rb --force s3://${id} (a versioned bucket also needs its versions deleted: class-lab-admin teardown does that)`;
    case 'hosted-zone': return `aws route53 delete-hosted-zone --id ${id} (after deleting its records other than SOA and NS)`;
    case 'nat-gateway': return `aws ec2 delete-nat-gateway --nat-gateway-id ${id}`;
    case 'elastic-ip': return id.startsWith('eipalloc-') ? `aws ec2 release-address --allocation-id ${id}` : `aws ec2 release-address --public-ip ${id}`;
    case 'vpc': return `aws ec2 delete-vpc --vpc-id ${id}`;
    case 'internet-gateway': return `aws ec2 delete-internet-gateway --internet-gateway-id ${id} (detach it first: aws ec2 detach-internet-gateway)`;
    case 'ecs-service': {
      const [cluster, service] = ecsServiceParts(id);
      return `aws ecs delete-service --force --cluster ${cluster} --service ${service}`;
    }
    case 'ecs-cluster': return `aws ecs delete-cluster --cluster ${id}`;
    case 'ecs-task': return `aws ecs stop-task --task ${id}${ecsTaskCluster(id)}`;
    case 'auto-scaling-group': return `aws autoscaling delete-auto-scaling-group --force-delete --auto-scaling-group-name ${id}`;
    case 'record-set': return `aws route53 change-resource-record-sets (DELETE the record ${id} in its hosted zone)`;
    case 'subnet': return `aws ec2 delete-subnet --subnet-id ${id}`;
    case 'route-table': return `aws ec2 delete-route-table --route-table-id ${id}`;
    case 'listener': return `aws elbv2 delete-listener --listener-arn ${id}`;
    case 'listener-rule': return `aws elbv2 delete-rule --rule-arn ${id}`;
    case 'ecs-task-definition': return `aws ecs delete-task-definitions --task-definitions ${id} (optional: it costs nothing; an ACTIVE one needs aws ecs deregister-task-definition first)`;
    case 'stack': return `aws cloudformation delete-stack --stack-name ${id} (or class-lab-admin teardown)`;
    case 'lambda-function': return `aws lambda delete-function --function-name ${id}`;
    // A tagged queue is named by its name; a retained one by its physical id, the queue URL.
    case 'sqs-queue': return id.startsWith('https://')
      ? `aws sqs delete-queue --queue-url ${id}`
      : `aws sqs delete-queue --queue-url "$(aws sqs get-queue-url --queue-name ${id} --query QueueUrl --output text)"`;
    case 'launch-template': return `aws ec2 delete-launch-template --launch-template-id ${id}`;
    default: return `delete ${id} in the AWS console (Resource Groups > Tag Editor finds it by the kit's tags)`;
  }
}

/** Cluster and service of an ECS service ARN (arn:...:service/<cluster>/<service>) or "cluster|service". */
export function ecsServiceParts(id: string): [string, string] {
  const parts = id.includes('|') ? id.split('|') : id.split(':').pop()!.split('/').slice(1);
  return parts.length >= 2 ? [parts[0], parts[parts.length - 1]] : ['<cluster>', id];
}

export function ecsTaskCluster(id: string): string {
  const parts = id.split(':').pop()!.split('/');
  return parts.length >= 3 ? ` --cluster ${parts[1]}` : '';
}

export interface Leftover {
  readonly student: string;
  readonly kind: LeftoverKind;
  readonly id: string;
  readonly billable: boolean;
  /** How it was found: by the kit's tags, by a deleted stack's record, or retained by the teardown. */
  readonly foundBy: 'tags' | 'stack' | 'retained';
  /** The command that deletes it. */
  readonly command: string;
  /** Why it is reported when the tool could not tell whether it is there (access denied, say). */
  readonly unverified?: string;
  /** What the service says of it, when that is why it is free (an INACTIVE task definition). */
  readonly note?: string;
}

/** A resource the stacks recorded before deletion (from ListStackResources). */
export interface RecordedResource {
  readonly type: string;
  readonly physicalId: string;
}

export interface Candidate { kind: LeftoverKind; id: string; foundBy: 'tags' | 'stack' }

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
  'AWS::EC2::InternetGateway': 'internet-gateway',
  'AWS::ECS::Service': 'ecs-service',
  'AWS::ECS::Cluster': 'ecs-cluster',
  'AWS::AutoScaling::AutoScalingGroup': 'auto-scaling-group',
  'AWS::Route53::RecordSet': 'record-set',
  'AWS::EC2::Subnet': 'subnet',
  'AWS::EC2::RouteTable': 'route-table',
  'AWS::ElasticLoadBalancingV2::Listener': 'listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule': 'listener-rule',
  'AWS::ECS::TaskDefinition': 'ecs-task-definition',
  'AWS::CloudFormation::Stack': 'stack',
  'AWS::Lambda::Function': 'lambda-function',
  'AWS::SQS::Queue': 'sqs-queue',
  'AWS::EC2::LaunchTemplate': 'launch-template',
};

/** The kind a CloudFormation type leaves behind, for a retained resource; 'other' when the kit has no name for it. */
export function kindOfType(type: string): LeftoverKind {
  return TYPE_KINDS[type] ?? 'other';
}

/** Kinds the scan can look up by id; a deleted stack's other resources went with the stack. */
export const PROBED: ReadonlySet<LeftoverKind> = new Set<LeftoverKind>([
  'instance', 'volume', 'snapshot', 'network-interface', 'security-group', 'load-balancer', 'target-group',
  'log-group', 'ecr-repository', 'bucket', 'hosted-zone', 'nat-gateway', 'elastic-ip', 'vpc',
  'ecs-service', 'ecs-cluster', 'auto-scaling-group',
]);

/** What a recorded stack resource may leave behind: itself, or the log group Lambda creates for it. */
export function candidatesFromRecord(resource: RecordedResource): Candidate[] {
  if (!resource.physicalId) return [];
  if (resource.type === 'AWS::Lambda::Function') return [{ kind: 'log-group', id: lambdaLogGroup(resource.physicalId), foundBy: 'stack' }];
  const kind = TYPE_KINDS[resource.type];
  return kind && PROBED.has(kind) ? [{ kind, id: resource.physicalId, foundBy: 'stack' }] : [];
}

/** The log group Lambda creates on a function's first invoke when the function names none. */
export function lambdaLogGroup(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** Kind and id from a tagged resource's ARN. */
export function candidateFromArn(arn: string): Candidate {
  const [, , service, , , ...rest] = arn.split(':');
  const resource = rest.join(':');
  const slash = (prefix: string) => resource.startsWith(prefix) ? resource.slice(prefix.length) : undefined;
  const ec2: Array<[string, LeftoverKind]> = [
    ['instance/', 'instance'], ['volume/', 'volume'], ['snapshot/', 'snapshot'], ['network-interface/', 'network-interface'],
    ['security-group/', 'security-group'], ['natgateway/', 'nat-gateway'], ['elastic-ip/', 'elastic-ip'], ['vpc/', 'vpc'],
    ['internet-gateway/', 'internet-gateway'], ['subnet/', 'subnet'], ['route-table/', 'route-table'], ['launch-template/', 'launch-template'],
  ];
  if (service === 'ec2') {
    for (const [prefix, kind] of ec2) if (slash(prefix)) return { kind, id: slash(prefix)!, foundBy: 'tags' };
  }
  if (service === 'elasticloadbalancing') {
    if (resource.startsWith('loadbalancer/')) return { kind: 'load-balancer', id: arn, foundBy: 'tags' };
    if (resource.startsWith('targetgroup/')) return { kind: 'target-group', id: arn, foundBy: 'tags' };
    if (resource.startsWith('listener/')) return { kind: 'listener', id: arn, foundBy: 'tags' };
    if (resource.startsWith('listener-rule/')) return { kind: 'listener-rule', id: arn, foundBy: 'tags' };
  }
  if (service === 'logs' && resource.startsWith('log-group:')) return { kind: 'log-group', id: resource.slice('log-group:'.length).replace(/:\*$/, ''), foundBy: 'tags' };
  if (service === 'ecr' && slash('repository/')) return { kind: 'ecr-repository', id: slash('repository/')!, foundBy: 'tags' };
  if (service === 's3' && resource && !resource.includes('/')) return { kind: 'bucket', id: resource, foundBy: 'tags' };
  if (service === 'route53' && slash('hostedzone/')) return { kind: 'hosted-zone', id: slash('hostedzone/')!, foundBy: 'tags' };
  if (service === 'ec2' && slash('internet-gateway/')) return { kind: 'internet-gateway', id: slash('internet-gateway/')!, foundBy: 'tags' };
  if (service === 'ecs' && resource.startsWith('service/')) return { kind: 'ecs-service', id: arn, foundBy: 'tags' };
  if (service === 'ecs' && resource.startsWith('cluster/')) return { kind: 'ecs-cluster', id: slash('cluster/')!, foundBy: 'tags' };
  if (service === 'ecs' && resource.startsWith('task/')) return { kind: 'ecs-task', id: arn, foundBy: 'tags' };
  if (service === 'ecs' && resource.startsWith('task-definition/')) return { kind: 'ecs-task-definition', id: arn, foundBy: 'tags' };
  if (service === 'cloudformation' && resource.startsWith('stack/')) return { kind: 'stack', id: arn, foundBy: 'tags' };
  // arn:aws:lambda:<region>:<account>:function:<name>; arn:aws:sqs:<region>:<account>:<queue name>
  if (service === 'lambda' && resource.startsWith('function:')) return { kind: 'lambda-function', id: resource.split(':')[1], foundBy: 'tags' };
  if (service === 'sqs' && resource && !resource.includes(':') && !resource.includes('/')) return { kind: 'sqs-queue', id: resource, foundBy: 'tags' };
  if (service === 'autoscaling' && resource.includes('autoScalingGroupName/')) return { kind: 'auto-scaling-group', id: resource.split('autoScalingGroupName/')[1], foundBy: 'tags' };
  return { kind: 'other', id: arn, foundBy: 'tags' };
}

