/**
 * The command line's AWS options, shared by the commands that call AWS: which profile and
 * Region, and the fan-out across roster accounts (--assume-role-name, --account-profile).
 */
import { UsageError } from '../core/errors';
import { Values, whole } from '../core/arguments';
import { AwsClients, AwsTarget } from './clients';
import { AccountTarget, accountTargets, DEFAULT_ACCOUNT_CONCURRENCY, FanOutOptions } from './fan-out';

export const AWS_HELP = `  --profile <name>       AWS profile (default: the standard credential chain)
  --region <region>      AWS region (default: AWS_REGION or the profile's region)`;
export const AWS_OPTIONS = { profile: { type: 'string' }, region: { type: 'string' } } as const;

export const ALL_REGIONS_HELP = `  --all-regions          look in every Region enabled for the account (EC2 DescribeRegions,
                         opted-in Regions included), not only in --region's`;
export const ALL_REGIONS_OPTIONS = { 'all-regions': { type: 'boolean' } } as const;

export const FAN_OUT_HELP = `  --assume-role-name <name>  run in every roster account, assuming this role there
                         (e.g. OrganizationAccountAccessRole); a summary table ends the output
  --account-profile <id=profile>  use this profile for one roster account (repeatable)
  --accounts-at-once <n> accounts worked on at once (default ${DEFAULT_ACCOUNT_CONCURRENCY}, at most 20)`;
export const FAN_OUT_OPTIONS = {
  'assume-role-name': { type: 'string' },
  'account-profile': { type: 'string', multiple: true },
  'accounts-at-once': { type: 'string' },
} as const;

export function target(command: string, values: Values): AwsTarget {
  const region = values.region as string | undefined;
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UsageError(`--region ${JSON.stringify(region)} is not a region name such as us-east-1`, command);
  return { region, profile: values.profile as string | undefined };
}

/** Fan-out settings when the command line asks to run in every roster account; undefined otherwise. */
export function fanOutOf(command: string, values: Values, makeClients: (t: AwsTarget) => AwsClients): FanOutOptions | undefined {
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

/**
 * With --all-regions, one target per account: every Region of it is looked at anyway, so an
 * account whose roster students deploy in two Regions is not looked at twice.
 */
export function oneTargetPerAccount(targets: readonly AccountTarget[]): AccountTarget[] {
  const byAccount = new Map<string, AccountTarget>();
  for (const t of targets) {
    const seen = byAccount.get(t.account);
    byAccount.set(t.account, seen ? { account: t.account, region: seen.region, students: [...seen.students, ...t.students] } : t);
  }
  return [...byAccount.values()];
}

/** The roster's accounts for a fan-out; every roster entry must name its account. */
export function rosterTargets(command: string, students: ReadonlyArray<{ id: string; account?: string; region?: string }> | undefined): AccountTarget[] {
  if (!students) throw new UsageError(`running in every account needs the roster: ${command === 'doctor' ? '-c roster=<file> (or roster in lab-settings.json)' : '--roster <file>'}`, command);
  const homeless = students.filter((s) => !s.account).map((s) => s.id);
  if (homeless.length > 0) throw new UsageError(`roster students without an account: ${homeless.join(', ')}; give each entry its "account" to run across accounts`, command);
  return accountTargets(students);
}
