import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { COURSE_TAG, MANAGED_BY_TAG } from '../../../lib/app/class-lab-stack';
import { KIT_TAGS, KitStack } from '../../../lib/instructor-tool/aws/stacks';
import { EXTEND_ADVICE, expiryText } from '../../../lib/instructor-tool/status/status';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { assumableAccounts, aws, enabledRegionsAre, resetAws } from '../support/aws-mocks';
import { FakeCloudFormation } from '../support/fake-cloudformation';
import { scratchProject } from '../../support/project';
import { ACCOUNT, awsError, runCli, VirtualClock } from '../support/harness';

let clock: VirtualClock;
let cfn: FakeCloudFormation;

beforeEach(() => {
  clock = new VirtualClock();
  resetAws();
  cfn = new FakeCloudFormation(clock, [
    {
      name: 'ClassLabStack-ana', student: 'ana', created: new Date('2026-03-02T08:10:00Z'),
      outputs: { WebUrl: 'http://lab-ana.elb.amazonaws.com', ExpiresAt: '2026-03-02T20:00:00Z' },
    },
    { name: 'ClassLabStack-ben', student: 'ben', status: 'DELETE_FAILED', tags: { 'expires-at': '2026-03-01T20:00:00Z' } },
    { name: 'ClassLabStack', student: 'solo', status: 'CREATE_IN_PROGRESS' },
    { name: 'ProductionStack', student: null },
  ]);
});

afterEach(() => cfn.restore());

describe('status', () => {
  test('selects by the tags ClassLabStack puts on itself', () => {
    expect(KIT_TAGS).toEqual({ 'managed-by': MANAGED_BY_TAG, course: COURSE_TAG });
  });

  test('lists the kit stacks by student with state, created, expiry (output or tag) and outputs; never other stacks', async () => {
    const run = await runCli(['status'], { clock });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`Class Lab stacks in account ${ACCOUNT}, us-east-1:`);
    expect(lines[1]).toMatch(/^ {2}student +stack +state +created +expires$/);
    expect(lines[2]).toMatch(/^ {2}ana +ClassLabStack-ana +CREATE_COMPLETE +2026-03-02T08:10:00.000Z +2026-03-02T20:00:00Z \(in 11h00m\)$/);
    expect(lines[3]).toMatch(/^ {2}ben +ClassLabStack-ben +DELETE_FAILED +\S+ +2026-03-01T20:00:00Z \(EXPIRY FAILED: delete failed; run teardown\)$/);
    expect(lines[4]).toMatch(/^ {2}solo +ClassLabStack +CREATE_IN_PROGRESS/);
    expect(run.stdout).toMatch(/ {4}WebUrl +http:\/\/lab-ana.elb.amazonaws.com/);
    expect(run.stdout).not.toContain('ProductionStack');
    expect(lines[lines.length - 2]).toBe('3 stacks; 1 in a failed state.');
    expect(lines[lines.length - 1]).toBe(EXTEND_ADVICE);
    expect(EXTEND_ADVICE).toMatch(/larger expiresAfterHours \(counted from its first deploy; its output ExpiryExtendCommand is the command\); expiresAfterHours=off turns it off/);
    expect(run.stderr).toContain('Looking for Class Lab stacks');
  });

  test('--json gives the same facts to scripts; --student narrows the list', async () => {
    const run = await runCli(['status', '--json', '--student', 'ana'], { clock });
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({
      ok: true,
      account: ACCOUNT,
      region: 'us-east-1',
      stacks: [expect.objectContaining({
        student: 'ana', stack: 'ClassLabStack-ana', status: 'CREATE_COMPLETE', created: '2026-03-02T08:10:00.000Z',
        expiresAt: '2026-03-02T20:00:00Z', outputs: { WebUrl: 'http://lab-ana.elb.amazonaws.com', ExpiresAt: '2026-03-02T20:00:00Z' },
      })],
    });
  });

  test('an account without kit stacks says so and succeeds', async () => {
    const run = await runCli(['status', '--student', 'zoe'], { clock });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`No Class Lab stacks for zoe in account ${ACCOUNT}, us-east-1.`);
  });

  test('pages through DescribeStacks', async () => {
    await runCli(['status'], { clock });
    expect(cfn.mock.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
  });
});

describe('status shows an expiry that failed', () => {
  const now = Date.parse('2026-03-02T12:00:00Z');
  const stack = (status: string, expiresAt: string) => ({ status, expiresAt } as unknown as KitStack);
  test.each([
    ['CREATE_COMPLETE', '2026-03-02T20:00:00Z', '2026-03-02T20:00:00Z (in 8h00m)'],
    ['CREATE_COMPLETE', '2026-03-02T12:20:30Z', '2026-03-02T12:20:30Z (in 20m30s)'],
    ['UPDATE_COMPLETE', '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z (EXPIRY FAILED: still here; run teardown)'],
    ['DELETE_FAILED', '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z (EXPIRY FAILED: delete failed; run teardown)'],
    ['DELETE_IN_PROGRESS', '2026-03-02T11:59:00Z', '2026-03-02T11:59:00Z (expired, deleting)'],
  ])('%s with ExpiresAt %s', (status, expiresAt, text) => {
    expect(expiryText(stack(status, expiresAt), now)).toBe(text);
  });
});

describe('status --all-regions', () => {
  /** A stack in each of two Regions, one in an opted-in Region, and none in a Region that is not enabled. */
  function twoRegions(): void {
    cfn.restore();
    cfn = new FakeCloudFormation(clock, [
      { name: 'ClassLabStack-ana', student: 'ana', outputs: { ExpiresAt: '2026-03-03T08:10:00Z' } },
      { name: 'ClassLabStack-ben', student: 'ben', region: 'eu-west-1', outputs: { WebUrl: 'http://lab-ben.eu-west-1.elb.amazonaws.com' } },
      { name: 'ClassLabStack-cleo', student: 'cleo', region: 'af-south-1' },
      { name: 'ProductionStack', student: null, region: 'eu-west-1' },
    ]);
    enabledRegionsAre(['us-east-1', 'us-west-2', 'eu-west-1'], ['af-south-1'], ['me-central-1']);
  }

  test('lists the kit stacks of every Region enabled for the account, opted-in ones included, with their Region', async () => {
    twoRegions();
    const run = await runCli(['status', '--all-regions'], { clock });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`Class Lab stacks in account ${ACCOUNT}, every Region enabled for it:`);
    expect(lines[1]).toMatch(/^ {2}region +student +stack +state +created +expires$/);
    expect(lines.slice(2, 5)).toEqual([
      expect.stringMatching(/^ {2}us-east-1 +ana +ClassLabStack-ana +CREATE_COMPLETE +\S+ +2026-03-03T08:10:00Z \(in 23h10m\)$/),
      expect.stringMatching(/^ {2}af-south-1 +cleo +ClassLabStack-cleo +CREATE_COMPLETE/),
      expect.stringMatching(/^ {2}eu-west-1 +ben +ClassLabStack-ben +CREATE_COMPLETE/),
    ]);
    expect(run.stdout).toContain('ClassLabStack-ben (ben, eu-west-1)');
    expect(run.stdout).toContain('3 stacks in 3 Regions (us-east-1, af-south-1, eu-west-1); 0 in a failed state.');
    expect(run.stdout).not.toContain('ProductionStack');
    // DescribeRegions without AllRegions: only the enabled Regions, so a disabled one is never asked.
    expect(aws.ec2.commandCalls(DescribeRegionsCommand).map((c) => c.args[0].input)).toEqual([{}]);
  });

  test('--json: the Regions looked in, and each stack with its Region', async () => {
    twoRegions();
    const run = await runCli(['status', '--all-regions', '--json', '--student', 'ben'], { clock });
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      ok: true, account: ACCOUNT, region: 'us-east-1', regions: ['us-east-1', 'af-south-1', 'eu-west-1', 'us-west-2'], unlisted: [],
      stacks: [{ region: 'eu-west-1', student: 'ben', stack: 'ClassLabStack-ben', stackId: expect.stringContaining(':eu-west-1:') }],
    });
  });

  test('a Region that refuses is named, and the answer is not called complete (exit 1)', async () => {
    twoRegions();
    cfn.mock.on(DescribeStacksCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === 'af-south-1') throw awsError('AccessDenied', 'explicit deny in a service control policy');
      return { Stacks: [] };
    });
    const run = await runCli(['status', '--all-regions'], { clock });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Could not look in af-south-1: ');
  });

  test('across the roster accounts: each account once, in every Region, whatever Regions its students deploy in', async () => {
    twoRegions();
    assumableAccounts();
    const other = '444455556666';
    const roster = scratchProject();
    roster.write('roster.json', JSON.stringify({ students: [
      { id: 'ana', account: other, region: 'us-east-1' }, { id: 'ben', account: other, region: 'eu-west-1' },
    ] }));
    const run = await runCli(['status', '--roster', `${roster.dir}/roster.json`, '--assume-role-name', 'OrganizationAccountAccessRole', '--all-regions'], { clock });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`=== account ${other} us-east-1 (ana, ben), via role OrganizationAccountAccessRole ===`);
    expect(run.stdout).toMatch(/ eu-west-1 +ben +ClassLabStack-ben/);
    expect(run.stdout).toContain('Summary of status over 1 account(s):');
  });
});
