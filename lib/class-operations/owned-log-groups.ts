import { Aspects, CfnResource, IAspect, RemovalPolicy, Stack, Tokenization } from 'aws-cdk-lib';
import { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnLogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { acknowledge } from '../guardrails/guardrails';

const LAMBDA_FUNCTION = 'AWS::Lambda::Function';
/** Child id of the owned log group, next to the function's CloudFormation resource. */
export const OWNED_LOG_GROUP_ID = 'OwnedLogGroup';
/** Child id of the log group `lambda.Function` adds itself under `@aws-cdk/aws-lambda:useCdkManagedLogGroup`. */
const CDK_MANAGED_LOG_GROUP_ID = 'LogGroup';
/** How long the kit keeps its functions' logs. */
export const OWNED_LOG_RETENTION = RetentionDays.ONE_WEEK;

/**
 * A log group for one function that the stack owns and deletes, named by CloudFormation: pass it
 * as `logGroup` to a `lambda.Function` the kit defines (the expiry clock).
 */
export function ownedLogGroup(scope: Construct, id: string): LogGroup {
  const logGroup = new LogGroup(scope, id, { retention: OWNED_LOG_RETENTION, removalPolicy: RemovalPolicy.DESTROY });
  acknowledgeOwned(logGroup);
  return logGroup;
}

function acknowledgeOwned(logGroup: LogGroup): void {
  acknowledge(logGroup, 'cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check', 'Logs of a lab stack\'s own functions (such as CDK\'s bucket auto-delete handler) matter only during the class; a week keeps them cheap and the stack deletes them.');
  acknowledge(logGroup, 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check', 'CloudWatch Logs encrypts at rest by default; a customer-managed KMS key would cost $1/month per student for a few handler log lines.');
}

/**
 * Gives every Lambda function in the stack (and its nested stacks) exactly one log group, which
 * the stack owns and deletes, CDK's own custom-resource providers included.
 *
 * Why: by default Lambda writes to `/aws/lambda/<function>`, a log group it creates on the
 * first invoke and that no stack owns, so it outlives `cdk destroy` (the S3 auto-delete
 * handler runs during the delete itself). `LoggingConfig.LogGroup` sends the logs to a log
 * group of our choosing instead:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-loggingconfig.html
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html
 *
 * cdk.json's `@aws-cdk/aws-lambda:useCdkManagedLogGroup` makes every `lambda.Function` built
 * without `logGroup` add a log group of its own, named `/aws/lambda/<function>`, retained on
 * delete and kept two years (aws-cdk-lib's FEATURE_FLAGS.md; `logs.LogGroup`'s defaults). That
 * one is adopted, not doubled: it is deleted with the stack, kept a week, named by
 * CloudFormation and made the function's `LoggingConfig.LogGroup`, so `Function.logGroup` still
 * names where the logs go.
 *
 * Delete order: the function references the log group (Ref), and a custom resource
 * references the function (ServiceToken), so CloudFormation deletes the custom resource
 * (which invokes the function) first, then the function, then the log group: nothing
 * invoked during the delete can write after the log group is gone. The name is left to
 * CloudFormation (it must not start with `aws/`, and naming it after the function would be
 * a circular reference).
 */
export class OwnedLogGroups implements IAspect {
  /** Applies the aspect to a stack; nested stacks are children, so they are covered too. */
  static applyTo(stack: Stack): void {
    Aspects.of(stack).add(new OwnedLogGroups());
  }

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== LAMBDA_FUNCTION) return;
    if (node instanceof CfnFunction && hasLogGroup(node.loggingConfig)) return;
    const scope = node.node.scope;
    if (!scope || scope.node.tryFindChild(`${node.node.id}${OWNED_LOG_GROUP_ID}`)) return;
    const logGroup = adoptCdkManagedLogGroup(scope) ?? ownedLogGroup(scope, `${node.node.id}${OWNED_LOG_GROUP_ID}`);
    node.addPropertyOverride('LoggingConfig.LogGroup', logGroup.logGroupName);
    node.addPropertyOverride('LoggingConfig.LogFormat', 'Text');
  }
}

/** The log group the feature flag gave a `lambda.Function`, made owned and deleted; undefined when there is none. */
function adoptCdkManagedLogGroup(scope: IConstruct): LogGroup | undefined {
  if (!(scope instanceof LambdaFunction)) return undefined;
  const logGroup = scope.node.tryFindChild(CDK_MANAGED_LOG_GROUP_ID);
  if (!(logGroup instanceof LogGroup)) return undefined;
  const resource = logGroup.node.defaultChild as CfnLogGroup;
  // `/aws/lambda/<function>` refers to the function, which is about to refer to the log group.
  resource.logGroupName = undefined;
  resource.retentionInDays = OWNED_LOG_RETENTION;
  logGroup.applyRemovalPolicy(RemovalPolicy.DESTROY);
  acknowledgeOwned(logGroup);
  return logGroup;
}

/** A function that already names its log group (or whose logging config is a token) is left alone. */
function hasLogGroup(config: CfnFunction['loggingConfig']): boolean {
  if (config === undefined) return false;
  return Tokenization.isResolvable(config) || (config as CfnFunction.LoggingConfigProperty).logGroup !== undefined;
}
