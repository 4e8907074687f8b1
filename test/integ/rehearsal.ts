/**
 * The rehearsal: ClassLabStack variants deployed for real by `@aws-cdk/integ-runner`, each with
 * `@aws-cdk/integ-tests-alpha` assertions on what its class modules promise, then destroyed.
 * `npm run rehearse` deploys them in the instructor's account (scripts/rehearse.ts); `npm test`
 * only checks that the committed snapshots (the `*.snapshot/` folders beside each test) are
 * what the kit synthesizes today, without deploying anything.
 * https://docs.aws.amazon.com/cdk/api/v2/docs/integ-tests-alpha-readme.html
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { buildClassLabApp } from '../../lib/app/class-lab-app';
import { acknowledge } from '../../lib/guardrails/guardrails';
import { ClassLabStack } from '../../lib/app/class-lab-stack';
import { SAMPLE_APP_HEALTH_PATH } from '../../lib/app/sample-app';

/** How long an assertion keeps polling: instances boot and pass two health checks, a task starts. */
const SETTLE = { totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) };

export interface RehearsalVariant {
  /** Test name, as integ-runner and the rehearsal report show it. */
  readonly name: string;
  /** The CDK context a student would pass with -c. */
  readonly context: Record<string, string>;
  /**
   * Whether to add the assertions. Each one runs in a Lambda function of the assertion stack,
   * with a role the test creates: a sandbox that forbids IAM roles (Learner Lab) can only be
   * rehearsed by deploying and destroying.
   */
  readonly assertions: boolean;
}

/**
 * The variants `npm run rehearse` deploys (lib/instructor-tool/rehearse/rehearse.ts names their apps and stacks):
 * every module with one student per account, a student's stack in a shared account, and the
 * Learner Lab path (deploy and destroy as LabRole, in a Learner Lab session).
 */
export const REHEARSALS = {
  default: { name: 'ClassLabDefault', context: {}, assertions: true },
  student: { name: 'ClassLabStudent', context: { student: 'rehearsal' }, assertions: true },
  learnerLab: { name: 'ClassLabLearnerLab', context: { sandbox: 'learner-lab' }, assertions: false },
} as const satisfies Record<string, RehearsalVariant>;

/**
 * Builds one variant as a student's `npx cdk deploy ClassLabStack` would (same settings path,
 * same construct tree), without the guardrails: they would also judge the assertion stack, and
 * test/guardrails.test.ts checks these very templates.
 */
export function defineRehearsal(variant: RehearsalVariant): App {
  const { app, stack } = buildClassLabApp({ context: variant.context }, { guardrails: false });
  const integ = new IntegTest(app, variant.name, {
    testCases: [stack],
    // A student's deploy has no previous version to update from: deploy once, assert, destroy.
    stackUpdateWorkflow: false,
    diffAssets: false,
  });
  if (variant.assertions) assertModules(integ, stack);
  else acknowledge(assertionStack(app), 'CloudFormation-Validate::F0001', 'Deploy-and-destroy rehearsal: the assertion stack stays empty and is never deployed (npm run rehearse deploys the ClassLabStack alone).');
  return app;
}

/** The stack IntegTest adds for the assertions (its construct path ends in /DeployAssert). */
function assertionStack(app: App): Stack {
  return app.node.findAll().find((c): c is Stack => Stack.isStack(c) && c.node.path.endsWith('/DeployAssert'))!;
}

function assertModules(integ: IntegTest, stack: ClassLabStack): void {
  const { assertions } = integ;
  if (stack.fleet) {
    // The web URL is answered, by a fleet of `desired` instances the load balancer finds healthy.
    assertions.httpApiCall(stack.network.url)
      .assertAtPath('status', ExpectedResult.exact(200))
      .waitForAssertions(SETTLE);
    assertions.awsApiCall('ElasticLoadBalancingV2', 'describeTargetHealth', { TargetGroupArn: stack.fleet.targetGroup.targetGroupArn })
      .expect(ExpectedResult.objectLike({
        TargetHealthDescriptions: Array.from({ length: stack.config.fleet.desired }, () => ({ TargetHealth: { State: 'healthy' } })),
      }))
      .waitForAssertions(SETTLE);
  }
  if (stack.s3) {
    assertions.awsApiCall('S3', 'getBucketVersioning', { Bucket: stack.s3.bucket.bucketName })
      .expect(ExpectedResult.objectLike({ Status: 'Enabled' }));
    assertions.awsApiCall('S3', 'getPublicAccessBlock', { Bucket: stack.s3.bucket.bucketName })
      .expect(ExpectedResult.objectLike({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      }));
  }
  if (stack.route53) {
    for (const record of Object.values(stack.route53.records)) {
      assertions.awsApiCall('Route53', 'listResourceRecordSets', {
        HostedZoneId: stack.route53.zone.hostedZoneId,
        StartRecordName: `${record.name}.`,
        StartRecordType: 'A',
        MaxItems: '1',
      }).expect(ExpectedResult.objectLike({ ResourceRecordSets: [{ Name: `${record.name}.`, Type: 'A' }] }));
    }
  }
  if (stack.ecsService) {
    assertions.awsApiCall('ECS', 'describeServices', {
      cluster: stack.ecsService.cluster.clusterName,
      services: [stack.ecsService.service.serviceName],
    }).expect(ExpectedResult.objectLike({ services: [{ status: 'ACTIVE', runningCount: 1, desiredCount: 1 }] }))
      .waitForAssertions(SETTLE);
    assertions.httpApiCall(`${stack.network.url}${SAMPLE_APP_HEALTH_PATH}`)
      .assertAtPath('status', ExpectedResult.exact(200))
      .waitForAssertions(SETTLE);
  }
}
