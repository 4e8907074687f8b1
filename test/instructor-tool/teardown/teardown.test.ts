import { DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DeleteLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteNetworkInterfaceCommand, DescribeInstancesCommand, DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand, DescribeVolumesCommand,
  DetachNetworkInterfaceCommand,
} from '@aws-sdk/client-ec2';
import { BatchDeleteImageCommand, ListImagesCommand } from '@aws-sdk/client-ecr';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { ChangeResourceRecordSetsCommand, GetHostedZoneCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { DeleteBucketCommand, DeleteObjectsCommand, HeadBucketCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { testClients, ACCOUNT, awsError, runCli, VirtualClock } from '../support/harness';
import { aws, resetAws } from '../support/aws-mocks';
import { FailureSpec, FakeCloudFormation, FakeStackSpec } from '../support/fake-cloudformation';

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

  test('a student without a stack is scanned for leftovers; running again after everything is gone exits 0 and deletes nothing', async () => {
    account([studentStack('ana'), { name: 'ProductionStack', student: null }]);
    const none = await runCli(['teardown', '--student', 'zoe', '--delete', '--yes'], { clock });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('no stack for: zoe');
    expect(none.stdout.trimEnd().split('\n').pop()).toBe('Teardown complete: no stack left for zoe, nothing billable left.');
    const first = await runCli(['teardown', '--all', '--delete', '--yes'], { clock });
    expect(first.code).toBe(0);
    const again = await runCli(['teardown', '--all', '--delete', '--yes'], { clock });
    expect(again.code).toBe(0);
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

  // The refusal quotes what was typed without the spaces around it.
  test.each(['123456789012', ' 123456789012 '])('refuses when the typed id (%j) is not the account', async (typed) => {
    account([studentStack('ana')]);
    const run = await runCli(['teardown', '--student', 'ana', '--delete'], { clock, answers: [typed] });
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
    expect(run.stdout).toContain('still DELETE_IN_PROGRESS after 5m00s (--timeout); run teardown again to keep going');
    expect(run.stderr).toContain('class-lab-admin teardown: 1 stack(s) not deleted (ClassLabStack-ana)');
    expect(clock.elapsed()).toBeLessThanOrEqual(YES_PAUSE_MS + 5 * 60_000);
  });
});

/** A log group whose delete fails with an internal error (the stack's AppLogs). */
const logs: FailureSpec = { logicalId: 'AppLogs', type: 'AWS::Logs::LogGroup', physicalId: 'ClassLabStack-ana-AppLogs', reason: 'Internal Failure' };

/** The sweep's own deletes of a skipped bucket (empty) and log group succeed. */
function sweepSucceeds(): void {
  aws.s3.on(ListObjectVersionsCommand).resolves({ Versions: [], IsTruncated: false });
  aws.s3.on(DeleteBucketCommand).resolves({});
  aws.logs.on(DeleteLogGroupCommand).resolves({});
}

describe('teardown clears what makes CloudFormation answer DELETE_FAILED', () => {
  test('a versioned bucket with objects in a nested stack: reads why from the nested events, empties every version and delete marker, retries', async () => {
    account([studentStack('ana', { attempts: [[bucketNotEmpty('ana')], 'ok'] })]);
    aws.s3.on(ListObjectVersionsCommand)
      .resolvesOnce({
        Versions: [{ Key: 'notes.txt', VersionId: 'v1' }, { Key: 'notes.txt', VersionId: 'v2' }],
        DeleteMarkers: [{ Key: 'old.txt', VersionId: 'm1' }],
        IsTruncated: true, NextKeyMarker: 'old.txt', NextVersionIdMarker: 'm1',
      })
      .resolvesOnce({ Versions: [{ Key: 'photo.jpg', VersionId: 'v3' }], IsTruncated: false });
    aws.s3.on(DeleteObjectsCommand).resolves({});
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes', '--json'], { clock });
    expect(run.code).toBe(0);
    expect(aws.s3.commandCalls(ListObjectVersionsCommand)[1].args[0].input).toMatchObject({ Bucket: 'class-lab-ana-bucket', KeyMarker: 'old.txt', VersionIdMarker: 'm1' });
    const deleted = aws.s3.commandCalls(DeleteObjectsCommand).flatMap((c) => c.args[0].input.Delete!.Objects!);
    expect(deleted).toEqual([
      { Key: 'notes.txt', VersionId: 'v1' }, { Key: 'notes.txt', VersionId: 'v2' }, { Key: 'old.txt', VersionId: 'm1' }, { Key: 'photo.jpg', VersionId: 'v3' },
    ]);
    const outcome = run.json().outcomes[0];
    expect(outcome).toMatchObject({ result: 'deleted', attempts: 2 });
    expect(outcome.stuck.map((s: any) => [s.logicalId, s.type])).toEqual([
      ['S3NestedStack', 'AWS::CloudFormation::Stack'], ['Bucket', 'AWS::S3::Bucket'],
    ]);
    expect(outcome.stuck[1].reason).toContain('The bucket you tried to delete is not empty');
    expect(outcome.cleared).toEqual(['emptied bucket class-lab-ana-bucket (3 object version(s), 1 delete marker(s))']);
  });

  test('an ECR repository that still holds images: deletes them all, page by page', async () => {
    const repo: FailureSpec = {
      logicalId: 'Repository', type: 'AWS::ECR::Repository', physicalId: 'class-lab-ana-app',
      reason: `Resource handler returned message: "The repository with name 'class-lab-ana-app' in registry with id '${ACCOUNT}' cannot be deleted because it still contains images"`,
    };
    account([studentStack('ana', { attempts: [[repo], 'ok'] })]);
    aws.ecr.on(ListImagesCommand)
      .resolvesOnce({ imageIds: [{ imageDigest: 'sha256:aa', imageTag: 'v1' }, { imageDigest: 'sha256:bb' }], nextToken: 't2' })
      .resolvesOnce({ imageIds: [{ imageDigest: 'sha256:cc', imageTag: 'latest' }] });
    aws.ecr.on(BatchDeleteImageCommand).resolves({ failures: [] });
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes'], { clock });
    expect(run.code).toBe(0);
    expect(aws.ecr.commandCalls(BatchDeleteImageCommand).map((c) => c.args[0].input)).toEqual([{
      repositoryName: 'class-lab-ana-app',
      imageIds: [{ imageDigest: 'sha256:aa', imageTag: 'v1' }, { imageDigest: 'sha256:bb' }, { imageDigest: 'sha256:cc', imageTag: 'latest' }],
    }]);
    expect(run.stdout).toContain('cleared: deleted 3 image(s) from repository class-lab-ana-app');
  });

  test('a hosted zone with records the stack did not create: deletes all but the apex SOA and NS', async () => {
    const zone: FailureSpec = {
      logicalId: 'HostedZone', type: 'AWS::Route53::HostedZone', physicalId: 'Z0ANA',
      reason: 'The specified hosted zone contains non-required resource record sets and so cannot be deleted.',
    };
    account([studentStack('ana', { attempts: [[zone], 'ok'] })]);
    aws.route53.on(GetHostedZoneCommand, { Id: 'Z0ANA' }).resolves({ HostedZone: { Id: '/hostedzone/Z0ANA', Name: 'ana.class.internal.', CallerReference: 'x' } });
    const soa = { Name: 'ana.class.internal.', Type: 'SOA' as const, TTL: 900, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org. hostmaster 1 7200 900 1209600 86400' }] };
    const ns = { Name: 'ana.class.internal.', Type: 'NS' as const, TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }] };
    const web = { Name: 'web.ana.class.internal.', Type: 'A' as const, AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'lab.elb.amazonaws.com.', EvaluateTargetHealth: false } };
    const note = { Name: 'note.ana.class.internal.', Type: 'TXT' as const, TTL: 60, ResourceRecords: [{ Value: '"added by hand"' }] };
    const delegated = { Name: 'sub.ana.class.internal.', Type: 'NS' as const, TTL: 60, ResourceRecords: [{ Value: 'ns-2.awsdns-02.net.' }] };
    aws.route53.on(ListResourceRecordSetsCommand)
      .resolvesOnce({ ResourceRecordSets: [ns, soa, note], IsTruncated: true, NextRecordName: 'sub.ana.class.internal.', NextRecordType: 'NS', MaxItems: 3 })
      .resolvesOnce({ ResourceRecordSets: [delegated, web], IsTruncated: false, MaxItems: 3 });
    aws.route53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: 'c1', Status: 'PENDING', SubmittedAt: new Date() } });
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes'], { clock });
    expect(run.code).toBe(0);
    const changes = aws.route53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch!.Changes!;
    expect(changes).toEqual([note, delegated, web].map((r) => ({ Action: 'DELETE', ResourceRecordSet: r })));
    expect(run.stdout).toContain('cleared: deleted 3 record(s) from hosted zone ana.class.internal.');
  });

  test('network interfaces still in use: waits for the task ENI to be released, detaches an extra ENI, deletes both', async () => {
    const sg: FailureSpec = {
      nested: 'Ec2FleetNestedStack', logicalId: 'InstanceSecurityGroup', type: 'AWS::EC2::SecurityGroup', physicalId: 'sg-ana-fleet',
      reason: 'resource sg-ana-fleet has a dependent object (Service: Ec2, Status Code: 400)',
    };
    account([studentStack('ana', { attempts: [[sg], 'ok'] })]);
    const taskEni = { NetworkInterfaceId: 'eni-task', InterfaceType: 'interface' as const, RequesterManaged: true, Description: `arn:aws:ecs:us-east-1:${ACCOUNT}:attachment/abc` };
    const extraEni = { NetworkInterfaceId: 'eni-extra', InterfaceType: 'interface' as const, RequesterManaged: false, Description: 'added by a student' };
    aws.ec2.on(DescribeNetworkInterfacesCommand, { Filters: [{ Name: 'group-id', Values: ['sg-ana-fleet'] }] })
      .resolvesOnce({ NetworkInterfaces: [
        { ...taskEni, Status: 'in-use', Attachment: { AttachmentId: 'eni-attach-task', DeviceIndex: 1 } },
        { ...extraEni, Status: 'in-use', Attachment: { AttachmentId: 'eni-attach-1', InstanceId: 'i-0abc', DeviceIndex: 1 } },
      ] })
      .resolvesOnce({ NetworkInterfaces: [{ ...taskEni, Status: 'in-use' }, { ...extraEni, Status: 'detaching' }] })
      .resolvesOnce({ NetworkInterfaces: [{ ...taskEni, Status: 'available' }, { ...extraEni, Status: 'available' }] })
      .resolves({ NetworkInterfaces: [] });
    aws.ec2.on(DetachNetworkInterfaceCommand).resolves({});
    aws.ec2.on(DeleteNetworkInterfaceCommand).resolves({});
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes'], { clock });
    expect(run.code).toBe(0);
    // The task's ENI belongs to ECS: never detached by force, only waited for.
    expect(aws.ec2.commandCalls(DetachNetworkInterfaceCommand).map((c) => c.args[0].input)).toEqual([{ AttachmentId: 'eni-attach-1', Force: true }]);
    expect(aws.ec2.commandCalls(DeleteNetworkInterfaceCommand).map((c) => c.args[0].input.NetworkInterfaceId)).toEqual(['eni-task', 'eni-extra']);
    expect(run.stderr).toContain('waiting for 2 network interface(s) (group-id sg-ana-fleet) to be released');
    expect(run.stdout).toContain('cleared: freed network interfaces of sg-ana-fleet (2 deleted, 1 detached)');
  });

  test('last resort: forces the root delete (FORCE_DELETE_STACK), then the nested stack it left without a parent, then sweeps what was skipped', async () => {
    account([studentStack('ana', { attempts: [[bucketNotEmpty('ana'), logs]] })]);
    sweepSucceeds();
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes', '--json'], { clock });
    expect(run.code).toBe(0);
    const nested = cfn.byName('ClassLabStack-ana-S3NestedStack-NESTED');
    expect(cfn.deleteCalls).toEqual([
      { stack: 'ClassLabStack-ana', retain: undefined },
      { stack: 'ClassLabStack-ana', retain: undefined },
      { stack: 'ClassLabStack-ana', retain: undefined },
      { stack: 'ClassLabStack-ana', retain: undefined, force: true },
      { stack: nested.name, retain: undefined, force: true },
    ]);
    expect(aws.s3.commandCalls(DeleteBucketCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'class-lab-ana-bucket' }]);
    expect(aws.logs.commandCalls(DeleteLogGroupCommand).map((c) => c.args[0].input)).toEqual([{ logGroupName: 'ClassLabStack-ana-AppLogs' }]);
    const outcome = run.json().outcomes[0];
    expect(outcome).toMatchObject({ result: 'deleted', attempts: 4 });
    expect(outcome.retained).toHaveLength(2);
    expect(outcome.retained).toEqual(expect.arrayContaining([
      expect.objectContaining({ logicalId: 'Bucket', swept: true, text: 'deleted bucket class-lab-ana-bucket' }),
      expect.objectContaining({ logicalId: 'AppLogs', swept: true, text: 'deleted log group ClassLabStack-ana-AppLogs' }),
    ]));
  });
});

describe('what a forced delete newly skips', () => {
  test('a nested stack that fails only in the forced run: read from ListStackResources (DELETE_SKIPPED), deleted itself, its skipped bucket swept', async () => {
    account([studentStack('ana', { attempts: [[logs]], forceFailures: [bucketNotEmpty('ana')] })]);
    sweepSucceeds();
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes', '--json'], { clock });
    expect(run.code).toBe(0);
    const nested = cfn.byName('ClassLabStack-ana-S3NestedStack-NESTED');
    expect(cfn.deleteCalls.slice(-2)).toEqual([{ stack: 'ClassLabStack-ana', retain: undefined, force: true }, { stack: nested.name, retain: undefined, force: true }]);
    expect(aws.s3.commandCalls(DeleteBucketCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'class-lab-ana-bucket' }]);
    expect(run.json().outcomes[0].retained).toEqual(expect.arrayContaining([
      expect.objectContaining({ logicalId: 'Bucket', swept: true }), expect.objectContaining({ logicalId: 'AppLogs', swept: true }),
    ]));
  });
});

describe('teardown keeps going when one stack cannot be deleted', () => {
  test('access denied on one stack is that stack\'s failure; the other is deleted; exit 1', async () => {
    account([studentStack('ana'), studentStack('ben')]);
    cfn.mock.on(DeleteStackCommand, { StackName: cfn.byName('ClassLabStack-ana').id })
      .rejects(awsError('AccessDenied', 'User is not authorized to perform: cloudformation:DeleteStack'));
    const run = await runCli(['teardown', '--all', '--delete', '--yes', '--json'], { clock });
    expect(run.code).toBe(1);
    const outcomes = run.json().outcomes;
    expect(outcomes.map((o: any) => [o.student, o.result])).toEqual([['ana', 'failed'], ['ben', 'deleted']]);
    expect(outcomes[0].reason).toBe('access denied (AccessDenied): User is not authorized to perform: cloudformation:DeleteStack');
    expect(lastLine(run.stderr)).toBe('class-lab-admin teardown: 1 stack(s) not deleted (ClassLabStack-ana)');
  });

  test('a leftover scan that fails is reported, never taken for "nothing left"', async () => {
    account([studentStack('ana')]);
    aws.tagging.on(GetResourcesCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: tag:GetResources'));
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes'], { clock });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('ana: could not scan for leftovers: access denied (AccessDeniedException)');
    expect(lastLine(run.stderr)).toBe('class-lab-admin teardown: leftovers not scanned (ana)');
  });
});

describe('teardown reports leftovers per student', () => {
  test('a bucket the tags still point to is a billable leftover: exit 1; a terminated instance is not a leftover', async () => {
    account([studentStack('ana'), studentStack('ben')]);
    aws.tagging.on(GetResourcesCommand, { TagFilters: expect.arrayContaining([{ Key: 'student', Values: ['ben'] }]) as any }).resolves({
      ResourceTagMappingList: [
        { ResourceARN: 'arn:aws:s3:::class-lab-ben-bucket' },
        { ResourceARN: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0dead` },
      ],
    });
    aws.s3.on(HeadBucketCommand, { Bucket: 'class-lab-ben-bucket' }).resolves({});
    aws.ec2.on(DescribeInstancesCommand, { InstanceIds: ['i-0dead'] }).resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-0dead', State: { Name: 'terminated', Code: 48 } }] }] });
    aws.ec2.on(DescribeSecurityGroupsCommand, { GroupIds: ['sg-ben-alb'] }).resolves({ SecurityGroups: [{ GroupId: 'sg-ben-alb' }] });
    const run = await runCli(['teardown', '--all', '--delete', '--yes', '--json'], { clock });
    expect(run.code).toBe(1);
    const doc = run.json();
    expect(doc.ok).toBe(false);
    expect(doc.leftovers.ana).toEqual([]);
    expect(doc.leftovers.ben).toEqual([
      { student: 'ben', kind: 'security-group', id: 'sg-ben-alb', billable: false, foundBy: 'stack', command: 'aws ec2 delete-security-group --group-id sg-ben-alb' },
      expect.objectContaining({ student: 'ben', kind: 'bucket', id: 'class-lab-ben-bucket', billable: true, foundBy: 'stack', command: expect.stringContaining('aws s3 rb --force s3://class-lab-ben-bucket') }),
    ]);
    expect(lastLine(run.stderr)).toBe('class-lab-admin teardown: 1 billable leftover(s) (ben)');
  });

  test('the human report lists leftovers per student and ends with why it failed', async () => {
    account([studentStack('ana')]);
    aws.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: 'ClassLabStack-ana-AppLogs' }] });
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes'], { clock });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/ana {2}log-group {2}ClassLabStack-ana-AppLogs {2}billable {2}found by stack/);
    expect(run.stdout).toContain('delete: aws logs delete-log-group --log-group-name ClassLabStack-ana-AppLogs');
    expect(run.stdout.trimEnd().split('\n').pop()).toBe('Teardown incomplete: 1 billable leftover(s) (ana). Run it again, or delete the leftovers with the commands shown.');
  });
});

describe('teardown deletes concurrently, with a bound', () => {
  const students = ['ana', 'ben', 'cai', 'dee', 'eli', 'fay', 'gus', 'hal'];

  async function timeToDelete(names: string[], concurrency: number): Promise<{ ms: number; maxInFlight: number }> {
    clock = new VirtualClock();
    cfn?.restore();
    account(names.map((s) => studentStack(s, { deleteSeconds: 120 })));
    const run = await runCli(['teardown', '--all', '--delete', '--yes', '--concurrency', String(concurrency)], { clock });
    expect(run.code).toBe(0);
    return { ms: clock.elapsed() - YES_PAUSE_MS, maxInFlight: cfn.maxInFlight };
  }

  test('eight stacks at --concurrency 8 take about one stack\'s time; at 2 they take four rounds and never more than 2 at once', async () => {
    const one = await timeToDelete(['ana'], 8);
    const all = await timeToDelete(students, 8);
    const two = await timeToDelete(students, 2);
    expect(one.ms).toBe(120_000); // 120 s of deleting, polled every 10 s
    expect(all.ms).toBeLessThanOrEqual(one.ms + 10_000);
    expect(all.maxInFlight).toBe(8);
    expect(two.ms).toBe(4 * one.ms);
    expect(two.maxInFlight).toBe(2);
  });
});

describe('teardown: the command line and the confirmation', () => {
  test('--all with --student, or neither, is a usage error (exit 2) followed by the teardown usage; nothing is deleted', async () => {
    account([studentStack('ana')]);
    const both = await runCli(['teardown', '--all', '--student', 'ana', '--delete', '--yes'], { clock });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('class-lab-admin: --all and --student exclude each other');
    expect(both.stderr).toContain('Usage: class-lab-admin teardown (--student <id>... | --all)');
    const neither = await runCli(['teardown', '--delete', '--yes'], { clock });
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('class-lab-admin: choose whom to tear down: --student <id> (repeat it or give a comma list) or --all');
    expect(neither.stderr).toContain('Usage: class-lab-admin teardown (--student <id>... | --all)');
    expect(cfn.deleteCalls).toEqual([]);
  });

  test('the question counts the stacks; the typed id may carry spaces around it', async () => {
    account([studentStack('ana'), studentStack('ben')]);
    const run = await runCli(['teardown', '--all', '--delete'], { clock, answers: [`  ${ACCOUNT} `] });
    expect(run.io.questions).toEqual([`Type the account id ${ACCOUNT} to delete 2 stacks in account ${ACCOUNT} (us-east-1): `]);
    expect(run.code).toBe(0);
    expect(cfn.deleteCalls.map((c) => c.stack)).toEqual(['ClassLabStack-ana', 'ClassLabStack-ben']);
  });

  test('nothing to delete, nothing to confirm: a --delete run without a terminal still scans the students and exits 0', async () => {
    account([]);
    const run = await runCli(['teardown', '--student', 'zoe', '--delete'], { clock, answers: [undefined] });
    expect(run.io.questions).toEqual([]);
    expect(run.code).toBe(0);
    expect(lastLine(run.stdout)).toBe('Teardown complete: no stack left for zoe, nothing billable left.');
  });
});

describe('teardown: the dry run tells the command that deletes', () => {
  test('students without a stack: the command names them sorted, comma-separated, and says it scans for leftovers', async () => {
    account([]);
    const run = await runCli(['teardown', '--student', 'zoe,amy'], { clock });
    expect(run.code).toBe(0);
    expect(lastLine(run.stdout)).toBe('Dry run: nothing was deleted. To delete (and scan for leftovers): class-lab-admin teardown --student amy,zoe --delete');
  });

  test('--all: the command repeats --all', async () => {
    account([studentStack('ana')]);
    const run = await runCli(['teardown', '--all'], { clock });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`Looking for Class Lab stacks in account ${ACCOUNT}, us-east-1...`);
    expect(lastLine(run.stdout)).toBe('Dry run: nothing was deleted. To delete: class-lab-admin teardown --all --delete');
    expect(cfn.deleteCalls).toEqual([]);
  });

  test('--json: an ok dry-run document whose plan marks a root stack as no orphan', async () => {
    account([studentStack('ana')]);
    const run = await runCli(['teardown', '--student', 'ana', '--json'], { clock });
    expect(run.code).toBe(0);
    const doc = run.json();
    expect(doc).toMatchObject({ account: ACCOUNT, region: 'us-east-1', ok: true, dryRun: true, missing: [] });
    expect(doc.plan).toEqual([expect.objectContaining({ student: 'ana', stack: 'ClassLabStack-ana', orphan: false, status: 'CREATE_COMPLETE' })]);
    expect(cfn.deleteCalls).toEqual([]);
  });
});

describe('teardown --all: the students the kit\'s tags name', () => {
  // GetResources answers AccessDeniedException without tag:GetResources, and ExpiredTokenException
  // once session credentials expire (errors common to all AWS APIs):
  // https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html
  // https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html
  test('a tagging API that refuses only narrows the scan: it says so, still deletes, and reports the students with stacks as not scanned', async () => {
    account([studentStack('ana')]);
    aws.tagging.on(GetResourcesCommand).rejects(awsError('AccessDeniedException', 'User is not authorized to perform: tag:GetResources'));
    const run = await runCli(['teardown', '--all', '--delete', '--yes', '--json'], { clock });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Could not list students by the kit's tags: access denied (AccessDeniedException): User is not authorized to perform: tag:GetResources");
    expect(cfn.deleteCalls.map((c) => c.stack)).toEqual(['ClassLabStack-ana']);
    const doc = run.json();
    expect(doc).toMatchObject({ ok: false, exitCode: 1, dryRun: false });
    expect(Object.keys(doc.leftovers)).toEqual(['ana']);
    expect(Object.keys(doc.unscanned)).toEqual(['ana']);
  });

  test('credentials that expired while listing the students stop the run before any delete, exit 4', async () => {
    account([studentStack('ana')]);
    aws.tagging.on(GetResourcesCommand).rejects(awsError('ExpiredTokenException', 'The security token included in the request is expired'));
    const run = await runCli(['teardown', '--all', '--delete', '--yes'], { clock });
    expect(run.code).toBe(4);
    expect(lastLine(run.stderr)).toBe('class-lab-admin: AWS credentials have expired (ExpiredTokenException): refresh them (Learner Lab: start the lab again and copy new credentials)');
    expect(cfn.deleteCalls).toEqual([]);
  });
});

describe('teardown: the last line an instructor reads', () => {
  test('counts the stacks gone: 1 stack, 2 stacks', async () => {
    account([studentStack('ana'), studentStack('ben')]);
    const one = await runCli(['teardown', '--student', 'ana', '--delete', '--yes'], { clock });
    expect(one.code).toBe(0);
    expect(one.stderr).toContain('Scanning for leftovers...');
    expect(lastLine(one.stdout)).toBe('Teardown complete: 1 stack gone, nothing billable left.');
    cfn.restore();
    account([studentStack('ana'), studentStack('ben')]);
    const two = await runCli(['teardown', '--all', '--delete', '--yes'], { clock });
    expect(two.code).toBe(0);
    expect(lastLine(two.stdout)).toBe('Teardown complete: 2 stacks gone, nothing billable left.');
  });

  test('no stack left: names the students scanned, sorted; with --all in an empty account names nobody', async () => {
    account([]);
    const named = await runCli(['teardown', '--student', 'zoe', '--student', 'amy', '--delete', '--yes'], { clock });
    expect(named.code).toBe(0);
    expect(lastLine(named.stdout)).toBe('Teardown complete: no stack left for amy, zoe, nothing billable left.');
    const all = await runCli(['teardown', '--all', '--delete', '--yes'], { clock });
    expect(all.code).toBe(0);
    expect(lastLine(all.stdout)).toBe('Teardown complete: no stack left, nothing billable left.');
  });

  test('several problems at once: every stack not deleted and every student not scanned, joined with "; "', async () => {
    account([studentStack('ana', { deleteSeconds: 3600 }), studentStack('ben', { deleteSeconds: 3600 })]);
    aws.tagging.on(GetResourcesCommand).rejects(awsError('AccessDeniedException', 'User is not authorized to perform: tag:GetResources'));
    const run = await runCli(['teardown', '--student', 'ana', '--student', 'ben', '--delete', '--yes', '--timeout', '5'], { clock });
    expect(run.code).toBe(1);
    expect(lastLine(run.stdout)).toBe('Teardown incomplete: 2 stack(s) not deleted (ClassLabStack-ana, ClassLabStack-ben); leftovers not scanned (ana, ben). '
      + 'Run it again, or delete the leftovers with the commands shown.');
    expect(lastLine(run.stderr)).toBe('class-lab-admin teardown: 2 stack(s) not deleted (ClassLabStack-ana, ClassLabStack-ben); leftovers not scanned (ana, ben)');
  });
});

describe('teardown: credentials that stop working mid-run end it with exit 4', () => {
  // CloudFormation (a Query API) answers ExpiredToken, the tagging API ExpiredTokenException:
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html
  // https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html
  const expired = (name: string) => awsError(name, 'The security token included in the request is expired');

  test('while deleting a stack: that stack failed, nothing cleared, the others go on; exit 4 and "refresh the credentials"', async () => {
    account([studentStack('ana'), studentStack('ben')]);
    cfn.mock.on(DeleteStackCommand, { StackName: cfn.byName('ClassLabStack-ana').id }).rejects(expired('ExpiredToken'));
    const run = await runCli(['teardown', '--all', '--delete', '--yes', '--json'], { clock });
    expect(run.code).toBe(4);
    const doc = run.json();
    expect(doc).toMatchObject({ ok: false, exitCode: 4, dryRun: false });
    const reason = 'AWS credentials have expired (ExpiredToken): refresh them (Learner Lab: start the lab again and copy new credentials)';
    expect(doc.outcomes[0]).toMatchObject({ stack: 'ClassLabStack-ana', student: 'ana', result: 'failed', reason, stuck: [], cleared: [], retained: [], awsUnusable: true });
    expect(doc.outcomes[1]).toMatchObject({ stack: 'ClassLabStack-ben', result: 'deleted' });
    expect(run.stderr).toContain(`ClassLabStack-ana (ana): ${reason}`);
    const again = await runCli(['teardown', '--student', 'ana', '--delete', '--yes'], { clock });
    expect(again.code).toBe(4);
    expect(lastLine(again.stdout)).toBe('Teardown incomplete: 1 stack(s) not deleted (ClassLabStack-ana). Refresh the AWS credentials and run it again.');
  });

  test('while scanning for leftovers after the deletes: the student is not scanned; exit 4 and "refresh the credentials"', async () => {
    account([studentStack('ana')]);
    aws.tagging.on(GetResourcesCommand).rejects(expired('ExpiredTokenException'));
    const run = await runCli(['teardown', '--student', 'ana', '--delete', '--yes'], { clock });
    expect(run.code).toBe(4);
    expect(cfn.deleteCalls.map((c) => c.stack)).toEqual(['ClassLabStack-ana']);
    expect(run.stdout).toContain('ana: could not scan for leftovers: AWS credentials have expired (ExpiredTokenException)');
    expect(lastLine(run.stdout)).toBe('Teardown incomplete: leftovers not scanned (ana). Refresh the AWS credentials and run it again.');
  });
});

describe('teardown: the log groups Lambda created', () => {
  // Lambda writes to /aws/lambda/<function name>, a log group the stack does not own:
  // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
  const withFunction = (student: string, extra: Partial<FakeStackSpec>): FakeStackSpec => studentStack(student, {
    resources: [...studentStack(student).resources!, { logicalId: 'Handler', type: 'AWS::Lambda::Function', physicalId: `ClassLabStack-${student}-Handler` }],
    ...extra,
  });

  test('are deleted for a stack that is gone (already gone counts), never for one still deleting', async () => {
    aws.logs.on(DeleteLogGroupCommand).resolves({});
    // Someone else deleted the stack (no nested stacks here) between the listing and the delete.
    account([withFunction('ana', { goneAfterListing: true, nested: [] })]);
    const gone = await runCli(['teardown', '--student', 'ana', '--delete', '--yes', '--json'], { clock });
    expect(gone.code).toBe(0);
    expect(gone.json().outcomes.map((o: any) => o.result)).toEqual(['already-gone']);
    expect(gone.json().outcomes[0].cleared).toEqual(['deleted log group /aws/lambda/ClassLabStack-ana-Handler that Lambda created for Handler']);
    cfn.restore();
    account([withFunction('ben', { deleteSeconds: 3600 }), withFunction('cai', { deleteSeconds: 60 })]);
    const deleting = await runCli(['teardown', '--student', 'ben,cai', '--delete', '--yes', '--timeout', '5', '--json'], { clock });
    expect(deleting.code).toBe(1);
    expect(deleting.json().outcomes.map((o: any) => [o.student, o.result])).toEqual([['ben', 'timed-out'], ['cai', 'deleted']]);
    expect(aws.logs.commandCalls(DeleteLogGroupCommand).map((c) => c.args[0].input)).toEqual([
      { logGroupName: '/aws/lambda/ClassLabStack-ana-Handler' }, { logGroupName: '/aws/lambda/ClassLabStack-cai-Handler' },
    ]);
  });
});

describe('teardown: what a forced delete retained is each student\'s own leftover', () => {
  // A DB instance with deletion protection cannot be deleted until the protection is turned off:
  // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html
  const protectedDb = (student: string): FailureSpec => ({
    logicalId: 'Database', type: 'AWS::RDS::DBInstance', physicalId: `class-lab-${student}-db`,
    reason: 'Resource handler returned message: "Cannot delete protected DB Instance, please disable deletion protection and try again." (Service: Rds, Status Code: 400)',
  });
  const withDb = (student: string, failures: FailureSpec[]): FakeStackSpec => studentStack(student, {
    resources: [...studentStack(student).resources!, { logicalId: 'Database', type: 'AWS::RDS::DBInstance', physicalId: `class-lab-${student}-db` }],
    attempts: [failures],
  });

  test('listed under its student, once when the scan finds it too, and kept when the student\'s scan fails', async () => {
    account([withDb('ana', [protectedDb('ana'), logs]), withDb('ben', [protectedDb('ben')])]);
    // The log group the sweep may not delete is still there; ben's tag lookup fails with the
    // tagging API's internal error (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html).
    aws.logs.on(DeleteLogGroupCommand).rejects(awsError('AccessDeniedException', 'User is not authorized to perform: logs:DeleteLogGroup'));
    aws.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: 'ClassLabStack-ana-AppLogs' }] });
    // ana also left a volume she created and tagged herself (DescribeVolumes still lists it, available).
    const volume = { ResourceARN: `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-0ana`, Tags: [{ Key: 'student', Value: 'ana' }] };
    aws.tagging.on(GetResourcesCommand).callsFake(async (input: any) => {
      const student = input.TagFilters.find((f: any) => f.Key === 'student')?.Values[0];
      if (student === 'ben') throw awsError('InternalServiceException', 'Internal service error');
      return { ResourceTagMappingList: student === undefined || student === 'ana' ? [volume] : [] };
    });
    aws.ec2.on(DescribeVolumesCommand, { VolumeIds: ['vol-0ana'] }).resolves({ Volumes: [{ VolumeId: 'vol-0ana', State: 'available' }] });
    const run = await runCli(['teardown', '--all', '--delete', '--yes', '--json'], { clock });
    expect(run.code).toBe(1);
    const doc = run.json();
    expect(doc.outcomes.map((o: any) => [o.student, o.result])).toEqual([['ana', 'deleted'], ['ben', 'deleted']]);
    expect(doc.leftovers.ana).toEqual([
      expect.objectContaining({ student: 'ana', kind: 'other', id: 'class-lab-ana-db', billable: true, foundBy: 'retained' }),
      expect.objectContaining({ student: 'ana', kind: 'log-group', id: 'ClassLabStack-ana-AppLogs', billable: true, foundBy: 'stack' }),
      expect.objectContaining({ student: 'ana', kind: 'volume', id: 'vol-0ana', billable: true, foundBy: 'tags' }),
    ]);
    expect(doc.leftovers.ben).toEqual([expect.objectContaining({ student: 'ben', kind: 'other', id: 'class-lab-ben-db', billable: true, foundBy: 'retained' })]);
    expect(doc.unscanned).toEqual({ ben: 'InternalServiceException: Internal service error' });
    expect(lastLine(run.stderr)).toBe('class-lab-admin teardown: 4 billable leftover(s) (ana, ben); leftovers not scanned (ben)');
  });
});
