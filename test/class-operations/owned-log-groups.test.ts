import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OwnedLogGroups } from '../../lib/class-operations/owned-log-groups';
import { variantAssembly } from '../support/variant-assembly';
import type { VariantName } from '../support/variants';

/**
 * Nothing the kit creates outlives `cdk destroy`: every Lambda function of every template
 * (CDK's own custom-resource providers included) logs to a log group its own stack owns and
 * deletes, and the log group is deleted only after everything that invokes the function.
 */
/** The variants (test/support/variants.ts) with functions of their own: a student, the sandbox, an image tag, expiry. */
const CHECKED: VariantName[] = ['default', 'student', 'learner-lab', 'image-tag', 'expiry'];

type Resource = { Type: string; Properties?: any; DependsOn?: string | string[]; DeletionPolicy?: string };

/** Logical ids a resource refers to (Ref, Fn::GetAtt, DependsOn): CloudFormation deletes it before them. */
function references(resource: Resource): Set<string> {
  const found = new Set<string>([resource.DependsOn ?? []].flat());
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string') found.add(inner);
        else if (key === 'Fn::GetAtt') found.add(Array.isArray(inner) ? inner[0] : String(inner).split('.')[0]);
        else walk(inner);
      }
    }
  };
  walk(resource.Properties);
  return found;
}

function dependsOn(resources: Record<string, Resource>, from: string, to: string, seen = new Set<string>()): boolean {
  if (seen.has(from)) return false;
  seen.add(from);
  const direct = resources[from] ? references(resources[from]) : new Set<string>();
  return direct.has(to) || [...direct].some((next) => dependsOn(resources, next, to, seen));
}

describe.each(CHECKED)('owned log groups: %s', (name) => {
  // The variant as the CLI builds it (test/support/variant-assembly.ts), by template file.
  const templates = [...variantAssembly(name).templates().entries()];
  const functions = templates.flatMap(([path, t]) => Object.entries<Resource>(t.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function').map(([id, r]) => ({ path, template: t, id, fn: r })));

  test('the kit synthesizes Lambda functions here (the S3 auto-delete provider at least)', () => {
    expect(functions.length).toBeGreaterThan(0);
  });

  test('every function logs to a log group of its own template that the stack deletes', () => {
    for (const { path, template, id, fn } of functions) {
      const ref = fn.Properties?.LoggingConfig?.LogGroup?.Ref;
      expect({ path, id, ref: typeof ref }).toEqual({ path, id, ref: 'string' });
      const logGroup = template.Resources[ref] as Resource;
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.DeletionPolicy).toBe('Delete');
      // A name under aws/ would be refused by Lambda; CloudFormation names it instead.
      expect(logGroup.Properties?.LogGroupName).toBeUndefined();
    }
  });

  test('whatever invokes a function (its custom resources) is deleted before the log group', () => {
    let checked = 0;
    for (const { template, id, fn } of functions) {
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
      const resources = template.Resources as Record<string, Resource>;
      const invokers = Object.entries(resources).filter(([, r]) => references({ Type: r.Type, Properties: r.Properties?.ServiceToken ?? null }).has(id));
      for (const [invoker] of invokers) {
        expect({ invoker, deletedBeforeLogGroup: dependsOn(resources, invoker, logGroupId) }).toEqual({ invoker, deletedBeforeLogGroup: true });
        checked++;
      }
      // The function itself goes before its log group too.
      expect(dependsOn(resources, id, logGroupId)).toBe(true);
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('a lambda.Function given a log group by @aws-cdk/aws-lambda:useCdkManagedLogGroup', () => {
  // As CDK's own singleton functions (custom-resource providers) are built: no logGroup prop.
  const app = new App({ context: { '@aws-cdk/aws-lambda:useCdkManagedLogGroup': true }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Flagged');
  OwnedLogGroups.applyTo(stack);
  const fn = new lambda.Function(stack, 'Handler', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
  const template = Template.fromStack(stack).toJSON();
  const logGroups = Object.entries<Resource>(template.Resources).filter(([, r]) => r.Type === 'AWS::Logs::LogGroup');

  test('keeps that one log group, owned and deleted, as the one the function writes to', () => {
    expect(logGroups).toHaveLength(1);
    const [id, logGroup] = logGroups[0];
    expect({ deletion: logGroup.DeletionPolicy, retention: logGroup.Properties?.RetentionInDays, name: logGroup.Properties?.LogGroupName })
      .toEqual({ deletion: 'Delete', retention: 7, name: undefined });
    const fnId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
    expect(template.Resources[fnId].Properties.LoggingConfig.LogGroup).toEqual({ Ref: id });
    expect(stack.resolve(fn.logGroup.logGroupName)).toEqual({ Ref: id });
  });
});
