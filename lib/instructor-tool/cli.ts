/**
 * class-lab-admin: the instructor's command line for the Class Lab Kit.
 *
 *   class-lab-admin doctor | cost | plan | status | teardown | check | grade [options]
 *
 * This file only dispatches: each command's usage, options and run live in its own folder
 * (`<command>/command.ts`). Argument errors print a clear message and the usage; AWS and safety
 * failures print one line; nothing prints a stack trace (CLASS_LAB_DEBUG=1 shows one for
 * unexpected errors).
 */
import { parseArgs } from 'node:util';
import { AwsClients, AwsTarget, quietSdkEnvironment } from './aws/clients';
import { CHECK } from './check/command';
import { HttpProbe } from './checkpoints/http';
import type { Command, CommandDeps } from './command';
import { CLI_NAME, Values } from './core/arguments';
import { Clock, systemClock } from './core/clock';
import { describeAwsError, EXIT, ToolError, UsageError } from './core/errors';
import { Io, processIo, Reporter } from './core/output';
import { COST } from './cost/command';
import { DOCTOR } from './doctor/command';
import { GRADE } from './grade/command';
import { PLAN } from './plan/command';
import { STATUS } from './status/command';
import { TEARDOWN } from './teardown/command';

/** In the order `--help` lists them. */
const COMMANDS: readonly Command[] = [DOCTOR, COST, PLAN, STATUS, TEARDOWN, CHECK, GRADE];

export const USAGE = `Usage: ${CLI_NAME} <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run \`${CLI_NAME} <command> --help\` for a command's options.
Exit codes: 0 ok, 1 failed (check failed, stack not deleted, billable leftovers),
2 bad arguments, 3 refused for safety, 4 AWS unusable (credentials, region, access).`;

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

function commandNamed(name: string | undefined): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

function parse(command: Command, args: string[]): Values {
  try {
    const parsed = parseArgs({ args, options: command.options, strict: true, allowPositionals: command.positionals === true });
    return { ...parsed.values, modules: parsed.positionals } as Values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, ''), command.name);
  }
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
    io.stderr('');
    io.stderr(commandNamed(failure.command)?.usage ?? USAGE);
  }
  return failure.exitCode;
}

/** Runs one command line; resolves to the process exit code. Never throws. */
export async function main(argv: readonly string[], deps: MainDeps = {}): Promise<number> {
  const io = deps.io ?? processIo;
  const env = deps.env ?? process.env;
  const json = argv.includes('--json');
  try {
    const [name, ...args] = argv;
    if (name === undefined) throw new UsageError('no command given');
    if (name === 'help' || name === '--help' || name === '-h') {
      io.stdout(USAGE);
      return EXIT.ok;
    }
    const command = commandNamed(name);
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    const values = parse(command, args);
    if (values.help) {
      io.stdout(command.usage);
      return EXIT.ok;
    }
    if (!deps.env) quietSdkEnvironment(env);
    const commandDeps: CommandDeps = {
      io, env,
      reporter: new Reporter(io, values.json === true),
      clock: deps.clock ?? systemClock,
      projectDir: deps.projectDir ?? process.cwd(),
      makeClients: deps.clients ?? ((t: AwsTarget) => new AwsClients(t)),
      http: () => deps.http ?? new HttpProbe(),
    };
    return await command.run(values, commandDeps);
  } catch (error) {
    return report(io, error, json, env);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
