/**
 * Auto-expiry (`-c expiresAfterHours=N`): a one-time EventBridge Scheduler schedule inside the
 * stack calls CloudFormation DeleteStack on its own stack when the lab's time is up, so a lab a
 * student forgot stops costing money.
 *
 * When: the window starts at the first synth with the setting and lasts N hours. Its start is
 * remembered per stack in cdk.context.json (key `class-lab:expiry-start:<stack name>`), so a
 * redeploy with the same setting keeps the same expiry, and raising N extends it from the same
 * start. A window that has ended, or ends within EXPIRY_RENEW_MARGIN_MINUTES, starts afresh
 * from now: a deploy must not create a schedule for a time already past. The clock is injected,
 * so synth is deterministic and tests do not change every run.
 *
 * Who deletes: the schedule's role may call cloudformation:DeleteStack on this stack's id and
 * nothing else. CloudFormation then deletes the resources with the stack's service role (the
 * bootstrap's cfn-exec role that `cdk deploy` associates with the stack, or the `-r` role),
 * which it uses for every later operation on the stack even when the caller may not pass that
 * role, so the schedule's role needs no iam:PassRole. A stack deployed without a service role
 * is deleted with the schedule role's own permissions: only the DeleteStack call would succeed.
 */
import * as fs from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';

/** Stack tag with the expiry time; the instructor tooling reads it with DescribeStacks. */
export const EXPIRES_AT_TAG = 'expires-at';
/** Context key prefix under which the start of a stack's expiry window is remembered. */
export const EXPIRY_START_CONTEXT_PREFIX = 'class-lab:expiry-start:';
/** A remembered window ending sooner than this after synth is renewed: the deploy would outlive it. */
export const EXPIRY_RENEW_MARGIN_MINUTES = 30;

export interface ExpiryWindow {
  readonly startedAt: Date;
  readonly expiresAt: Date;
  /** True when this synth started the window (it must be remembered). */
  readonly isNew: boolean;
}

/** Remembers the start of a new expiry window for a stack. */
export type ExpiryStartRecorder = (stackName: string, startedAt: Date) => void;

/** The context key of a stack's remembered window start. */
export function expiryStartKey(stackName: string): string {
  return `${EXPIRY_START_CONTEXT_PREFIX}${stackName}`;
}

/** UTC time to the second, without milliseconds: 2026-01-05T17:00:00Z. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The expiry window of a stack: the remembered start plus `hours`, or a new window from `now`
 * (to the whole minute) when none is remembered or the remembered one is (nearly) over.
 */
export function expiryWindow(hours: number, rememberedStart: unknown, now: Date): ExpiryWindow {
  const hourMs = 3_600_000;
  const remembered = typeof rememberedStart === 'string' ? new Date(rememberedStart) : undefined;
  if (remembered && !Number.isNaN(remembered.getTime())) {
    const expiresAt = new Date(remembered.getTime() + hours * hourMs);
    if (expiresAt.getTime() - now.getTime() >= EXPIRY_RENEW_MARGIN_MINUTES * 60_000) {
      return { startedAt: remembered, expiresAt, isNew: false };
    }
  }
  const startedAt = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  return { startedAt, expiresAt: new Date(startedAt.getTime() + hours * hourMs), isNew: true };
}

/**
 * Remembers window starts in the CDK CLI's context file (cdk.context.json: per machine, not
 * committed). The CLI passes that file to the app as context on every run and rewrites it only
 * after context lookups, which this kit never makes; `npx cdk context --reset <key>` forgets one.
 */
export function rememberInContextFile(file = 'cdk.context.json'): ExpiryStartRecorder {
  return (stackName, startedAt) => {
    const context = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
    context[expiryStartKey(stackName)] = isoSeconds(startedAt);
    fs.writeFileSync(file, `${JSON.stringify(context, undefined, 2)}\n`);
  };
}

export interface LabExpiryProps {
  readonly expiresAt: Date;
  /** The setting it came from, for the schedule's description. */
  readonly afterHours?: number;
}

/**
 * A one-time schedule that deletes the stack it is in at `expiresAt`, with a role that may
 * delete that one stack. Also tags the stack `expires-at`. The schedule needs no clean-up of its
 * own: it is a resource of the stack it deletes.
 */
export class LabExpiry extends Construct {
  readonly schedule: scheduler.CfnSchedule;
  readonly role: iam.Role;
  /** The expiry time, ISO 8601 UTC. */
  readonly expiresAt: string;

  constructor(scope: Construct, id: string, props: LabExpiryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.expiresAt = isoSeconds(props.expiresAt);

    this.role = new iam.Role(this, 'DeleteStackRole', {
      description: 'EventBridge Scheduler: deletes this Class Lab stack when it expires',
      // Only schedules of this account may use the role (confused-deputy guard).
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
      }),
      inlinePolicies: {
        DeleteThisStackOnly: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['cloudformation:DeleteStack'], resources: [stack.stackId] })],
        }),
      },
    });

    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      description: `Deletes ${stack.stackName} at ${this.expiresAt}${props.afterHours ? ` (expiresAfterHours=${props.afterHours})` : ''}`,
      scheduleExpression: `at(${this.expiresAt.replace(/Z$/, '')})`,
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        // Universal target: EventBridge Scheduler calls the CloudFormation API itself, no Lambda.
        arn: `arn:${stack.partition}:scheduler:::aws-sdk:cloudformation:deleteStack`,
        roleArn: this.role.roleArn,
        // The stack id, not its name: a later stack of the same name is never the target.
        input: stack.toJsonString({ StackName: stack.stackId }),
      },
    });
    // ActionAfterCompletion DELETE is not a CloudFormation property of AWS::Scheduler::Schedule
    // (a template with it fails to deploy); deleting the stack deletes the schedule anyway.

    stack.tags.setTag(EXPIRES_AT_TAG, this.expiresAt);
  }
}
