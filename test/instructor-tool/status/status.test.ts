import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { COURSE_TAG, MANAGED_BY_TAG } from '../../../lib/app/class-lab-stack';
import { KIT_TAGS, KitStack } from '../../../lib/instructor-tool/aws/stacks';
import { expiryText } from '../../../lib/instructor-tool/status/status';
import { resetAws } from '../support/aws-mocks';
import { FakeCloudFormation } from '../support/fake-cloudformation';
import { ACCOUNT, runCli, VirtualClock } from '../support/harness';

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
    expect(lines[2]).toMatch(/^ {2}ana +ClassLabStack-ana +CREATE_COMPLETE +2026-03-02T08:10:00.000Z +2026-03-02T20:00:00Z$/);
    expect(lines[3]).toMatch(/^ {2}ben +ClassLabStack-ben +DELETE_FAILED +\S+ +2026-03-01T20:00:00Z \(EXPIRY FAILED: delete failed; run teardown\)$/);
    expect(lines[4]).toMatch(/^ {2}solo +ClassLabStack +CREATE_IN_PROGRESS/);
    expect(run.stdout).toMatch(/ {4}WebUrl +http:\/\/lab-ana.elb.amazonaws.com/);
    expect(run.stdout).not.toContain('ProductionStack');
    expect(lines[lines.length - 1]).toBe('3 stacks; 1 in a failed state.');
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
    ['CREATE_COMPLETE', '2026-03-02T20:00:00Z', '2026-03-02T20:00:00Z'],
    ['UPDATE_COMPLETE', '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z (EXPIRY FAILED: still here; run teardown)'],
    ['DELETE_FAILED', '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z (EXPIRY FAILED: delete failed; run teardown)'],
    ['DELETE_IN_PROGRESS', '2026-03-02T11:59:00Z', '2026-03-02T11:59:00Z (expired, deleting)'],
  ])('%s with ExpiresAt %s', (status, expiresAt, text) => {
    expect(expiryText(stack(status, expiresAt), now)).toBe(text);
  });
});
