/** `class-lab-admin status`: its usage, options and how the command line becomes a run. */
import { runInEveryAccount } from '../aws/across-accounts';
import { ALL_REGIONS_HELP, ALL_REGIONS_OPTIONS, AWS_HELP, AWS_OPTIONS, FAN_OUT_HELP, FAN_OUT_OPTIONS, fanOutOf, oneTargetPerAccount, rosterTargets, target } from '../aws/command-line';
import { parseStudents } from '../aws/stacks';
import type { Command } from '../command';
import { CLI_NAME, COMMON_HELP, COMMON_OPTIONS } from '../core/arguments';
import { UsageError } from '../core/errors';
import { loadRoster } from '../core/roster-file';
import { runStatus } from './status';

export const STATUS: Command = {
  name: 'status',
  summary: 'list the Class Lab stacks in the account, by student',
  usage: `Usage: ${CLI_NAME} status [options]

Lists the kit's stacks (tags managed-by=class-lab-kit, course=class-03): student, state,
created, expiry (and how to extend it) and outputs.

  --student <id>         only these students (repeatable or comma list)
${ALL_REGIONS_HELP}
  --roster <file>        the class roster (with --assume-role-name or --account-profile)
${FAN_OUT_HELP}
${AWS_HELP}
${COMMON_HELP}`,
  options: {
    student: { type: 'string', multiple: true },
    roster: { type: 'string' },
    ...ALL_REGIONS_OPTIONS,
    ...FAN_OUT_OPTIONS, ...AWS_OPTIONS, ...COMMON_OPTIONS,
  },
  async run(values, deps) {
    const command = 'status';
    const fan = fanOutOf(command, values, deps.makeClients);
    const students = parseStudents(values.student as string[] | undefined, command);
    const allRegions = values['all-regions'] === true;
    if (fan) {
      const roster = rosterTargets(command, values.roster === undefined ? undefined : await loadRoster(values.roster as string, command));
      const targets = allRegions ? oneTargetPerAccount(roster) : roster;
      return runInEveryAccount(deps.io, deps.reporter.json, command, targets, fan,
        (r, clients, t) => runStatus(r, clients, deps.clock, { students: students.length > 0 ? students : [...t.students], allRegions }));
    }
    if (values.roster !== undefined) throw new UsageError('--roster is for running in every roster account: add --assume-role-name or --account-profile', command);
    return runStatus(deps.reporter, deps.makeClients(target(command, values)), deps.clock, { students, allRegions });
  },
};
