import * as vm from 'node:vm';
import { describeExpiry, EXPIRY_CLOCK_CODE, EXPIRY_MIN_LEAD_MINUTES, extendExpiryCommand, SCHEDULE_RETRY, SECOND_ATTEMPT_AFTER_HOURS } from '../../lib/class-operations/expiry';
import { DEFAULT_EXPIRY_HOURS } from '../../lib/settings/lab-config';
import { snapshotTemplate, synthLab } from '../support/synth';
import { variantAssembly } from '../support/variant-assembly';

/**
 * The clock's handler as Lambda runs it (CommonJS, `https` from Node), with CloudFormation's
 * response URL captured instead of sent, and Date.now() set per call.
 */
function clockHandler() {
  const responses: Array<{ url: string; body: Record<string, any> }> = [];
  const https = {
    request: (url: string, _options: unknown, callback: (r: { resume(): void; on(e: string, f: () => void): void }) => void) => {
      let text = '';
      return {
        on: () => undefined,
        end: (body: string) => {
          text = body;
          responses.push({ url, body: JSON.parse(text) });
          callback({ resume: () => undefined, on: (_e, f) => f() });
        },
      };
    },
  };
  let now = 0;
  const module = { exports: {} as Record<string, any> };
  vm.runInNewContext(EXPIRY_CLOCK_CODE, {
    module, exports: module.exports, require: (name: string) => (name === 'https' ? https : require(name)),
    Buffer, Promise, JSON, Math, Number, String,
    Date: class extends Date { static now() { return now; } },
  });
  const properties = (hours: number) => ({ Hours: String(hours), SecondAttemptAfterHours: String(SECOND_ATTEMPT_AFTER_HOURS), MinLeadMinutes: String(EXPIRY_MIN_LEAD_MINUTES) });
  return {
    responses,
    async send(at: string, requestType: 'Create' | 'Update' | 'Delete', hours: number, physicalId?: string) {
      now = Date.parse(at);
      await module.exports.handler({
        RequestType: requestType, ResponseURL: 'https://cloudformation-custom-resource-response.example/abc', StackId: 'stack-id',
        RequestId: `r${responses.length}`, LogicalResourceId: 'ExpiryClock', PhysicalResourceId: physicalId, ResourceProperties: properties(hours),
      }, { logStreamName: 'log-stream' });
      return responses[responses.length - 1].body;
    },
  };
}

describe('the expiry clock (custom resource handler), as CloudFormation drives it', () => {
  test('Create records the creation time, to the minute, as the physical id, and answers the pre-signed URL', async () => {
    const clock = clockHandler();
    const created = await clock.send('2026-01-05T09:00:42.123Z', 'Create', 4);
    expect(clock.responses[0].url).toBe('https://cloudformation-custom-resource-response.example/abc');
    expect(created).toMatchObject({
      Status: 'SUCCESS', PhysicalResourceId: '2026-01-05T09:00:00Z', StackId: 'stack-id', LogicalResourceId: 'ExpiryClock',
      Data: { StartedAt: '2026-01-05T09:00:00Z', ExpiresAt: '2026-01-05T13:00:00Z', ScheduleAt: '2026-01-05T13:00:00', SecondAttemptAt: '2026-01-05T15:00:00' },
    });
  });

  test('a later deploy (from any machine) keeps the start; a larger expiresAfterHours extends from it', async () => {
    const clock = clockHandler();
    const { PhysicalResourceId: start } = await clock.send('2026-01-05T09:00:00Z', 'Create', 4);
    const extended = await clock.send('2026-01-05T12:10:00Z', 'Update', 6, start);
    expect(extended).toMatchObject({ PhysicalResourceId: start, Data: { StartedAt: start, ExpiresAt: '2026-01-05T15:00:00Z' } });
    const shortened = await clock.send('2026-01-05T09:30:00Z', 'Update', 2, start);
    expect(shortened.Data.ExpiresAt).toBe('2026-01-05T11:00:00Z');
  });

  test(`a time already past becomes ${EXPIRY_MIN_LEAD_MINUTES} minutes after the update: a schedule is never created in the past`, async () => {
    const clock = clockHandler();
    const { PhysicalResourceId: start } = await clock.send('2026-01-05T09:00:00Z', 'Create', 4);
    const late = await clock.send('2026-01-05T12:50:30Z', 'Update', 4, start);
    expect(late.Data).toMatchObject({ StartedAt: start, ExpiresAt: '2026-01-05T13:06:00Z' });
  });

  test('Delete succeeds with the same physical id (nothing to clean up); a broken request is FAILED, not a hang', async () => {
    const clock = clockHandler();
    expect(await clock.send('2026-01-05T14:00:00Z', 'Delete', 4, '2026-01-05T09:00:00Z')).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: '2026-01-05T09:00:00Z' });
    expect(await clock.send('2026-01-05T14:00:00Z', 'Create', Number.NaN)).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'log-stream' });
  });
});

describe('ClassLabStack with expiresAfterHours', () => {
  // The expiry variant as the CLI builds it, guardrails on: the schedules, the clock and the queue pass cdk-nag and CloudFormation Guard too.
  const lab = variantAssembly('expiry', { checks: true });
  const template = lab.root().toJSON();
  const resources = Object.entries<Record<string, any>>(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const schedules = ofType('AWS::Scheduler::Schedule');
  const [clockId] = ofType('Custom::LabExpiryClock')[0];
  const [queueId] = ofType('AWS::SQS::Queue')[0];
  const roleId = schedules[0][1].Properties.Target.RoleArn['Fn::GetAtt'][0];

  test('has no clock in the template: the times come from the clock resource at deploy', () => {
    expect(JSON.stringify(template)).not.toMatch(/20\d\d-\d\d-\d\dT/);
    expect(ofType('Custom::LabExpiryClock')[0][1].Properties).toMatchObject({ Hours: '4', SecondAttemptAfterHours: String(SECOND_ATTEMPT_AFTER_HOURS) });
  });

  test('has two one-time schedules, at the expiry and at the second attempt, in UTC, without fixed names', () => {
    expect(schedules.map(([, s]) => s.Properties.ScheduleExpression)).toEqual([
      { 'Fn::Join': ['', ['at(', { 'Fn::GetAtt': [clockId, 'ScheduleAt'] }, ')']] },
      { 'Fn::Join': ['', ['at(', { 'Fn::GetAtt': [clockId, 'SecondAttemptAt'] }, ')']] },
    ]);
    for (const [, s] of schedules) {
      expect(s.Properties).toMatchObject({ ScheduleExpressionTimezone: 'UTC', FlexibleTimeWindow: { Mode: 'OFF' } });
      expect(s.Properties.Name).toBeUndefined();
    }
  });

  test('each calls DeleteStack on this stack by id, retries for a day and then writes to the dead-letter queue', () => {
    for (const [, s] of schedules) {
      expect(s.Properties.Target).toMatchObject({
        Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:cloudformation:deleteStack']] },
        Input: { 'Fn::Join': ['', ['{"StackName":"', { Ref: 'AWS::StackId' }, '"}']] },
        RetryPolicy: { MaximumEventAgeInSeconds: SCHEDULE_RETRY.maximumEventAgeInSeconds, MaximumRetryAttempts: SCHEDULE_RETRY.maximumRetryAttempts },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      });
    }
  });

  test('the role may delete only this stack and write to its queue; no iam:PassRole anywhere', () => {
    const role = template.Resources[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    }]);
    expect(role.Properties.Policies.flatMap((p: Record<string, any>) => p.PolicyDocument.Statement)).toEqual([
      { Action: 'cloudformation:DeleteStack', Effect: 'Allow', Resource: { Ref: 'AWS::StackId' } },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    ]);
    expect(JSON.stringify([...lab.templates().values()])).not.toContain('iam:PassRole');
  });

  test('the second attempt outlasts a failed delete: every other root resource depends on it', () => {
    const [secondId] = schedules[1];
    const expiryOwn = new Set([secondId, roleId, queueId, clockId, ...resources.filter(([id]) => id.startsWith('Expiry')).map(([id]) => id)]);
    const others = resources.filter(([id, r]) => !expiryOwn.has(id) && r.Type !== 'AWS::CDK::Metadata');
    expect(others.length).toBeGreaterThan(20);
    expect(others.filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack')).toHaveLength(5);
    for (const [id, r] of others) expect([id, r.DependsOn ?? []]).toEqual([id, expect.arrayContaining([secondId])]);
  });

  test('says when in the ExpiresAt output; no expires-at tag re-tags every resource', () => {
    expect(template.Outputs.ExpiresAt.Value).toEqual({ 'Fn::GetAtt': [clockId, 'ExpiresAt'] });
    expect(JSON.stringify([...lab.templates().values()])).not.toContain('expires-at');
    expect(lab.stackTags('ClassLabStack')).not.toHaveProperty('expires-at');
  });

  test('passes cdk-nag and CloudFormation Guard', () => {
    const report = lab.validationReport();
    expect(report.pluginReports.flatMap((p: Record<string, any>) => p.violations)).toEqual([]);
  });

  test('snapshot of the expiry resources and output', () => {
    const expiry = Object.fromEntries(resources.filter(([id]) => id.startsWith('Expiry')));
    expect(snapshotTemplate({ Resources: expiry, Output: template.Outputs.ExpiresAt, ExtendOutput: template.Outputs.ExpiryExtendCommand })).toMatchSnapshot();
  });
});

describe('ClassLabStack by default', () => {
  // The default app, as a student deploys it: no expiry setting at all.
  const root = variantAssembly('default').root();
  const template = root.toJSON();

  test(`expires ${DEFAULT_EXPIRY_HOURS} hours after its first deploy: the clock, both schedules and the outputs`, () => {
    root.resourceCountIs('AWS::Scheduler::Schedule', 2);
    root.hasResourceProperties('Custom::LabExpiryClock', { Hours: String(DEFAULT_EXPIRY_HOURS) });
    expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(['ExpiresAt', 'ExpiryExtendCommand']));
  });

  test('says how to extend the expiry in an output: a day more, kept in lab-settings.json, then a deploy', () => {
    expect(template.Outputs.ExpiryExtendCommand.Value).toBe('npm run setup -- expiresAfterHours=48 && npx cdk deploy ClassLabStack');
    expect(template.Outputs.ExpiryExtendCommand.Description).toMatch(/expiresAfterHours=off turns the expiry off/);
  });
});

describe('the expiry, as the outputs and npm run synth describe it', () => {
  test('the extend command adds a day, up to the longest expiry; past that it can only be turned off', () => {
    expect(extendExpiryCommand(4, 'ClassLabStack-ana')).toBe('npm run setup -- expiresAfterHours=28 && npx cdk deploy ClassLabStack-ana');
    expect(extendExpiryCommand(144, 'ClassLabStack')).toBe('npm run setup -- expiresAfterHours=168 && npx cdk deploy ClassLabStack');
    expect(extendExpiryCommand(150, 'ClassLabStack')).toBe('npm run setup -- expiresAfterHours=off && npx cdk deploy ClassLabStack');
  });

  test('npm run synth says when (from the first deploy), where the time shows, how to extend and how to turn it off', () => {
    const lines = describeExpiry(24, 'ClassLabStack', 'the default').join('\n');
    expect(lines).toMatch(/deletes itself 24 hours after its first deploy \(expiresAfterHours=24, the default\)/);
    expect(lines).toMatch(/output ExpiresAt/);
    expect(lines).toContain('To extend it: npm run setup -- expiresAfterHours=48 && npx cdk deploy ClassLabStack');
    expect(lines).toContain('To turn it off: npm run setup -- expiresAfterHours=off');
    expect(describeExpiry(undefined, 'ClassLabStack', 'lab-settings.json')).toEqual([expect.stringMatching(/^Expiry: off \(expiresAfterHours=off, lab-settings.json\): the stack stays, and bills, until destroyed/)]);
  });
});

describe('ClassLabStack with expiresAfterHours=off', () => {
  test('has no schedule, clock, queue or expiry outputs: turning expiry off removes it', () => {
    const lab = synthLab({ modules: 'ec2', expiresAfterHours: 'off' }, { guardrails: false });
    for (const type of ['AWS::Scheduler::Schedule', 'Custom::LabExpiryClock', 'AWS::SQS::Queue', 'AWS::Lambda::Function']) lab.root.resourceCountIs(type, 0);
    expect(Object.keys(lab.root.toJSON().Outputs)).not.toContain('ExpiresAt');
    expect(Object.keys(lab.root.toJSON().Outputs)).not.toContain('ExpiryExtendCommand');
  });
});
