/**
 * What every class-lab-admin command is to the dispatcher (cli.ts): its name, one summary line,
 * its usage text and options (node:util parseArgs), and how it runs. Each command folder has a
 * command.ts that defines one; the dispatcher knows nothing else of them.
 */
import type { ParseArgsConfig } from 'node:util';
import type { AwsClients, AwsTarget } from './aws/clients';
import type { HttpProbe } from './checkpoints/http';
import type { Values } from './core/arguments';
import type { Clock } from './core/clock';
import type { Io, Reporter } from './core/output';

export interface CommandDeps {
  readonly io: Io;
  readonly reporter: Reporter;
  readonly clock: Clock;
  readonly env: NodeJS.ProcessEnv;
  /** Where lab-settings.json and cdk.json are read. */
  readonly projectDir: string;
  /** Builds the AWS clients; tests pass clients whose calls aws-sdk-client-mock answers. */
  readonly makeClients: (target: AwsTarget) => AwsClients;
  /** Plain HTTP of check and grade; tests point AWS host names at loopback servers. */
  readonly http: () => HttpProbe;
}

export interface Command {
  readonly name: string;
  /** The line `class-lab-admin --help` shows for it. */
  readonly summary: string;
  readonly usage: string;
  readonly positionals?: boolean;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(values: Values, deps: CommandDeps): Promise<number> | number;
}
