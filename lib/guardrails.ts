import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, IPolicyValidationContextBeta1, NestedStack, PolicyValidationPluginReportBeta1, Stack, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/**
 * Guardrails that run on every synth: cdk-nag's AwsSolutions pack and the CloudFormation
 * Guard validator with the Control Tower proactive controls. An unacknowledged error
 * stops synthesis.
 */
export function addGuardrails(app: App): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new GuardWithNestedStacks({ controlTowerRulesEnabled: true }),
  );
}

/**
 * CDK hands validation plugins the templates of top-level stacks only, so Guard alone would
 * never see a class module (each is a nested stack). This adds every nested stack's template,
 * written beside the template of the stack that holds it; CDK maps the findings back to
 * constructs by template file and logical id, so acknowledgements work as for the root stack.
 */
export class GuardWithNestedStacks extends CfnGuardValidator {
  override validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    return super.validate({ ...context, templatePaths: [...context.templatePaths, ...nestedTemplatePaths(context)] });
  }
}

/** Paths of the templates of every nested stack in the app, for the top-level templates CDK gives. */
export function nestedTemplatePaths(context: Pick<IPolicyValidationContextBeta1, 'templatePaths' | 'appConstruct'>): string[] {
  const dirByTemplateFile = new Map(context.templatePaths.map((p) => [path.basename(p), path.dirname(p)]));
  return context.appConstruct.node.findAll()
    .filter((c): c is NestedStack => NestedStack.isNestedStack(c))
    .flatMap((nested) => {
      const dir = dirByTemplateFile.get(topLevelStackOf(nested).templateFile);
      const templatePath = dir && path.join(dir, nested.templateFile);
      return templatePath && fs.existsSync(templatePath) ? [templatePath] : [];
    });
}

function topLevelStackOf(stack: Stack): Stack {
  return NestedStack.isNestedStack(stack) && stack.nestedStackParent ? topLevelStackOf(stack.nestedStackParent) : stack;
}

/**
 * Acknowledges one finding on the narrowest construct that has it. Every call names the
 * rule and a reason a reviewer would accept; there are no blanket acknowledgements.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}
