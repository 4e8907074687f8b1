import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, AppProps, Environment } from 'aws-cdk-lib';
import { ClassLabStack } from './class-lab-stack';
import { synthesizerNamed } from './cli-name';
import { ConfigError, LabConfig, loadLabConfig, privateZoneNameFor } from '../settings/lab-config';
import { EffectiveSettings, effectiveSettings, readCdkJsonContext, readSettingsFile } from '../settings/sources';
import { addGuardrails, guardrailFindings } from '../guardrails/guardrails';
import { defineWithLabRole, LabRoleStackSynthesizer } from '../class-operations/learner-lab';

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
   * The project directory whose lab-settings.json and cdk.json the settings come from, with the
   * app's context as the command line (bin/class-lab.ts passes the working directory).
   * @default none: the app's context is all the settings (tests)
   */
  readonly projectDir?: string;
}

export interface ClassLabApp {
  readonly app: App;
  /** Every ClassLabStack: one, or one per roster student. */
  readonly stacks: readonly ClassLabStack[];
  /** The settings the app was built from, with their sources. */
  readonly settings: EffectiveSettings;
  /** The one ClassLabStack of the app; throws for a roster of several students (use `stacks`). */
  readonly stack: ClassLabStack;
}

/** What one ClassLabStack of the app gets: its ids, its student's settings, where it goes. */
interface StackPlan {
  /** The construct id: the stack name, so a student's stack is the same template wherever it is defined. */
  readonly id: string;
  /** What the CDK CLI selects the stack by: ClassLabStack, or ClassLabStack-<id> in a roster. */
  readonly cliName: string;
  readonly stackName: string;
  readonly config: LabConfig;
  readonly env: Environment;
}

/** The settings the app builds from: the files and the command line, or (tests) its context alone. */
export function appSettings(app: App, projectDir: string | undefined): EffectiveSettings {
  const context = app.node.getAllContext();
  return projectDir === undefined
    ? effectiveSettings({ context })
    : effectiveSettings({ context, file: readSettingsFile(projectDir), cdkJson: readCdkJsonContext(projectDir) });
}

/**
 * Builds the CDK app: validates the settings first (a ConfigError stops everything before any
 * construct exists), then creates ClassLabStack, or one ClassLabStack-<id> per roster student,
 * with the guardrails on. Under sandbox=learner-lab every role maps to the lab role. Stacks are
 * environment-agnostic (CDK_DEFAULT_ACCOUNT/REGION are never used): the template is the same
 * with or without credentials; only a roster entry's own account and region are set.
 */
export function buildClassLabApp(props: AppProps = {}, options: BuildOptions = {}): ClassLabApp {
  const app = new App(props);
  const settings = appSettings(app, options.projectDir);
  const projectDir = options.projectDir;
  const config = loadLabConfig((key) => settings.values[key], {
    readFile: projectDir === undefined ? undefined : (p) => fs.readFileSync(path.resolve(projectDir, p), 'utf8'),
  });
  const plans = planStacks(config);
  const define = (scope: App) => plans.map((plan) => new ClassLabStack(scope, plan.id, {
    config: plan.config,
    stackName: plan.stackName,
    env: plan.env,
    // Learner Lab: CloudFormation acts as the lab role without `-r` (lib/class-operations/learner-lab.ts).
    synthesizer: synthesizerNamed(plan.id, plan.cliName, config.sandbox === 'learner-lab' ? new LabRoleStackSynthesizer(config.labRoleName!) : undefined),
  }));

  if (options.guardrails ?? true) addGuardrails(app);
  const stacks = config.sandbox === 'learner-lab' ? defineWithLabRole(app, props, config.labRoleName!, define) : define(app);

  return {
    app,
    stacks,
    settings,
    get stack(): ClassLabStack {
      if (stacks.length !== 1) throw new Error(`The app has ${stacks.length} stacks (a roster); use stacks, not stack`);
      return stacks[0];
    },
  };
}

/**
 * One plan per student: the solo/student stack, or ClassLabStack-<id> for each roster entry. The
 * construct id is always the stack name: CDK derives names inside the templates from the
 * construct path, and `student=ana`'s stack must be the template the roster deployed for ana
 * (lib/app/cli-name.ts); the CLI still knows a student's own stack as ClassLabStack.
 */
function planStacks(config: LabConfig): StackPlan[] {
  const students = config.roster
    ? config.roster.students.map((s) => ({ student: s.id, cliName: stackNameFor(s.id), account: s.account, region: s.region }))
    : [{ student: config.student, cliName: STACK_ID, account: undefined, region: undefined }];
  return students.map(({ student, cliName, account, region }) => ({
    id: stackNameFor(student),
    cliName,
    stackName: stackNameFor(student),
    config: config.roster ? { ...config, student, zone: { name: privateZoneNameFor(student) } } : { ...config, student },
    // Only the roster's own account and region: never the CLI's, so the template does not depend on who synthesizes.
    env: { account, region },
  }));
}

/** Guardrail rules whose finding a setting causes, to name that setting in the error. */
export const RULE_SETTINGS: Readonly<Record<string, string>> = {
  'AwsSolutions-EC23': 'allowedCidr',
};

export interface SynthesizeOptions {
  readonly projectDir: string;
  /** The CLI's output folder (CDK_OUTDIR). */
  readonly outdir: string;
  /** Where messages go; stderr by default. */
  readonly error?: (line: string) => void;
  readonly guardrails?: boolean;
  /** Command-line context (`-c`) for in-process callers; the CDK CLI passes it in CDK_CONTEXT_JSON. */
  readonly context?: Record<string, unknown>;
  /** Runs after the stacks are defined, before synthesis (tests add a guardrail finding here). */
  readonly beforeSynth?: (app: App) => void;
}

/**
 * What `npx cdk synth` runs: builds and synthesizes into a staging folder, and only when every
 * check passed moves the assembly into `outdir`. A bad setting, a guardrail finding or a crash
 * leaves `outdir` as it was and writes nothing else (no cdk.context.json, no settings file); the
 * message names the setting where there is one, without a stack trace (CLASS_LAB_DEBUG=1 shows
 * it). Returns the exit code: 0, or 1.
 */
export function synthesizeClassLab(options: SynthesizeOptions): number {
  const error = options.error ?? ((line: string) => console.error(line));
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-synth-'));
  try {
    const { app } = buildClassLabApp({ outdir: staging, context: options.context }, { projectDir: options.projectDir, guardrails: options.guardrails });
    options.beforeSynth?.(app);
    app.synth();
    // Under the CLI a finding does not make synth throw (lib/guardrails/guardrails.ts guardrailFindings).
    const findings = guardrailFindings(staging);
    if (findings.length > 0) throw new Error(`Validation failed with the following errors:\n${findings.map((f) => `  ${f}`).join('\n')}`);
    replaceAssembly(staging, options.outdir);
    return 0;
  } catch (caught) {
    if (caught instanceof ConfigError) {
      error(caught.message);
    } else if (fs.existsSync(path.join(staging, 'validation-report.json'))) {
      error(guardrailMessage(staging, (caught as Error).message ?? ''));
    } else {
      error(`Synthesis failed: ${(caught as Error).message ?? String(caught)}`);
      if (process.env.CLASS_LAB_DEBUG) error((caught as Error).stack ?? '');
    }
    return 1;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Moves a complete cloud assembly from `staging` into `outdir`: the new assembly replaces the old
 * one (templates of modules or students no longer chosen go too); the CLI's lock files stay.
 */
export function replaceAssembly(staging: string, outdir: string): void {
  fs.mkdirSync(outdir, { recursive: true });
  const fresh = new Set(fs.readdirSync(staging));
  for (const entry of fs.readdirSync(outdir)) {
    if (!fresh.has(entry) && !entry.endsWith('.lock')) fs.rmSync(path.join(outdir, entry), { recursive: true, force: true });
  }
  fs.cpSync(staging, outdir, { recursive: true, force: true });
}

/**
 * The guardrail report CDK gives (rule, construct, how to acknowledge), without the path of the
 * staging copy that is deleted, then one line per failed rule naming the setting behind it.
 */
function guardrailMessage(staging: string, report: string): string {
  // The rules of the violations only: the report file also names the acknowledged ones.
  const text = `${report}\n${guardrailFindings(staging).join('\n')}`;
  const rules = new Set([...text.matchAll(/(AwsSolutions-[A-Za-z0-9]+|cdk-validator-cfnguard::[\w-]+)/g)].map((m) => m[1]));
  const lines = [
    report.split('\n').filter((l) => !l.includes('A copy of this report can be found in') && !l.includes(staging)).join('\n').trim(),
    'Guardrails (cdk-nag, CloudFormation Guard) stopped synthesis; nothing was written.',
  ];
  for (const rule of rules) {
    const setting = RULE_SETTINGS[rule];
    lines.push(`  - ${rule}${setting ? `: caused by the setting ${setting}; change it (npm run setup -- ${setting}=...)` : ''}`);
  }
  return lines.join('\n');
}
