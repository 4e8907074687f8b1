/**
 * `npm run synth` (scripts/synth.ts) as a student or instructor runs it, through the real CDK CLI:
 * with a roster in the settings it synthesizes and summarizes every stack, and a failed synth
 * leaves `cdk.out` as it was.
 */
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SETTINGS_FILE } from '../../lib/settings/sources';
import { cdkSynthEnv } from '../support/cdk-cli';
import { REPO_ROOT, scratchProject, ScratchProject } from '../support/project';

/** `npm run synth -- <args>` in a project, offline and without credentials. */
function npmRunSynth(project: ScratchProject, args: readonly string[]): SpawnSyncReturns<string> {
  const env = cdkSynthEnv();
  const tsNode = require.resolve('ts-node/dist/bin');
  return spawnSync(process.execPath, [tsNode, path.join(REPO_ROOT, 'scripts', 'synth.ts'), '--no-notices', ...args], { cwd: project.dir, encoding: 'utf8', env, timeout: 300_000 });
}

/** Every file under a folder with its content, to tell whether it changed. */
function snapshotOf(dir: string): Record<string, string> {
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  return Object.fromEntries(walk(dir).map((f) => [path.relative(dir, f), fs.readFileSync(f, 'utf8')]));
}

describe('npm run synth with a roster in the settings', () => {
  const project = scratchProject();
  project.write('roster.json', JSON.stringify({ students: ['ana', 'ben'] }));
  project.write(SETTINGS_FILE, JSON.stringify({ roster: 'roster.json', modules: 'ec2,s3' }));
  // A previous synth's output: a stack of a student no longer in the roster.
  fs.writeFileSync(path.join(project.outdir, 'ClassLabStack-zoe.template.json'), '{}');
  let run: SpawnSyncReturns<string>;
  beforeAll(() => {
    run = npmRunSynth(project, []);
  }, 320_000);

  test('exits 0 and replaces cdk.out with every student\'s stack', () => {
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ status: 0, stderr: '' });
    const roots = fs.readdirSync(project.outdir).filter((f) => /^ClassLabStack.*\.template\.json$/.test(f) && !f.includes('nested'));
    expect(roots.sort()).toEqual(['ClassLabStack-ana.template.json', 'ClassLabStack-ben.template.json']);
  });

  test('summarizes every stack: its templates, and what `cdk deploy --all` creates in each', () => {
    for (const student of ['ana', 'ben']) expect(run.stdout).toMatch(new RegExp(`^  ClassLabStack-${student}: 3 templates, \\d+ resources$`, 'm'));
    expect(run.stdout).toContain('`npx cdk deploy --all` would create, in each of the 2 stacks:');
    expect(run.stdout).toMatch(/^ +1 x AWS::AutoScaling::AutoScalingGroup$/m);
    expect(run.stdout).toMatch(/roster += "roster.json" +\(lab-settings.json\)/);
  });
});

test('a failed npm run synth leaves cdk.out as it was', () => {
  const project = scratchProject();
  fs.writeFileSync(path.join(project.outdir, 'ClassLabStack.template.json'), '{"Resources":{}}');
  const before = snapshotOf(project.outdir);
  const run = npmRunSynth(project, ['-c', 'modules=nope']);
  expect(run.status).not.toBe(0);
  expect(run.stderr).toMatch(/modules/);
  expect(run.stderr).toContain('cdk.out is as it was');
  expect(snapshotOf(project.outdir)).toEqual(before);
}, 200_000);
