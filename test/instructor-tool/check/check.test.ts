/**
 * `check`: every checkpoint passing and failing, against mocked AWS APIs shaped like the kit's
 * synthesized stack and real HTTP servers on loopback (the EC2 page, the sample app, the ECS
 * placeholder, a private bucket); and the read-only policy covering every call it makes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { SAMPLE_OBJECT_KEY as KIT_OBJECT_KEY } from '../../../lib/app/modules/s3';
import { IMAGE_TAG_PATTERN } from '../../../lib/settings/lab-config';
import { FIRST_IMAGE_TAG as KIT_FIRST_TAG } from '../../../lib/app/sample-app';
import { IMAGE_TAG } from '../../../lib/instructor-tool/checkpoints/check-student';
import { CHECK_MODULES } from '../../../lib/instructor-tool/checkpoints/checkpoint';
import { FIRST_IMAGE_TAG } from '../../../lib/instructor-tool/checkpoints/ecr';
import { SAMPLE_OBJECT_KEY } from '../../../lib/instructor-tool/checkpoints/s3';
import { HttpProbe } from '../../../lib/instructor-tool/checkpoints/http';
import { runSetup } from '../../../scripts/setup';
import { closedPort } from '../../support/node-server';
import { scratchProject } from '../../support/project';
import { synthLab } from '../../support/synth';
import { assumableAccounts, resetAws } from '../support/aws-mocks';
import { activity, aws, FakeLabNetwork, finishedLab, LabState, mockLabAws, physicalNames, StudentServers } from '../support/fake-lab';
import { awsError, runCli } from '../support/harness';

const lab = synthLab({}, { guardrails: false });
const [I1, I2] = ['i-0aaa1111bbbb2222c', 'i-0ddd3333eeee4444f'];
let network: FakeLabNetwork;

/** The servers behind a student who did everything: both instances, the app at v3, both host names. */
function finishedServers(student = 'solo', overrides: Partial<StudentServers> = {}): StudentServers {
  const zone = student === 'solo' ? 'lab.class.internal' : `${student}.class.internal`;
  return { fleet: [I1, I2], app: 'v3', hosts: { web: `web.${zone}`, app: `app.${zone}` }, object: true, ...overrides };
}

beforeAll(async () => {
  network = await FakeLabNetwork.start([I1, I2], ['v3', 'v1', 'placeholder'], ['solo', 'ana']);
}, 60_000);
afterAll(() => network.stop());

async function check(args: string[], state: LabState = finishedLab(), servers: StudentServers = finishedServers()) {
  resetAws();
  mockLabAws(lab, { solo: state });
  network.set('solo', servers);
  return runCli(['check', ...args], { http: network.probe });
}

const statusOf = (run: { json(): any }, id: string) => run.json().results.find((r: any) => r.id === id)?.status;

describe('check, a student who did every step', () => {
  test('every module passes, one line each, exit 0', async () => {
    const run = await check(['ec2', 's3', 'route53', 'ecr', 'ecs', 'exercise', '-c', 'imageTag=v3']);
    expect(run.stderr).not.toContain('unexpected');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('ClassLabStack in us-east-1, modules ec2, s3, route53, ecr, ecs, exercise:');
    expect(lines.slice(1, -1).every((l) => l.startsWith('PASS '))).toBe(true);
    expect(lines[lines.length - 1]).toBe('21 checkpoints: 21 pass, 0 pending, 0 fail.');
  }, 30_000);

  test('without a module it checks every class module of the stack, but not the exercise', async () => {
    // A student who finished the ECS guide (imageTag v2, one of its tags) and has not started the exercise.
    const run = await check(['-c', 'imageTag=v2']);
    expect(run.stdout.split('\n')[0]).toBe('ClassLabStack in us-east-1, modules ec2, s3, route53, ecr, ecs:');
    expect(run.stdout).not.toContain('exercise.');
  }, 30_000);

  test.each(CHECK_MODULES.map((m) => [m]))('check %s passes alone', async (module) => {
    const run = await check([module, '-c', 'imageTag=v3', '--json']);
    expect(run.code).toBe(0);
    const doc = run.json();
    expect(doc.modules).toEqual([module]);
    expect(doc.results.every((r: any) => r.module === module && r.status === 'pass')).toBe(true);
    expect(doc.ok).toBe(true);
  }, 30_000);

  test('the fleet answer names both instances; the S3 link and the plain URL answer as S3 does', async () => {
    const doc = (await check(['ec2', 's3', '--json'])).json();
    expect(doc.results.find((r: any) => r.id === 'ec2.spread').detail).toMatch(new RegExp(`12 requests answered by 2 instances \\(${I1} x6, ${I2} x6\\)`));
    expect(doc.results.find((r: any) => r.id === 's3.share').detail).toBe('presigned link 200 (21 bytes), plain URL 403');
    expect(doc.results.find((r: any) => r.id === 'ec2.replace').detail).toBe('i-0999aaaabbbbcccc0 replaced by i-0aaa1111bbbb2222c');
  });
});

describe('check, steps not done or done wrong', () => {
  test('EC2: an instance booting, a target unhealthy, one instance answering, no scaling yet', async () => {
    const state = finishedLab({ fleet: { desired: 2, instances: [{ id: I1 }, { id: I2, state: 'Pending', health: 'Healthy', target: 'unhealthy' }], activities: [] } });
    const run = await check(['ec2', '--json'], state, finishedServers('solo', { fleet: [I1] }));
    expect(run.code).toBe(1);
    expect(Object.fromEntries(run.json().results.map((r: any) => [r.id, r.status]))).toEqual({
      'ec2.capacity': 'pending', 'ec2.targets': 'fail', 'ec2.spread': 'fail', 'ec2.replace': 'pending', 'ec2.scale-out': 'pending', 'ec2.scale-in': 'pending',
    });
    expect(run.json().results.find((r: any) => r.id === 'ec2.targets').detail).toContain(`${I2} unhealthy (Health checks failed)`);
  });

  test('EC2: a scale-out still starting, a replacement not yet launched, no scale-in yet', async () => {
    const state = finishedLab({ fleet: { desired: 3, instances: [{ id: I1 }, { id: I2 }], activities: [
      activity('Launching a new EC2 instance: i-0new', 'a monitor alarm TargetTracking-asg-AlarmHigh in state ALARM triggered policy CpuTarget changing the desired capacity from 2 to 3.', '2026-03-02T10:10:00Z', 'InProgress'),
      activity('Terminating EC2 instance: i-0old', 'an instance was taken out of service in response to an ELB system health check failure.', '2026-03-02T09:49:00Z'),
    ] } });
    const run = await check(['ec2', '--json'], state);
    expect(statusOf(run, 'ec2.capacity')).toBe('pending');
    expect(statusOf(run, 'ec2.replace')).toBe('pending');
    expect(statusOf(run, 'ec2.scale-out')).toBe('pending');
    expect(statusOf(run, 'ec2.scale-in')).toBe('pending');
  });

  test('S3: one version is pending; not deleted and put back is pending; no object to share is pending', async () => {
    const run = await check(['s3', '--json'], finishedLab({ s3: { versions: 1 } }), finishedServers('solo', { object: false }));
    expect(run.code).toBe(1);
    expect(statusOf(run, 's3.versions')).toBe('pending');
    expect(statusOf(run, 's3.restore')).toBe('pending');
    const stillDeleted = await check(['s3', '--json'], finishedLab({ s3: { versions: 2, deleteMarkers: 1, deleted: true } }));
    expect(stillDeleted.json().results.find((r: any) => r.id === 's3.restore').detail).toBe('hello.txt is deleted (its latest entry is a delete marker)');
    expect(statusOf(run, 's3.share')).toBe('pending');
    expect(run.stdout).toContain('edit hello.txt and upload it again');
  });

  test('S3: an object anyone can read without a link fails', async () => {
    const run = await check(['s3', '--json'], finishedLab(), finishedServers('solo', { public: true }));
    expect(statusOf(run, 's3.share')).toBe('fail');
    expect(run.json().results.find((r: any) => r.id === 's3.share').detail).toContain('answers 200 without a signature: the object is public');
  });

  test('Route 53: a record missing fails; a host name without its rule fails', async () => {
    const run = await check(['route53', '--json'], finishedLab({ records: { web: true, app: false } }), finishedServers('solo', { hosts: { app: 'app.lab.class.internal' } }));
    expect(statusOf(run, 'route53.records')).toBe('fail');
    expect(run.json().results.find((r: any) => r.id === 'route53.records').detail).toBe('app.lab.class.internal: no A record');
    expect(statusOf(run, 'route53.web-host')).toBe('fail');
    expect(statusOf(run, 'route53.app-host')).toBe('pass');
    const noApp = await check(['route53', '--json'], finishedLab(), finishedServers('solo', { app: undefined }));
    expect(statusOf(noApp, 'route53.app-host')).toBe('pending');
  });

  test('Route 53: the placeholder answers app.<zone> too (before the student\'s image)', async () => {
    const run = await check(['route53', '--json'], finishedLab({ ecs: { running: 1, desired: 1, rollout: 'COMPLETED' } }), finishedServers('solo', { app: 'placeholder' }));
    expect(statusOf(run, 'route53.app-host')).toBe('pass');
  });

  test('ECR: not pushed is pending, an x86 image fails, a scan in progress is pending', async () => {
    const missing = await check(['ecr', '--json'], finishedLab({ images: {} }));
    expect(missing.json().results.map((r: any) => r.status)).toEqual(['pending', 'pending', 'pending']);
    const x86 = await check(['ecr', '--json'], finishedLab({ images: { v3: { digest: 'sha256:3', kind: 'manifest', architecture: 'amd64', scan: 'IN_PROGRESS' } } }));
    expect(statusOf(x86, 'ecr.image')).toBe('pass');
    expect(statusOf(x86, 'ecr.arm64')).toBe('fail');
    expect(x86.json().results.find((r: any) => r.id === 'ecr.arm64').fix).toContain('--platform linux/arm64');
    expect(statusOf(x86, 'ecr.scan')).toBe('pending');
  });

  test('ECR: a scan ECR cannot do fails with the fix for attestations', async () => {
    const run = await check(['ecr', '--json'], finishedLab({ images: { v3: { digest: 'sha256:3', kind: 'manifest', architecture: 'arm64', scan: 'UNSUPPORTED_IMAGE' } } }));
    expect(statusOf(run, 'ecr.scan')).toBe('fail');
    expect(run.json().results.find((r: any) => r.id === 'ecr.scan').fix).toContain('--provenance=false');
  });

  test('ECR: an image index is judged by its arm64 image (its attestation has no platform)', async () => {
    const run = await check(['ecr', '-c', 'imageTag=v1', '--json']);
    expect(run.json().results.map((r: any) => [r.id, r.status, r.detail])).toEqual([
      ['ecr.image', 'pass', expect.stringMatching(/^v1 pushed at 2026-03-02T09:30:00.000Z, digest sha256:111111111111\.\.\.$/)],
      ['ecr.arm64', 'pass', 'v1: arm64'],
      ['ecr.scan', 'pass', 'scan COMPLETE: LOW 2'],
    ]);
  });

  test('ECS: the placeholder is pending; a failed rollout fails; tasks starting are pending', async () => {
    const placeholder = await check(['ecs', '--json'], finishedLab({ ecs: { running: 1, desired: 1, rollout: 'COMPLETED' } }), finishedServers('solo', { app: 'placeholder' }));
    expect(placeholder.json().results.map((r: any) => r.status)).toEqual(['pending', 'pass', 'pass', 'pending']);
    const failed = await check(['ecs', '--json'], finishedLab({ ecs: { tag: 'v3', running: 0, desired: 1, rollout: 'FAILED' } }));
    expect(statusOf(failed, 'ecs.running')).toBe('pending');
    expect(statusOf(failed, 'ecs.deployment')).toBe('fail');
    expect(failed.json().results.find((r: any) => r.id === 'ecs.deployment').detail).toContain('circuit breaker');
  });

  test('ECS: an app answering another version than its tag fails', async () => {
    const run = await check(['ecs', '--json'], finishedLab(), finishedServers('solo', { app: 'v1' }));
    expect(statusOf(run, 'ecs.version')).toBe('fail');
    expect(run.json().results.find((r: any) => r.id === 'ecs.version').detail).toBe('the app answers "version":"v1", expected "v3"');
  });

  test('exercise: needs imageTag, a tag the ECS guide did not use, deployed and live', async () => {
    const none = await check(['exercise', '--json']);
    expect(none.json().results.map((r: any) => r.status)).toEqual(['pending', 'pending']);
    const guideTag = await check(['exercise', '-c', 'imageTag=v2', '--json']);
    expect(guideTag.json().results[0].detail).toBe('v2 is a tag of the ECS guide');
    const notDeployed = await check(['exercise', '-c', 'imageTag=v4', '--json']);
    expect(notDeployed.json().results.map((r: any) => r.status)).toEqual(['pending', 'pending']);
    const oldTasks = await check(['exercise', '-c', 'imageTag=v3', '--json'], finishedLab(), finishedServers('solo', { app: 'v1' }));
    expect(oldTasks.json().results.map((r: any) => r.status)).toEqual(['pass', 'fail']);
  });

  test('a module the stack does not have fails; a module name check does not know is a usage error', async () => {
    resetAws();
    mockLabAws(lab, { solo: finishedLab() });
    const run = await runCli(['check', 'nope'], { http: network.probe });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown module "nope": choose from ec2, s3, route53, ecr, ecs, exercise');
  });
});

describe('check, the stack and AWS', () => {
  test('no stack: one failing line that says how to deploy it, exit 1', async () => {
    resetAws();
    mockLabAws(lab, {});
    const run = await runCli(['check', '--student', 'ana'], { http: network.probe });
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')).toEqual([
      'ClassLabStack-ana in us-east-1:',
      'FAIL  stack  ClassLabStack-ana deployed: no stack ClassLabStack-ana in us-east-1',
      '         fix: deploy it (npx cdk deploy ClassLabStack -c student=ana), or pass --student / --region',
      '1 checkpoint: 0 pass, 0 pending, 1 fail.',
    ]);
  });

  test('a load balancer that does not answer fails its HTTP checkpoints with one line each', async () => {
    resetAws();
    mockLabAws(lab, { solo: finishedLab() });
    const alb = physicalNames('solo').alb.toLowerCase();
    const probe = new HttpProbe({ resolve: { [alb]: `127.0.0.1:${await closedPort()}` }, timeoutMs: 2000 });
    const run = await runCli(['check', 'ec2', 'route53', '--json'], { http: probe });
    expect(run.code).toBe(1);
    const spread = run.json().results.find((r: any) => r.id === 'ec2.spread');
    expect(spread).toMatchObject({ status: 'fail', detail: `no answer from http://${physicalNames('solo').alb}: ECONNREFUSED` });
    expect(spread.fix).toContain('allowedCidr');
    expect(statusOf(run, 'route53.web-host')).toBe('fail');
    expect(statusOf(run, 'ec2.capacity')).toBe('pass');
  });

  test('a deploy in progress is pending', async () => {
    const run = await check(['--json'], finishedLab({ stackStatus: 'UPDATE_IN_PROGRESS' }));
    expect(run.code).toBe(1);
    expect(run.json().results).toEqual([expect.objectContaining({ id: 'stack', status: 'pending' })]);
  });

  test('access denied on a read is exit 4 with one line, no stack trace', async () => {
    resetAws();
    mockLabAws(lab, { solo: finishedLab() });
    aws.autoscaling.on(DescribeAutoScalingGroupsCommand).rejects(awsError('AccessDenied', 'User is not authorized to perform: autoscaling:DescribeAutoScalingGroups'));
    const run = await runCli(['check', 'ec2'], { http: network.probe });
    expect(run.code).toBe(4);
    expect(run.stderr.split('\n')).toEqual(['Checking ClassLabStack in account 111122223333...', 'class-lab-admin: access denied (AccessDenied): User is not authorized to perform: autoscaling:DescribeAutoScalingGroups']);
  });
});

describe('check with the settings of npm run setup', () => {
  test('no flags: the student and imageTag come from lab-settings.json; -c and --student override them', async () => {
    const project = scratchProject();
    expect(runSetup(['student=ana', 'imageTag=v3'], project.dir, () => undefined)).toBe(0);
    resetAws();
    mockLabAws(lab, { ana: finishedLab() });
    network.set('ana', finishedServers('ana'));
    const run = await runCli(['check', 'ecr', 'ecs'], { http: network.probe, projectDir: project.dir });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('ClassLabStack-ana in us-east-1, modules ecr, ecs:');
    expect(run.stdout).toMatch(/PASS +ecr\.image +.*: v3 pushed/);

    const older = await runCli(['check', 'ecr', '-c', 'imageTag=v1', '--json'], { http: network.probe, projectDir: project.dir });
    expect(older.json().results.find((r: any) => r.id === 'ecr.image').detail).toMatch(/^v1 pushed/);
    const other = await runCli(['check', '--student', 'ben'], { http: network.probe, projectDir: project.dir });
    expect(other.stdout.split('\n')[0]).toBe('ClassLabStack-ben in us-east-1:');
  }, 30_000);

  test('a bad or unknown setting in lab-settings.json is exit 2 with the settings message, before any AWS call', async () => {
    const project = scratchProject();
    project.write('lab-settings.json', JSON.stringify({ studnet: 'ana' }));
    resetAws();
    const run = await runCli(['check'], { http: network.probe, projectDir: project.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"studnet" (lab-settings.json): not a setting; did you mean `student`?');
    expect(aws.sts.calls()).toHaveLength(0);
    project.write('lab-settings.json', JSON.stringify({ student: 'ana', imageTag: 'v 1' }));
    expect((await runCli(['check'], { projectDir: project.dir })).stderr).toContain('imageTag');
  });

  test('with a roster in the settings, --student picks the stack; across accounts it is checked in the roster\'s account for it', async () => {
    const project = scratchProject();
    project.write('class.json', JSON.stringify({ students: [{ id: 'ana', account: '222222222222' }, { id: 'ben', account: '333333333333' }] }));
    expect(runSetup(['roster=class.json', 'imageTag=v3'], project.dir, () => undefined)).toBe(0);
    resetAws();
    mockLabAws(lab, { ana: finishedLab() }, { accounts: { ana: '222222222222' } });
    network.set('ana', finishedServers('ana'));
    const noStudent = await runCli(['check'], { http: network.probe, projectDir: project.dir });
    expect(noStudent.code).toBe(2);
    expect(noStudent.stderr).toContain('pass --student <id>');
    // With the instructor's own credentials the stack is not there: it lives in ana's account.
    const here = await runCli(['check', 'ecs', '--student', 'ana'], { http: network.probe, projectDir: project.dir });
    expect(here.stdout).toContain('no stack ClassLabStack-ana in us-east-1');

    const assumed = assumableAccounts();
    const there = await runCli(['check', 'ecs', '--student', 'ana', '--assume-role-name', 'OrganizationAccountAccessRole'], { http: network.probe, projectDir: project.dir });
    expect(there.code).toBe(0);
    expect(assumed).toEqual(['222222222222']);
    expect(there.stdout).toContain('=== account 222222222222 (ana), via role OrganizationAccountAccessRole ===');
    expect(there.stdout).toMatch(/PASS +ecs\.version/);
  }, 30_000);
});

describe('the read-only policy (policies/check-policy.json)', () => {
  const policy = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'policies', 'check-policy.json'), 'utf8'));
  const allowed = new Set<string>(policy.Statement.flatMap((s: any) => s.Action));
  /** IAM prefix per client, and the commands whose action is not named like the command. */
  const PREFIX: Record<string, string> = {
    autoscaling: 'autoscaling', cloudformation: 'cloudformation', ecr: 'ecr', ecs: 'ecs', elbv2: 'elasticloadbalancing', route53: 'route53', s3: 's3', sts: 'sts',
  };
  const RENAMED: Record<string, string> = { 's3:ListObjectVersions': 's3:ListBucketVersions' };

  test('allows every call the checkpoints make, and nothing else; nothing that writes', async () => {
    network.s3Actions.length = 0;
    const run = await check(['-c', 'imageTag=v3']);
    expect(run.code).toBe(0);
    const used = new Set<string>(network.s3Actions);
    for (const [client, mock] of Object.entries(aws)) {
      for (const call of mock.calls()) {
        const name = (call.args[0] as object).constructor.name.replace(/Command$/, '');
        const action = `${PREFIX[client] ?? client}:${name}`;
        used.add(RENAMED[action] ?? action);
      }
    }
    used.delete('sts:GetCallerIdentity'); // needs no permission
    expect([...used].filter((a) => !allowed.has(a))).toEqual([]);
    expect([...allowed].filter((a) => !used.has(a))).toEqual([]);
    expect([...allowed].filter((a) => !/^\w+:(Describe|List|Get|BatchGet)/.test(a))).toEqual([]);
    expect(policy.Statement.every((s: any) => s.Effect === 'Allow')).toBe(true);
  }, 30_000);
});

test('the checkpoints name the kit\'s own object key, first tag and tag grammar', () => {
  expect(SAMPLE_OBJECT_KEY).toBe(KIT_OBJECT_KEY);
  expect(FIRST_IMAGE_TAG).toBe(KIT_FIRST_TAG);
  expect(IMAGE_TAG.source).toBe(IMAGE_TAG_PATTERN.source);
  expect(physicalNames('ana').stackName).toBe('ClassLabStack-ana');
});
