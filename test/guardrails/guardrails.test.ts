/**
 * The trimmed Control Tower validator reports exactly what the full rule set reports.
 *
 * @tier full: the full Control Tower rule set run over every template (12 s), a proof about the
 * validator rather than about one module.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { ControlTowerGuardValidator } from '../../lib/guardrails/guard-validator';
import { synthLab } from '../support/synth';

describe('ControlTowerGuardValidator', () => {
  const lab = synthLab({}, { guardrails: false });
  const templatePaths = fs.readdirSync(lab.app.outdir)
    .filter((f) => f.endsWith('.template.json'))
    .map((f) => path.join(lab.app.outdir, f));
  const findings = (report: ReturnType<CfnGuardValidator['validate']>) =>
    report.violations
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.resourceLogicalId}`))
      .sort();

  test('reports exactly what the full Control Tower rule set reports', () => {
    const context = { templatePaths, appConstruct: lab.app };
    const full = findings(new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate(context));
    const relevant = findings(new ControlTowerGuardValidator().validate(context));
    expect(full.length).toBeGreaterThan(0);
    expect(relevant).toEqual(full);
  });

  test('runs the rules about the resource types present, and skips the others', () => {
    const files = new ControlTowerGuardValidator().relevantRuleFiles(templatePaths);
    expect(files.some((f) => f.includes(`${path.sep}ec2${path.sep}`))).toBe(true);
    expect(files.some((f) => f.includes(`${path.sep}elasticloadbalancing${path.sep}`))).toBe(true);
    expect(files.some((f) => f.includes(`${path.sep}dynamodb${path.sep}`))).toBe(false);
  });
});
