/**
 * `npm run rehearse`: the whole lab, for real, in the instructor's account, before class. For
 * each ClassLabStack variant of test/integ/ it deploys the stack as a student would, then the
 * variant's assertion stack (`@aws-cdk/integ-tests-alpha`: its custom resources call AWS and
 * fail the deploy when a module does not do what it promises), destroys both, and looks for
 * anything left behind. The report gives deploy and destroy times, the assertions' result and
 * the leftovers.
 *
 * Deploys go through the project's pinned CDK CLI (`npx cdk`), not `@aws-cdk/integ-runner`:
 * the newest integ-runner (2.197.10) bundles a toolkit that reads cloud assembly schema 53 at
 * most, and aws-cdk-lib 2.276.0 writes 55 ("Cloud assembly schema version mismatch"), so it can
 * neither deploy nor verify snapshots of this kit.
 */
import * as fs from 'node:fs';
import { loadTimeBudget, timingTable } from './time-budget';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { AwsClients } from '../aws/clients';
import { Clock, formatDuration } from '../core/clock';
import { EXIT, describeAwsError, errorMessage } from '../core/errors';
import { Leftover } from '../aws/leftover-kinds';
import { scanLeftovers } from '../aws/leftovers';
import { inventory } from '../aws/stack-resources';

/** One ClassLabStack variant of test/integ/ (an `integ.<name>.ts` app). */
export interface RehearsalVariant {
  readonly name: string;
  /** The app file, relative to the project root. */
  readonly app: string;
  /** CloudFormation name of the ClassLabStack it deploys. */
  readonly stackName: string;
  /** Construct path of the ClassLabStack and of the assertion stack, as `cdk deploy` selects them. */
  readonly stackSelector: string;
  readonly assertionSelector?: string;
  /** The `student` tag value of its resources, for the leftover scan. */
  readonly student: string;
}

/** The variants an ordinary account rehearses (every module; one student per account; a shared account). */
export const ACCOUNT_VARIANTS: readonly RehearsalVariant[] = [
  { name: 'default', app: 'test/integ/integ.default.ts', stackName: 'ClassLabStack', stackSelector: 'ClassLabStack', assertionSelector: 'ClassLabDefault/DefaultTest/DeployAssert', student: 'solo' },
  { name: 'student', app: 'test/integ/integ.student.ts', stackName: 'ClassLabStack-rehearsal', stackSelector: 'ClassLabStack', assertionSelector: 'ClassLabStudent/DefaultTest/DeployAssert', student: 'rehearsal' },
];

/** The variant a Learner Lab session rehearses: deploy and destroy as LabRole, no assertion stack (it would need roles). */
export const LEARNER_LAB_VARIANT: RehearsalVariant = {
  name: 'learner-lab', app: 'test/integ/integ.learner-lab.ts', stackName: 'ClassLabStack', stackSelector: 'ClassLabStack', student: 'solo',
};

export type StepResult = 'passed' | 'failed' | 'skipped';

export interface RehearsalResult {
  readonly variant: string;
  readonly deploy: StepResult;
  readonly deployMs?: number;
  readonly assertions: StepResult;
  readonly destroy: StepResult;
  readonly destroyMs?: number;
  readonly leftovers: readonly Leftover[];
  /** Where the CDK CLI's output of this variant went. */
  readonly log: string;
}

/** Runs the CDK CLI with these arguments, its output appended to `log`; resolves to its exit code. */
export type CdkRunner = (args: readonly string[], log: string) => Promise<number>;

export interface RehearseDeps {
  readonly clients: AwsClients;
  readonly clock: Clock;
  readonly cdk: CdkRunner;
  /** Progress lines (stderr). */
  readonly progress: (line: string) => void;
  readonly logDir: string;
}

/** The pinned CLI (`npx cdk`) on an integ app run by ts-node in its fast transpile mode, like bin/class-lab.ts. */
export function npxCdk(projectRoot: string): CdkRunner {
  return (args, log) => new Promise((resolve) => {
    const out = fs.openSync(log, 'a');
    const child = spawn('npx', ['cdk', ...args], { cwd: projectRoot, stdio: ['ignore', out, out] });
    child.on('error', () => resolve(127));
    child.on('close', (code) => {
      fs.closeSync(out);
      resolve(code ?? 1);
    });
  });
}

function appArgs(variant: RehearsalVariant): string[] {
  return ['--app', `node -r ts-node/register/transpile-only ${variant.app}`, '--no-notices', '--require-approval', 'never'];
}

/** Deploys, asserts, destroys and scans one variant. Destroys even when the deploy failed. */
export async function rehearseVariant(deps: RehearseDeps, variant: RehearsalVariant): Promise<RehearsalResult> {
  const log = path.join(deps.logDir, `rehearse-${variant.name}.log`);
  const timed = async (args: string[]): Promise<{ ok: boolean; ms: number }> => {
    const start = deps.clock.now();
    const code = await deps.cdk(args, log);
    return { ok: code === 0, ms: deps.clock.now() - start };
  };

  deps.progress(`${variant.name}: deploying ${variant.stackName}`);
  const deploy = await timed(['deploy', variant.stackSelector, '--exclusively', ...appArgs(variant)]);
  let assertions: StepResult = 'skipped';
  if (deploy.ok && variant.assertionSelector) {
    deps.progress(`${variant.name}: deployed in ${formatDuration(deploy.ms)}; running the assertions`);
    assertions = (await timed(['deploy', variant.assertionSelector, '--exclusively', ...appArgs(variant)])).ok ? 'passed' : 'failed';
  }

  // What the stacks hold, recorded before they go: the leftover scan checks each of these.
  const recorded = await recordStack(deps, variant.stackName);
  deps.progress(`${variant.name}: destroying`);
  const destroy = await timed(['destroy', '--all', '--force', ...appArgs(variant)]);
  const leftovers = await scanLeftovers(deps.clients, deps.clock, variant.student, recorded);
  return {
    variant: variant.name,
    deploy: deploy.ok ? 'passed' : 'failed',
    deployMs: deploy.ms,
    assertions,
    destroy: destroy.ok ? 'passed' : 'failed',
    destroyMs: destroy.ms,
    leftovers,
    log,
  };
}

async function recordStack(deps: RehearseDeps, stackName: string): Promise<{ type: string; physicalId: string }[]> {
  try {
    return (await inventory(deps.clients, deps.clock, stackName)).map((r) => ({ type: r.type, physicalId: r.physicalId }));
  } catch (error) {
    deps.progress(`could not list the resources of ${stackName} (${errorMessage(error)}); the leftover scan uses the kit's tags only`);
    return [];
  }
}

/** The report: one line per variant, then each leftover. */
export function formatReport(account: string, region: string, results: readonly RehearsalResult[]): string[] {
  const duration = (ms?: number) => (ms === undefined ? '-' : formatDuration(ms));
  const lines = [`Rehearsal in account ${account}, ${region}`, ''];
  lines.push(['variant', 'deploy', 'assertions', 'destroy', 'leftovers'].map((h) => h.padEnd(14)).join('').trimEnd());
  for (const r of results) {
    lines.push([
      r.variant,
      r.deploy === 'passed' ? duration(r.deployMs) : `FAILED ${duration(r.deployMs)}`,
      r.assertions === 'failed' ? 'FAILED' : r.assertions,
      r.destroy === 'passed' ? duration(r.destroyMs) : `FAILED ${duration(r.destroyMs)}`,
      r.leftovers.length === 0 ? 'none' : `${r.leftovers.length} (${r.leftovers.filter((l) => l.billable).length} billable)`,
    ].map((c) => c.padEnd(14)).join('').trimEnd());
  }
  for (const r of results) {
    for (const l of r.leftovers) lines.push(`  left by ${r.variant}: ${l.kind} ${l.id}${l.billable ? ' (billable)' : ''}`);
    if (!rehearsalPassed(r)) lines.push(`  ${r.variant}: CDK output in ${r.log}`);
  }
  return lines;
}

export function rehearsalPassed(r: RehearsalResult): boolean {
  return r.deploy === 'passed' && r.assertions !== 'failed' && r.destroy === 'passed' && r.leftovers.length === 0;
}

export interface RehearseOptions {
  /** Rehearse the Learner Lab variant instead (run inside a Learner Lab session). */
  readonly learnerLab?: boolean;
}

/**
 * The command: checks the credentials first (no credentials: one line, exit 4, nothing run),
 * rehearses each variant in turn and prints the report. Exit 0 only when every variant deployed,
 * passed its assertions, destroyed and left nothing.
 */
export async function runRehearse(deps: Omit<RehearseDeps, 'logDir'> & { readonly out: (line: string) => void; readonly err: (line: string) => void }, options: RehearseOptions = {}): Promise<number> {
  let account: string;
  let region: string;
  try {
    account = (await deps.clients.identity()).account;
    region = await deps.clients.region();
  } catch (error) {
    deps.err(`rehearse: ${describeAwsError(error).message}`);
    return describeAwsError(error).exitCode;
  }
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-rehearse-'));
  const variants = options.learnerLab ? [LEARNER_LAB_VARIANT] : ACCOUNT_VARIANTS;
  const results: RehearsalResult[] = [];
  for (const variant of variants) results.push(await rehearseVariant({ ...deps, logDir }, variant));
  for (const line of formatReport(account, region, results)) deps.out(line);
  // The default variant is a student's first deploy and last destroy: the budget's measured steps.
  const first = results[0];
  deps.out('');
  deps.out('Time budget of the core path (data/time-budget.json), with what this rehearsal measured:');
  deps.out('');
  for (const line of timingTable(loadTimeBudget(), { deploy: first?.deploy === 'passed' ? first.deployMs : undefined, destroy: first?.destroy === 'passed' ? first.destroyMs : undefined })) deps.out(line);
  return results.every(rehearsalPassed) ? EXIT.ok : EXIT.failed;
}
