import * as fs from 'node:fs';
import * as path from 'node:path';
import { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, NestedStack, PolicyValidationPluginReportBeta1, Stack } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

const CONTROL_TOWER_RULES = path.join(
  path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules',
  'control-tower',
  'cfn-guard',
);

/** Every `.guard` file below a folder, with the CloudFormation types it names (lower-cased). */
function indexRuleFiles(folder: string): Array<{ file: string; types: Set<string> }> {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) return indexRuleFiles(file);
    if (!entry.name.endsWith('.guard')) return [];
    const types = fs.readFileSync(file, 'utf8').match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? [];
    return [{ file, types: new Set(types.map((t) => t.toLowerCase())) }];
  });
}

function resourceTypesIn(templatePaths: readonly string[]): Set<string> {
  const types = new Set<string>();
  for (const templatePath of templatePaths) {
    const template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
    for (const resource of Object.values<{ Type?: string }>(template.Resources ?? {})) {
      if (resource.Type) types.add(resource.Type.toLowerCase());
    }
  }
  return types;
}

/**
 * The CloudFormation Guard validator with the Control Tower proactive controls, run only with
 * the rule files that name a resource type the templates contain. A rule about a type that is
 * absent can only skip, so the findings are the same as with every rule, in about half the
 * time (the synth benchmark's budget). Rule files that name no type always run.
 */
export class ControlTowerGuardValidator implements IPolicyValidationPluginBeta1 {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];
  private readonly rules = indexRuleFiles(CONTROL_TOWER_RULES);

  constructor() {
    const everyRule = new CfnGuardValidator({ controlTowerRulesEnabled: true });
    this.name = everyRule.name;
    this.version = everyRule.version;
    this.ruleIds = everyRule.ruleIds;
  }

  /** The rule files that can apply to these templates. */
  relevantRuleFiles(templatePaths: readonly string[]): string[] {
    const present = resourceTypesIn(templatePaths);
    return this.rules
      .filter(({ types }) => types.size === 0 || [...types].some((t) => present.has(t)))
      .map(({ file }) => file);
  }

  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    // CDK hands plugins the top-level templates only; each class module is a nested stack.
    return this.validateTemplates(context, [...new Set([...context.templatePaths, ...nestedTemplatePaths(context)])]);
  }

  /** Validates exactly these templates (lib/guardrails/roster-guardrails.ts passes one student's per stack shape). */
  validateTemplates(context: IPolicyValidationContextBeta1, templatePaths: string[]): PolicyValidationPluginReportBeta1 {
    const rules = this.relevantRuleFiles(templatePaths);
    if (rules.length === 0) return { success: true, violations: [] };
    return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules }).validate({ ...context, templatePaths });
  }
}

/**
 * CDK maps findings in nested templates back to constructs by template file and logical id,
 * so acknowledgements work there as for the root stack.
 */
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
