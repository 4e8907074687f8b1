/**
 * `grade`: a mocked class of three students in different states (done, half-way, never
 * deployed) plus one in another account, graded into CSV, Markdown and JSON.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { runSetup } from '../../../scripts/setup';
import { scratchProject } from '../../support/project';
import { synthLab } from '../../support/synth';
import { assumableAccounts, aws, resetAws } from '../support/aws-mocks';
import { FakeLabNetwork, finishedLab, mockLabAws } from '../support/fake-lab';
import { ACCOUNT, runCli } from '../support/harness';

const lab = synthLab({}, { guardrails: false });
const [I1, I2] = ['i-0aaa1111bbbb2222c', 'i-0ddd3333eeee4444f'];
let network: FakeLabNetwork;
let dir: string;
let roster: string;

beforeAll(async () => {
  network = await FakeLabNetwork.start([I1, I2], ['v3', 'placeholder'], ['ana', 'ben', 'cleo', 'dan']);
  // ana did everything; ben deployed and uploaded once, still runs the placeholder; cleo never deployed.
  network.set('ana', { fleet: [I1, I2], app: 'v3', hosts: { web: 'web.ana.class.internal', app: 'app.ana.class.internal' }, object: true });
  network.set('ben', { fleet: [I1], app: 'placeholder', hosts: { web: 'web.ben.class.internal', app: 'app.ben.class.internal' }, object: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-grade-'));
  roster = path.join(dir, 'roster.json');
  fs.writeFileSync(roster, JSON.stringify({ students: ['ana', 'ben', { id: 'cleo', region: 'us-east-1' }, { id: 'dan', account: '999988887777' }] }));
}, 60_000);
afterAll(() => network.stop());

beforeEach(() => {
  resetAws();
  mockLabAws(lab, {
    ana: finishedLab(),
    ben: finishedLab({
      fleet: { desired: 2, instances: [{ id: I1 }, { id: I2, target: 'initial' }], activities: [] },
      s3: { versions: 1 },
      images: {},
      ecs: { running: 1, desired: 1, rollout: 'COMPLETED' },
    }),
  });
});

describe('grade', () => {
  test('writes CSV, Markdown and JSON with a row per student and a per-module summary', async () => {
    const out = path.join(dir, 'out');
    const run = await runCli(['grade', '--roster', roster, '--out', out, '-c', 'imageTag=v3'], { http: network.probe });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`Graded 4 students: ${out}/grade.md, ${out}/grade.csv, ${out}/grade.json`);

    const csv = fs.readFileSync(path.join(out, 'grade.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const header = csv[0];
    expect(header.slice(0, 6)).toEqual(['student', 'stackName', 'account', 'region', 'state', 'stack']);
    expect(header).toEqual(expect.arrayContaining(['ec2.spread', 's3.share', 'route53.app-host', 'ecr.arm64', 'ecs.version', 'exercise.live']));
    const row = (student: string) => Object.fromEntries(header.map((h, i) => [h, csv.find((r) => r[0] === student)![i]]));
    expect(row('ana')).toMatchObject({ state: 'checked', stack: 'pass', 'ec2.spread': 'pass', 'exercise.live': 'pass', passed: '22', checkpoints: '22' });
    expect(row('ben')).toMatchObject({ state: 'checked', 'ec2.targets': 'pending', 'ec2.spread': 'fail', 's3.versions': 'pending', 's3.share': 'pass', 'ecr.image': 'pending', 'ecs.image': 'pending', 'exercise.tag': 'pending' });
    expect(row('cleo')).toMatchObject({ stack: 'fail', 'ec2.spread': '-', passed: '0' });
    expect(row('dan')).toMatchObject({ state: 'skipped', account: '999988887777', 'ec2.spread': 'skipped' });

    const md = fs.readFileSync(path.join(out, 'grade.md'), 'utf8');
    expect(md).toContain('| ana | pass |');
    expect(md).toMatch(/\| ec2 \| 1\/4 \| \d+ \| \d+ \| \d+ \|/);
    expect(md).toMatch(/\| stack \| 2\/4 \| 2 \| 0 \| 1 \|/);
    expect(md).toContain('- ben s3.versions pending: 1 version of hello.txt');
    expect(md).toContain('- dan: skipped: in account 999988887777');

    const json = JSON.parse(fs.readFileSync(path.join(out, 'grade.json'), 'utf8'));
    expect(json.students.map((s: any) => [s.student, s.state])).toEqual([['ana', 'checked'], ['ben', 'checked'], ['cleo', 'checked'], ['dan', 'skipped']]);
    expect(json.summary.find((s: any) => s.module === 'exercise')).toEqual({ module: 'exercise', complete: 1, students: 4, pass: 2, pending: 2, fail: 0 });
    expect(json.checkpoints[0]).toEqual({ id: 'stack', module: 'stack', title: 'stack deployed' });
  }, 60_000);

  test('one format on stdout; -c roster= as for cdk; a module filter narrows the columns', async () => {
    const run = await runCli(['grade', 's3', '-c', `roster=${roster}`, '--format', 'csv'], { http: network.probe });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'student,stackName,account,region,state,stack,s3.versions,s3.restore,s3.share,passed,checkpoints',
      'ana,ClassLabStack-ana,111122223333,us-east-1,checked,pass,pass,pass,pass,4,4',
      'ben,ClassLabStack-ben,111122223333,us-east-1,checked,pass,pending,pending,pass,2,4',
      'cleo,ClassLabStack-cleo,111122223333,us-east-1,checked,fail,-,-,-,0,4',
      'dan,ClassLabStack-dan,999988887777,us-east-1,skipped,skipped,skipped,skipped,skipped,0,4',
    ]);
  }, 30_000);

  test('no roster, a bad roster or a bad format is a usage error (exit 2)', async () => {
    expect((await runCli(['grade'])).code).toBe(2);
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ students: ['Ana'] }));
    const bad = await runCli(['grade', '--roster', path.join(dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('students[0]');
    expect((await runCli(['grade', '--roster', roster, '--format', 'xlsx'])).code).toBe(2);
  });
});

describe('grade with the settings of npm run setup', () => {
  test('the roster and imageTag come from lab-settings.json (the roster path relative to the project); --roster overrides', async () => {
    const project = scratchProject();
    project.write('class.json', JSON.stringify({ students: ['ana', 'ben'] }));
    expect(runSetup(['roster=class.json', 'imageTag=v3'], project.dir, () => undefined)).toBe(0);
    const run = await runCli(['grade', 'ecs', '--format', 'csv'], { http: network.probe, projectDir: project.dir });
    expect(run.code).toBe(0);
    const rows = run.stdout.split('\n');
    expect(rows.map((r) => r.split(',')[0])).toEqual(['student', 'ana', 'ben']);
    // ecs.version compares the app's answer with the file's imageTag: ana runs v3.
    const version = rows[0].split(',').indexOf('ecs.version');
    expect(rows[1].split(',')[version]).toBe('pass');

    const other = await runCli(['grade', 'ecs', '--format', 'csv', '--roster', roster], { http: network.probe, projectDir: project.dir });
    expect(other.stdout.split('\n').map((r) => r.split(',')[0])).toEqual(['student', 'ana', 'ben', 'cleo', 'dan']);
  }, 60_000);

  test('a bad setting in lab-settings.json is exit 2 with the settings message', async () => {
    const project = scratchProject();
    project.write('lab-settings.json', JSON.stringify({ roster: 'class.json', imagetag: 'v3' }));
    const run = await runCli(['grade'], { projectDir: project.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('did you mean `imageTag`?');
  });
});

describe('grade across the roster accounts', () => {
  const [A, B, C] = ['111111111111', '222222222222', '333333333333'];
  const ROLE = 'OrganizationAccountAccessRole';
  let classRoster: string;

  beforeAll(() => {
    classRoster = path.join(dir, 'accounts.json');
    fs.writeFileSync(classRoster, JSON.stringify({ students: [
      { id: 'ana', account: A }, { id: 'ben', account: B }, { id: 'cleo', account: A, region: 'us-east-1' }, { id: 'dan', account: C },
    ] }));
  });

  beforeEach(() => {
    // Each stack exists only in its student's account; dan (account C) did everything too.
    mockLabAws(lab, {
      ana: finishedLab(),
      dan: finishedLab(),
      ben: finishedLab(),
    }, { accounts: { ana: A, ben: B, dan: C } });
    network.set('dan', { fleet: [I1, I2], app: 'v3', hosts: { web: 'web.dan.class.internal', app: 'app.dan.class.internal' }, object: true });
  });

  test('every account is entered with the role; a refusing account\'s student is not gradable, with the reason; the others are graded', async () => {
    const assumed = assumableAccounts({ refuses: [B], roleName: ROLE });
    const run = await runCli(['grade', 'ecs', '--roster', classRoster, '--assume-role-name', ROLE, '-c', 'imageTag=v3', '--json'], { http: network.probe });
    // The worst account decides, as for every fan-out: a refused role is AWS unusable there (4).
    expect(run.code).toBe(4);
    expect(new Set(assumed)).toEqual(new Set([A, B, C]));
    const grade = run.json();
    expect(grade.account).toBe(ACCOUNT);
    expect(grade.students.map((s: any) => [s.student, s.account, s.state])).toEqual([
      ['ana', A, 'checked'], ['ben', B, 'unreachable'], ['cleo', A, 'checked'], ['dan', C, 'checked'],
    ]);
    const row = (id: string) => grade.students.find((s: any) => s.student === id);
    expect(row('ana').results.every((r: any) => r.status === 'pass')).toBe(true);
    expect(row('dan').results.every((r: any) => r.status === 'pass')).toBe(true);
    // cleo never deployed in account A: graded, and failing on the stack.
    expect(row('cleo').results.map((r: any) => [r.id, r.status])).toEqual([['stack', 'fail']]);
    expect(row('ben').note).toMatch(new RegExp(`^account ${B} via role ${ROLE}: access denied \\(AccessDenied\\)`));
    // One entry per account and Region the roster names (cleo's is explicit).
    expect(grade.accounts.map((a: any) => [a.account, a.region, a.ok, a.exitCode])).toEqual([[A, undefined, true, 0], [B, undefined, false, 4], [A, 'us-east-1', true, 0], [C, undefined, true, 0]]);
    expect(run.stderr).toContain(`account ${B} (ben): not gradable: access denied`);
  }, 60_000);

  test('the Markdown table lists the unreachable student with the reason', async () => {
    assumableAccounts({ refuses: [B], roleName: ROLE });
    const run = await runCli(['grade', 'ecs', '--roster', classRoster, '--assume-role-name', ROLE, '-c', 'imageTag=v3'], { http: network.probe });
    expect(run.stdout.split('\n')[0]).toBe('# Class Lab grade (3 accounts)');
    expect(run.stdout).toMatch(/\| ben \| unreachable \|/);
    expect(run.stdout).toMatch(new RegExp(`- ben: unreachable: account ${B} via role ${ROLE}: access denied`));
    expect(run.stdout).toMatch(/\| ecs \| 2\/4 \|/);
  }, 60_000);

  test('without a way into the accounts, students elsewhere are skipped (and say how to grade them)', async () => {
    assumableAccounts();
    const run = await runCli(['grade', 'ecs', '--roster', classRoster, '-c', 'imageTag=v3', '--json'], { http: network.probe });
    expect(aws.sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(run.json().students.map((s: any) => s.state)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(run.json().students[0].note).toContain('add --assume-role-name');
  });

  test('a roster entry without an account cannot be graded across accounts (exit 2)', async () => {
    assumableAccounts();
    const run = await runCli(['grade', '--roster', roster, '--assume-role-name', ROLE], { http: network.probe });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('roster students without an account: ana, ben, cleo');
  });
});
