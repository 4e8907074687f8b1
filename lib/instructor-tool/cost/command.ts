/** `class-lab-admin cost`: its usage, options and how the command line becomes a run. */
import type { Command } from '../command';
import { CLI_NAME, COMMON_HELP, COMMON_OPTIONS, CONTEXT_OPTION, contextOf, positiveNumber, SETTINGS_HELP, whole } from '../core/arguments';
import { runCost } from './cost';

export const COST: Command = {
  name: 'cost',
  summary: 'estimate what the class costs per idle hour (no AWS call)',
  usage: `Usage: ${CLI_NAME} cost [options]

Prices the synthesized ClassLabStack templates with data/prices-us-east-1.json.
${SETTINGS_HELP}

  -c, --context <k=v>    a ClassLabStack setting, as for cdk (repeatable), e.g. -c modules=ec2
  --cdk-out <dir>        price an existing cloud assembly (e.g. cdk.out) instead of synthesizing
  --students <n>         number of students (default 1)
  --hours <h>            class length in hours; the total covers students x hours
  --prices <file>        another price table file
${COMMON_HELP}`,
  options: {
    ...CONTEXT_OPTION,
    'cdk-out': { type: 'string' },
    students: { type: 'string' },
    hours: { type: 'string' },
    prices: { type: 'string' },
    ...COMMON_OPTIONS,
  },
  run(values, deps) {
    const command = 'cost';
    return runCost(deps.reporter, {
      context: contextOf(command, values.context as string[] | undefined), projectDir: deps.projectDir,
      cdkOut: values['cdk-out'] as string | undefined,
      priceFile: values.prices as string | undefined,
      students: values.students === undefined ? undefined : whole(command, 'students', values.students as string, 1, 1, 10_000),
      hours: positiveNumber(command, 'hours', values.hours as string | undefined),
    });
  },
};
