/**
 * class-lab-admin: the instructor's command line for the Class Lab Kit.
 *
 *   class-lab-admin doctor | cost | status | teardown | check | grade [options]
 *
 * Argument errors print a clear message and the usage; AWS and safety failures print one
 * line; nothing prints a stack trace (CLASS_LAB_DEBUG=1 shows one for unexpected errors).
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { AwsClients, AwsTarget, quietSdkEnvironment } from './aws/clients';
import { parseModules, resolveCheckTarget, runCheck } from './check/check';
import { CHECK_MODULES } from './checkpoints/checkpoint';
import { HttpProbe } from './checkpoints/http';
import { Clock, systemClock } from './core/clock';
import { runCost } from './cost/cost';
import { runInEveryAccount } from './aws/across-accounts';
import { loadQuotas } from './templates/capacity';
import { runDoctor } from './doctor/doctor';
import { AccountTarget, accountTargets, DEFAULT_ACCOUNT_CONCURRENCY, FanOutOptions } from './aws/fan-out';
import { runPlan, synthesizePerStudentNeeds } from './plan/plan';
import { describeAwsError, EXIT, ToolError, UsageError } from './core/errors';
import { Io, processIo, Reporter } from './core/output';
import { parseStudents } from './aws/stacks';
import { commandSettings } from './core/command-settings';
import { runStatus } from './status/status';
import { GRADE_FORMATS, GradeFormat, loadRoster, runGrade } from './grade/grade';
import { DEFAULTS, runTeardown } from './teardown/teardown';

export const CLI_NAME = 'class-lab-admin';
export const ALLOWED_ACCOUNTS_ENV = 'CLASS_LAB_ALLOWED_ACCOUNTS';

const AWS_HELP = `  --profile <name>       AWS profile (default: the standard credential chain)
  --region <region>      AWS region (default: AWS_REGION or the profile's region)`;
const FAN_OUT_HELP = `  --assume-role-name <name>  run in every roster account, assuming this role there
                         (e.g. OrganizationAccountAccessRole); a summary table ends the output
  --account-profile <id=profile>  use this profile for one roster account (repeatable)
  --accounts-at-once <n> accounts worked on at once (default ${DEFAULT_ACCOUNT_CONCURRENCY}, at most 20)`;
const FAN_OUT_OPTIONS = {
  'assume-role-name': { type: 'string' },
  'account-profile': { type: 'string', multiple: true },
  'accounts-at-once': { type: 'string' },
} as const;
const SETTINGS_HELP = `Settings are read as \`npx cdk deploy\` reads them: lab-settings.json in the current
directory (written by \`npm run setup -- key=value ...\`), with -c overriding it.`;
const COMMON_HELP = `  --json                 print one JSON document instead of text
  -h, --help             show this help`;

export const USAGE = `Usage: ${CLI_NAME} <command> [options]

Commands:
  doctor     check that \`npx cdk deploy ClassLabStack\` will work in this account
  cost       estimate what the class costs per idle hour (no AWS call)
  plan       what the class needs per account and Region beside AWS quotas (no AWS call)
  status     list the Class Lab stacks in the account, by student
  teardown   delete student environments completely (dry run unless --delete)
  check      did I do the lab right? checkpoints of your deployed ClassLabStack
  grade      check every student of a roster: CSV, Markdown and JSON tables

Run \`${CLI_NAME} <command> --help\` for a command's options.
Exit codes: 0 ok, 1 failed (check failed, stack not deleted, billable leftovers),
2 bad arguments, 3 refused for safety, 4 AWS unusable (credentials, region, access).`;

const COMMANDS = {
  doctor: {
    usage: `Usage: ${CLI_NAME} doctor [options]

Checks credentials, region, CDK bootstrap, the ECS service-linked role, availability zones,
sandbox limits, and the quotas the class uses here (VPCs, internet gateways, On-Demand vCPUs
at max fleet size, load balancers, target groups, security groups, Fargate vCPUs, hosted
zones): the applied value minus what already uses it, against what the students need.
${SETTINGS_HELP}

  -c, --context <k=v>    a ClassLabStack setting, as for cdk (repeatable), e.g. -c fleetMax=4
  --students <n>         students deploying into this one account (default 1; with
                         -c roster=<file>: the roster's students in this account and Region)
  --fix                  create the ECS service-linked role if it is missing (once per account)
${FAN_OUT_HELP}
${AWS_HELP}
${COMMON_HELP}`,
    options: {
      context: { type: 'string', short: 'c', multiple: true },
      students: { type: 'string' },
      fix: { type: 'boolean' },
      ...FAN_OUT_OPTIONS,
      profile: { type: 'string' }, region: { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  },
  cost: {
    usage: `Usage: ${CLI_NAME} cost [options]

Prices the synthesized ClassLabStack templates with data/prices-us-east-1.json.
${SETTINGS_HELP}

  -c, --context <k=v>    a ClassLabStack setting, as for cdk (repeatable), e.g. -c modules=ec2
  --cdk-out <dir>        price an existing cloud assembly (e.g. cdk.out) instead of synthesizing
  --students <n>         number of students (default 1)
  --hours <h>            class length in hours; the total covers students x hours
  --prices <file>        another price table file
${COMMON_HELP}`,
    options: {
      context: { type: 'string', short: 'c', multiple: true },
      'cdk-out': { type: 'string' },
      students: { type: 'string' },
      hours: { type: 'string' },
      prices: { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  },
  plan: {
    usage: `Usage: ${CLI_NAME} plan [options]

Counts what the class needs in each account and Region (VPCs, internet gateways, load
balancers, vCPUs, ...) from the synthesized ClassLabStack, beside AWS's default quotas
(data/quotas.json), and prints the quota increase commands for what exceeds them.
${SETTINGS_HELP}

  -c, --context <k=v>    a ClassLabStack setting, as for cdk (repeatable), e.g. -c roster=roster.json
  --students <n>         students sharing one account, without a roster (default 1)
  --account <id>         account of students the roster does not place (label only)
  --region <region>      Region of students the roster does not place (goes into the commands)
  --quotas <file>        another quota table file
${COMMON_HELP}`,
    options: {
      context: { type: 'string', short: 'c', multiple: true },
      students: { type: 'string' },
      account: { type: 'string' },
      region: { type: 'string' },
      quotas: { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  },
  status: {
    usage: `Usage: ${CLI_NAME} status [options]

Lists the kit's stacks (tags managed-by=class-lab-kit, course=class-03): student, state,
created, expiry and outputs.

  --student <id>         only these students (repeatable or comma list)
  --roster <file>        the class roster (with --assume-role-name or --account-profile)
${FAN_OUT_HELP}
${AWS_HELP}
${COMMON_HELP}`,
    options: {
      student: { type: 'string', multiple: true },
      roster: { type: 'string' },
      ...FAN_OUT_OPTIONS,
      profile: { type: 'string' }, region: { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  },
  teardown: {
    usage: `Usage: ${CLI_NAME} teardown (--student <id>... | --all) [--delete [--yes]] [options]

Prints the plan (stacks and what they hold). With --delete it deletes them after you type
the account id, clears what blocks a delete, sweeps what had to be retained, and reports
leftovers per student. Only stacks tagged managed-by=class-lab-kit, course=class-03.

  --student <id>         students to tear down (repeatable or comma list)
  --all                  every Class Lab stack in the account and region
  --delete               really delete (without it: dry run)
  --yes                  do not ask for the account id; wait 10 s instead (for scripts)
  --concurrency <n>      stacks deleted at once (default 4, at most 20)
  --timeout <minutes>    longest wait for one stack (default 30)
  --allowed-accounts <ids>  run only in these accounts (comma list; or ${ALLOWED_ACCOUNTS_ENV})
  --roster <file>        the class roster: with --assume-role-name or --account-profile, tear
                         down each account's roster students (all of them with --all);
                         --delete then needs --yes
${FAN_OUT_HELP}
${AWS_HELP}
${COMMON_HELP}`,
    options: {
      student: { type: 'string', multiple: true },
      all: { type: 'boolean' },
      delete: { type: 'boolean' },
      yes: { type: 'boolean' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      'allowed-accounts': { type: 'string' },
      roster: { type: 'string' },
      ...FAN_OUT_OPTIONS,
      profile: { type: 'string' }, region: { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  },
  check: {
    usage: `Usage: ${CLI_NAME} check [module...] [options]

Checks your deployed ClassLabStack, read-only: one line per checkpoint, PASS, PENDING (not
done yet, or AWS still at work) or FAIL, with the fix. Exit 0 only when all pass.
${SETTINGS_HELP}

Modules: ${CHECK_MODULES.join(', ')} (none given: every class module the stack has; the\nexercise only when named)

  --student <id>         your student id: checks ClassLabStack-<id> (default: the student setting)
  -c, --context <k=v>    a ClassLabStack setting, as for cdk (repeatable), e.g. -c imageTag=v3
  --assume-role-name <name>  with a roster: check --student in the roster's account for it
  --account-profile <id=profile>  use this profile for one roster account (repeatable)
${AWS_HELP}
${COMMON_HELP}`,
    positionals: true,
    options: {
      student: { type: 'string' },
      context: { type: 'string', short: 'c', multiple: true },
      ...FAN_OUT_OPTIONS,
      profile: { type: 'string' }, region: { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  },
  grade: {
    usage: `Usage: ${CLI_NAME} grade [--roster <file>] [module...] [options]

Runs check for every student of the roster (stack ClassLabStack-<id>) and prints a table of
students x checkpoints with a per-module summary. With --assume-role-name (or
--account-profile) each student is graded in the roster's account for them, and the students
of an account the tool cannot enter are listed as unreachable, with the reason; without it,
students in another account than the credentials' are skipped.
${SETTINGS_HELP}

Modules: ${CHECK_MODULES.join(', ')} (none given: every module each stack has)

  --roster <file>        the class roster (default: the roster setting)
  -c, --context <k=v>    a setting, e.g. -c roster=roster.json or -c imageTag=v3 (repeatable)
  --out <dir>            write grade.csv, grade.md and grade.json there
  --format <f>           without --out: print ${GRADE_FORMATS.join(', ')} (default markdown)
  --concurrency <n>      students checked at once, per account (default 4, at most 20)
${FAN_OUT_HELP}
${AWS_HELP}
${COMMON_HELP}`,
    positionals: true,
    options: {
      roster: { type: 'string' },
      context: { type: 'string', short: 'c', multiple: true },
      out: { type: 'string' },
      format: { type: 'string' },
      concurrency: { type: 'string' },
      ...FAN_OUT_OPTIONS,
      profile: { type: 'string' }, region: { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  },
} satisfies Record<string, { usage: string; positionals?: boolean; options: NonNullable<ParseArgsConfig['options']> }>;

export type CommandName = keyof typeof COMMANDS;

export interface MainDeps {
  readonly io?: Io;
  readonly clock?: Clock;
  /** Builds the AWS clients; tests pass clients whose calls aws-sdk-client-mock answers. */
  readonly clients?: (target: AwsTarget) => AwsClients;
  readonly env?: NodeJS.ProcessEnv;
  /** Plain HTTP of check and grade; tests point AWS host names at loopback servers. */
  readonly http?: HttpProbe;
  /** Where lab-settings.json and cdk.json are read (default: the current directory). */
  readonly projectDir?: string;
}

type Values = Record<string, string | boolean | string[] | undefined>;

function whole(command: string, name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`, command);
  }
  return Number(value);
}

function positiveNumber(command: string, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(value)}`, command);
  return Number(value);
}

function contextOf(command: string, pairs: string[] | undefined): Record<string, string> {
  const context: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`-c needs key=value, got ${JSON.stringify(pair)}`, command);
    context[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return context;
}

function accountList(command: string, text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const ids = text.split(',').map((s) => s.trim()).filter((s) => s);
  const bad = ids.find((id) => !/^\d{12}$/.test(id));
  if (bad) throw new UsageError(`allowed accounts must be 12-digit account ids, got ${JSON.stringify(bad)}`, command);
  return ids;
}

function target(command: string, values: Values): AwsTarget {
  const region = values.region as string | undefined;
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UsageError(`--region ${JSON.stringify(region)} is not a region name such as us-east-1`, command);
  return { region, profile: values.profile as string | undefined };
}

/** Fan-out settings when the command line asks to run in every roster account; undefined otherwise. */
function fanOutOf(command: string, values: Values, makeClients: (t: AwsTarget) => AwsClients): FanOutOptions | undefined {
  const roleName = values['assume-role-name'] as string | undefined;
  const pairs = (values['account-profile'] as string[] | undefined) ?? [];
  if (roleName === undefined && pairs.length === 0) {
    if (values['accounts-at-once'] !== undefined) throw new UsageError('--accounts-at-once needs --assume-role-name or --account-profile', command);
    return undefined;
  }
  if (roleName !== undefined && !/^[\w+=,.@-]{1,64}$/.test(roleName)) throw new UsageError(`--assume-role-name ${JSON.stringify(roleName)} is not an IAM role name`, command);
  const profiles: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^(\d{12})=(\S+)$/.exec(pair.trim());
    if (!match) throw new UsageError(`--account-profile needs <12-digit account id>=<profile>, got ${JSON.stringify(pair)}`, command);
    profiles[match[1]] = match[2];
  }
  return {
    base: target(command, values), makeClients, roleName, profiles,
    concurrency: whole(command, 'accounts-at-once', values['accounts-at-once'] as string | undefined, DEFAULT_ACCOUNT_CONCURRENCY, 1, 20),
  };
}

/** The roster's accounts for a fan-out; every roster entry must name its account. */
function rosterTargets(command: string, students: ReadonlyArray<{ id: string; account?: string; region?: string }> | undefined): AccountTarget[] {
  if (!students) throw new UsageError(`running in every account needs the roster: ${command === 'doctor' ? '-c roster=<file> (or roster in lab-settings.json)' : '--roster <file>'}`, command);
  const homeless = students.filter((s) => !s.account).map((s) => s.id);
  if (homeless.length > 0) throw new UsageError(`roster students without an account: ${homeless.join(', ')}; give each entry its "account" to run across accounts`, command);
  return accountTargets(students);
}

function parse(command: CommandName, args: string[]): Values {
  try {
    const spec: { options: NonNullable<ParseArgsConfig['options']>; positionals?: boolean } = COMMANDS[command];
    const parsed = parseArgs({ args, options: spec.options, strict: true, allowPositionals: spec.positionals === true });
    return { ...parsed.values, modules: parsed.positionals } as Values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, ''), command);
  }
}

async function run(command: CommandName, values: Values, deps: MainDeps, io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const reporter = new Reporter(io, values.json === true);
  const clock = deps.clock ?? systemClock;
  const projectDir = deps.projectDir ?? process.cwd();
  if (command === 'cost') {
    return runCost(reporter, {
      context: contextOf(command, values.context as string[] | undefined), projectDir,
      cdkOut: values['cdk-out'] as string | undefined,
      priceFile: values.prices as string | undefined,
      students: values.students === undefined ? undefined : whole(command, 'students', values.students as string, 1, 1, 10_000),
      hours: positiveNumber(command, 'hours', values.hours as string | undefined),
    });
  }
  if (command === 'plan') {
    const context = contextOf(command, values.context as string[] | undefined);
    if (commandSettings(context, command, projectDir).config.roster && values.students !== undefined) throw new UsageError('--students is for a class without a roster; the roster already lists the students', command);
    const account = accountList(command, values.account as string | undefined);
    if (account && account.length !== 1) throw new UsageError('--account takes one account id', command);
    return runPlan(reporter, {
      context, projectDir,
      students: whole(command, 'students', values.students as string | undefined, 1, 1, 10_000),
      account: account?.[0],
      region: target(command, values).region,
      quotaFile: values.quotas as string | undefined,
    });
  }
  const makeClients = deps.clients ?? ((t: AwsTarget) => new AwsClients(t));
  const fan = fanOutOf(command, values, makeClients);
  if (command === 'doctor') {
    const context = contextOf(command, values.context as string[] | undefined);
    const { roster } = commandSettings(context, command, projectDir).config;
    if (roster && values.students !== undefined) throw new UsageError('--students is for a class without a roster; the roster says who deploys where', command);
    const quotas = loadQuotas();
    io.stderr('Counting what each student needs from the synthesized ClassLabStack...');
    const options = {
      context, projectDir,
      students: whole(command, 'students', values.students as string | undefined, 1, 1, 10_000),
      fix: values.fix === true,
      perStudent: synthesizePerStudentNeeds(context, quotas, command, projectDir),
      quotas,
    };
    if (fan) {
      const targets = rosterTargets(command, roster?.students);
      return runInEveryAccount(io, reporter.json, command, targets, fan, (r, clients) => runDoctor(r, clients, clock, options));
    }
    return runDoctor(reporter, makeClients(target(command, values)), clock, options);
  }
  if (command === 'check' || command === 'grade') {
    const context = contextOf(command, values.context as string[] | undefined);
    const modules = parseModules(values.modules as string[], command);
    const http = deps.http ?? new HttpProbe();
    if (command === 'check') {
      const { config } = commandSettings(context, command, projectDir);
      const checkTarget = resolveCheckTarget(config, values.student as string | undefined);
      if (config.roster && !checkTarget.student) throw new UsageError('the settings have a roster, whose stacks are ClassLabStack-<id>: pass --student <id>', command);
      if (fan) {
        // One student of a class with an account each: check in the roster's account for them.
        const entry = config.roster?.students.find((s) => s.id === checkTarget.student);
        if (!entry) throw new UsageError(`checking in a roster account needs a roster (-c roster=<file> or the roster setting) and --student <id> of it${checkTarget.student ? `; ${checkTarget.student} is not in it` : ''}`, command);
        return runInEveryAccount(io, reporter.json, command, rosterTargets(command, [entry]), fan,
          (r, clients) => runCheck(r, { clients, clock, http }, { target: checkTarget, modules }));
      }
      return runCheck(reporter, { clients: makeClients(target(command, values)), clock, http }, { target: checkTarget, modules });
    }
    // --roster is `-c roster=` by another name: it overrides the settings file's roster.
    const settings = commandSettings(values.roster === undefined ? context : { ...context, roster: values.roster as string }, command, projectDir);
    const roster = settings.config.roster?.students;
    if (!roster) throw new UsageError('grade needs a roster: --roster <file>, -c roster=<file> or roster in lab-settings.json', command);
    const format = (values.format as string | undefined) ?? 'markdown';
    if (!(GRADE_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${GRADE_FORMATS.join(', ')}, got ${JSON.stringify(format)}`, command);
    const aws = target(command, values);
    if (fan) rosterTargets(command, roster);
    return runGrade(reporter, { clock, http, clientsFor: (region) => makeClients({ ...aws, region: region ?? aws.region }), fanOut: fan }, {
      roster: roster.map((s) => ({ id: s.id, account: s.account, region: s.region })), modules,
      settings: resolveCheckTarget(settings.config, undefined, command).settings,
      concurrency: whole(command, 'concurrency', values.concurrency as string | undefined, 4, 1, 20),
      out: values.out as string | undefined, format: format as GradeFormat,
    });
  }
  if (command === 'status') {
    const students = parseStudents(values.student as string[] | undefined, command);
    if (fan) {
      const targets = rosterTargets(command, values.roster === undefined ? undefined : await loadRoster(values.roster as string, command));
      return runInEveryAccount(io, reporter.json, command, targets, fan,
        (r, clients, t) => runStatus(r, clients, clock, { students: students.length > 0 ? students : [...t.students] }));
    }
    if (values.roster !== undefined) throw new UsageError('--roster is for running in every roster account: add --assume-role-name or --account-profile', command);
    return runStatus(reporter, makeClients(target(command, values)), clock, { students });
  }
  const options = {
    students: parseStudents(values.student as string[] | undefined, command),
    all: values.all === true,
    delete: values.delete === true,
    yes: values.yes === true,
    concurrency: whole(command, 'concurrency', values.concurrency as string | undefined, DEFAULTS.concurrency, 1, 20),
    timeoutMs: whole(command, 'timeout', values.timeout as string | undefined, DEFAULTS.timeoutMinutes, 1, 24 * 60) * 60_000,
    allowedAccounts: accountList(command, (values['allowed-accounts'] as string | undefined) ?? env[ALLOWED_ACCOUNTS_ENV]),
  };
  if (options.yes && !options.delete) throw new UsageError('--yes only makes sense with --delete', command);
  if (fan) {
    if (options.delete && !options.yes) throw new UsageError('--delete across accounts needs --yes (nobody can type several account ids at once); run the dry run first', command);
    const targets = rosterTargets(command, values.roster === undefined ? undefined : await loadRoster(values.roster as string, command))
      .map((t) => ({ ...t, students: options.students.length > 0 ? t.students.filter((s) => options.students.includes(s)) : t.students }))
      .filter((t) => options.all || t.students.length > 0);
    if (targets.length === 0) throw new UsageError(`no roster account holds ${options.students.join(', ')}`, command);
    return runInEveryAccount(io, reporter.json, command, targets, fan,
      (r, clients, t) => runTeardown(r, clients, clock, { ...options, students: options.all ? [] : [...t.students] }));
  }
  if (values.roster !== undefined) throw new UsageError('--roster is for running in every roster account: add --assume-role-name or --account-profile', command);
  return runTeardown(reporter, makeClients(target(command, values)), clock, options);
}

function report(io: Io, error: unknown, json: boolean, env: NodeJS.ProcessEnv): number {
  let failure: ToolError;
  if (error instanceof ToolError) failure = error;
  else if ((error as { $metadata?: unknown })?.$metadata !== undefined || /Credentials|Region is missing/.test(String((error as Error)?.name) + String((error as Error)?.message))) failure = describeAwsError(error);
  else {
    failure = new ToolError(`unexpected error: ${(error as Error)?.message ?? String(error)} (set CLASS_LAB_DEBUG=1 to see where)`, EXIT.failed);
    if (env.CLASS_LAB_DEBUG) io.stderr(String((error as Error)?.stack ?? error));
  }
  if (json) io.stdout(JSON.stringify({ ok: false, exitCode: failure.exitCode, error: failure.message }, null, 2));
  io.stderr(`${CLI_NAME}: ${failure.message}`);
  if (failure instanceof UsageError) {
    const command = failure.command as CommandName | undefined;
    io.stderr('');
    io.stderr(command && COMMANDS[command] ? COMMANDS[command].usage : USAGE);
  }
  return failure.exitCode;
}

/** Runs one command line; resolves to the process exit code. Never throws. */
export async function main(argv: readonly string[], deps: MainDeps = {}): Promise<number> {
  const io = deps.io ?? processIo;
  const env = deps.env ?? process.env;
  const json = argv.includes('--json');
  try {
    const [command, ...args] = argv;
    if (command === undefined) throw new UsageError('no command given');
    if (command === 'help' || command === '--help' || command === '-h') {
      io.stdout(USAGE);
      return EXIT.ok;
    }
    if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    const values = parse(command as CommandName, args);
    if (values.help) {
      io.stdout(COMMANDS[command as CommandName].usage);
      return EXIT.ok;
    }
    if (!deps.env) quietSdkEnvironment(env);
    return await run(command as CommandName, values, deps, io, env);
  } catch (error) {
    return report(io, error, json, env);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
