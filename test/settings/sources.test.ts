import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, SETTINGS } from '../../lib/settings/lab-config';
import { describeSettings, didYouMean, effectiveSettings, isFrameworkKey, resolveSettings, SETTINGS_FILE } from '../../lib/settings/sources';
import { runSetup } from '../../scripts/setup';
import { repoCdkJson, scratchProject } from '../support/project';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('where settings come from: -c > lab-settings.json > cdk.json > default', () => {
  const cdkJson = { expiresAfterHours: 4, modules: 'ec2,s3', '@aws-cdk/core:checkSecretUsage': true };

  test('the command line wins; the settings file beats cdk.json; each value says where it came from', () => {
    // The CLI hands the app cdk.json's context merged with -c.
    const settings = effectiveSettings({ context: { ...cdkJson, student: 'ana', modules: 'ec2' }, file: { student: 'ben', instanceType: 't3.micro', modules: 's3' }, cdkJson });
    expect(settings.values).toEqual({ student: 'ana', modules: 'ec2', instanceType: 't3.micro', expiresAfterHours: 4 });
    expect(settings.sources).toEqual({ student: 'command line', modules: 'command line', instanceType: SETTINGS_FILE, expiresAfterHours: 'cdk.json' });
  });

  test('a cdk.json value the command line did not change loses to the settings file', () => {
    const settings = effectiveSettings({ context: { ...cdkJson }, file: { modules: 'ecr' }, cdkJson });
    expect(settings.values.modules).toBe('ecr');
    expect(settings.sources.modules).toBe(SETTINGS_FILE);
  });

  test('the repository cdk.json holds only CDK feature flags, which are not settings and pass', () => {
    const context = repoCdkJson().context;
    expect(Object.keys(context).every(isFrameworkKey)).toBe(true);
    expect(effectiveSettings({ context, cdkJson: context }).values).toEqual({});
  });

  test.each(['@aws-cdk/core:newStyleStackSynthesis', 'aws:cdk:enable-path-metadata', 'aws:cdk:bundling-stacks', 'cdk-toolkit', 'availability-zones:account=123456789012:region=us-east-1', 'class-lab:expiry-start:ClassLabStack'])(
    "CDK's own context key %s passes",
    (key) => expect(effectiveSettings({ context: { [key]: 'x' } }).values).toEqual({}),
  );
});

describe('unknown keys are errors with "did you mean"', () => {
  test.each([
    ['module', 'modules'],
    ['expiresafterhours', 'expiresAfterHours'],
    ['Roster', 'roster'],
    ['instancetype', 'instanceType'],
    ['instanceTyp', 'instanceType'],
    ['fleetmax', 'fleetMax'],
    ['zone', 'zoneName'],
    ['sandbx', 'sandbox'],
  ])('%s means %s', (typo, meant) => {
    expect(didYouMean(typo)).toBe(meant);
    expect(problemsOf(() => effectiveSettings({ context: { [typo]: '1' } }))).toEqual([expect.stringContaining(`"${typo}" (command line): not a setting; did you mean \`${meant}\`?`)]);
  });

  test('a key nothing resembles gets the list of settings', () => {
    expect(didYouMean('colour')).toBeUndefined();
    expect(problemsOf(() => effectiveSettings({ context: { colour: 'red' } }))[0]).toMatch(/^"colour" \(command line\): not a setting Settings: student, modules/);
  });

  test('in the settings file even a colon key is an error: it holds settings only', () => {
    expect(problemsOf(() => effectiveSettings({ context: {}, file: { 'aws:cdk:x': 1, studnet: 'ana' } }))).toEqual([
      expect.stringMatching(/^"aws:cdk:x" \(lab-settings.json\): not a setting/),
      expect.stringMatching(/^"studnet" \(lab-settings.json\): not a setting; did you mean `student`\?/),
    ]);
  });

  test('every documented setting is accepted as a key', () => {
    const context = Object.fromEntries(SETTINGS.map((s) => [s.key, 'x']));
    expect(Object.keys(effectiveSettings({ context }).values)).toEqual(SETTINGS.map((s) => s.key));
  });
});

describe('npm run setup', () => {
  const run = (dir: string, ...args: string[]) => {
    const out: string[] = [];
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const code = runSetup(args, dir, (line) => out.push(line));
      return { code, out: out.join('\n'), err: err.mock.calls.map((c) => c.join(' ')).join('\n') };
    } finally {
      err.mockRestore();
    }
  };

  test('writes the settings once; the app then reads them with no -c', () => {
    const project = scratchProject();
    const result = run(project.dir, 'student=ana', 'modules=ec2,ecr,ecs', 'imageTag=v1');
    expect(result.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(project.dir, SETTINGS_FILE), 'utf8'))).toEqual({ student: 'ana', modules: 'ec2,ecr,ecs', imageTag: 'v1' });
    expect(result.out).toMatch(/student += "ana" +\(lab-settings.json\)/);
    const resolved = resolveSettings({}, project.dir);
    expect(resolved.config).toMatchObject({ student: 'ana', imageTag: 'v1' });
    expect([...resolved.config.modules]).toEqual(['ec2', 'ecr', 'ecs']);
    // -c still overrides.
    expect(resolveSettings({ student: 'ben' }, project.dir).config.student).toBe('ben');
  });

  test('--unset forgets a setting; no arguments prints the effective settings', () => {
    const project = scratchProject();
    run(project.dir, 'student=ana', 'instanceType=t3.micro');
    expect(run(project.dir, '--unset', 'instanceType').code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(project.dir, SETTINGS_FILE), 'utf8'))).toEqual({ student: 'ana' });
    const shown = run(project.dir);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('student = "ana"  (lab-settings.json)');
    expect(shown.out).not.toContain('Wrote');
  });

  test('a bad setting, an unknown key or a pair without = writes nothing', () => {
    const project = scratchProject();
    run(project.dir, 'student=ana');
    const before = fs.readFileSync(path.join(project.dir, SETTINGS_FILE), 'utf8');
    for (const args of [['instanceType=t3.8xlarge'], ['modul=ec2'], ['student'], ['--unset', 'colour'], ['student=']]) {
      const result = run(project.dir, ...args);
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect(result.err).toMatch(/Nothing was written\.$/);
      expect(result.err).not.toMatch(/^\s+at /m);
      expect(fs.readFileSync(path.join(project.dir, SETTINGS_FILE), 'utf8')).toBe(before);
    }
    expect(project.files()).toEqual(['cdk.json', SETTINGS_FILE]);
  });

  test('the summary lines show values as JSON, cut to a readable length', () => {
    expect(describeSettings({ values: { student: 'ana', fleetMax: 4 }, sources: { student: SETTINGS_FILE, fleetMax: 'command line' } }))
      .toEqual(['  student  = "ana"  (lab-settings.json)', '  fleetMax = 4  (command line)']);
    expect(describeSettings({ values: {}, sources: {} })).toEqual(['  (none: every setting has its default)']);
  });
});
