/**
 * The guardrails of a roster run once per stack shape (lib/guardrails/roster-guardrails.ts): each
 * validator, run that way, gives the same findings as run on every student's stack.
 *
 * @tier full: every validator run twice over a four-student roster, a proof of the optimization
 * rather than a check of one module.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudFormationValidatePlugin } from 'aws-cdk-lib';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildClassLabApp } from '../../lib/app/class-lab-app';
import { ControlTowerGuardValidator } from '../../lib/guardrails/guard-validator';
import {
  ConstructValidatorOncePerShape, groupStacks, RosterCloudFormationValidate, stackFiles, TemplateValidatorOncePerShape,
} from '../../lib/guardrails/roster-guardrails';

jest.setTimeout(300_000);

/**
 * A four-student roster synthesized without guardrails, so each validator can be run both
 * ways on the same templates. `dora` gets an extra unencrypted bucket: her stack differs.
 */
function rosterApp() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-guardrails-'));
  const roster = path.join(tmp, 'roster.json');
  fs.writeFileSync(roster, JSON.stringify({ students: ['ana', 'ben', 'cleo-2', 'dora'] }));
  const { app, stacks } = buildClassLabApp({ context: { roster }, outdir: path.join(tmp, 'out') }, { guardrails: false });
  new CfnBucket(stacks[3], 'ExtraBucket');
  app.synth();
  const stackTemplates = stacks.map((s) => ({ stackConstructPath: s.node.path, templatePath: path.join(app.outdir, s.templateFile), accountId: undefined, region: undefined }));
  return { app, context: { templatePaths: stackTemplates.map((s) => s.templatePath), stackTemplates, appConstruct: app } };
}

const { app, context } = rosterApp();

/** Findings as comparable text: rule, template file, resource (or construct path). */
function findings(report: { violations: Array<{ ruleName: string; violatingResources: Array<{ templatePath?: string; resourceLogicalId?: string; constructPath?: string }> }> }): string[] {
  return report.violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${path.basename(r.templatePath ?? '')} ${r.resourceLogicalId ?? r.constructPath ?? ''}`))
    .sort();
}

describe('guardrails once per stack shape', () => {
  test('identical student stacks form one group; a stack that differs is validated on its own', () => {
    const groups = groupStacks(stackFiles(context));
    expect(groups.map((g) => [g.representative.student, g.members.map((m) => m.student)])).toEqual([['ana', ['ben', 'cleo-2']], ['dora', []]]);
  });

  test('Guard: the same findings, on every student stack, as validating each one', () => {
    const full = findings(new ControlTowerGuardValidator().validate(context));
    const once = findings(new TemplateValidatorOncePerShape(new ControlTowerGuardValidator()).validate(context));
    expect(full.length).toBeGreaterThan(0);
    expect(full.some((f) => f.includes('ClassLabStackben'))).toBe(true);
    expect(once).toEqual(full);
  });

  test('cdk-nag: the same findings and construct paths as walking every stack', () => {
    const full = findings(new AwsSolutionsChecks(app).validate(context as any) as any);
    const once = findings(new ConstructValidatorOncePerShape(new AwsSolutionsChecks(app)).validate(context));
    expect(full.some((f) => f.includes('ClassLabStack-dora/ExtraBucket'))).toBe(true);
    expect(once).toEqual(full);
  });

  test('CDK built-in CloudFormation validation: the same findings as validating every stack', () => {
    // One plugin, so one validation engine (its WebAssembly build is most of the cost): the roster
    // validation goes first and builds the engine for what it needs, as in a real synth; the plain
    // validation then reuses it only if it needs no resource type more (else it builds its own).
    const plugin = new RosterCloudFormationValidate();
    const once = findings(plugin.validate(context as any) as any);
    const full = findings(CloudFormationValidatePlugin.prototype.validate.call(plugin, context as any) as any);
    expect(once).toEqual(full);
  });
});
