/**
 * No log group outlives a delete, in the templates as the real CDK CLI writes them (cdk.json's
 * feature flags in force: `@aws-cdk/aws-lambda:useCdkManagedLogGroup` makes every
 * `lambda.Function` add a retained `/aws/lambda/<name>` log group of its own). Every variant
 * with Lambda functions: the full default, expiry on, Learner Lab, a roster. Each function,
 * CDK's singleton providers included, writes to exactly one log group, and the stack deletes it.
 * One CLI run per variant, shared by every assertion.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cdkSynth } from '../support/cdk-cli';
import { scratchProject } from '../support/project';

type Resource = { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Template = { Resources?: Record<string, Resource> };

const VARIANTS: Record<string, { args: string[]; roster?: unknown }> = {
  default: { args: ['ClassLabStack'] },
  expiring: { args: ['ClassLabStack', '-c', 'student=ana', '-c', 'expiresAfterHours=4'] },
  'learner-lab': { args: ['ClassLabStack', '-c', 'sandbox=learner-lab', '-c', 'expiresAfterHours=4'] },
  roster: { args: ['-c', 'roster=roster.json', '-c', 'expiresAfterHours=4'], roster: { students: ['ana', 'ben'] } },
};

/** Every template (root and nested) the CLI wrote, by file name. */
function synthesize(variant: { args: string[]; roster?: unknown }): Map<string, Template> {
  const project = scratchProject();
  if (variant.roster) project.write('roster.json', JSON.stringify(variant.roster));
  const result = cdkSynth(project.dir, ['-o', project.outdir, ...variant.args]);
  if (result.status !== 0) throw new Error(`cdk synth ${variant.args.join(' ')} failed:\n${result.stderr}`);
  const files = fs.readdirSync(project.outdir).filter((f) => f.endsWith('.template.json'));
  return new Map(files.map((f) => [f, JSON.parse(fs.readFileSync(path.join(project.outdir, f), 'utf8'))]));
}

/** Whether a log group is named `/aws/lambda/<the function>`: where Lambda writes without a LoggingConfig. */
function isNamedAfter(logGroup: Resource, functionId: string): boolean {
  const name = JSON.stringify(logGroup.Properties?.LogGroupName ?? null);
  return name.includes('/aws/lambda/') && name.includes(JSON.stringify({ Ref: functionId }));
}

/** The log groups of its template a function writes to: its LoggingConfig.LogGroup, and any named after it. */
function logGroupsOf(template: Template, functionId: string): string[] {
  const resources = template.Resources ?? {};
  const configured = resources[functionId].Properties?.LoggingConfig?.LogGroup?.Ref;
  return Object.entries(resources)
    .filter(([id, r]) => r.Type === 'AWS::Logs::LogGroup' && (id === configured || isNamedAfter(r, functionId)))
    .map(([id]) => id);
}

const synthesized = new Map<string, Map<string, Template>>();
beforeAll(() => {
  for (const [name, variant] of Object.entries(VARIANTS)) synthesized.set(name, synthesize(variant));
}, 600_000);

describe.each(Object.keys(VARIANTS))('the CLI templates, %s', (name) => {
  const templates = () => [...synthesized.get(name)!.entries()];
  const functions = () => templates().flatMap(([file, t]) => Object.entries(t.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function').map(([id]) => ({ file, template: t, id })));

  test('have Lambda functions (the S3 auto-delete provider; the expiry clock where expiry is on)', () => {
    const ids = functions().map((f) => f.id);
    expect(ids.some((id) => id.startsWith('CustomS3AutoDeleteObjects'))).toBe(true);
    if (name !== 'default') expect(ids.some((id) => id.startsWith('ExpiryClockFunction'))).toBe(true);
  });

  test('retain nothing: no DeletionPolicy or UpdateReplacePolicy keeps a resource', () => {
    const retained = templates().flatMap(([file, t]) => Object.entries(t.Resources ?? {})
      .filter(([, r]) => [r.DeletionPolicy, r.UpdateReplacePolicy].some((p) => p !== undefined && p !== 'Delete'))
      .map(([id, r]) => `${file} ${id} (${r.Type}): DeletionPolicy ${r.DeletionPolicy}, UpdateReplacePolicy ${r.UpdateReplacePolicy}`));
    expect(retained).toEqual([]);
  });

  test('give every function exactly one log group, which it writes to and the stack deletes', () => {
    for (const { file, template, id } of functions()) {
      const logGroups = logGroupsOf(template, id);
      expect({ file, id, logGroups: logGroups.length }).toEqual({ file, id, logGroups: 1 });
      expect(template.Resources![id].Properties?.LoggingConfig?.LogGroup).toEqual({ Ref: logGroups[0] });
      expect(template.Resources![logGroups[0]].DeletionPolicy).toBe('Delete');
    }
  });

  test('keep no log group named after a function that writes elsewhere', () => {
    const functionIds = new Set(functions().map((f) => f.id));
    const orphans = templates().flatMap(([file, t]) => Object.entries(t.Resources ?? {})
      .filter(([, r]) => r.Type === 'AWS::Logs::LogGroup' && JSON.stringify(r.Properties?.LogGroupName ?? '').includes('/aws/lambda/'))
      .filter(([logGroupId]) => ![...functionIds].some((fn) => t.Resources![fn]?.Properties?.LoggingConfig?.LogGroup?.Ref === logGroupId))
      .map(([logGroupId]) => `${file} ${logGroupId}`));
    expect(orphans).toEqual([]);
  });
});
