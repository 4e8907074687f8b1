import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsClients } from '../../../lib/instructor-tool/aws/clients';
import { accountTargets, fanOut } from '../../../lib/instructor-tool/aws/fan-out';
import { KIT_TAGS } from '../../../lib/instructor-tool/aws/stacks';
import { accountOfClient, assumableAccounts, aws, resetAws } from '../support/aws-mocks';
import { ACCOUNT, awsError, runCli, testClients, VirtualClock } from '../support/harness';

const cfn = mockClient(CloudFormationClient);
const [A, B, C, D] = ['111111111111', '222222222222', '333333333333', '444444444444'];
const ROLE = 'OrganizationAccountAccessRole';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fan-out-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * An AWS Organization: AssumeRole into each member account works unless the account refuses
 * (no such role, or it does not trust the instructor); the session's calls land in that account.
 * `expired` accounts answer every call of a session with ExpiredTokenException for `expiredCalls` calls.
 */
function organization(options: { refuses?: string[]; expired?: Record<string, number> } = {}): { assumed: string[] } {
  resetAws();
  cfn.reset();
  const assumed = assumableAccounts({ refuses: options.refuses, roleName: ROLE });
  const expiredLeft = { ...(options.expired ?? {}) };
  cfn.on(DescribeStacksCommand).callsFake(async (_input: any, getClient: () => any) => {
    const account = await accountOfClient(getClient());
    if ((expiredLeft[account] ?? 0) > 0) {
      expiredLeft[account]--;
      throw awsError('ExpiredTokenException', 'The security token included in the request is expired');
    }
    const students = ROSTER.filter((s) => s.account === account).map((s) => s.id);
    return {
      Stacks: students.map((student) => ({
        StackName: `ClassLabStack-${student}`, StackId: `arn:aws:cloudformation:us-east-1:${account}:stack/ClassLabStack-${student}/1`,
        StackStatus: 'CREATE_COMPLETE', CreationTime: new Date('2026-03-02T08:00:00Z'),
        Tags: Object.entries({ ...KIT_TAGS, student }).map(([Key, Value]) => ({ Key, Value })),
      })),
    };
  });
  cfn.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [] });
  return { assumed };
}

const ROSTER = [
  { id: 'ana', account: A }, { id: 'ben', account: B }, { id: 'cleo', account: C }, { id: 'dan', account: D }, { id: 'eve', account: D },
];
const rosterFile = path.join(tmp, 'roster.json');
fs.writeFileSync(rosterFile, JSON.stringify({ students: ROSTER }));

describe('fanOut', () => {
  const base = { region: 'us-east-1' };
  const makeClients = () => testClients();

  test('groups the roster by account and Region', () => {
    expect(accountTargets([...ROSTER, { id: 'fay', account: A, region: 'us-west-2' }])).toEqual([
      { account: A, region: undefined, students: ['ana'] }, { account: B, region: undefined, students: ['ben'] },
      { account: C, region: undefined, students: ['cleo'] }, { account: D, region: undefined, students: ['dan', 'eve'] },
      { account: A, region: 'us-west-2', students: ['fay'] },
    ]);
  });

  test('runs in each account as the assumed role, never more accounts at once than asked', async () => {
    const { assumed } = organization();
    const clock = new VirtualClock();
    let running = 0;
    let most = 0;
    const outcomes = await fanOut(accountTargets(ROSTER), async (clients: AwsClients) => {
      running++;
      most = Math.max(most, running);
      await clock.sleep(60_000);
      running--;
      return (await clients.identity()).account;
    }, { base, makeClients, roleName: ROLE, concurrency: 2 });
    expect(outcomes.map((o) => [o.account, o.ok, o.value])).toEqual([[A, true, A], [B, true, B], [C, true, C], [D, true, D]]);
    expect(most).toBe(2);
    expect(clock.elapsed()).toBe(2 * 60_000);
    expect(aws.sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual(expect.arrayContaining([`arn:aws:iam::${A}:role/${ROLE}`]));
    expect(new Set(assumed)).toEqual(new Set([A, B, C, D]));
  });

  test('the role ARN names the Region\'s partition: arn:aws-cn: in China, arn:aws-us-gov: in GovCloud', async () => {
    organization();
    const targets = [{ account: A, region: 'cn-north-1', students: ['ana'] }, { account: B, region: 'us-gov-west-1', students: ['ben'] }, { account: C, students: ['cleo'] }];
    const outcomes = await fanOut(targets, async (clients: AwsClients) => (await clients.identity()).account, { base, makeClients, roleName: ROLE, concurrency: 1 });
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    expect(aws.sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      `arn:aws-cn:iam::${A}:role/${ROLE}`, `arn:aws-us-gov:iam::${B}:role/${ROLE}`, `arn:aws:iam::${C}:role/${ROLE}`,
    ]);
  });

  test('credentials that expire mid-run are assumed again once; the work then finishes', async () => {
    organization({ expired: { [C]: 1 } });
    const outcomes = await fanOut(accountTargets(ROSTER), async (clients: AwsClients) => {
      const page = await clients.cloudformation.send(new DescribeStacksCommand({}));
      return page.Stacks!.length;
    }, { base, makeClients, roleName: ROLE, concurrency: 4 });
    const c = outcomes.find((o) => o.account === C)!;
    expect(c).toMatchObject({ ok: true, attempts: 2, value: 1 });
    expect(aws.sts.commandCalls(AssumeRoleCommand).filter((call) => call.args[0].input.RoleArn?.includes(C))).toHaveLength(2);
  });
});

describe('instructor commands across the roster accounts', () => {
  test('status: one account refuses the role, one session keeps expiring; the others finish and the summary says which', async () => {
    organization({ refuses: [B], expired: { [C]: 99 } });
    const run = await runCli(['status', '--roster', rosterFile, '--assume-role-name', ROLE]);
    expect(run.code).toBe(4);
    const failures = run.stderr.split('\n').filter((l) => /^class-lab-admin status: account /.test(l));
    expect(failures).toHaveLength(2);
    expect(failures.find((l) => l.includes(B))).toMatch(/account 222222222222 \(ben\): access denied \(AccessDenied\)/);
    expect(failures.find((l) => l.includes(C))).toMatch(/account 333333333333 \(cleo\): AWS credentials have expired/);
    expect(run.stdout).toContain(`=== account ${A} (ana), via role ${ROLE} ===`);
    expect(run.stdout).toMatch(/ana +ClassLabStack-ana +CREATE_COMPLETE/);
    expect(run.stdout).toMatch(/dan +ClassLabStack-dan[\s\S]*eve +ClassLabStack-eve/);
    const summary = run.stdout.slice(run.stdout.indexOf('Summary of status over 4 account(s):')).split('\n');
    expect(summary[1]).toMatch(/account +region +students +via +result/);
    expect(summary[2]).toMatch(new RegExp(`${A} +- +1 +role ${ROLE} +ok$`));
    expect(summary[3]).toMatch(new RegExp(`${B} +- +1 +role ${ROLE} +FAILED: access denied`));
    expect(summary[4]).toMatch(new RegExp(`${C} +- +1 +role ${ROLE} +FAILED: AWS credentials have expired`));
    expect(summary[5]).toMatch(new RegExp(`${D} +- +2 +role ${ROLE} +ok$`));
    expect(summary[6]).toBe('2 ok, 2 not ok.');
  });

  test('status --json: one document with every account, its result and the summary', async () => {
    organization({ refuses: [B] });
    const run = await runCli(['status', '--roster', rosterFile, '--assume-role-name', ROLE, '--json']);
    const doc = run.json();
    expect(doc.summary).toEqual({ accounts: 4, ok: 3, failed: 1 });
    expect(doc.accounts.find((a: any) => a.account === D).result.stacks.map((s: any) => s.student)).toEqual(['dan', 'eve']);
    expect(doc.accounts.find((a: any) => a.account === B)).toMatchObject({ ok: false, exitCode: 4 });
  });

  test('a profile that lands in another account than the roster says is refused, not used', async () => {
    organization();
    const run = await runCli(['status', '--roster', rosterFile, '--assume-role-name', ROLE, '--account-profile', `${D}=dan-profile`]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`account ${D} (dan, eve): profile dan-profile is in account ${ACCOUNT}, not ${D} as the roster says`);
  });

  test('teardown across accounts: a dry run per account; --delete without --yes is refused up front', async () => {
    organization();
    const dry = await runCli(['teardown', '--roster', rosterFile, '--assume-role-name', ROLE, '--student', 'dan,ana']);
    expect(dry.stdout).toContain(`Summary of teardown over 2 account(s):`);
    expect(dry.stdout).toContain(`=== account ${D} (dan), via role ${ROLE} ===`);
    const del = await runCli(['teardown', '--roster', rosterFile, '--assume-role-name', ROLE, '--all', '--delete']);
    expect(del.code).toBe(2);
    expect(del.stderr).toContain('--delete across accounts needs --yes');
  });

  test('a roster entry without an account cannot be fanned out to', async () => {
    organization();
    const file = path.join(tmp, 'mixed.json');
    fs.writeFileSync(file, JSON.stringify({ students: [{ id: 'ana', account: A }, 'zoe'] }));
    const run = await runCli(['status', '--roster', file, '--assume-role-name', ROLE]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('roster students without an account: zoe');
  });
});
