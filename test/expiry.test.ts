import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildClassLabApp } from '../lib/class-lab-app';
import { EXPIRES_AT_TAG, EXPIRY_RENEW_MARGIN_MINUTES, expiryStartKey, expiryWindow, rememberInContextFile } from '../lib/expiry';
import { normalizeTemplate, synthLab, TEST_CLOCK } from './support/synth';

const at = (iso: string) => new Date(iso);

describe('expiry window', () => {
  test('starts at the first synth, to the whole minute, and lasts the given hours', () => {
    expect(expiryWindow(4, undefined, at('2026-01-05T09:00:42.123Z'))).toEqual({
      startedAt: at('2026-01-05T09:00:00Z'),
      expiresAt: at('2026-01-05T13:00:00Z'),
      isNew: true,
    });
  });

  test('keeps a remembered start: a redeploy with the same setting does not move the expiry', () => {
    expect(expiryWindow(4, '2026-01-05T09:00:00Z', at('2026-01-05T11:59:00Z'))).toEqual({
      startedAt: at('2026-01-05T09:00:00Z'),
      expiresAt: at('2026-01-05T13:00:00Z'),
      isNew: false,
    });
  });

  test('raising the hours extends the window from the same start', () => {
    expect(expiryWindow(6, '2026-01-05T09:00:00Z', at('2026-01-05T12:30:00Z')).expiresAt).toEqual(at('2026-01-05T15:00:00Z'));
  });

  test(`starts afresh when the remembered window has ended or ends within ${EXPIRY_RENEW_MARGIN_MINUTES} minutes`, () => {
    expect(expiryWindow(4, '2026-01-05T09:00:00Z', at('2026-01-06T08:00:00Z'))).toMatchObject({ expiresAt: at('2026-01-06T12:00:00Z'), isNew: true });
    expect(expiryWindow(4, '2026-01-05T09:00:00Z', at('2026-01-05T12:31:00Z'))).toMatchObject({ expiresAt: at('2026-01-05T16:31:00Z'), isNew: true });
    expect(expiryWindow(4, '2026-01-05T09:00:00Z', at('2026-01-05T12:30:00Z'))).toMatchObject({ expiresAt: at('2026-01-05T13:00:00Z'), isNew: false });
  });

  test('ignores a remembered value that is no time', () => {
    expect(expiryWindow(1, 'soon', at('2026-01-05T09:00:00Z'))).toMatchObject({ expiresAt: at('2026-01-05T10:00:00Z'), isNew: true });
  });
});

describe('remembering the window start', () => {
  test('a new window is remembered per stack; a remembered one is used and not written again', () => {
    const calls: Array<[string, string]> = [];
    const remember = (stackName: string, startedAt: Date) => calls.push([stackName, startedAt.toISOString()]);
    const build = (context: Record<string, string>) =>
      buildClassLabApp({ context }, { guardrails: false, environment: {}, now: () => TEST_CLOCK, rememberExpiryStart: remember });

    expect(build({ expiresAfterHours: '4', modules: 'ec2' }).stack.expiry?.expiresAt).toBe('2026-01-05T13:00:00Z');
    expect(calls).toEqual([['ClassLabStack', '2026-01-05T09:00:00.000Z']]);

    calls.length = 0;
    const remembered = { [expiryStartKey('ClassLabStack-ana')]: '2026-01-05T07:30:00Z' };
    expect(build({ ...remembered, student: 'ana', expiresAfterHours: '4', modules: 'ec2' }).stack.expiry?.expiresAt).toBe('2026-01-05T11:30:00Z');
    expect(build({ ...remembered, student: 'ana', expiresAfterHours: '6', modules: 'ec2' }).stack.expiry?.expiresAt).toBe('2026-01-05T13:30:00Z');
    expect(calls).toEqual([]);
  });

  test('in the CDK context file, next to what is there already', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-context-'));
    const file = path.join(dir, 'cdk.context.json');
    fs.writeFileSync(file, JSON.stringify({ 'acknowledged-issue-numbers': [12345] }));
    rememberInContextFile(file)('ClassLabStack-ana', at('2026-01-05T09:00:00Z'));
    rememberInContextFile(path.join(dir, 'new.json'))('ClassLabStack', at('2026-01-05T09:00:00Z'));
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      'acknowledged-issue-numbers': [12345],
      'class-lab:expiry-start:ClassLabStack-ana': '2026-01-05T09:00:00Z',
    });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'new.json'), 'utf8'))).toEqual({ 'class-lab:expiry-start:ClassLabStack': '2026-01-05T09:00:00Z' });
    fs.rmSync(dir, { recursive: true });
  });

  test('by default in the cdk.context.json of the directory cdk runs in, the one the CLI reads context from', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-cwd-'));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      rememberInContextFile()('ClassLabStack', at('2026-01-05T09:00:00Z'));
    } finally {
      process.chdir(cwd);
    }
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'cdk.context.json'), 'utf8'))).toEqual({ 'class-lab:expiry-start:ClassLabStack': '2026-01-05T09:00:00Z' });
    fs.rmSync(dir, { recursive: true });
  });
});

describe('ClassLabStack with expiresAfterHours', () => {
  // Guardrails on: the schedule and its role pass cdk-nag and CloudFormation Guard too.
  const lab = synthLab({ expiresAfterHours: '4' });
  const template = lab.root.toJSON();
  const resources = Object.entries<Record<string, any>>(template.Resources);
  const [scheduleId, schedule] = resources.find(([, r]) => r.Type === 'AWS::Scheduler::Schedule')!;
  const roleId = schedule.Properties.Target.RoleArn['Fn::GetAtt'][0];
  const role = template.Resources[roleId];

  test('has one one-time schedule, at the expiry time in UTC, in the default group, without a fixed name', () => {
    expect(resources.filter(([, r]) => r.Type === 'AWS::Scheduler::Schedule')).toHaveLength(1);
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'at(2026-01-05T13:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
    expect(schedule.Properties.Name).toBeUndefined();
    expect(schedule.Properties.GroupName).toBeUndefined();
    expect(scheduleId).toMatch(/^Expiry/);
  });

  test('calls CloudFormation DeleteStack on this stack, by its id', () => {
    const target = schedule.Properties.Target;
    expect(target.Arn).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:cloudformation:deleteStack']] });
    expect(target.Input).toEqual({ 'Fn::Join': ['', ['{"StackName":"', { Ref: 'AWS::StackId' }, '"}']] });
  });

  test('uses a role that only EventBridge Scheduler of this account may assume and that may delete only this stack', () => {
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    }]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies.flatMap((p: Record<string, any>) => p.PolicyDocument.Statement)).toEqual([
      { Action: 'cloudformation:DeleteStack', Effect: 'Allow', Resource: { Ref: 'AWS::StackId' } },
    ]);
    // Nothing else grants the role more: no separate policy resource names it.
    const policies = resources.filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId));
    expect(policies).toEqual([]);
  });

  test('says when: the ExpiresAt output and the expires-at stack tag', () => {
    expect(template.Outputs.ExpiresAt.Value).toBe('2026-01-05T13:00:00Z');
    const artifact = lab.app.synth().getStackByName('ClassLabStack');
    expect(artifact.tags).toMatchObject({ [EXPIRES_AT_TAG]: '2026-01-05T13:00:00Z', student: 'solo' });
  });

  test('passes cdk-nag and CloudFormation Guard', () => {
    const report = JSON.parse(fs.readFileSync(path.join(lab.app.outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((p: Record<string, any>) => p.violations)).toEqual([]);
  });

  test('snapshot of the expiry resources and output', () => {
    const expiry = Object.fromEntries(resources.filter(([id]) => id.startsWith('Expiry')));
    expect(normalizeTemplate({ Resources: expiry, Output: template.Outputs.ExpiresAt })).toMatchSnapshot();
  });
});

describe('ClassLabStack without expiresAfterHours', () => {
  test('has no schedule, no ExpiresAt output and no expires-at tag', () => {
    const lab = synthLab({ modules: 'ec2' }, { guardrails: false });
    lab.root.resourceCountIs('AWS::Scheduler::Schedule', 0);
    expect(Object.keys(lab.root.toJSON().Outputs)).not.toContain('ExpiresAt');
    expect(lab.app.synth().getStackByName('ClassLabStack').tags).not.toHaveProperty(EXPIRES_AT_TAG);
  });
});
