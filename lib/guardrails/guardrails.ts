import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ControlTowerGuardValidator } from './guard-validator';
import { builtinValidationEnabled, ConstructValidatorOncePerShape, RosterCloudFormationValidate, TemplateValidatorOncePerShape } from './roster-guardrails';

/**
 * Guardrails that run on every synth: cdk-nag's AwsSolutions pack and the CloudFormation
 * Guard validator with the Control Tower proactive controls. An unacknowledged error
 * stops synthesis.
 */
export function addGuardrails(app: App): void {
  // Each validator runs once per stack shape: a roster's identical student stacks share the
  // findings of one of them (lib/guardrails/roster-guardrails.ts); a stack that differs is validated itself.
  Validations.of(app).addPlugins(
    new ConstructValidatorOncePerShape(new AwsSolutionsChecks(app)),
    new TemplateValidatorOncePerShape(new ControlTowerGuardValidator()),
    ...(builtinValidationEnabled(app) ? [ROSTER_CFN_VALIDATE()] : []),
  );
}

/** One engine per process, as CDK keeps for its own default instance (starting it takes seconds). */
let rosterCfnValidate: RosterCloudFormationValidate | undefined;
const ROSTER_CFN_VALIDATE = () => (rosterCfnValidate ??= new RosterCloudFormationValidate());

/**
 * Acknowledges one finding on the narrowest construct that has it. Every call names the
 * rule and a reason a reviewer would accept; there are no blanket acknowledgements.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The unacknowledged guardrail findings in a synthesized assembly's validation report, one line
 * each. The app checks them itself after synthesis: the CDK CLI runs the app with
 * `@aws-cdk/core:failSynthOnValidationErrors` set to false (it reports validation itself), and
 * then a finding is printed while `cdk synth` exits 0 and `cdk deploy` goes on; the report's
 * `conclusion` says "success" even with violations, so the violations are what counts.
 */
export function guardrailFindings(assemblyDir: string): string[] {
  const file = path.join(assemblyDir, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as { pluginReports?: Array<{ pluginName: string; violations?: Array<{ ruleName: string; description?: string; violatingConstructs?: Array<{ constructPath?: string }> }> }> };
  return (report.pluginReports ?? []).flatMap((plugin) => (plugin.violations ?? []).flatMap((violation) =>
    (violation.violatingConstructs?.length ? violation.violatingConstructs : [{}]).map((c) =>
      `${plugin.pluginName}::${violation.ruleName}: ${violation.description ?? ''} (${c.constructPath ?? 'no construct'})`)));
}
