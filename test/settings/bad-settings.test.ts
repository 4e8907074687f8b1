/**
 * Every bad setting stops synthesis the same way, from any source: exit code 1, one line per
 * problem naming the key, the value (as JSON, cut) and what is allowed, no stack trace, and
 * nothing written (no template, no cdk.context.json, the settings file untouched). Most cases
 * run the app's entry point in-process; a few go through the real `cdk synth`, offline.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Stack } from 'aws-cdk-lib';
import { synthesizeClassLab } from '../../lib/app/class-lab-app';
import { SETTINGS } from '../../lib/settings/lab-config';
import { ROSTER_MAX_STUDENTS } from '../../lib/settings/roster';
import { SETTINGS_FILE } from '../../lib/settings/sources';
import { cdkSynth } from '../support/cdk-cli';
import { cliContext } from '../support/cli-context';
import { scratchProject } from '../support/project';

type Source = 'c' | 'file' | 'cdk.json';
interface BadCase {
  readonly name: string;
  readonly source: Source;
  readonly settings: Record<string, unknown>;
  /** A line of the message: key, value and what is allowed. */
  readonly expected: RegExp;
  /** Extra files of the project (a roster), by name. */
  readonly files?: Record<string, string>;
  /** Raw settings file text instead of JSON of `settings`. */
  readonly fileText?: string;
}

const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const got = (key: string, json: string) => new RegExp(`^  - ${esc(key)}: got ${esc(json)}; allowed: \\S`, 'm');
const students = (n: number) => JSON.stringify({ students: Array.from({ length: n }, (_, i) => `s${i}`) });

/** Wrong JSON types and empty values for every setting, from the settings file and cdk.json. */
const WRONG_TYPES: Array<[string, unknown, string]> = [
  ['an object', { a: 1 }, '{"a":1}'],
  ['a list', ['ana'], '["ana"]'],
  ['a boolean', true, 'true'],
  ['null', null, 'null'],
  ['an empty string', '', '""'],
  ['blanks', '   ', '"   "'],
];
const typeCases: BadCase[] = SETTINGS.flatMap(({ key }, i) =>
  WRONG_TYPES.map(([what, value, json], j): BadCase => ({
    name: `${key} as ${what}`,
    // Alternate the sources so each kind of value is seen from each file.
    source: (i + j) % 2 === 0 ? 'file' : 'cdk.json',
    settings: { [key]: value },
    expected: got(key, json),
  })));

const specificCases: BadCase[] = [
  // Typos: an unknown key is an error, never silently ignored.
  { name: 'module=ec2', source: 'c', settings: { module: 'ec2' }, expected: /^  - "module" \(command line\): not a setting; did you mean `modules`\?/m },
  { name: 'expiresafterhours=4', source: 'c', settings: { expiresafterhours: '4' }, expected: /did you mean `expiresAfterHours`\?/ },
  { name: 'Roster=x', source: 'c', settings: { Roster: 'x.json' }, expected: /did you mean `roster`\?/ },
  { name: 'a typo in the settings file', source: 'file', settings: { studnet: 'ana' }, expected: /^  - "studnet" \(lab-settings.json\): not a setting; did you mean `student`\?/m },
  { name: 'a typo in cdk.json', source: 'cdk.json', settings: { instancetype: 't3.micro' }, expected: /^  - "instancetype" \(cdk.json\): not a setting; did you mean `instanceType`\?/m },
  // CIDRs in canonical form only.
  { name: 'allowedCidr 10.0.0.0/08', source: 'c', settings: { allowedCidr: '10.0.0.0/08' }, expected: got('allowedCidr', '"10.0.0.0/08"') },
  { name: 'allowedCidr 010.000.000.000/08', source: 'c', settings: { allowedCidr: '010.000.000.000/08' }, expected: got('allowedCidr', '"010.000.000.000/08"') },
  { name: 'allowedCidr 0.0.0.0/00', source: 'file', settings: { allowedCidr: '0.0.0.0/00' }, expected: got('allowedCidr', '"0.0.0.0/00"') },
  { name: 'allowedCidr 10.0.0.1/8 (not the network)', source: 'c', settings: { allowedCidr: '10.0.0.1/8' }, expected: /allowedCidr: got "10.0.0.1\/8"; allowed: a network address; did you mean 10.0.0.0\/8\?/ },
  { name: 'allowedCidr /33', source: 'c', settings: { allowedCidr: '10.0.0.0/33' }, expected: got('allowedCidr', '"10.0.0.0/33"') },
  { name: 'allowedCidr IPv6', source: 'c', settings: { allowedCidr: '::/0' }, expected: got('allowedCidr', '"::/0"') },
  // Zone names within Route 53 and ELB host-header limits.
  { name: 'zoneName of 125 characters', source: 'c', settings: { zoneName: `${'a'.repeat(63)}.${'b'.repeat(57)}.ccc` }, expected: /zoneName: got "a{63}\.b{15}… \(127 characters\); allowed: .*at most 124 characters/ },
  { name: 'zoneName lab.a1', source: 'c', settings: { zoneName: 'lab.a1' }, expected: got('zoneName', '"lab.a1"') },
  { name: 'zoneName with an xn-- TLD', source: 'c', settings: { zoneName: 'lab.xn--p1ai' }, expected: got('zoneName', '"lab.xn--p1ai"') },
  { name: 'zoneName with one label', source: 'c', settings: { zoneName: 'lab' }, expected: got('zoneName', '"lab"') },
  { name: 'zoneName with an empty label', source: 'c', settings: { zoneName: 'lab..example.com' }, expected: got('zoneName', '"lab..example.com"') },
  // Settings that would have no effect with the chosen modules.
  { name: 'zoneName with modules=ec2', source: 'c', settings: { modules: 'ec2', zoneName: 'lab.example.com' }, expected: /zoneName: got "lab.example.com"; allowed: only with the route53 module/ },
  { name: 'publicZoneId with modules=ec2', source: 'file', settings: { modules: 'ec2', zoneName: 'example.com', publicZoneId: 'Z0123456789ABCDEFGHIJ' }, expected: /publicZoneId: got "Z0123456789ABCDEFGHIJ"; allowed: only with the route53 module/ },
  { name: 'appCpu without ecs', source: 'c', settings: { modules: 'ec2,s3', appCpu: '512' }, expected: /appCpu: got "512"; allowed: only with the ecs module/ },
  { name: 'appMemory without ecs', source: 'cdk.json', settings: { modules: 'ec2', appMemory: 1024 }, expected: /appMemory: got 1024; allowed: only with the ecs module/ },
  { name: 'amiId without ec2', source: 'c', settings: { modules: 's3', amiId: 'ami-0123456789abcdef0' }, expected: /amiId: got "ami-0123456789abcdef0"; allowed: only with the ec2 module/ },
  { name: 'instanceType without ec2', source: 'file', settings: { modules: 'ecs', instanceType: 't3.micro' }, expected: /instanceType: got "t3.micro"; allowed: only with the ec2 module/ },
  { name: 'fleetMax without ec2', source: 'c', settings: { modules: 's3', fleetMax: '4' }, expected: /fleetMax: got "4"; allowed: only with the ec2 module/ },
  { name: 'imageTag without ecr and ecs', source: 'c', settings: { modules: 'ec2', imageTag: 'v1' }, expected: /imageTag: got "v1"; allowed: only with the ecr and ecs modules/ },
  { name: 'labRoleArn without learner-lab', source: 'c', settings: { labRoleArn: 'arn:aws:iam::123456789012:role/LabRole' }, expected: /labRoleArn: got "arn:aws:iam::123456789012:role\/LabRole"; allowed: .*add -c sandbox=learner-lab/ },
  // Rosters.
  { name: 'roster= (an unset shell variable)', source: 'c', settings: { roster: '' }, expected: /roster: got ""; allowed: .*an empty value is an error/ },
  { name: `a roster of ${ROSTER_MAX_STUDENTS + 1} students`, source: 'c', settings: { roster: 'big.json' }, files: { 'big.json': students(ROSTER_MAX_STUDENTS + 1) }, expected: new RegExp(`roster big.json students: got "${ROSTER_MAX_STUDENTS + 1} students"; allowed: at most ${ROSTER_MAX_STUDENTS} students per roster`) },
  { name: 'a roster of 10,000 students', source: 'c', settings: { roster: 'huge.json' }, files: { 'huge.json': students(10_000) }, expected: /roster huge.json students: got "10000 students"/ },
  { name: 'a Learner Lab roster with accounts', source: 'c', settings: { sandbox: 'learner-lab', roster: 'r.json' }, files: { 'r.json': JSON.stringify({ students: [{ id: 'ana', account: '123456789012' }] }) }, expected: /roster r.json students\[0\] \("ana"\).account: got "123456789012"; allowed: no account with sandbox=learner-lab: each Learner Lab account has its own session credentials/ },
  { name: 'a roster that does not exist', source: 'c', settings: { roster: 'missing.json' }, expected: /roster: got "missing.json"; allowed: the path of a readable JSON roster file \(reading it failed: ENOENT\)/ },
  { name: 'a roster that is not JSON', source: 'c', settings: { roster: 'bad.json' }, files: { 'bad.json': '{students: [ana]}' }, expected: /roster bad.json: got "not JSON/ },
  { name: 'a roster and a student', source: 'file', settings: { roster: 'r.json', student: 'ana' }, files: { 'r.json': students(2) }, expected: /roster: got "r.json"; allowed: a roster or a student, not both/ },
  { name: 'zoneName with a roster', source: 'c', settings: { roster: 'r.json', zoneName: 'lab.example.com' }, files: { 'r.json': students(2) }, expected: /zoneName: got "lab.example.com"; allowed: nothing with a roster/ },
  // Values shown so a student can see them.
  { name: 'a 100 KB value is cut', source: 'c', settings: { student: 'a'.repeat(100_000) }, expected: /student: got "a{79}… \(100002 characters\); allowed: lowercase letters/ },
  { name: 'a byte-order mark is shown', source: 'c', settings: { student: 'an\ufeffa' }, expected: /student: got "an\\ufeffa"; allowed/ },
  { name: 'a zero-width space is shown', source: 'file', settings: { modules: 'ec2\u200b' }, expected: /modules: got "ec2\\u200b"; allowed/ },
  { name: 'fleetMin=3 alone is a fleetMin problem', source: 'c', settings: { fleetMin: '3' }, expected: /^  - fleetMin: got {"fleetMin":3,"fleetDesired":2,"fleetMax":2}; allowed: a whole number, 1 <= fleetMin <= fleetDesired$/m },
  { name: 'fleetDesired=5 alone is a fleetDesired problem', source: 'c', settings: { fleetDesired: '5' }, expected: /^  - fleetDesired: got {"fleetMin":1,"fleetDesired":5,"fleetMax":2}/m },
  { name: 'fleetMax=10', source: 'c', settings: { fleetMax: '10' }, expected: /^  - fleetMax: got {"fleetMin":1,"fleetDesired":2,"fleetMax":10}/m },
  { name: 'a fractional fleet size', source: 'cdk.json', settings: { fleetMax: 3.5 }, expected: got('fleetMax', '3.5') },
  { name: 'a negative fleet size', source: 'file', settings: { fleetMin: -1 }, expected: got('fleetMin', '-1') },
  { name: 'expiresAfterHours=0', source: 'c', settings: { expiresAfterHours: '0' }, expected: got('expiresAfterHours', '"0"') },
  { name: 'expiresAfterHours=169', source: 'c', settings: { expiresAfterHours: '169' }, expected: got('expiresAfterHours', '"169"') },
  { name: 'expiresAfterHours=4h', source: 'c', settings: { expiresAfterHours: '4h' }, expected: got('expiresAfterHours', '"4h"') },
  { name: 'expiresAfterHours 1e2', source: 'c', settings: { expiresAfterHours: '1e2' }, expected: got('expiresAfterHours', '"1e2"') },
  { name: 'expiresAfterHours=never', source: 'file', settings: { expiresAfterHours: 'never' }, expected: got('expiresAfterHours', '"never"') },
  { name: 'expiresAfterHours false in cdk.json', source: 'cdk.json', settings: { expiresAfterHours: false }, expected: got('expiresAfterHours', 'false') },
  { name: 'an unknown sandbox', source: 'c', settings: { sandbox: 'academy' }, expected: got('sandbox', '"academy"') },
  { name: 'Learner Lab with t3.xlarge', source: 'c', settings: { sandbox: 'learner-lab', instanceType: 't3.xlarge' }, expected: got('instanceType', '"t3.xlarge"') },
  { name: 'a malformed labRoleArn', source: 'c', settings: { sandbox: 'learner-lab', labRoleArn: 'LabRole' }, expected: got('labRoleArn', '"LabRole"') },
  { name: 'an unknown module', source: 'c', settings: { modules: 'ec2,lambda' }, expected: got('modules', '"ec2,lambda"') },
  { name: 'an upper-case student', source: 'c', settings: { student: 'Ana' }, expected: got('student', '"Ana"') },
  { name: 'a numeric student in cdk.json', source: 'cdk.json', settings: { student: 7 }, expected: got('student', '"7"') },
  { name: 'an AMI id with capitals', source: 'c', settings: { amiId: 'ami-0123456789ABCDEF0' }, expected: got('amiId', '"ami-0123456789ABCDEF0"') },
  { name: 'an image tag with a colon', source: 'c', settings: { imageTag: 'app:v1' }, expected: got('imageTag', '"app:v1"') },
  // The settings file itself.
  { name: 'a settings file that is not JSON', source: 'file', settings: {}, fileText: 'student=ana\n', expected: /^  - lab-settings.json: got "student=ana\\n"; allowed: a JSON object of settings/m },
  { name: 'a settings file that is a list', source: 'file', settings: {}, fileText: '["student", "ana"]', expected: /^  - lab-settings.json: got \["student","ana"\]; allowed: a JSON object of settings/m },
];

const CASES: BadCase[] = [...typeCases, ...specificCases];

/** Writes the case's settings where its source keeps them; returns the command-line context. */
function arrange(c: BadCase) {
  const project = scratchProject(c.source === 'cdk.json' ? c.settings : {});
  for (const [name, content] of Object.entries(c.files ?? {})) project.write(name, content);
  if (c.source === 'file' || c.fileText !== undefined) project.write(SETTINGS_FILE, c.fileText ?? JSON.stringify(c.settings));
  const settingsFileBefore = fs.existsSync(path.join(project.dir, SETTINGS_FILE)) ? fs.readFileSync(path.join(project.dir, SETTINGS_FILE), 'utf8') : undefined;
  const context = c.source === 'c' ? c.settings : {};
  return { project, context, settingsFileBefore, filesBefore: project.files() };
}

function expectNothingWritten(arranged: ReturnType<typeof arrange>) {
  const { project, settingsFileBefore, filesBefore } = arranged;
  expect(project.files()).toEqual(filesBefore);
  expect(fs.readdirSync(project.outdir)).toEqual([]);
  expect(fs.existsSync(path.join(project.dir, 'cdk.context.json'))).toBe(false);
  if (settingsFileBefore !== undefined) expect(fs.readFileSync(path.join(project.dir, SETTINGS_FILE), 'utf8')).toBe(settingsFileBefore);
}

describe(`${CASES.length} bad settings, in-process through the app's entry point`, () => {
  test('the table is large enough to mean something', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const arranged = arrange(c);
    const lines: string[] = [];
    const cwd = process.cwd();
    // The roster path is relative to where cdk runs, as for a student.
    process.chdir(arranged.project.dir);
    try {
      const code = synthesizeClassLab({ projectDir: arranged.project.dir, outdir: arranged.project.outdir, context: arranged.context, guardrails: false, error: (l) => lines.push(l) });
      const message = lines.join('\n');
      expect({ code, message }).toEqual({ code: 1, message: expect.stringMatching(c.expected) });
      expect(message).not.toMatch(/^\s+at /m);
    } finally {
      process.chdir(cwd);
    }
    expectNothingWritten(arranged);
  });
});

describe('a guardrail finding after the settings passed', () => {
  test('leaves no template, names the setting behind the rule, and exits 1', () => {
    const arranged = arrange({ name: 'guardrail', source: 'c', settings: { modules: 's3' }, expected: /x/ });
    const lines: string[] = [];
    const code = synthesizeClassLab({
      // The context the CLI hands the app: with it, a finding no longer makes app.synth() throw.
      projectDir: arranged.project.dir, outdir: arranged.project.outdir, context: cliContext(arranged.context), error: (l) => lines.push(l),
      // What an allowedCidr open to the world without acknowledgement would produce: AwsSolutions-EC23.
      beforeSynth: (app) => {
        const stack = app.node.findAll().find((c): c is Stack => Stack.isStack(c))!;
        const vpc = stack.node.findAll().find((c): c is ec2.Vpc => c instanceof ec2.Vpc)!;
        new ec2.SecurityGroup(stack, 'WideOpen', { vpc, description: 'test' }).addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(80));
      },
    });
    expect(code).toBe(1);
    expect(lines.join('\n')).toMatch(/Guardrails .* stopped synthesis; nothing was written/);
    expect(lines.join('\n')).toMatch(/AwsSolutions-EC23: caused by the setting allowedCidr/);
    // Only the rule that failed is listed, not the acknowledged ones the report also names.
    const failedRules = lines.join('\n').split('stopped synthesis; nothing was written.')[1].trim().split('\n');
    expect(failedRules).toEqual([expect.stringMatching(/^- AwsSolutions-EC23: caused by the setting allowedCidr/)]);
    expectNothingWritten(arranged);
  });

  test('a good synth moves the whole assembly into the output folder', () => {
    const arranged = arrange({ name: 'good', source: 'file', settings: { modules: 's3', student: 'ana' }, expected: /x/ });
    expect(synthesizeClassLab({ projectDir: arranged.project.dir, outdir: arranged.project.outdir, guardrails: false })).toBe(0);
    expect(fs.readdirSync(arranged.project.outdir)).toEqual(expect.arrayContaining(['manifest.json', 'ClassLabStack-ana.template.json']));
    expect(JSON.stringify(JSON.parse(fs.readFileSync(path.join(arranged.project.outdir, 'ClassLabStack-ana.template.json'), 'utf8')))).toContain('"Value":"ana"');
    expect(fs.existsSync(path.join(arranged.project.dir, 'cdk.context.json'))).toBe(false);
    // The next good synth replaces the assembly: no template of a module no longer chosen stays.
    arranged.project.write(SETTINGS_FILE, JSON.stringify({ modules: 'ec2', student: 'ana', instanceType: 't3.nano' }));
    expect(synthesizeClassLab({ projectDir: arranged.project.dir, outdir: arranged.project.outdir, guardrails: false })).toBe(0);
    const nested = fs.readdirSync(arranged.project.outdir).filter((f) => f.endsWith('.nested.template.json'));
    expect(nested).toEqual([expect.stringMatching(/Ec2Fleet/)]);
  });
});

describe('a representative few through the real `cdk synth`, offline', () => {
  const subset = ['module=ec2', 'allowedCidr 10.0.0.0/08', 'student as a list', 'publicZoneId with modules=ec2', 'roster= (an unset shell variable)'];
  const chosen = subset.map((name) => CASES.find((c) => c.name === name)!);

  test.each(chosen.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const arranged = arrange(c);
    const contextArgs = Object.entries(arranged.context).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
    const result = cdkSynth(arranged.project.dir, ['ClassLabStack', ...contextArgs]);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 1, stderr: expect.stringMatching(c.expected) });
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expectNothingWritten(arranged);
  }, 200_000);
});
