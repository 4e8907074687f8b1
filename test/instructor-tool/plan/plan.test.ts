import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadQuotas, needsOf, peakInstances, StackNeeds } from '../../../lib/instructor-tool/templates/capacity';
import { walk } from '../../../lib/instructor-tool/templates/templates';
import { buildPlan, classStudents } from '../../../lib/instructor-tool/plan/plan';
import { synthesizePerStudentNeeds, synthesizeTemplates } from '../../../lib/instructor-tool/templates/synthesize';
import { runSetup } from '../../../scripts/setup';
import { scratchProject } from '../../support/project';
import { runCli } from '../support/harness';

jest.setTimeout(240_000);
const quotas = loadQuotas();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function roster(name: string, students: unknown[]): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify({ students }));
  return file;
}

/** The default ClassLabStack's tree of templates, as plan synthesizes it. */
const synthesizedRoot = () => synthesizeTemplates({}, 'plan')[0];

const quota = (p: { quotas: any[] }, code: string) => p.quotas.find((q) => q.quotaCode === code);

describe('the quota table', () => {
  test('has the documented defaults, a code and a source for every quota the class touches', () => {
    const byCode = Object.fromEntries(quotas.quotas.filter((q) => q.quotaCode).map((q) => [q.quotaCode, q]));
    expect(byCode['L-F678F1CE']).toMatchObject({ serviceCode: 'vpc', default: 5, defaultVpcUses: 1 });
    expect(byCode['L-A4707A72']).toMatchObject({ serviceCode: 'vpc', default: 5, defaultVpcUses: 1 });
    expect(byCode['L-1216C47A']).toMatchObject({ serviceCode: 'ec2', need: 'vcpusMax' });
    for (const q of quotas.quotas) expect(q.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    expect(quotas.requestTiming.sources.length).toBeGreaterThan(0);
  });
});

describe('plan from the synthesized ClassLabStack', () => {
  let perStudent: StackNeeds;
  beforeAll(() => {
    perStudent = synthesizePerStudentNeeds({}, quotas);
  });

  test('one student stack: one VPC, gateway and ALB; the fleet at desired 2 and peak 2 x 2 vCPUs (its refresh grows it no further); one 0.25-vCPU Fargate task', () => {
    expect(perStudent).toMatchObject({
      vpcs: 1, internetGateways: 1, loadBalancers: 1, hostedZones: 1, repositories: 1, buckets: 1,
      vcpusDesired: 4, vcpusMax: 4, fargateTasks: 1, fargateVcpus: 0.25, fargateVcpusDeploying: 0.5,
    });
    expect(perStudent.targetGroups).toBeGreaterThanOrEqual(2);
    expect(perStudent.securityGroups).toBeGreaterThanOrEqual(2);
    expect(perStudent.listenerRulesPerLoadBalancer).toBeGreaterThanOrEqual(1);
  });

  test('1 student at the default settings fits every default quota of a brand-new account, the 5 On-Demand vCPUs included', () => {
    const plan = buildPlan(perStudent, classStudents({}, 1), quotas, { region: 'us-east-1' });
    const [here] = plan.placements;
    expect(quota(here, 'L-F678F1CE')).toMatchObject({ needed: 1, alreadyUsed: 1, exceeds: false });
    expect(quota(here, 'L-1216C47A')).toMatchObject({ needed: 4, quota: 5, exceeds: false });
    expect(here.quotas.filter((q) => q.exceeds)).toEqual([]);
    expect(plan.increases).toEqual([]);
  });

  test('a larger fleet stays a setting, and plan prints the vCPU increase it needs', () => {
    const needs = synthesizePerStudentNeeds({ fleetMax: '4' }, quotas);
    const plan = buildPlan(needs, classStudents({ fleetMax: '4' }, 1), quotas, { region: 'us-east-1' });
    expect(plan.increases.map((i) => i.command)).toEqual(['aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A --desired-value 8 --region us-east-1']);
  });

  test('an instance refresh that launches before it terminates counts at its peak: MaxHealthyPercentage of a fleet at its maximum', () => {
    expect(peakInstances(2, { AutoScalingInstanceRefresh: { Preferences: { MinHealthyPercentage: 50, MaxHealthyPercentage: 100 } } })).toBe(2);
    expect(peakInstances(2, { AutoScalingInstanceRefresh: { Preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 200 } } })).toBe(4);
    expect(peakInstances(3, { AutoScalingInstanceRefresh: { Preferences: { MaxHealthyPercentage: 150 } } })).toBe(5);
    expect(peakInstances(4, undefined)).toBe(4);
    // The same count on a whole template: the kit's own fleet nested stack with a 200% refresh.
    const root = synthesizedRoot();
    const fleet = walk(root).find((n) => Object.values(n.template.Resources ?? {}).some((r) => r.Type === 'AWS::AutoScaling::AutoScalingGroup'))!;
    const group = Object.values(fleet.template.Resources!).find((r) => r.Type === 'AWS::AutoScaling::AutoScalingGroup')! as { UpdatePolicy: any };
    group.UpdatePolicy.AutoScalingInstanceRefresh.Preferences = { MinHealthyPercentage: 100, MaxHealthyPercentage: 200 };
    expect(needsOf(root, quotas).vcpusMax).toBe(8);
  });

  test('5 students in one account: the fifth VPC and internet gateway do not fit beside the default VPC', () => {
    const plan = buildPlan(perStudent, classStudents({}, 5), quotas);
    const [here] = plan.placements;
    expect(here.students).toHaveLength(5);
    expect(quota(here, 'L-F678F1CE')).toMatchObject({ needed: 5, alreadyUsed: 1, quota: 5, exceeds: true, requestValue: 6 });
    expect(quota(here, 'L-A4707A72')).toMatchObject({ needed: 5, exceeds: true, requestValue: 6 });
    expect(quota(here, 'L-1216C47A')).toMatchObject({ needed: 20, requestValue: 20 });
    expect(quota(here, 'L-53DA6B97')).toMatchObject({ needed: 5, exceeds: false });
  });

  test('4 students fit the VPC and gateway quotas exactly (with a vCPU increase: 2 students already pass 5 vCPUs)', () => {
    expect(quota(buildPlan(perStudent, classStudents({}, 2), quotas).placements[0], 'L-1216C47A')).toMatchObject({ needed: 8, exceeds: true });
    const [here] = buildPlan(perStudent, classStudents({}, 4), quotas).placements;
    expect(quota(here, 'L-F678F1CE')).toMatchObject({ needed: 4, exceeds: false });
    expect(quota(here, 'L-A4707A72')).toMatchObject({ needed: 4, exceeds: false });
  });

  test('30 students in one account: VPC, internet gateway, vCPU and Fargate increases with their commands', () => {
    const plan = buildPlan(perStudent, classStudents({}, 30), quotas, { region: 'eu-west-1' });
    const commands = plan.increases.map((i) => i.command);
    expect(commands).toEqual(expect.arrayContaining([
      'aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-F678F1CE --desired-value 31 --region eu-west-1',
      'aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-A4707A72 --desired-value 31 --region eu-west-1',
      'aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A --desired-value 120 --region eu-west-1',
      'aws service-quotas request-service-quota-increase --service-code fargate --quota-code L-3032A538 --desired-value 15 --region eu-west-1',
    ]));
    // 30 ALBs fit 50; rules are per student's own ALB and do not add up.
    expect(plan.increases.map((i) => i.quotaCode)).not.toContain('L-53DA6B97');
    expect(quota(plan.placements[0], 'L-7EED9B64').needed).toBe(perStudent.listenerRulesPerLoadBalancer);
  });

  test('a roster across three accounts: each account and Region is planned for its own students', () => {
    const file = roster('three.json', [
      { id: 'ana', account: '111111111111', region: 'us-east-1' }, { id: 'ben', account: '111111111111', region: 'us-east-1' },
      { id: 'cleo', account: '222222222222', region: 'us-west-2' },
      ...['dan', 'eve', 'fay', 'gus', 'hal'].map((id) => ({ id, account: '333333333333' })),
    ]);
    const plan = buildPlan(perStudent, classStudents({ roster: file }), quotas, { region: 'eu-central-1' });
    expect(plan.placements.map((p) => [p.account, p.region, p.students.length])).toEqual([
      ['111111111111', 'us-east-1', 2], ['222222222222', 'us-west-2', 1], ['333333333333', 'eu-central-1', 5],
    ]);
    const vpcsOver = plan.increases.filter((i) => i.quotaCode === 'L-F678F1CE');
    expect(vpcsOver).toEqual([expect.objectContaining({ account: '333333333333', region: 'eu-central-1', desiredValue: 6 })]);
  });

  test('the README\'s students-per-account figures are plan\'s: the most students whose plan exceeds nothing, and nothing but the vCPU quota', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const stated = Number(/\*\*Students per account at the default quotas: (\d+)\.\*\*/.exec(readme)?.[1]);
    const withVcpus = Number(/\*\*With the vCPU increase `plan` prints: (\d+)\.\*\*/.exec(readme)?.[1]);
    const over = (n: number) => buildPlan(perStudent, classStudents({}, n), quotas).increases.map((i) => i.quotaCode);
    const most = (fits: (codes: string[]) => boolean) => { let n = 0; while (n < 50 && fits(over(n + 1))) n++; return n; };
    expect(stated).toBe(most((codes) => codes.length === 0));
    expect(withVcpus).toBe(most((codes) => codes.every((c) => c === 'L-1216C47A')));
    expect(stated).toBeGreaterThanOrEqual(1);
  });

  test('settings change the figures: fleetMax=6 with t3.micro is 12 vCPUs per student', () => {
    const needs = synthesizePerStudentNeeds({ fleetMax: '6', fleetDesired: '3', instanceType: 't3.micro', modules: 'ec2' }, quotas);
    expect(needs).toMatchObject({ vcpusDesired: 6, vcpusMax: 12, fargateTasks: 0, repositories: 0 });
  });
});

describe('class-lab-admin plan', () => {
  test('30 students in one account: text names the VPC, gateway and vCPU increases, and how long requests take', async () => {
    const run = await runCli(['plan', '--students', '30', '--region', 'us-east-1']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Account (current credentials), Region us-east-1: 30 student(s)');
    expect(run.stdout).toMatch(/VPCs per Region +30 +\+1 +5 +L-F678F1CE +EXCEEDS/);
    expect(run.stdout).toContain('--quota-code L-A4707A72 --desired-value 31');
    expect(run.stdout).toContain('--quota-code L-1216C47A --desired-value 120');
    expect(run.stdout).toMatch(/AWS promises no time for a quota increase/);
  });

  test('--json with a roster; --students beside a roster is an argument error', async () => {
    const file = roster('two.json', [{ id: 'ana', account: '111111111111' }, { id: 'ben', account: '222222222222' }]);
    const run = await runCli(['plan', '-c', `roster=${file}`, '--json']);
    expect(run.code).toBe(0);
    expect(run.json().placements.map((p: any) => p.account)).toEqual(['111111111111', '222222222222']);
    const bad = await runCli(['plan', '-c', `roster=${file}`, '--students', '3']);
    expect(bad.code).toBe(2);
  });
});

describe('plan with the settings of npm run setup', () => {
  test('the roster named in lab-settings.json (relative to the project) is the class', async () => {
    const project = scratchProject();
    project.write('class.json', JSON.stringify({ students: [{ id: 'ana', account: '111111111111' }, { id: 'ben', account: '222222222222' }, { id: 'cleo', account: '222222222222' }] }));
    expect(runSetup(['roster=class.json'], project.dir, () => undefined)).toBe(0);
    const run = await runCli(['plan', '--json'], { projectDir: project.dir });
    expect(run.code).toBe(0);
    expect(run.json().placements.map((p: any) => [p.account, p.students.length])).toEqual([['111111111111', 1], ['222222222222', 2]]);
    expect((await runCli(['plan', '--students', '3'], { projectDir: project.dir })).code).toBe(2);
  }, 60_000);
});
