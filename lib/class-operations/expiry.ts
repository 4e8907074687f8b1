/**
 * Auto-expiry (`expiresAfterHours=N`, on by default: lib/settings/settings-table.ts
 * DEFAULT_EXPIRY_HOURS; `expiresAfterHours=off` turns it off): EventBridge Scheduler deletes the
 * ClassLabStack N hours after the stack was first created, so a lab a student forgot stops
 * costing money. The outputs ExpiresAt and ExpiryExtendCommand say when and how to extend it.
 *
 * When: anchored in the account, not on the machine that synthesizes. A small custom resource
 * (an inline-code Lambda function, invoked only when the stack is created, updated or deleted)
 * records the time of the stack's creation as its physical id and keeps it on every update, from
 * any laptop; it returns ExpiresAt = that start + N hours. Templates hold no clock: the same
 * settings give the same template at any time on any machine. A larger N on a later deploy
 * extends from the same start; removing the setting removes the schedules. A time already past
 * (a redeploy after the lab should have gone) becomes EXPIRY_MIN_LEAD_MINUTES from the update.
 *
 * Who deletes: the schedules' role may call cloudformation:DeleteStack on this stack's id and
 * nothing else. CloudFormation then deletes the resources with the stack's service role (the
 * bootstrap's cfn-exec role that `cdk deploy` associates with the stack, or LabRole under
 * Learner Lab), which it uses for later operations even when the caller may not pass that role,
 * so the schedules' role needs no iam:PassRole.
 *
 * Insisting (a deploy in progress at that minute, a delete that fails):
 * - each schedule retries a failed DeleteStack call for up to 24 hours (EventBridge Scheduler's
 *   maximum event age; 185 attempts, its maximum) and then writes the failure to a dead-letter
 *   queue (SQS costs nothing idle);
 *   https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-retry-policy.html
 *   https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 * - a second one-time schedule calls DeleteStack again SECOND_ATTEMPT_AFTER_HOURS later, for a
 *   delete that was accepted and then failed (DELETE_FAILED). Every other resource of the root
 *   stack depends on that schedule, so CloudFormation deletes it last: it survives a failed delete
 *   and fires on what is left.
 */
import { CfnOutput, CfnResource, CustomResource, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../guardrails/guardrails';
import { EXPIRY_MAX_HOURS, EXPIRY_OFF } from '../settings/settings-table';
import { ownedLogGroup } from './owned-log-groups';

/** Hours between the first DeleteStack and the second attempt. */
export const SECOND_ATTEMPT_AFTER_HOURS = 2;
/** The least time from a deploy to the expiry it sets: a schedule must not be created for a time already past. */
export const EXPIRY_MIN_LEAD_MINUTES = 15;
/** EventBridge Scheduler's maxima for a target's retry policy. */
export const SCHEDULE_RETRY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 } as const;
/** Name of the stack output with the expiry time (ISO 8601 UTC); the instructor tooling reads it. */
export const EXPIRES_AT_OUTPUT = 'ExpiresAt';
/** Name of the stack output with the command that extends the expiry. */
export const EXTEND_EXPIRY_OUTPUT = 'ExpiryExtendCommand';
/** How much later `ExpiryExtendCommand` moves the expiry. */
export const EXTEND_BY_HOURS = 24;

/**
 * The command that moves the expiry EXTEND_BY_HOURS later (the start stays the first deploy):
 * the setting goes into lab-settings.json, so a later plain deploy keeps it. At the longest
 * expiry it can only be turned off.
 */
export function extendExpiryCommand(afterHours: number, stackId: string): string {
  const next = afterHours + EXTEND_BY_HOURS <= EXPIRY_MAX_HOURS ? String(afterHours + EXTEND_BY_HOURS) : EXPIRY_OFF;
  return `npm run setup -- expiresAfterHours=${next} && npx cdk deploy ${stackId}`;
}

/**
 * The custom resource handler (Node.js, CommonJS, no dependencies). Create: the start is now, to
 * the minute, and becomes the physical id. Update: the physical id, hence the start, is kept.
 * Delete: nothing to do. It answers CloudFormation's pre-signed URL itself.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
export const EXPIRY_CLOCK_CODE = `
const https = require('https');
const START = /^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:00Z$/;
const iso = (ms) => new Date(ms).toISOString().replace(/\\.\\d{3}Z$/, 'Z');
exports.window = (requestType, physicalId, hours, secondAfterHours, leadMinutes, now) => {
  const started = requestType !== 'Create' && START.test(physicalId || '') ? Date.parse(physicalId) : Math.floor(now / 60000) * 60000;
  const earliest = Math.ceil((now + leadMinutes * 60000) / 60000) * 60000;
  const expires = Math.max(started + hours * 3600000, earliest);
  return { physicalId: iso(started), data: { StartedAt: iso(started), ExpiresAt: iso(expires), ScheduleAt: iso(expires).slice(0, -1), SecondAttemptAt: iso(expires + secondAfterHours * 3600000).slice(0, -1) } };
};
exports.handler = async (event, context) => {
  let body;
  try {
    const p = event.ResourceProperties;
    const w = exports.window(event.RequestType, event.PhysicalResourceId, Number(p.Hours), Number(p.SecondAttemptAfterHours), Number(p.MinLeadMinutes), Date.now());
    body = { Status: 'SUCCESS', PhysicalResourceId: event.RequestType === 'Delete' ? event.PhysicalResourceId : w.physicalId, Data: w.data };
  } catch (error) {
    body = { Status: 'FAILED', Reason: String(error), PhysicalResourceId: event.PhysicalResourceId || context.logStreamName };
  }
  const text = JSON.stringify({ ...body, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId });
  await new Promise((resolve, reject) => {
    const request = https.request(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(text) } }, (response) => { response.resume(); response.on('end', resolve); });
    request.on('error', reject);
    request.end(text);
  });
};
`;

/**
 * What `npm run synth` says of the expiry: when (relative to the first deploy: the time itself
 * is a deploy-time value, the ExpiresAt output) and how to extend or turn it off.
 */
export function describeExpiry(afterHours: number | undefined, stackId: string, source: string): string[] {
  if (afterHours === undefined) {
    return [`Expiry: off (expiresAfterHours=${EXPIRY_OFF}, ${source}): the stack stays, and bills, until destroyed.`];
  }
  return [
    `Expiry: the stack deletes itself ${afterHours} hours after its first deploy (expiresAfterHours=${afterHours}, ${source});`,
    `  the deploy prints the time as the output ${EXPIRES_AT_OUTPUT} (UTC), and later deploys keep it.`,
    `  To extend it: ${extendExpiryCommand(afterHours, stackId)}`,
    `  To turn it off: npm run setup -- expiresAfterHours=${EXPIRY_OFF}`,
  ];
}

export interface LabExpiryProps {
  /** expiresAfterHours: hours from the stack's creation. */
  readonly afterHours: number;
}

/**
 * Two one-time schedules that delete the stack they are in, with the clock that anchors them, a
 * role that may delete that one stack and a dead-letter queue. Call `outlastEverything` once
 * the stack is complete.
 */
export class LabExpiry extends Construct {
  readonly schedule: scheduler.CfnSchedule;
  readonly secondAttempt: scheduler.CfnSchedule;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly clock: CustomResource;
  /** The expiry time, ISO 8601 UTC: a deploy-time value. */
  readonly expiresAt: string;

  constructor(scope: Construct, id: string, props: LabExpiryProps) {
    super(scope, id);
    const stack = Stack.of(this);

    const clockFunction = new lambda.Function(this, 'ClockFunction', {
      description: 'Class Lab expiry: records when this stack was first created and computes its expiry time',
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(EXPIRY_CLOCK_CODE),
      timeout: Duration.seconds(30),
      memorySize: 128,
      logGroup: ownedLogGroup(this, 'ClockFunctionLogs'),
    });
    acknowledge(clockFunction, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'AWSLambdaBasicExecutionRole only lets the clock write its own logs; it calls no other AWS API.');
    acknowledge(clockFunction, 'cdk-validator-cfnguard::lambda_inside_vpc_check', 'The clock only answers CloudFormation\'s response URL on the internet; inside the lab VPC it would need a NAT gateway that costs more than the lab.');

    this.clock = new CustomResource(this, 'Clock', {
      serviceToken: clockFunction.functionArn,
      resourceType: 'Custom::LabExpiryClock',
      properties: { Hours: String(props.afterHours), SecondAttemptAfterHours: String(SECOND_ATTEMPT_AFTER_HOURS), MinLeadMinutes: String(EXPIRY_MIN_LEAD_MINUTES) },
    });
    this.expiresAt = this.clock.getAttString('ExpiresAt');

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const isDeadLetterQueue = 'This queue is the dead-letter queue of the expiry schedules; it needs none of its own.';
    acknowledge(this.deadLetterQueue, 'AwsSolutions-SQS3', isDeadLetterQueue);
    acknowledge(this.deadLetterQueue, 'cdk-validator-cfnguard::sqs_dlq_check', isDeadLetterQueue);

    this.role = new iam.Role(this, 'DeleteStackRole', {
      description: 'EventBridge Scheduler: deletes this Class Lab stack when it expires',
      // Only schedules of this account may use the role (confused-deputy guard).
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
      }),
      inlinePolicies: {
        DeleteThisStackOnly: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ actions: ['cloudformation:DeleteStack'], resources: [stack.stackId] }),
            // Scheduler writes a failed invocation to the dead-letter queue with the execution role.
            new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
          ],
        }),
      },
    });

    this.schedule = this.deleteStackSchedule('Schedule', `Deletes ${stack.stackName} ${props.afterHours} h after it was created (expiresAfterHours)`, this.clock.getAttString('ScheduleAt'));
    this.secondAttempt = this.deleteStackSchedule(
      'SecondAttempt',
      `Deletes ${stack.stackName} again ${SECOND_ATTEMPT_AFTER_HOURS} h after its expiry, if the first delete failed`,
      this.clock.getAttString('SecondAttemptAt'),
    );

    new CfnOutput(stack, EXPIRES_AT_OUTPUT, {
      value: this.expiresAt,
      description: 'When this lab deletes itself (UTC), counted from its first deploy; to extend, deploy with a larger expiresAfterHours',
    });
    new CfnOutput(stack, EXTEND_EXPIRY_OUTPUT, {
      value: extendExpiryCommand(props.afterHours, stack.node.id),
      description: `Moves ExpiresAt ${EXTEND_BY_HOURS} hours later (expiresAfterHours=${EXPIRY_OFF} turns the expiry off)`,
    });
  }

  private deleteStackSchedule(id: string, description: string, at: string): scheduler.CfnSchedule {
    const stack = Stack.of(this);
    return new scheduler.CfnSchedule(this, id, {
      description,
      scheduleExpression: Fn.join('', ['at(', at, ')']),
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        // Universal target: EventBridge Scheduler calls the CloudFormation API itself.
        arn: `arn:${stack.partition}:scheduler:::aws-sdk:cloudformation:deleteStack`,
        roleArn: this.role.roleArn,
        // The stack id, not its name: a later stack of the same name is never the target.
        input: stack.toJsonString({ StackName: stack.stackId }),
        retryPolicy: { ...SCHEDULE_RETRY },
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      },
    });
    // ActionAfterCompletion DELETE is not a CloudFormation property of AWS::Scheduler::Schedule;
    // deleting the stack deletes the schedules anyway.
  }

  /**
   * Makes every other resource of the root stack (nested stacks included, as resources) depend on
   * the second attempt, so a delete removes it last: after a failed delete it is still there.
   */
  outlastEverything(): void {
    const stack = Stack.of(this);
    const own = new Set(this.node.findAll());
    for (const resource of stack.node.findAll()) {
      if (!CfnResource.isCfnResource(resource) || own.has(resource) || Stack.of(resource) !== stack) continue;
      if (resource.cfnResourceType === 'AWS::CDK::Metadata') continue;
      resource.node.addDependency(this.secondAttempt);
    }
  }
}
