/**
 * Runs one instructor command in every account of the class: one account per student (AWS
 * Academy, an AWS Organization) or a few shared ones. For each roster account the tool
 * assumes `--assume-role-name` there, or uses the profile `--account-profile` names for it,
 * checks that it really landed in that account, and runs the per-account work with a bounded
 * number of accounts at once. One account failing (role refused, credentials expired) never
 * stops the others: it gets one line, and the summary table at the end lists every account.
 *
 * Generic on purpose: `work` is any per-account command (doctor, status, teardown, and later
 * check and grade).
 */
import { AwsClients, AwsTarget } from './clients';
import { describeAwsError, errorName, EXIT, ToolError } from '../core/errors';
import { partitionOf } from './arns';
import { mapBounded } from './poller';

/** One account and Region of the class, with the roster students who deploy there. */
export interface AccountTarget {
  readonly account: string;
  readonly region?: string;
  readonly students: readonly string[];
}

export interface FanOutOptions {
  /** The instructor's own target (profile, default region). */
  readonly base: AwsTarget;
  readonly makeClients: (target: AwsTarget) => AwsClients;
  /** Role to assume in every account, e.g. OrganizationAccountAccessRole. */
  readonly roleName?: string;
  /** A named profile per account id (instead of, or overriding, the role). */
  readonly profiles?: Readonly<Record<string, string>>;
  /** Accounts worked on at once. */
  readonly concurrency: number;
}

export interface AccountOutcome<T> {
  readonly account: string;
  readonly region?: string;
  readonly students: readonly string[];
  /** How the tool got into the account. */
  readonly via: string;
  readonly ok: boolean;
  readonly exitCode: number;
  readonly value?: T;
  readonly error?: string;
  /** 2 when the work ran again with fresh credentials after they expired. */
  readonly attempts: number;
}

export const DEFAULT_ACCOUNT_CONCURRENCY = 4;
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);

/** Whether an error (raw SDK error or the tool's description of one) says the credentials expired. */
export function isExpiredCredentials(error: unknown): boolean {
  if (EXPIRED.has(errorName(error))) return true;
  return error instanceof ToolError && /credentials have expired/.test(error.message);
}

/** Roster students grouped by account and Region; students without an account go to `fallbackAccount`. */
export function accountTargets(students: ReadonlyArray<{ id: string; account?: string; region?: string }>, fallbackAccount?: string): AccountTarget[] {
  const groups = new Map<string, { account: string; region?: string; students: string[] }>();
  for (const s of students) {
    const account = s.account ?? fallbackAccount;
    if (!account) continue;
    const key = `${account}/${s.region ?? ''}`;
    if (!groups.has(key)) groups.set(key, { account, region: s.region, students: [] });
    groups.get(key)!.students.push(s.id);
  }
  return [...groups.values()];
}

/**
 * The clients for one account: its profile, or the role assumed from the instructor's credentials.
 * The role's ARN names the Region's partition (a role in China is `arn:aws-cn:iam::...`).
 */
async function clientsFor(target: AccountTarget, options: FanOutOptions): Promise<{ clients: AwsClients; via: string }> {
  const region = target.region ?? options.base.region;
  const profile = options.profiles?.[target.account];
  if (profile) return { clients: options.makeClients({ region, profile }), via: `profile ${profile}` };
  if (!options.roleName) {
    throw new ToolError(`no way into account ${target.account}: pass --assume-role-name (e.g. OrganizationAccountAccessRole) or --account-profile ${target.account}=<profile>`, EXIT.usage);
  }
  const instructor = options.makeClients({ ...options.base, region });
  const roleArn = `arn:${partitionOf(region ?? (await instructor.region()))}:iam::${target.account}:role/${options.roleName}`;
  return { clients: instructor.assumeRole(roleArn, region), via: `role ${options.roleName}` };
}

async function attempt<T>(target: AccountTarget, options: FanOutOptions, work: (clients: AwsClients, target: AccountTarget) => Promise<T>): Promise<{ value: T; via: string }> {
  const { clients, via } = await clientsFor(target, options);
  const identity = await clients.identity();
  // A profile or role that lands elsewhere must never act on the wrong account (teardown!).
  if (identity.account !== target.account) {
    throw new ToolError(`${via} is in account ${identity.account}, not ${target.account} as the roster says`, EXIT.refused);
  }
  return { value: await work(clients, target), via };
}

/** Runs `work` in every account, at most `concurrency` at once, in roster order. Never throws for one account. */
export async function fanOut<T>(
  targets: readonly AccountTarget[],
  work: (clients: AwsClients, target: AccountTarget) => Promise<T>,
  options: FanOutOptions,
  onFailure?: (outcome: AccountOutcome<T>) => void,
): Promise<AccountOutcome<T>[]> {
  return mapBounded(targets, options.concurrency, async (target) => {
    const via = options.profiles?.[target.account] ? `profile ${options.profiles[target.account]}` : `role ${options.roleName ?? '-'}`;
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        const result = await attempt(target, options, work);
        return { account: target.account, region: target.region, students: target.students, via: result.via, ok: true, exitCode: EXIT.ok, value: result.value, attempts };
      } catch (error) {
        // A session that expired mid-run (role chaining caps sessions at one hour): assume again, once.
        if (isExpiredCredentials(error) && attempts < 2) continue;
        const failure = describeAwsError(error);
        const outcome: AccountOutcome<T> = {
          account: target.account, region: target.region, students: target.students, via, ok: false,
          exitCode: failure.exitCode, error: failure.message, attempts,
        };
        onFailure?.(outcome);
        return outcome;
      }
    }
  });
}

/** The exit code of the whole run: the worst account's. */
export function overallExitCode(outcomes: ReadonlyArray<{ exitCode: number }>): number {
  return outcomes.reduce<number>((worst, o) => Math.max(worst, o.exitCode), EXIT.ok);
}
