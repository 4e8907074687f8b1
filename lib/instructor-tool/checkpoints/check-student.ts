/**
 * One student's checkpoints: reads the student's deployed ClassLabStack (its outputs, then its
 * resources) with read-only AWS calls and plain HTTP. `check` prints it for one student, `grade`
 * for a whole roster; both call `checkStudent`.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { isStudentId, LabConfig } from '../../settings/lab-config';
import { AwsClients } from '../aws/clients';
import { CheckContext, CheckModule, CHECK_MODULES, CheckResult, CheckSettings, MissingOutputError, Outcome } from './checkpoint';
import { HttpProbe } from './http';
import { isDeployed, MODULE_CHECKPOINTS } from './index';
import { Clock } from '../core/clock';
import { describeAwsError, errorName, EXIT, UsageError } from '../core/errors';
import { withRetry } from '../aws/poller';

/** The stack the student deployed: `ClassLabStack`, or `ClassLabStack-<student>` (lib/app/class-lab-app.ts). */
export const STACK_BASE_NAME = 'ClassLabStack';

export interface CheckTarget {
  readonly student?: string;
  readonly stackName: string;
  readonly settings: CheckSettings;
}

/** Docker tag grammar, as the imageTag setting allows it (lib/settings/lab-config.ts IMAGE_TAG_PATTERN; a test keeps them equal). */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * The one place `check` turns settings into what it checks: the student id (--student, else
 * the `student` setting) names the stack, `imageTag` is the version the student shipped. The
 * settings are the effective ones (lab-settings.json, `-c` over it: ./settings.ts), already
 * validated; only --student is checked here.
 */
export function resolveCheckTarget(settings: Pick<LabConfig, 'student' | 'imageTag'>, student: string | undefined, command = 'check'): CheckTarget {
  const id = student ?? settings.student;
  if (id !== undefined && !isStudentId(id)) throw new UsageError(`student ${JSON.stringify(id)} is not a student id (lowercase letters, digits, hyphens)`, command);
  const imageTag = settings.imageTag;
  if (imageTag !== undefined && !IMAGE_TAG.test(imageTag)) throw new UsageError(`imageTag ${JSON.stringify(imageTag)} is not a Docker tag (letters, digits, _ . -, at most 128)`, command);
  return { student: id, stackName: id ? `${STACK_BASE_NAME}-${id}` : STACK_BASE_NAME, settings: { imageTag } };
}

export function parseModules(words: readonly string[], command: string): CheckModule[] | undefined {
  const modules = words.flatMap((w) => w.split(',')).map((w) => w.trim()).filter((w) => w !== '');
  const unknown = modules.find((m) => !(CHECK_MODULES as readonly string[]).includes(m));
  if (unknown) throw new UsageError(`unknown module ${JSON.stringify(unknown)}: choose from ${CHECK_MODULES.join(', ')}`, command);
  return modules.length > 0 ? [...new Set(modules)] as CheckModule[] : undefined;
}

export interface StudentCheck {
  readonly stackName: string;
  readonly student?: string;
  readonly region: string;
  /** The stack's state, or NOT_FOUND. */
  readonly stackStatus: string;
  readonly modules: CheckModule[];
  readonly results: CheckResult[];
}

export interface CheckDeps {
  readonly clients: AwsClients;
  readonly clock: Clock;
  readonly http: HttpProbe;
}

/** One checkpoint; AWS being unusable (credentials, access) ends the run, anything else is this checkpoint's failure. */
async function runOne(ctx: CheckContext, module: CheckModule, checkpoint: { id: string; title: string; run(ctx: CheckContext): Promise<Outcome> }): Promise<CheckResult> {
  let outcome: Outcome;
  try {
    outcome = await checkpoint.run(ctx);
  } catch (error) {
    if (error instanceof MissingOutputError) outcome = { status: 'fail', detail: error.message.split(':')[0], fix: error.message.split(': ').slice(1).join(': ') };
    else if ((error as { $metadata?: unknown }).$metadata !== undefined || errorName(error) === 'CredentialsProviderError') {
      const described = describeAwsError(error);
      if (described.exitCode === EXIT.aws) throw described;
      outcome = { status: 'fail', detail: described.message, fix: 'run check again; if it persists, see the module guide\'s troubleshooting' };
    } else {
      outcome = { status: 'fail', detail: (error as Error).message, fix: 'nothing answered: check that the stack is deployed and that allowedCidr includes your address' };
    }
  }
  return { id: checkpoint.id, module, title: checkpoint.title, ...outcome };
}

/** Checks one student's stack: the per-student work of `check` and `grade`. */
/**
 * `requested` undefined: every class module the stack has, plus the exercise when
 * `withExercise` (grade's view of the whole class); a student's plain `check` leaves it out.
 */
export async function checkStudent(deps: CheckDeps, target: CheckTarget, requested?: readonly CheckModule[], withExercise = false): Promise<StudentCheck> {
  const region = await deps.clients.region();
  const base = { stackName: target.stackName, student: target.student, region };
  let stack;
  try {
    stack = (await withRetry(deps.clock, () => deps.clients.cloudformation.send(new DescribeStacksCommand({ StackName: target.stackName })))).Stacks?.[0];
  } catch (error) {
    if (!/does not exist/.test((error as Error).message)) throw describeAwsError(error);
  }
  const stackResult = (status: CheckResult['status'], detail: string, fix?: string): CheckResult => ({ id: 'stack', module: 'stack', title: `${target.stackName} deployed`, status, detail, fix });
  const deployCommand = `npx cdk deploy ${STACK_BASE_NAME}${target.student ? ` -c student=${target.student}` : ''}`;
  if (!stack || stack.StackStatus === 'DELETE_COMPLETE') {
    return { ...base, stackStatus: 'NOT_FOUND', modules: [], results: [stackResult('fail', `no stack ${target.stackName} in ${region}`, `deploy it (${deployCommand}), or pass --student / --region`)] };
  }
  const status = stack.StackStatus ?? 'UNKNOWN';
  if (/IN_PROGRESS$/.test(status) && !/ROLLBACK/.test(status)) {
    return { ...base, stackStatus: status, modules: [], results: [stackResult('pending', status, 'wait for the deploy to finish, then check again')] };
  }
  if (!/_COMPLETE$/.test(status) || /ROLLBACK|DELETE/.test(status)) {
    return { ...base, stackStatus: status, modules: [], results: [stackResult('fail', `${status}${stack.StackStatusReason ? `: ${stack.StackStatusReason}` : ''}`, `read the stack events, fix the cause and deploy again (${deployCommand})`)] };
  }

  const outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  const deployed = CHECK_MODULES.filter((m) => isDeployed(m, outputs));
  // The exercise is the class's last step, not a module of the stack: a student's plain `check`
  // leaves it out (green once the ECS guide is done); `check exercise` and grade ask for it.
  const modules = requested ? [...requested] : deployed.filter((m) => withExercise || m !== 'exercise');
  const memo = new Map<string, Promise<unknown>>();
  const ctx: CheckContext = {
    clients: deps.clients, clock: deps.clock, http: deps.http, region, stackName: target.stackName, outputs, settings: target.settings,
    memo: <T>(key: string, load: () => Promise<T>) => {
      if (!memo.has(key)) memo.set(key, load());
      return memo.get(key) as Promise<T>;
    },
  };
  const results: CheckResult[] = [];
  for (const module of modules) {
    if (!deployed.includes(module)) {
      results.push({ id: `${module}.deployed`, module, title: `module ${module} deployed`, status: 'fail',
        detail: `${target.stackName} does not have the ${module} module`, fix: module === 'exercise' ? 'deploy the ecr and ecs modules' : `add ${module} to the modules setting and deploy` });
      continue;
    }
    for (const checkpoint of MODULE_CHECKPOINTS[module].checkpoints) {
      if (checkpoint.appliesTo && !checkpoint.appliesTo(outputs)) continue;
      results.push(await runOne(ctx, module, checkpoint));
    }
  }
  return { ...base, stackStatus: status, modules, results };
}

