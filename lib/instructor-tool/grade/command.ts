/** `class-lab-admin grade`: its usage, options and how the command line becomes a run. */
import { AWS_HELP, AWS_OPTIONS, FAN_OUT_HELP, FAN_OUT_OPTIONS, fanOutOf, rosterTargets, target } from '../aws/command-line';
import { parseModules, resolveCheckTarget } from '../checkpoints/check-student';
import { CHECK_MODULES } from '../checkpoints/checkpoint';
import type { Command } from '../command';
import { CLI_NAME, COMMON_HELP, COMMON_OPTIONS, CONTEXT_OPTION, contextOf, SETTINGS_HELP, whole } from '../core/arguments';
import { commandSettings } from '../core/command-settings';
import { UsageError } from '../core/errors';
import { GRADE_FORMATS, GradeFormat, runGrade } from './grade';

export const GRADE: Command = {
  name: 'grade',
  summary: 'check every student of a roster: CSV, Markdown and JSON tables',
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
    ...CONTEXT_OPTION,
    out: { type: 'string' },
    format: { type: 'string' },
    concurrency: { type: 'string' },
    ...FAN_OUT_OPTIONS, ...AWS_OPTIONS, ...COMMON_OPTIONS,
  },
  run(values, deps) {
    const command = 'grade';
    const fan = fanOutOf(command, values, deps.makeClients);
    const context = contextOf(command, values.context as string[] | undefined);
    const modules = parseModules(values.modules as string[], command);
    const http = deps.http();
    // --roster is `-c roster=` by another name: it overrides the settings file's roster.
    const settings = commandSettings(values.roster === undefined ? context : { ...context, roster: values.roster as string }, command, deps.projectDir);
    const roster = settings.config.roster?.students;
    if (!roster) throw new UsageError('grade needs a roster: --roster <file>, -c roster=<file> or roster in lab-settings.json', command);
    const format = (values.format as string | undefined) ?? 'markdown';
    if (!(GRADE_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${GRADE_FORMATS.join(', ')}, got ${JSON.stringify(format)}`, command);
    const aws = target(command, values);
    if (fan) rosterTargets(command, roster);
    return runGrade(deps.reporter, { clock: deps.clock, http, clientsFor: (region) => deps.makeClients({ ...aws, region: region ?? aws.region }), fanOut: fan }, {
      roster: roster.map((s) => ({ id: s.id, account: s.account, region: s.region })), modules,
      settings: resolveCheckTarget(settings.config, undefined, command).settings,
      concurrency: whole(command, 'concurrency', values.concurrency as string | undefined, 4, 1, 20),
      out: values.out as string | undefined, format: format as GradeFormat,
    });
  },
};
