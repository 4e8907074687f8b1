import { App, AppProps, Environment } from 'aws-cdk-lib';
import { ClassLabStack } from './class-lab-stack';
import { ConfigEnvironment, LabConfig, loadLabConfig, privateZoneNameFor } from './config';
import { ExpiryStartRecorder, expiryStartKey, expiryWindow } from './expiry';
import { addGuardrails } from './guardrails';
import { defineWithLabRole, LabRoleStackSynthesizer } from './learner-lab';

/** The construct id a student types: `npx cdk deploy ClassLabStack`. */
export const STACK_ID = 'ClassLabStack';

/** CloudFormation stack name: one per student when several share an account. */
export function stackNameFor(student: string | undefined): string {
  return student ? `${STACK_ID}-${student}` : STACK_ID;
}

export interface BuildOptions {
  /**
   * Run cdk-nag and CloudFormation Guard on synth. Always on for students; tests that only
   * vary a setting turn it off to stay fast, and the guardrail tests keep it on.
   * @default true
   */
  readonly guardrails?: boolean;
  /**
   * The clock a new expiry window starts from. Tests inject a fixed one so templates do not
   * change with every run.
   * @default the system clock
   */
  readonly now?: () => Date;
  /**
   * Where a newly started expiry window is remembered; bin/class-lab.ts writes cdk.context.json.
   * @default not remembered (every synth starts a new window)
   */
  readonly rememberExpiryStart?: ExpiryStartRecorder;
  /**
   * Account and region the stacks go to where the roster does not say.
   * @default CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION, which the CDK CLI sets from the AWS profile
   */
  readonly environment?: Pick<ConfigEnvironment, 'account' | 'region'>;
}

export interface ClassLabApp {
  readonly app: App;
  /** Every ClassLabStack: one, or one per roster student. */
  readonly stacks: readonly ClassLabStack[];
  /** The one ClassLabStack of the app; throws for a roster of several students (use `stacks`). */
  readonly stack: ClassLabStack;
}

/** What one ClassLabStack of the app gets: its ids, its student's settings, where it goes, when it expires. */
interface StackPlan {
  readonly id: string;
  readonly stackName: string;
  readonly config: LabConfig;
  readonly env: Environment;
  readonly expiresAt?: Date;
}

/**
 * Builds the CDK app: validates the settings first (a ConfigError stops everything before any
 * construct exists), then creates ClassLabStack, or one ClassLabStack-<id> per roster student,
 * with the guardrails on. Under sandbox=learner-lab every role maps to the lab role.
 */
export function buildClassLabApp(props: AppProps = {}, options: BuildOptions = {}): ClassLabApp {
  const app = new App(props);
  const environment = options.environment ?? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const config = loadLabConfig((key) => app.node.tryGetContext(key), environment);
  const plans = planStacks(app, config, environment, options);
  const define = (scope: App) => plans.map((plan) => new ClassLabStack(scope, plan.id, {
    config: plan.config,
    stackName: plan.stackName,
    env: plan.env,
    expiresAt: plan.expiresAt,
    // Learner Lab: CloudFormation acts as the lab role without `-r` (lib/learner-lab.ts).
    synthesizer: config.sandbox === 'learner-lab' ? new LabRoleStackSynthesizer(config.labRoleName!) : undefined,
  }));

  if (options.guardrails ?? true) addGuardrails(app);
  const stacks = config.sandbox === 'learner-lab' ? defineWithLabRole(app, props, config.labRoleName!, define) : define(app);

  return {
    app,
    stacks,
    get stack(): ClassLabStack {
      if (stacks.length !== 1) throw new Error(`The app has ${stacks.length} stacks (a roster); use stacks, not stack`);
      return stacks[0];
    },
  };
}

/** One plan per student: the solo/student stack as today, or ClassLabStack-<id> for each roster entry. */
function planStacks(app: App, config: LabConfig, environment: Pick<ConfigEnvironment, 'account' | 'region'>, options: BuildOptions): StackPlan[] {
  const students = config.roster
    ? config.roster.students.map((s) => ({ student: s.id, id: stackNameFor(s.id), account: s.account, region: s.region }))
    : [{ student: config.student, id: STACK_ID, account: undefined, region: undefined }];
  const now = (options.now ?? (() => new Date()))();
  return students.map(({ student, id, account, region }) => {
    const stackName = stackNameFor(student);
    return {
      id,
      stackName,
      config: config.roster ? { ...config, student, zone: { name: privateZoneNameFor(student) } } : { ...config, student },
      // Environment-agnostic unless the roster or the CLI says: synth needs no credentials and no lookups.
      env: { account: account ?? environment.account, region: region ?? environment.region },
      expiresAt: config.expiresAfterHours === undefined ? undefined : expiryFor(app, stackName, config.expiresAfterHours, now, options),
    };
  });
}

/** The stack's expiry: its remembered window, or a new one that is then remembered. */
function expiryFor(app: App, stackName: string, hours: number, now: Date, options: BuildOptions): Date {
  const window = expiryWindow(hours, app.node.tryGetContext(expiryStartKey(stackName)), now);
  if (window.isNew) options.rememberExpiryStart?.(stackName, window.startedAt);
  return window.expiresAt;
}
