/** `class-lab-admin plan`: its usage, options and how the command line becomes a run. */
import { target } from '../aws/command-line';
import type { Command } from '../command';
import { accountList, CLI_NAME, COMMON_HELP, COMMON_OPTIONS, CONTEXT_OPTION, contextOf, SETTINGS_HELP, whole } from '../core/arguments';
import { commandSettings } from '../core/command-settings';
import { UsageError } from '../core/errors';
import { runPlan } from './plan';

export const PLAN: Command = {
  name: 'plan',
  summary: 'what the class needs per account and Region beside AWS quotas (no AWS call)',
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
    ...CONTEXT_OPTION,
    students: { type: 'string' },
    account: { type: 'string' },
    region: { type: 'string' },
    quotas: { type: 'string' },
    ...COMMON_OPTIONS,
  },
  run(values, deps) {
    const command = 'plan';
    const context = contextOf(command, values.context as string[] | undefined);
    if (commandSettings(context, command, deps.projectDir).config.roster && values.students !== undefined) throw new UsageError('--students is for a class without a roster; the roster already lists the students', command);
    const account = accountList(command, values.account as string | undefined);
    if (account && account.length !== 1) throw new UsageError('--account takes one account id', command);
    return runPlan(deps.reporter, {
      context, projectDir: deps.projectDir,
      students: whole(command, 'students', values.students as string | undefined, 1, 1, 10_000),
      account: account?.[0],
      region: target(command, values).region,
      quotaFile: values.quotas as string | undefined,
    });
  },
};
