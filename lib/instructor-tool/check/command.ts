/** `class-lab-admin check`: its usage, options and how the command line becomes a run. */
import { runInEveryAccount } from '../aws/across-accounts';
import { AWS_HELP, AWS_OPTIONS, FAN_OUT_OPTIONS, fanOutOf, rosterTargets, target } from '../aws/command-line';
import { parseModules, resolveCheckTarget } from '../checkpoints/check-student';
import { CHECK_MODULES } from '../checkpoints/checkpoint';
import type { Command } from '../command';
import { CLI_NAME, COMMON_HELP, COMMON_OPTIONS, CONTEXT_OPTION, contextOf, SETTINGS_HELP } from '../core/arguments';
import { commandSettings } from '../core/command-settings';
import { UsageError } from '../core/errors';
import { runCheck } from './check';

export const CHECK: Command = {
  name: 'check',
  summary: 'did I do the lab right? checkpoints of your deployed ClassLabStack',
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
    ...CONTEXT_OPTION,
    ...FAN_OUT_OPTIONS, ...AWS_OPTIONS, ...COMMON_OPTIONS,
  },
  run(values, deps) {
    const command = 'check';
    const fan = fanOutOf(command, values, deps.makeClients);
    const context = contextOf(command, values.context as string[] | undefined);
    const modules = parseModules(values.modules as string[], command);
    const http = deps.http();
    const { config } = commandSettings(context, command, deps.projectDir);
    const checkTarget = resolveCheckTarget(config, values.student as string | undefined);
    if (config.roster && !checkTarget.student) throw new UsageError('the settings have a roster, whose stacks are ClassLabStack-<id>: pass --student <id>', command);
    if (fan) {
      // One student of a class with an account each: check in the roster's account for them.
      const entry = config.roster?.students.find((s) => s.id === checkTarget.student);
      if (!entry) throw new UsageError(`checking in a roster account needs a roster (-c roster=<file> or the roster setting) and --student <id> of it${checkTarget.student ? `; ${checkTarget.student} is not in it` : ''}`, command);
      return runInEveryAccount(deps.io, deps.reporter.json, command, rosterTargets(command, [entry]), fan,
        (r, clients) => runCheck(r, { clients, clock: deps.clock, http }, { target: checkTarget, modules }));
    }
    return runCheck(deps.reporter, { clients: deps.makeClients(target(command, values)), clock: deps.clock, http }, { target: checkTarget, modules });
  },
};
