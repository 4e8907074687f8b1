/**
 * aws-sdk-client-mock stubs for every client the tool uses except CloudFormation (see
 * fake-cloudformation.ts), with defaults that describe a clean account: the caller's
 * identity, and nothing left anywhere. Tests override what their scenario needs.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeAddressesCommand, DescribeAvailabilityZonesCommand, DescribeInstancesCommand, DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand, DescribeRegionsCommand, DescribeSecurityGroupsCommand, DescribeSnapshotsCommand, DescribeVolumesCommand,
  DescribeVpcsCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DescribeClustersCommand, DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetQueueUrlCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { ACCOUNT, awsError, CALLER_ARN } from './harness';

export const aws = {
  sts: mockClient(STSClient),
  ec2: mockClient(EC2Client),
  s3: mockClient(S3Client),
  ecr: mockClient(ECRClient),
  route53: mockClient(Route53Client),
  tagging: mockClient(ResourceGroupsTaggingAPIClient),
  elbv2: mockClient(ElasticLoadBalancingV2Client),
  logs: mockClient(CloudWatchLogsClient),
  ssm: mockClient(SSMClient),
  iam: mockClient(IAMClient),
  quotas: mockClient(ServiceQuotasClient),
  ecs: mockClient(ECSClient),
  autoscaling: mockClient(AutoScalingClient),
  lambda: mockClient(LambdaClient),
  sqs: mockClient(SQSClient),
};

/** Resets every stub to a clean account seen by `arn` (an IAM user by default). */
export function resetAws(arn = CALLER_ARN): void {
  for (const mock of Object.values(aws)) mock.reset();
  aws.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: arn, UserId: 'AIDATEST' });
  // Nothing left: every describe comes back empty, every probe says "not found".
  aws.tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
  for (const command of [DescribeInstancesCommand, DescribeVolumesCommand, DescribeSnapshotsCommand, DescribeSecurityGroupsCommand,
    DescribeNetworkInterfacesCommand, DescribeVpcsCommand, DescribeNatGatewaysCommand, DescribeAddressesCommand]) {
    aws.ec2.on(command as any).resolves({});
  }
  aws.ec2.on(DescribeAvailabilityZonesCommand).resolves({ AvailabilityZones: [] });
  enabledRegionsAre(['us-east-1']);
  aws.elbv2.on(DescribeLoadBalancersCommand).rejects(awsError('LoadBalancerNotFoundException', 'One or more load balancers not found'));
  aws.elbv2.on(DescribeTargetGroupsCommand).rejects(awsError('TargetGroupNotFoundException', 'One or more target groups not found'));
  aws.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
  aws.ecr.on(DescribeRepositoriesCommand).rejects(awsError('RepositoryNotFoundException', 'The repository does not exist'));
  aws.s3.on(HeadBucketCommand).rejects(awsError('NotFound', 'NotFound'));
  aws.ecs.on(ListClustersCommand).resolves({ clusterArns: [] });
  aws.ecs.on(DescribeClustersCommand).resolves({ clusters: [], failures: [] });
  aws.ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [] });
  aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [] });
  aws.autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
  aws.route53.on(GetHostedZoneCommand).rejects(awsError('NoSuchHostedZone', 'No hosted zone found'));
  // The SDK's own exception classes, as the clients throw them.
  aws.lambda.on(GetFunctionConfigurationCommand).rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: { httpStatusCode: 404 } }));
  aws.sqs.on(GetQueueUrlCommand).rejects(new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: { httpStatusCode: 400 } }));
}

/**
 * The Regions of the account as EC2 DescribeRegions answers: without AllRegions only the enabled
 * ones (opt-in-not-required, or opted-in), with it the disabled ones too (not-opted-in).
 */
export function enabledRegionsAre(enabled: readonly string[], optedIn: readonly string[] = [], disabled: readonly string[] = []): void {
  const region = (name: string, status: 'opt-in-not-required' | 'opted-in' | 'not-opted-in') => ({ RegionName: name, Endpoint: `ec2.${name}.amazonaws.com`, OptInStatus: status });
  aws.ec2.on(DescribeRegionsCommand).callsFake(async (input: any) => ({
    Regions: [
      ...enabled.map((r) => region(r, 'opt-in-not-required')),
      ...optedIn.map((r) => region(r, 'opted-in')),
      ...(input.AllRegions ? disabled.map((r) => region(r, 'not-opted-in')) : []),
    ],
  }));
}

/** The account a mocked client's credentials belong to: assumed sessions carry it in their key id (see `assumableAccounts`). */
export async function accountOfClient(client: any): Promise<string> {
  const credentials = await client.config.credentials();
  return /^ASIA(\d{12})/.exec(credentials.accessKeyId)?.[1] ?? ACCOUNT;
}

/**
 * An AWS Organization as STS shows it: AssumeRole into any member account works unless the
 * account refuses (no such role, or it does not trust the instructor), and GetCallerIdentity
 * answers with the account of the calling session. Returns the accounts assumed into, in order.
 */
export function assumableAccounts(options: { refuses?: readonly string[]; roleName?: string } = {}): string[] {
  const assumed: string[] = [];
  aws.sts.on(AssumeRoleCommand).callsFake(async (input: any) => {
    const account = /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(input.RoleArn)![1];
    assumed.push(account);
    if (options.refuses?.includes(account)) {
      throw awsError('AccessDenied', `User: ${CALLER_ARN} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`);
    }
    return { Credentials: { AccessKeyId: `ASIA${account}XXXX`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000) } };
  });
  aws.sts.on(GetCallerIdentityCommand).callsFake(async (_input: any, getClient: () => any) => {
    const account = await accountOfClient(getClient());
    return account === ACCOUNT
      ? { Account: ACCOUNT, Arn: CALLER_ARN, UserId: 'AIDATEST' }
      : { Account: account, Arn: `arn:aws:sts::${account}:assumed-role/${options.roleName ?? 'OrganizationAccountAccessRole'}/class-lab-admin`, UserId: 'AROATEST' };
  });
  return assumed;
}
