import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ControlTowerGuardValidator } from './guard-validator';

/**
 * Guardrails that run on every synth: cdk-nag's AwsSolutions pack and the CloudFormation
 * Guard validator with the Control Tower proactive controls. An unacknowledged error
 * stops synthesis.
 */
export function addGuardrails(app: App): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new ControlTowerGuardValidator(),
  );
}

/**
 * Acknowledges one finding on the narrowest construct that has it. Every call names the
 * rule and a reason a reviewer would accept; there are no blanket acknowledgements.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}
