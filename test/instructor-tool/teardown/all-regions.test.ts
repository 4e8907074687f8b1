/**
 * teardown --all-regions: the kit's stacks and leftovers in every Region enabled for the account,
 * against the mocks: a stack in each of two Regions, and a leftover in a third Region that holds
 * no stack at all (a partial teardown there, long ago).
 */
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { aws, enabledRegionsAre, resetAws } from '../support/aws-mocks';
import { FakeCloudFormation } from '../support/fake-cloudformation';
import { ACCOUNT, runCli, VirtualClock } from '../support/harness';

let clock: VirtualClock;
let cfn: FakeCloudFormation;

/** Answers per Region: `byRegion[region]`, or `fallback` elsewhere. */
function perRegion<T>(byRegion: Record<string, T>, fallback: T) {
  return async (_input: unknown, getClient: () => any) => byRegion[await getClient().config.region()] ?? fallback;
}

/** Cleo's instance, running in us-west-2 where the kit has no stack: found by the kit's tags. */
function leftoverInstanceInUsWest2(): void {
  const cleo = { ResourceARN: `arn:aws:ec2:us-west-2:${ACCOUNT}:instance/i-0cleo`, Tags: [
    { Key: 'managed-by', Value: 'class-lab-kit' }, { Key: 'course', Value: 'class-03' }, { Key: 'student', Value: 'cleo' },
  ] };
  aws.tagging.on(GetResourcesCommand).callsFake(perRegion({ 'us-west-2': { ResourceTagMappingList: [cleo] } }, { ResourceTagMappingList: [] }));
  aws.ec2.on(DescribeInstancesCommand).callsFake(perRegion({
    'us-west-2': { Reservations: [{ Instances: [{ InstanceId: 'i-0cleo', State: { Name: 'running' } }] }] },
  }, {}));
}

beforeEach(() => {
  clock = new VirtualClock();
  resetAws();
  enabledRegionsAre(['us-east-1', 'us-west-2', 'eu-west-1'], ['af-south-1']);
  cfn = new FakeCloudFormation(clock, [
    { name: 'ClassLabStack-ana', student: 'ana' },
    { name: 'ClassLabStack-ben', student: 'ben', region: 'eu-west-1' },
  ]);
});

afterEach(() => cfn.restore());

describe('teardown --all-regions', () => {
  test('a dry run shows the plan of each Region that holds a stack, one line for the rest, and deletes nothing', async () => {
    const run = await runCli(['teardown', '--all', '--all-regions'], { clock });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`=== Region us-east-1 ===\nTeardown plan for account ${ACCOUNT} (us-east-1): 1 stack`);
    expect(run.stdout).toContain(`=== Region eu-west-1 ===\nTeardown plan for account ${ACCOUNT} (eu-west-1): 1 stack`);
    expect(run.stdout).toMatch(/ClassLabStack-ben {2}student ben {2}CREATE_COMPLETE/);
    expect(run.stdout).not.toContain('=== Region us-west-2 ===');
    expect(run.stdout).toContain('  nothing of the kit in: af-south-1, us-west-2');
    expect(run.stdout.trimEnd().split('\n').pop()).toBe('Dry run: nothing was deleted. To delete in every Region: class-lab-admin teardown --all --all-regions --delete');
    expect(cfn.deleteCalls).toEqual([]);
  });

  test('--delete: each Region with stacks asks for the account id, naming the Region; both stacks go', async () => {
    const run = await runCli(['teardown', '--all', '--all-regions', '--delete'], { clock, answers: [ACCOUNT, ACCOUNT] });
    expect(run.io.questions).toEqual([
      `Type the account id ${ACCOUNT} to delete 1 stack in account ${ACCOUNT} (us-east-1): `,
      `Type the account id ${ACCOUNT} to delete 1 stack in account ${ACCOUNT} (eu-west-1): `,
    ]);
    expect(cfn.deleteCalls).toEqual([{ stack: 'ClassLabStack-ana' }, { stack: 'ClassLabStack-ben', region: 'eu-west-1' }]);
    expect(cfn.byName('ClassLabStack-ben').status).toBe('DELETE_COMPLETE');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Summary of teardown over 4 Region\(s\):\n {2}region +stacks +result\n {2}us-east-1 +1 +ok\n {2}eu-west-1 +1 +ok\n {2}nothing of the kit left in: af-south-1, us-west-2/);
  });

  test('finds and reports a leftover in a Region without any stack; the run is not complete (exit 1)', async () => {
    leftoverInstanceInUsWest2();
    const run = await runCli(['teardown', '--all', '--all-regions', '--delete', '--yes'], { clock });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/=== Region us-west-2 ===[\s\S]*cleo {2}instance {2}i-0cleo {2}billable/);
    expect(run.stdout).toMatch(/ {2}us-west-2 +0 +exit 1/);
    expect(run.stderr).toContain('[us-west-2] class-lab-admin teardown: 1 billable leftover(s) (cleo)');
  });

  test('a wrong confirmation in one Region stops the run there: nothing of that Region or after it is deleted', async () => {
    const run = await runCli(['teardown', '--all', '--all-regions', '--delete'], { clock, answers: [ACCOUNT, '999999999999'] });
    expect(run.code).toBe(3);
    expect(cfn.deleteCalls).toEqual([{ stack: 'ClassLabStack-ana' }]);
  });

  test('--json: one document with every Region\'s result', async () => {
    const run = await runCli(['teardown', '--student', 'ben,zoe', '--all-regions', '--json'], { clock });
    expect(run.code).toBe(0);
    const doc = run.json();
    expect(doc).toMatchObject({ account: ACCOUNT, ok: true, dryRun: true, regions: ['us-east-1', 'af-south-1', 'eu-west-1', 'us-west-2'], missing: ['zoe'] });
    expect(doc.results.find((r: any) => r.region === 'eu-west-1').result.plan).toEqual([expect.objectContaining({ student: 'ben', stack: 'ClassLabStack-ben' })]);
    expect(doc.results.find((r: any) => r.region === 'us-east-1').result.plan).toEqual([]);
  });
});
