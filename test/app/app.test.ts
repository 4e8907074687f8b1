import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { REPO_ROOT, scratchProject } from '../support/project';

/**
 * Runs the CDK app the way `cdk synth` does: context in CDK_CONTEXT_JSON, output in CDK_OUTDIR,
 * from a project directory of its own (so a lab-settings.json of the checkout does not count).
 */
function runApp(context: Record<string, string>) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-app-'));
  const result = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), path.join(REPO_ROOT, 'bin', 'class-lab.ts')], {
    cwd: scratchProject().dir,
    encoding: 'utf8',
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
  });
  return { ...result, outdir };
}

describe('bin/class-lab.ts', () => {
  test('a bad setting stops synthesis with one clear message, no stack trace and no template', () => {
    const result = runApp({ instanceType: 't3.8xlarge' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Invalid Class Lab settings:\n' +
        '  - instanceType: got "t3.8xlarge"; allowed: <family>.<size> with family t4g|t3|t3a and size nano|micro|small|medium|large',
    );
    expect(fs.readdirSync(result.outdir)).toEqual([]);
  });
});
