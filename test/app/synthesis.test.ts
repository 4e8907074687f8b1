/**
 * One template, whoever synthesizes: with or without the CDK CLI's CDK_DEFAULT_ACCOUNT/REGION,
 * at any time, the same settings give byte-identical output, offline. And every combination
 * of the settings that shape the stacks synthesizes (a pairwise set).
 *
 * @tier full: dozens of whole-app synths, a proof about every combination rather than one module.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { synthesizeClassLab } from '../../lib/app/class-lab-app';
import { SETTINGS_FILE } from '../../lib/settings/sources';
import { scratchProject } from '../support/project';

/** Every file of an assembly folder, by relative path. */
function filesOf(dir: string): Map<string, string> {
  return new Map(fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

function withEnv<T>(env: Record<string, string | undefined>, run: () => T): T {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(env);
  try {
    return run();
  } finally {
    set(before);
  }
}

/** Synthesizes the project's settings into a fresh output folder at a given clock time. */
function synthAt(project: ReturnType<typeof scratchProject>, outName: string, iso: string, env: Record<string, string | undefined>): Map<string, string> {
  const outdir = path.join(project.dir, outName);
  jest.useFakeTimers({ now: new Date(iso), doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'queueMicrotask'] });
  const cwd = process.cwd();
  try {
    process.chdir(project.dir);
    const errors: string[] = [];
    const code = withEnv(env, () => synthesizeClassLab({ projectDir: project.dir, outdir, guardrails: false, error: (l) => errors.push(l) }));
    expect({ code, errors }).toEqual({ code: 0, errors: [] });
  } finally {
    process.chdir(cwd);
    jest.useRealTimers();
  }
  return filesOf(outdir);
}

const NO_CLI_ENV = { CDK_DEFAULT_ACCOUNT: undefined, CDK_DEFAULT_REGION: undefined };
const CLI_ENV = { CDK_DEFAULT_ACCOUNT: '111122223333', CDK_DEFAULT_REGION: 'eu-west-1' };

describe('one template, whoever synthesizes', () => {
  test('with and without CDK_DEFAULT_ACCOUNT/REGION, at two clock times, with expiry on: byte-identical', () => {
    const project = scratchProject();
    project.write(SETTINGS_FILE, JSON.stringify({ student: 'ana', expiresAfterHours: 4 }));
    // One call site for both runs: the assembly's metadata records where synthesis was called from.
    const [first, second] = ([['out-a', '2026-01-05T09:00:00Z', NO_CLI_ENV], ['out-b', '2026-03-17T23:59:59Z', CLI_ENV]] as const)
      .map(([out, at, env]) => synthAt(project, out, at, env));
    expect([...first.keys()].filter((f) => f.endsWith('.template.json')).length).toBe(6);
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [file, text] of first) expect({ file, same: second.get(file) === text }).toEqual({ file, same: true });
    const root = JSON.parse(first.get('ClassLabStack-ana.template.json')!);
    expect(root.Outputs.ExpiresAt.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ExpiryClock/), 'ExpiresAt'] });
    expect(fs.existsSync(path.join(project.dir, 'cdk.context.json'))).toBe(false);
  });

  test('a roster with accounts and Regions synthesizes offline, with no lookup, the same with and without the CLI environment', () => {
    const project = scratchProject();
    project.write('roster.json', JSON.stringify({ students: ['ana', { id: 'ben', region: 'us-west-2' }, { id: 'cleo', account: '123456789012', region: 'eu-west-1' }] }));
    project.write(SETTINGS_FILE, JSON.stringify({ roster: 'roster.json', modules: 'ec2,s3' }));
    const [first, second] = ([['out-a', '2026-01-05T09:00:00Z', NO_CLI_ENV], ['out-b', '2026-01-05T10:00:00Z', CLI_ENV]] as const)
      .map(([out, at, env]) => synthAt(project, out, at, env));
    for (const [file, text] of first) expect({ file, same: second.get(file) === text }).toEqual({ file, same: true });
    const manifest = JSON.parse(first.get('manifest.json')!);
    // No context lookup was needed (it would be listed as missing and need credentials).
    expect(manifest.missing).toBeUndefined();
    const environments = Object.fromEntries(Object.entries<Record<string, any>>(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([id, a]) => [id, a.environment]));
    expect(environments).toEqual({
      'ClassLabStack-ana': 'aws://unknown-account/unknown-region',
      'ClassLabStack-ben': 'aws://unknown-account/us-west-2',
      'ClassLabStack-cleo': 'aws://123456789012/eu-west-1',
    });
    // Availability zones stay deploy-time values even where the region is known.
    const cleo = JSON.parse(first.get('ClassLabStack-cleo.template.json')!);
    const subnets = Object.values<Record<string, any>>(cleo.Resources).filter((r) => r.Type === 'AWS::EC2::Subnet');
    expect(subnets.map((s) => s.Properties.AvailabilityZone)).toContainEqual({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] });
  });
});

/**
 * The factors whose combinations shape the stacks. Constraints mirror the no-effect rule:
 * imageTag needs ecr and ecs, an instance family needs ec2.
 */
const FACTORS = {
  sandbox: ['none', 'learner-lab'],
  modules: ['ec2,s3,route53,ecr,ecs', 'ec2', 's3', 'route53', 'ecr,ecs', 'ec2,route53', 'ecs'],
  imageTag: ['-', 'v1'],
  who: ['solo', 'student', 'roster'],
  expiry: ['-', 'off', '4'],
  family: ['-', 't4g', 't3', 't3a'],
} as const;
type Factor = keyof typeof FACTORS;
type Combination = Record<Factor, string>;

function isValid(c: Combination): boolean {
  const modules = c.modules.split(',');
  if (c.imageTag !== '-' && !(modules.includes('ecr') && modules.includes('ecs'))) return false;
  if ((c.family !== '-') !== modules.includes('ec2')) return false;
  return true;
}

/** A greedy pairwise set: every valid pair of factor values appears in at least one valid combination. */
export function pairwise(): Combination[] {
  const keys = Object.keys(FACTORS) as Factor[];
  let all: Combination[] = [{} as Combination];
  for (const k of keys) all = all.flatMap((c) => FACTORS[k].map((v) => ({ ...c, [k]: v })));
  const valid = all.filter(isValid);
  const pairsOf = (c: Combination) => keys.flatMap((a, i) => keys.slice(i + 1).map((b) => `${a}=${c[a]}|${b}=${c[b]}`));
  const uncovered = new Set(valid.flatMap(pairsOf));
  const chosen: Combination[] = [];
  while (uncovered.size > 0) {
    let best = valid[0];
    let bestScore = -1;
    for (const c of valid) {
      const score = pairsOf(c).filter((p) => uncovered.has(p)).length;
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    chosen.push(best);
    for (const p of pairsOf(best)) uncovered.delete(p);
  }
  return chosen;
}

function settingsOf(c: Combination, rosterFile: string): Record<string, string> {
  const settings: Record<string, string> = { sandbox: c.sandbox, modules: c.modules };
  if (c.imageTag !== '-') settings.imageTag = c.imageTag;
  if (c.who === 'student') settings.student = 'ana';
  if (c.who === 'roster') settings.roster = rosterFile;
  if (c.expiry !== '-') settings.expiresAfterHours = c.expiry;
  if (c.family !== '-') settings.instanceType = `${c.family}.micro`;
  return settings;
}

describe('every combination synthesizes (pairwise)', () => {
  const combinations = pairwise();
  const project = scratchProject();
  const rosterFile = project.write('roster.json', JSON.stringify({ students: ['ana', 'ben'] }));

  test('the pairwise set covers every valid pair in far fewer runs than the product', () => {
    expect(combinations.length).toBeLessThan(40);
    expect(combinations.every(isValid)).toBe(true);
  });

  test.each(combinations.map((c) => [Object.values(c).join(' '), c] as const))('%s', (_name, c) => {
    const outdir = path.join(project.dir, `out-${Object.values(c).join('-').replace(/[^\w-]/g, '_')}`);
    const errors: string[] = [];
    const code = synthesizeClassLab({ projectDir: project.dir, outdir, context: settingsOf(c, rosterFile), guardrails: false, error: (l) => errors.push(l) });
    expect({ code, errors }).toEqual({ code: 0, errors: [] });
    const templates = fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
    const roots = templates.filter((f) => !f.includes('.nested.') && /^ClassLabStack/.test(f));
    expect(roots).toHaveLength(c.who === 'roster' ? 2 : 1);
    const all = templates.map((f) => JSON.parse(fs.readFileSync(path.join(outdir, f), 'utf8')));
    const types = new Set(all.flatMap((t) => Object.values<Record<string, any>>(t.Resources ?? {}).map((r) => r.Type)));
    // Expiry is on unless turned off: the default ('-') has the schedules too.
    expect(types.has('AWS::Scheduler::Schedule')).toBe(c.expiry !== 'off');
    if (c.sandbox === 'learner-lab') expect([...types].filter((t) => t.startsWith('AWS::IAM::'))).toEqual([]);
    fs.rmSync(outdir, { recursive: true, force: true });
  }, 120_000);
});
