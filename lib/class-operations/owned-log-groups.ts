import { Aspects, CfnResource, IAspect, RemovalPolicy, Stack, Tokenization } from 'aws-cdk-lib';
import { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { acknowledge } from '../guardrails/guardrails';

const LAMBDA_FUNCTION = 'AWS::Lambda::Function';
/** Child id of the owned log group, next to the function's CloudFormation resource. */
export const OWNED_LOG_GROUP_ID = 'OwnedLogGroup';

/**
 * Gives every Lambda function in the stack (and its nested stacks) a log group the stack
 * owns and deletes, CDK's own custom-resource providers included.
 *
 * Why: by default Lambda writes to `/aws/lambda/<function>`, a log group it creates on the
 * first invoke and that no stack owns, so it outlives `cdk destroy` (the S3 auto-delete
 * handler runs during the delete itself). `LoggingConfig.LogGroup` sends the logs to a log
 * group of our choosing instead:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-loggingconfig.html
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html
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
    // Parents are visited before their children: the flag's log group goes before the function's resource gets its own.
    if (node instanceof LambdaFunction) dropFlagLogGroup(node);
    if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== LAMBDA_FUNCTION) return;
    if (node instanceof CfnFunction && hasLogGroup(node.loggingConfig)) return;
    const scope = node.node.scope;
    if (!scope || scope.node.tryFindChild(`${node.node.id}${OWNED_LOG_GROUP_ID}`)) return;
    const logGroup = new LogGroup(scope, `${node.node.id}${OWNED_LOG_GROUP_ID}`, {
      retention: RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    node.addPropertyOverride('LoggingConfig.LogGroup', logGroup.logGroupName);
    node.addPropertyOverride('LoggingConfig.LogFormat', 'Text');
    acknowledge(logGroup, 'cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check', 'Logs of a lab stack\'s own functions (such as CDK\'s bucket auto-delete handler) matter only during the class; a week keeps them cheap and the stack deletes them.');
    acknowledge(logGroup, 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check', 'CloudWatch Logs encrypts at rest by default; a customer-managed KMS key would cost $1/month per student for a few handler log lines.');
  }
}

/** Child id of the log group `@aws-cdk/aws-lambda:useCdkManagedLogGroup` adds to every Function. */
const FLAG_LOG_GROUP_ID = 'LogGroup';

/**
 * Removes the log group cdk.json's `@aws-cdk/aws-lambda:useCdkManagedLogGroup` adds to every L2
 * Function: `/aws/lambda/<function>`, retained on delete with 731 days of retention, and unused once
 * the function logs to the owned group. It names the function (a Ref), so CloudFormation would
 * delete it before the function, while a custom resource's delete can still invoke it and Lambda
 * recreate `/aws/lambda/<function>` outside the stack: one owned, deleted group per function, the
 * one the function references, is the only order that leaves nothing. Nothing references the
 * flag's group (CDK adds no dependency on it), so removing it changes nothing else.
 */
function dropFlagLogGroup(fn: LambdaFunction): void {
  if (fn.node.tryFindChild(FLAG_LOG_GROUP_ID) instanceof LogGroup) fn.node.tryRemoveChild(FLAG_LOG_GROUP_ID);
}

/** A function that already names its log group (or whose logging config is a token) is left alone. */
function hasLogGroup(config: CfnFunction['loggingConfig']): boolean {
  if (config === undefined) return false;
  return Tokenization.isResolvable(config) || (config as CfnFunction.LoggingConfigProperty).logGroup !== undefined;
}
