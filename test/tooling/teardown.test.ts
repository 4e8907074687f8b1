import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteNetworkInterfaceCommand, DescribeInstancesCommand, DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand, DetachNetworkInterfaceCommand,
} from '@aws-sdk/client-ec2';
import { BatchDeleteImageCommand, ListImagesCommand } from '@aws-sdk/client-ecr';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { ChangeResourceRecordSetsCommand, GetHostedZoneCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { DeleteBucketCommand, DeleteObjectsCommand, HeadBucketCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { testClients, ACCOUNT, awsError, runCli, VirtualClock } from './support/harness';
import { aws, resetAws } from './support/aws-mocks';
import { FailureSpec, FakeCloudFormation, FakeStackSpec } from './support/fake-cloudformation';

const YES_PAUSE_MS = 10_000;
const lastLine = (text: string) => text.trimEnd().split('\n').pop();

/** A student environment shaped like ClassLabStack: shared network in the root, modules nested. */
function studentStack(student: string, extra: Partial<FakeStackSpec> = {}): FakeStackSpec {
  return {
    name: `ClassLabStack-${student}`,
    student,
    resources: [
      { logicalId: 'NetworkVpc', type: 'AWS::EC2::VPC', physicalId: `vpc-${student}` },
      { logicalId: 'NetworkLoadBalancer', type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', physicalId: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/lab-${student}/0123` },
      { logicalId: 'NetworkLoadBalancerSecurityGroup', type: 'AWS::EC2::SecurityGroup', physicalId: `sg-${student}-alb` },
      { logicalId: 'AppLogs', type: 'AWS::Logs::LogGroup', physicalId: `ClassLabStack-${student}-AppLogs` },
    ],
    nested: [
      {
        logicalId: 'Ec2FleetNestedStack',
        resources: [
          { logicalId: 'AutoScalingGroup', type: 'AWS::AutoScaling::AutoScalingGroup', physicalId: `asg-${student}` },
          { logicalId: 'InstanceSecurityGroup', type: 'AWS::EC2::SecurityGroup', physicalId: `sg-${student}-fleet` },
          { logicalId: 'TargetGroup', type: 'AWS::ElasticLoadBalancingV2::TargetGroup', physicalId: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/fleet-${student}/0123` },
        ],
      },
      {
        logicalId: 'S3NestedStack',
        resources: [{ logicalId: 'Bucket', type: 'AWS::S3::Bucket', physicalId: `class-lab-${student}-bucket` }],
      },
    ],
    ...extra,
  };
}

const bucketNotEmpty = (student: string): FailureSpec => ({
  nested: 'S3NestedStack', logicalId: 'Bucket', type: 'AWS::S3::Bucket', physicalId: `class-lab-${student}-bucket`,
  reason: 'The bucket you tried to delete is not empty. You must delete all versions in the bucket. (Service: S3, Status Code: 409)',
});

let clock: VirtualClock;
let cfn: FakeCloudFormation;

function account(specs: FakeStackSpec[]): void {
  cfn = new FakeCloudFormation(clock, specs);
}

beforeEach(() => {
  clock = new VirtualClock();
  resetAws();
});

afterEach(() => cfn?.restore());

describe('teardown selects only what the kit owns', () => {
  test('a dry run prints the plan, with what each stack holds, and deletes nothing', async () => {
    account([studentStack('ana'), studentStack('ben')]);
    const run = await runCli(['teardown', '--student', 'ana'], { clock });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Teardown plan for account ${ACCOUNT} (us-east-1): 1 stack`);
    expect(run.stdout).toMatch(/ClassLabStack-ana {2}student ana {2}CREATE_COMPLETE/);
    expect(run.stdout).toContain('holds 8 resources: 1 x AutoScaling::AutoScalingGroup, 2 x EC2::SecurityGroup, 1 x EC2::VPC, '
      + '1 x ElasticLoadBalancingV2::LoadBalancer, 1 x ElasticLoadBalancingV2::TargetGroup, 1 x Logs::LogGroup, 1 x S3::Bucket');
    expect(run.stdout).toContain('Dry run: nothing was deleted. To delete: class-lab-admin teardown --student ana --delete');
    expect(run.stdout).not.toContain('ClassLabStack-ben');
    expect(cfn.deleteCalls).toEqual([]);
  });

  test('--all never touches stacks without the kit tags, of another course, or nested ones', async () => {
    account([
      studentStack('ana'),
      { name: 'ProductionStack', student: null },
      { name: 'ClassLabStack-old', student: 'old', tags: { course: 'class-02' } },
    ]);
    const run = await runCli(['teardown', '--all', '--delete', '--yes', '--json'], { clock });
    expect(run.code).toBe(0);
    expect(cfn.deleteCalls.map((c) => c.stack)).toEqual(['ClassLabStack-ana']);
    expect(run.json().plan.map((p: any) => p.stack)).toEqual(['ClassLabStack-ana']);
  });

  test('nothing selected is a refusal, also on a second run after everything is gone', async () => {
    account([studentStack('ana'), { name: 'ProductionStack', student: null }]);
    const none = await runCli(['teardown', '--student', 'zoe', '--delete', '--yes'], { clock });
    expect(none.code).toBe(3);
    expect(lastLine(none.stderr)).toBe(`class-lab-admin: nothing selected: no Class Lab stack for zoe in account ${ACCOUNT} (us-east-1); see \`class-lab-admin status\``);
    const first = await runCli(['teardown', '--all', '--delete', '--yes'], { clock });
    expect(first.code).toBe(0);
    const again = await runCli(['teardown', '--all', '--delete', '--yes'], { clock });
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('nothing selected');
    expect(cfn.deleteCalls.map((c) => c.stack)).toEqual(['ClassLabStack-ana']);
  });

  test('names a student that has no stack next to the ones it found', async () => {
    account([studentStack('ana')]);
    const run = await runCli(['teardown', '--student', 'ana,zoe'], { clock });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no stack for: zoe');
  });
});

describe('teardown asks before deleting', () => {
  test('deletes after the account id is typed', async () => {
    account([studentStack('ana')]);
    const run = await runCli(['teardown', '--student', 'ana', '--delete'], { clock, answers: [ACCOUNT] });
    expect(run.io.questions).toEqual([`Type the account id ${ACCOUNT} to delete 1 stack in account ${ACCOUNT} (us-east-1): `]);
    expect(run.code).toBe(0);
    expect(cfn.deleteCalls).toEqual([{ stack: 'ClassLabStack-ana', retain: undefined }]);
  });

  test('refuses when the typed id is not the account', async () => {
    account([studentStack('ana')]);
    const run = await runCli(['teardown', '--student', 'ana', '--delete'], { clock, answers: ['123456789012'] });
    expect(run.code).toBe(3);
    expect(lastLine(run.stderr)).toBe(`class-lab-admin: confirmation "123456789012" does not match account ${ACCOUNT}; nothing was deleted`);
    expect(cfn.deleteCalls).toEqual([]);
  });

  test('refuses without a terminal to confirm on, unless --yes', async () => {
    account([studentStack('ana')]);
    const run = await runCli(['teardown', '--student', 'ana', '--delete'], { clock, answers: [undefined] });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('no confirmation');
    expect(run.stderr).toContain('--yes');
    expect(cfn.deleteCalls).toEqual([]);
  });

  test('--yes pauses (on the injected clock) before the first delete', async () => {
    account([studentStack('ana')]);
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes'], { clock });
    expect(run.code).toBe(0);
    expect(clock.sleeps[0]).toBe(YES_PAUSE_MS);
    expect(run.stderr).toContain('press Ctrl-C to stop');
  });

  test('refuses in an account that is not on the allowlist, before looking at any stack', async () => {
    account([studentStack('ana')]);
    const flag = await runCli(['teardown', '--all', '--delete', '--yes', '--allowed-accounts', '999988887777,444455556666'], { clock });
    expect(flag.code).toBe(3);
    expect(lastLine(flag.stderr)).toBe(`class-lab-admin: account ${ACCOUNT} is not in the allowed accounts (999988887777, 444455556666); nothing was deleted`);
    const env = await runCli(['teardown', '--all'], { clock, env: { CLASS_LAB_ALLOWED_ACCOUNTS: '999988887777' } });
    expect(env.code).toBe(3);
    expect(cfn.mock.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    const allowed = await runCli(['teardown', '--all'], { clock, env: { CLASS_LAB_ALLOWED_ACCOUNTS: `999988887777,${ACCOUNT}` } });
    expect(allowed.code).toBe(0);
  });
});

describe('teardown deletes completely', () => {
  test('a normal delete: progress while waiting, nothing left, exit 0', async () => {
    account([studentStack('ana', { deleteSeconds: 95 })]);
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes', '--json'], { clock });
    expect(run.code).toBe(0);
    const doc = run.json();
    expect(doc.ok).toBe(true);
    expect(doc.outcomes).toEqual([expect.objectContaining({ stack: 'ClassLabStack-ana', student: 'ana', result: 'deleted', attempts: 1, stuck: [], retained: [] })]);
    expect(doc.leftovers).toEqual({ ana: [] });
    expect(run.stderr).toContain('ClassLabStack-ana (ana): DELETE_IN_PROGRESS (10s)');
    expect(run.stderr).toContain('ClassLabStack-ana (ana): DELETE_COMPLETE (1m40s)');
    // Polled every 10 s on the injected clock, no real sleep.
    expect(clock.sleeps.filter((ms) => ms === 10_000).length).toBeGreaterThanOrEqual(9);
  });

  test('a stack already gone when its turn comes counts as deleted, without a DeleteStack call', async () => {
    account([studentStack('ana', { goneAfterListing: true })]);
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes', '--json'], { clock });
    expect(run.code).toBe(0);
    expect(run.json().outcomes[0].result).toBe('already-gone');
    expect(cfn.deleteCalls).toEqual([]);
  });

  test('survives throttling: CloudFormation says "Rate exceeded" and the tool backs off and goes on', async () => {
    account([studentStack('ana')]);
    cfn.throttle('DescribeStacks', 3);
    cfn.throttle('DeleteStack', 2);
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes'], { clock });
    expect(run.code).toBe(0);
    // Listing backs off 1, 2, 4 s; then the --yes pause; then DeleteStack backs off 1, 2 s; then the first poll.
    expect(clock.sleeps.slice(0, 7)).toEqual([1000, 2000, 4000, YES_PAUSE_MS, 1000, 2000, 10_000]);
    expect(cfn.deleteCalls.map((c) => c.stack)).toEqual(['ClassLabStack-ana']);
  });

  test('the SDK clients also retry throttling themselves, with more tries than the default 3', async () => {
    expect(await testClients().cloudformation.config.maxAttempts()).toBe(6);
  });

  test('gives up waiting after --timeout and says so, exit 1', async () => {
    account([studentStack('ana', { deleteSeconds: 3600 })]);
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes', '--timeout', '5'], { clock });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('timed-out');
    expect(run.stdout).toContain('still DELETE_IN_PROGRESS after 5m00s; run teardown again to keep waiting');
    expect(run.stderr).toContain('class-lab-admin teardown: 1 stack(s) not deleted (ClassLabStack-ana)');
    expect(clock.elapsed()).toBeLessThanOrEqual(YES_PAUSE_MS + 5 * 60_000);
  });
});
