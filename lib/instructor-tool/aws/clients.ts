/**
 * The AWS SDK clients of the tool, created lazily with the standard credential and region
 * resolution plus --profile and --region. Tests replace every client with aws-sdk-client-mock.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describeAwsError } from '../core/errors';

export interface AwsTarget {
  readonly region?: string;
  readonly profile?: string;
}

/** Extra client settings; tests pass fixed credentials so nothing is resolved from the machine. */
export type ClientSettings = Record<string, unknown>;

/**
 * Keeps the SDK from hanging or chattering when run where there is no AWS:
 * - without credentials the default chain ends at the EC2 instance metadata service, which
 *   on a laptop or a sandbox VM without network waits for a timeout; the tool disables it
 *   unless the user set AWS_EC2_METADATA_DISABLED themselves (set it to "false" on EC2).
 * - on Node.js 20 the SDK prints a multi-line notice on every run that its releases after early
 *   January 2027 need Node.js 22; the kit pins one SDK release that still supports 20 and states
 *   the supported lines itself (package.json engines, the README, docs/architecture.md).
 */
export function quietSdkEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_EC2_METADATA_DISABLED ??= 'true';
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

export interface Identity {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
}

export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  constructor(readonly target: AwsTarget, private readonly settings: ClientSettings = {}) {}

  private client<T>(key: string, create: (config: Record<string, unknown>) => T): T {
    if (!this.cache.has(key)) {
      this.cache.set(key, create({
        region: this.target.region,
        profile: this.target.profile,
        // The SDK retries throttling and transient errors itself; more tries for class-sized bursts.
        maxAttempts: 6,
        // A missing network fails in seconds, not minutes.
        requestHandler: { connectionTimeout: 5000, requestTimeout: 60_000 },
        ...this.settings,
      }));
    }
    return this.cache.get(key) as T;
  }

  get autoscaling() { return this.client('autoscaling', (c) => new AutoScalingClient(c)); }
  get cloudformation() { return this.client('cfn', (c) => new CloudFormationClient(c)); }
  get ec2() { return this.client('ec2', (c) => new EC2Client(c)); }
  get ecr() { return this.client('ecr', (c) => new ECRClient(c)); }
  get ecs() { return this.client('ecs', (c) => new ECSClient(c)); }
  get elbv2() { return this.client('elbv2', (c) => new ElasticLoadBalancingV2Client(c)); }
  get iam() { return this.client('iam', (c) => new IAMClient(c)); }
  get lambda() { return this.client('lambda', (c) => new LambdaClient(c)); }
  get logs() { return this.client('logs', (c) => new CloudWatchLogsClient(c)); }
  get route53() { return this.client('route53', (c) => new Route53Client(c)); }
  get s3() { return this.client('s3', (c) => new S3Client(c)); }
  get serviceQuotas() { return this.client('quotas', (c) => new ServiceQuotasClient(c)); }
  get sqs() { return this.client('sqs', (c) => new SQSClient(c)); }
  get ssm() { return this.client('ssm', (c) => new SSMClient(c)); }
  get sts() { return this.client('sts', (c) => new STSClient(c)); }
  get tagging() { return this.client('tagging', (c) => new ResourceGroupsTaggingAPIClient(c)); }

  /** The region every call goes to; a missing region is a clear error, not an SDK trace. */
  async region(): Promise<string> {
    try {
      return await this.sts.config.region();
    } catch (error) {
      throw describeAwsError(error);
    }
  }

  /** When the resolved credentials expire, if they are temporary. */
  async credentialExpiry(): Promise<Date | undefined> {
    return (await this.credentialInfo()).expiration;
  }

  /**
   * The credentials' expiry, and whether they are session credentials (they carry a session
   * token). Pasted session credentials, such as Learner Lab's "AWS Details", have no expiry
   * the SDK can read.
   */
  async credentialInfo(): Promise<{ expiration?: Date; session: boolean }> {
    try {
      const credentials = await this.sts.config.credentials();
      return { expiration: credentials.expiration, session: Boolean(credentials.sessionToken) };
    } catch (error) {
      throw describeAwsError(error);
    }
  }

  /**
   * Clients that act in another account through a role these credentials may assume, such
   * as OrganizationAccountAccessRole in a member account of an AWS Organization. The SDK
   * calls the provider again when the session nears its expiration; a session assumed from
   * another role's session (role chaining) lasts at most one hour
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html).
   */
  assumeRole(roleArn: string, region?: string, sessionName = 'class-lab-admin'): AwsClients {
    const assume = async () => {
      const { Credentials: c } = await this.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 }));
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    };
    // One session for every client of the account (each client would otherwise assume on its own),
    // renewed five minutes before it expires.
    let session: ReturnType<typeof assume> | undefined;
    const provider = async () => {
      const current = session && (await session.catch(() => undefined));
      if (!current || (current.expiration && current.expiration.getTime() - Date.now() < 5 * 60_000)) session = assume();
      return session!;
    };
    // The role's session, not the profile, signs every call of the new clients.
    return new AwsClients({ region: region ?? this.target.region }, { ...this.settings, credentials: provider });
  }

  /** The same credentials (profile, or assumed role's session) in another Region. */
  inRegion(region: string): AwsClients {
    return region === this.target.region ? this : new AwsClients({ ...this.target, region }, this.settings);
  }

  /** Who the credentials belong to (STS GetCallerIdentity needs no permission). */
  async identity(): Promise<Identity> {
    await this.region();
    try {
      const id = await this.sts.send(new GetCallerIdentityCommand({}));
      return { account: id.Account ?? '', arn: id.Arn ?? '', userId: id.UserId ?? '' };
    } catch (error) {
      throw describeAwsError(error);
    }
  }
}
