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
