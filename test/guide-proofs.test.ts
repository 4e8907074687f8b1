import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALARM_HIGH, ASG_NAME, defaultLabActivities, exerciseKillActivities, INSTANCES, targetTrackingAlarms } from './support/aws-samples';
import { FakeAws, fakeAws } from './support/fake-aws-cli';
import { CodeBlock, Guide, parseGuide } from './support/lab-guides';

/**
 * The commands a guide asks a student to paste as proof (and the samples printed under them),
 * run as the guide writes them, pipes and all, in bash against a fake `aws` that answers what
 * AWS answers for the default lab (test/support/aws-samples.ts: generated names, AWS's Cause
 * sentences and order) and applies each `--query` with JMESPath.
 */
const root = path.join(__dirname, '..');
const guide = (name: string): Guide => parseGuide(`lab-guides/${name}`, fs.readFileSync(path.join(root, 'lab-guides', name), 'utf8'));

/** The bash block holding `marker`, and the text block right after it (the sample output). */
function blockWith(g: Guide, marker: string): { code: CodeBlock; sample?: string } {
  const i = g.blocks.findIndex((b) => b.lang === 'bash' && b.code.includes(marker));
  if (i < 0) throw new Error(`${g.file}: no bash block with ${marker}`);
  const next = g.blocks[i + 1];
  return { code: g.blocks[i], sample: next?.lang === 'text' ? next.code : undefined };
}

/** Only the lines of a block that contain `marker` (a block may hold setup lines the proof does not need). */
const linesWith = (block: CodeBlock, marker: string) => block.code.split('\n').filter((l) => l.includes(marker)).join('\n');

let aws: FakeAws;
let cwd: string;
beforeEach(() => {
  aws = fakeAws();
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'guide-proof-'));
});
afterEach(() => {
  aws.remove();
  fs.rmSync(cwd, { recursive: true, force: true });
});

function run(script: string, vars: Record<string, string> = {}): string {
  const result = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: { ...aws.env, ASG: ASG_NAME, ...vars }, encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`bash exit ${result.status}: ${result.stderr}`);
  return result.stdout;
}

const lines = (text: string) => text.trimEnd().split('\n');

describe('exercise proofs on what AWS answers', () => {
  test('part 2 finds the student\'s own kill and its replacement, even after the scaling experiment filled the history', () => {
    const ex = guide('exercise.md');
    aws.respond('autoscaling', 'describe-auto-scaling-groups', { AutoScalingGroups: [{ AutoScalingGroupName: ASG_NAME, Instances: [{ InstanceId: INSTANCES.replacement }, { InstanceId: INSTANCES.scaledOut }] }] });
    aws.respond('ec2', 'terminate-instances', { TerminatingInstances: [{ InstanceId: INSTANCES.replacement, CurrentState: { Code: 32, Name: 'shutting-down' }, PreviousState: { Code: 16, Name: 'running' } }] });
    const kill = blockWith(ex, 'terminate-instances').code.code;
    expect(run(`${kill}\necho "VICTIM=$VICTIM"`)).toBe(`shutting-down\nVICTIM=${INSTANCES.replacement}\n`);

    const proof = blockWith(ex, 'describe-scaling-activities');
    aws.respond('autoscaling', 'describe-scaling-activities', { Activities: exerciseKillActivities() });
    const out = run(proof.code.code, { VICTIM: INSTANCES.replacement });
    expect(lines(out)).toEqual([
      expect.stringMatching(new RegExp(`^\\S+\\tSuccessful\\tLaunching a new EC2 instance: i-`)),
      expect.stringMatching(new RegExp(`\\tSuccessful\\tTerminating EC2 instance: ${INSTANCES.replacement}$`)),
    ]);
    expect(out).toBe(`${proof.sample}\n`);
    // The proof goes into proof.txt as printed.
    expect(fs.readFileSync(path.join(cwd, 'proof.txt'), 'utf8')).toBe(out);

    // While the replacement is still starting, the newest line says so (the guide: run it again).
    aws.respond('autoscaling', 'describe-scaling-activities', { Activities: exerciseKillActivities(true) });
    expect(lines(run(proof.code.code, { VICTIM: INSTANCES.replacement }))[0]).toMatch(/\tInProgress\tLaunching a new EC2 instance/);

    // The two newest activities, which the proof used to read, are not the kill when the history
    // holds a scale-out after it (AWS lists newest first).
    const newest = defaultLabActivities().slice(0, 2).map((a) => a.Description);
    expect(newest.some((d) => d.includes(`Terminating EC2 instance: ${INSTANCES.first}`))).toBe(false);
  });

  test('part 3 names the alarm and the change of each scaling activity, from Causes with generated alarm and policy names', () => {
    const ex = guide('exercise.md');
    aws.respond('autoscaling', 'describe-scaling-activities', { Activities: defaultLabActivities() });
    const part3 = ex.blocks.filter((b) => b.lang === 'bash' && b.code.includes("contains(Cause, 'a monitor alarm')].[StartTime"));
    expect(part3).toHaveLength(1);
    const out = run(part3[0].code);
    expect(lines(out)).toEqual([
      `2026-03-05T10:23:50.102000+00:00\tLaunching a new EC2 instance: ${INSTANCES.scaledOut}`,
      `2026-03-05T10:18:13.412000+00:00\tTerminating EC2 instance: ${INSTANCES.second}`,
      'AlarmHigh changing the desired capacity from 1 to 2',
      'AlarmLow changing the desired capacity from 2 to 1',
    ]);
    expect(out).toBe(`${blockWith(ex, "contains(Cause, 'a monitor alarm')].[StartTime").sample}\n`);
    // The realistic Cause really has a 36-character id and a generated policy name between the alarm and the change.
    const cause = defaultLabActivities()[0].Cause;
    expect(cause).toContain(`${ALARM_HIGH} in state ALARM triggered policy ClassLabStack-`);
    expect(/-AlarmHigh-[0-9a-f-]{36} /.test(cause)).toBe(true);
  });

  test('without the experiment, part 3 prints nothing: no line to hand in by mistake', () => {
    aws.respond('autoscaling', 'describe-scaling-activities', { Activities: defaultLabActivities().filter((a) => !a.Cause.includes('a monitor alarm')) });
    expect(run(blockWith(guide('exercise.md'), "contains(Cause, 'a monitor alarm')].[StartTime").code.code)).toBe('');
  });
});

describe('EC2 guide samples print what their commands print', () => {
  test('step 6: the alarms target tracking made, by their generated names, during the burst', () => {
    const ec2 = guide('ec2-fleet.md');
    aws.respond('cloudwatch', 'describe-alarms', targetTrackingAlarms('ALARM', 'OK'));
    const { code, sample } = blockWith(ec2, 'describe-alarms');
    expect(run(code.code)).toBe(`${sample}\n`);
    expect(aws.calls()[0]).toEqual(expect.arrayContaining(['--alarm-name-prefix', `TargetTracking-${ASG_NAME}`]));
  });

  test('step 6: the scaling activities and their alarms', () => {
    const ec2 = guide('ec2-fleet.md');
    aws.respond('autoscaling', 'describe-scaling-activities', { Activities: defaultLabActivities() });
    const { code, sample } = blockWith(ec2, "contains(Cause, 'a monitor alarm')");
    expect(run(code.code)).toBe(`${sample}\n`);
  });

  test('step 4: right after the kill, the two newest activities are the kill and its replacement', () => {
    const ec2 = guide('ec2-fleet.md');
    const stepFour = defaultLabActivities().filter((a) => a.StartTime < '2026-03-05T10:00');
    aws.respond('autoscaling', 'describe-scaling-activities', { Activities: stepFour });
    const { code, sample } = blockWith(ec2, 'Activities[:2].[StatusCode,Description]');
    expect(run(linesWith(code, 'describe-scaling-activities'))).toBe(`${sample}\n`);
  });

  test('step 5: the narrowed allowedCidr is the one rule of the load balancer\'s security group', () => {
    const ec2 = guide('ec2-fleet.md');
    aws.respond('ec2', 'describe-security-groups', { SecurityGroups: [{ GroupId: 'sg-0a1b2c3d4e5f60718', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '203.0.113.7/32', Description: 'from the allowedCidr setting' }], UserIdGroupPairs: [] }] }] });
    const blocks = ec2.blocks.filter((b) => b.lang === 'bash' && b.code.includes('allowedCidr=<your-cidr>'));
    expect(blocks).toHaveLength(1);
    const i = ec2.blocks.indexOf(blocks[0]);
    expect(run(linesWith(blocks[0], 'describe-security-groups'), { LB_SG: 'sg-0a1b2c3d4e5f60718' })).toBe(`${ec2.blocks[i + 1].code}\n`);
  });
});

/**
 * The remaining proofs of the exercise, on responses in AWS's shapes: S3 version ids are
 * opaque strings of up to 1024 bytes (32 characters here, as AWS shows them)
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/versioning-workflows.html ; Route 53 lists
 * record names fully qualified, with the trailing dot, and an alias record with its AliasTarget
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListResourceRecordSets.html ; ECR
 * describes an image by its manifest media type and scan status
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html
 */
describe('exercise proofs of parts 4, 5 and 7 on what AWS answers', () => {
  const proofLine = (marker: string) => linesWith(blockWith(guide('exercise.md'), marker).code, marker);

  test('part 4 lists both versions of hello.txt, the latest first, as the pass line asks', () => {
    aws.respond('s3api', 'list-object-versions', {
      Versions: [
        { ETag: '"6805f2cfc46c0f04559748bb039d69ae"', Size: 12, StorageClass: 'STANDARD', Key: 'hello.txt', VersionId: 'Rb_l2T8UHDkFEwCgJjhlgPOZC0qJ.vpD', IsLatest: true, LastModified: '2026-03-05T10:31:02+00:00' },
        { ETag: '"5eb63bbbe01eeed093cb22bb8f5acdc3"', Size: 11, StorageClass: 'STANDARD', Key: 'hello.txt', VersionId: 'sgeJ4T0VhGr3pTD7OoQrZKBc2Hhm4zYU', IsLatest: false, LastModified: '2026-03-05T10:29:40+00:00' },
      ],
      Name: 'classlabstack-s3nestedstacks3nestedstackresource-bucket83908e77-1a2b3c4d5e6f', Prefix: 'hello.txt', MaxKeys: 1000, IsTruncated: false,
    });
    const out = run(proofLine('list-object-versions'), { BUCKET: 'classlabstack-bucket' });
    // The bucket is versioned from its first object on, so both versions have an id (none is "null").
    expect(lines(out)).toEqual(['Rb_l2T8UHDkFEwCgJjhlgPOZC0qJ.vpD\tTrue', 'sgeJ4T0VhGr3pTD7OoQrZKBc2Hhm4zYU\tFalse']);
  });

  test('part 5 prints the two record names, fully qualified as Route 53 lists them', () => {
    aws.respond('route53', 'list-resource-record-sets', {
      ResourceRecordSets: [
        { Name: 'lab.class.internal.', Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1536.awsdns-00.co.uk.' }] },
        { Name: 'lab.class.internal.', Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: 'ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' }] },
        { Name: 'app.lab.class.internal.', Type: 'A', AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'dualstack.classl-loadb-1a2b3c4d5e6f-1234567890.us-east-1.elb.amazonaws.com.', EvaluateTargetHealth: false } },
        { Name: 'web.lab.class.internal.', Type: 'A', AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'dualstack.classl-loadb-1a2b3c4d5e6f-1234567890.us-east-1.elb.amazonaws.com.', EvaluateTargetHealth: false } },
      ],
      IsTruncated: false, MaxItems: '300',
    });
    const out = run(proofLine('list-resource-record-sets').replace('"$(lab_output HostedZoneId)"', 'Z0123456789ABCDEFGHIJ'));
    expect(lines(out)).toEqual(['app.lab.class.internal.\tweb.lab.class.internal.']);
  });

  test('part 7 shows v3, a single image manifest (not an index) and a complete scan', () => {
    aws.respond('ecr', 'describe-images', {
      imageDetails: [{
        registryId: '123456789012', repositoryName: 'classlabstack-ecrrepository-1a2b3c4d5e6f', imageDigest: 'sha256:4a0f1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a',
        imageTags: ['v3'], imageSizeInBytes: 52611234, imagePushedAt: '2026-03-05T11:02:13+00:00',
        imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
        imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json', artifactMediaType: 'application/vnd.oci.image.config.v1+json',
      }],
    });
    const out = run(proofLine('describe-images'), { REPO: '123456789012.dkr.ecr.us-east-1.amazonaws.com/classlabstack-ecrrepository-1a2b3c4d5e6f' });
    expect(lines(out)).toEqual(['v3\tapplication/vnd.oci.image.manifest.v1+json\tCOMPLETE']);
    expect(aws.calls()[0]).toEqual(expect.arrayContaining(['--repository-name', 'classlabstack-ecrrepository-1a2b3c4d5e6f']));
  });
});
