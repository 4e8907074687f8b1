/** `class-lab-admin doctor`: its usage, options and how the command line becomes a run. */
import { runInEveryAccount } from '../aws/across-accounts';
import { AWS_HELP, AWS_OPTIONS, FAN_OUT_HELP, FAN_OUT_OPTIONS, fanOutOf, rosterTargets, target } from '../aws/command-line';
import type { Command } from '../command';
import { CLI_NAME, COMMON_HELP, COMMON_OPTIONS, CONTEXT_OPTION, contextOf, SETTINGS_HELP, whole } from '../core/arguments';
import { commandSettings } from '../core/command-settings';
import { UsageError } from '../core/errors';
import { loadQuotas } from '../templates/capacity';
import { synthesizePerStudentNeeds } from '../templates/synthesize';
import { runDoctor } from './doctor';

export const DOCTOR: Command = {
  name: 'doctor',
  summary: 'check that `npx cdk deploy ClassLabStack` will work in this account',
  usage: `Usage: ${CLI_NAME} doctor [options]

Checks credentials, region, CDK bootstrap, the ECS service-linked role, availability zones,
sandbox limits, and the quotas the class uses here (VPCs, internet gateways, On-Demand vCPUs
at max fleet size, load balancers, target groups, security groups, Fargate vCPUs, hosted
zones): the applied value minus what already uses it, against what the students need.
${SETTINGS_HELP}

  -c, --context <k=v>    a ClassLabStack setting, as for cdk (repeatable), e.g. -c fleetMax=4
  --students <n>         students deploying into this one account (default 1; with
                         -c roster=<file>: the roster's students in this account and Region)
  --fix                  create the ECS service-linked role if it is missing (once per account)
${FAN_OUT_HELP}
${AWS_HELP}
${COMMON_HELP}`,
  options: {
    ...CONTEXT_OPTION,
    students: { type: 'string' },
    fix: { type: 'boolean' },
    ...FAN_OUT_OPTIONS, ...AWS_OPTIONS, ...COMMON_OPTIONS,
  },
  run(values, deps) {
    const command = 'doctor';
    const fan = fanOutOf(command, values, deps.makeClients);
    const context = contextOf(command, values.context as string[] | undefined);
    const { roster } = commandSettings(context, command, deps.projectDir).config;
    if (roster && values.students !== undefined) throw new UsageError('--students is for a class without a roster; the roster says who deploys where', command);
    const quotas = loadQuotas();
    deps.io.stderr('Counting what each student needs from the synthesized ClassLabStack...');
    const options = {
      context, projectDir: deps.projectDir,
      students: whole(command, 'students', values.students as string | undefined, 1, 1, 10_000),
      fix: values.fix === true,
      perStudent: synthesizePerStudentNeeds(context, quotas, command, deps.projectDir),
      quotas,
    };
    if (fan) {
      const targets = rosterTargets(command, roster?.students);
      return runInEveryAccount(deps.io, deps.reporter.json, command, targets, fan, (r, clients) => runDoctor(r, clients, deps.clock, options));
    }
    return runDoctor(deps.reporter, deps.makeClients(target(command, values)), deps.clock, options);
  },
};
