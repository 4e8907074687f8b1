/**
 * The terminal side of a fan-out: each account's command writes into its own buffer (so
 * accounts running at once do not interleave), progress goes to stderr prefixed with the
 * account, each failing account gets one stderr line as soon as it fails, and at the end
 * come every account's report in roster order and one summary table (or one JSON document).
 */
import { AwsClients } from './clients';
import { AccountOutcome, AccountTarget, fanOut, FanOutOptions, overallExitCode } from './fan-out';
import { CLI_NAME } from '../core/arguments';
import { Io, Reporter, table } from '../core/output';

/** One command run in one account: its exit code and what it printed. */
export interface AccountRun {
  readonly exitCode: number;
  readonly stdout: string[];
}

class AccountIo implements Io {
  readonly out: string[] = [];
  constructor(private readonly parent: Io, private readonly label: string) {}
  stdout(text: string): void { this.out.push(text); }
  stderr(text: string): void { this.parent.stderr(`[${this.label}] ${text}`); }
  // Nobody can answer a prompt for one of several accounts running at once.
  async prompt(): Promise<string | undefined> { return undefined; }
}

const label = (t: { account: string; region?: string }) => `${t.account}${t.region ? ` ${t.region}` : ''}`;

function resultText(o: AccountOutcome<AccountRun>): string {
  if (!o.ok) return `FAILED: ${o.error}`;
  const code = o.value!.exitCode;
  return code === 0 ? 'ok' : `exit ${code}`;
}

/** Runs `command` in every target account and prints the reports and the summary. Resolves to the worst exit code. */
export async function runInEveryAccount(
  io: Io, json: boolean, command: string, targets: readonly AccountTarget[], options: FanOutOptions,
  run: (reporter: Reporter, clients: AwsClients, target: AccountTarget) => Promise<number>,
): Promise<number> {
  io.stderr(`${CLI_NAME} ${command}: ${targets.length} account(s), ${Math.min(options.concurrency, targets.length)} at a time...`);
  const outcomes = await fanOut(targets, async (clients, target) => {
    const accountIo = new AccountIo(io, label(target));
    const exitCode = await run(new Reporter(accountIo, json), clients, target);
    return { exitCode, stdout: accountIo.out } satisfies AccountRun;
  }, options, (failed) => io.stderr(`${CLI_NAME} ${command}: account ${label(failed)} (${failed.students.join(', ')}): ${failed.error}`));

  const exitCode = Math.max(overallExitCode(outcomes), ...outcomes.map((o) => o.value?.exitCode ?? 0));
  const failed = outcomes.filter((o) => !o.ok || o.value!.exitCode !== 0);
  if (json) {
    io.stdout(JSON.stringify({
      command, ok: exitCode === 0, exitCode,
      accounts: outcomes.map((o) => ({
        account: o.account, region: o.region, students: o.students, via: o.via, ok: o.ok && o.value!.exitCode === 0,
        exitCode: o.ok ? o.value!.exitCode : o.exitCode, error: o.error, attempts: o.attempts,
        result: o.ok ? parseJson(o.value!.stdout) : undefined,
      })),
      summary: { accounts: outcomes.length, ok: outcomes.length - failed.length, failed: failed.length },
    }, null, 2));
    return exitCode;
  }
  for (const o of outcomes.filter((x) => x.ok)) {
    io.stdout(`=== account ${label(o)} (${o.students.join(', ')}), via ${o.via} ===`);
    for (const line of o.value!.stdout) io.stdout(line);
    io.stdout('');
  }
  io.stdout(`Summary of ${command} over ${outcomes.length} account(s):`);
  const rows = [['account', 'region', 'students', 'via', 'result'],
    ...outcomes.map((o) => [o.account, o.region ?? '-', String(o.students.length), o.via, resultText(o)])];
  for (const row of table(rows)) io.stdout(row);
  io.stdout(`${outcomes.length - failed.length} ok, ${failed.length} not ok.`);
  return exitCode;
}

function parseJson(lines: readonly string[]): unknown {
  try {
    return JSON.parse(lines.join('\n'));
  } catch {
    return undefined;
  }
}
