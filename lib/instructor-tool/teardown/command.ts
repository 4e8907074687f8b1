/** `class-lab-admin teardown`: its usage, options and how the command line becomes a run. */
import { runInEveryAccount } from '../aws/across-accounts';
import { ALL_REGIONS_HELP, ALL_REGIONS_OPTIONS, AWS_HELP, AWS_OPTIONS, FAN_OUT_HELP, FAN_OUT_OPTIONS, fanOutOf, oneTargetPerAccount, rosterTargets, target } from '../aws/command-line';
import { parseStudents } from '../aws/stacks';
import type { Command } from '../command';
import { accountList, CLI_NAME, COMMON_HELP, COMMON_OPTIONS, whole } from '../core/arguments';
import { UsageError } from '../core/errors';
import { loadRoster } from '../core/roster-file';
import { runTeardownInRegions } from './all-regions';
import { DEFAULTS, runTeardown } from './teardown';

export const ALLOWED_ACCOUNTS_ENV = 'CLASS_LAB_ALLOWED_ACCOUNTS';

export const TEARDOWN: Command = {
  name: 'teardown',
  summary: 'delete student environments completely (dry run unless --delete)',
  usage: `Usage: ${CLI_NAME} teardown (--student <id>... | --all) [--delete [--yes]] [options]

Prints the plan (stacks and what they hold). With --delete it deletes them after you type
the account id, clears what blocks a delete, sweeps what had to be retained, and reports
leftovers per student. Only stacks tagged managed-by=class-lab-kit, course=class-03.

  --student <id>         students to tear down (repeatable or comma list)
  --all                  every Class Lab stack in the account and region
${ALL_REGIONS_HELP}
                         (each Region with stacks asks for its own confirmation)
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
    ...ALL_REGIONS_OPTIONS,
    ...FAN_OUT_OPTIONS, ...AWS_OPTIONS, ...COMMON_OPTIONS,
  },
  async run(values, deps) {
    const command = 'teardown';
    const fan = fanOutOf(command, values, deps.makeClients);
    const options = {
      students: parseStudents(values.student as string[] | undefined, command),
      all: values.all === true,
      delete: values.delete === true,
      yes: values.yes === true,
      concurrency: whole(command, 'concurrency', values.concurrency as string | undefined, DEFAULTS.concurrency, 1, 20),
      timeoutMs: whole(command, 'timeout', values.timeout as string | undefined, DEFAULTS.timeoutMinutes, 1, 24 * 60) * 60_000,
      allowedAccounts: accountList(command, (values['allowed-accounts'] as string | undefined) ?? deps.env[ALLOWED_ACCOUNTS_ENV]),
    };
    if (options.yes && !options.delete) throw new UsageError('--yes only makes sense with --delete', command);
    // One Region, or the same teardown in every Region enabled for the account.
    const teardown = values['all-regions'] === true ? runTeardownInRegions : runTeardown;
    if (fan) {
      if (options.delete && !options.yes) throw new UsageError('--delete across accounts needs --yes (nobody can type several account ids at once); run the dry run first', command);
      const roster = rosterTargets(command, values.roster === undefined ? undefined : await loadRoster(values.roster as string, command));
      const targets = (values['all-regions'] === true ? oneTargetPerAccount(roster) : roster)
        .map((t) => ({ ...t, students: options.students.length > 0 ? t.students.filter((s) => options.students.includes(s)) : t.students }))
        .filter((t) => options.all || t.students.length > 0);
      if (targets.length === 0) throw new UsageError(`no roster account holds ${options.students.join(', ')}`, command);
      return runInEveryAccount(deps.io, deps.reporter.json, command, targets, fan,
        (r, clients, t) => teardown(r, clients, deps.clock, { ...options, students: options.all ? [] : [...t.students] }));
    }
    if (values.roster !== undefined) throw new UsageError('--roster is for running in every roster account: add --assume-role-name or --account-profile', command);
    return teardown(deps.reporter, deps.makeClients(target(command, values)), deps.clock, options);
  },
};
