/**
 * One real `cdk synth` per variant per test run, shared by every test file and worker.
 *
 * Each variant (test/support/variants.ts) gets a project folder like a student's checkout (the
 * repository's cdk.json, the variant's lab-settings.json and roster), and the pinned CLI
 * synthesizes it, offline and without credentials, into that folder's cdk.out. The folders live
 * under node_modules/.cache/class-lab-kit/cli-synth/<key>/, where the key hashes everything that
 * decides a template (lib/, bin/, sample-app/, cdk.json, the lockfile, the variants), so an
 * unchanged tree is never synthesized twice and a changed one never reads a stale template.
 *
 * jest's global setup (test/support/global-setup.ts) synthesizes every variant before the tests
 * start, two at a time; a test run on its own synthesizes only the variants it asks for. Two
 * workers asking for the same variant at once share one synth (a lock folder).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cdkSynthArgs, cdkSynthEnv } from './cdk-cli';
import {
  CACHE_ROOT, readAssembly, readRecord as readRecordFile, recordFile, sleep, sourceKey, takeLock as takeLockDir, variantProject,
} from './variant-assembly';
import type { CliAssembly, SynthRecord, VariantProject } from './variant-assembly';
import { VARIANTS, VariantName } from './variants';

// The cache's layout and readers are in test/support/variant-assembly.ts (which starts no process).
export { readAssembly, sourceKey, variantProject };
export type { CliAssembly, VariantProject };

const lockDir = (project: VariantProject) => path.join(project.dir, 'synth.lock');
const readRecord = (project: VariantProject) => readRecordFile(recordFile(project));
const takeLock = (project: VariantProject) => takeLockDir(lockDir(project));

/** `cdk synth` of every stack of the variant (a roster has several), as `npx cdk synth` does. */
const SYNTH_ARGS = (project: VariantProject) => cdkSynthArgs(['-o', project.outdir]);

/**
 * The variant that the CLI synthesizes with aws-cdk-lib's built-in CloudFormation validation, as
 * a student's `npx cdk synth ClassLabStack` runs it. The other variants' CLI synths turn it off
 * (CDK_VALIDATION=false, which aws-cdk-lib reads at synth time): it is a check that writes nothing
 * (the assembly is byte for byte the same with it off) and half of every synth's time, and
 * test/app/cli-equivalence.test.ts runs every variant's in-process build with it on (and with the
 * guardrails), so each variant still passes it once per run, not twice (docs/architecture.md).
 */
export const BUILTIN_VALIDATION_VARIANT: VariantName = 'default';

/** The CLI's environment for the variant: a student's laptop without credentials. */
export function variantSynthEnv(name: VariantName): NodeJS.ProcessEnv {
  return name === BUILTIN_VALIDATION_VARIANT ? cdkSynthEnv() : { ...cdkSynthEnv(), CDK_VALIDATION: 'false' };
}

function finish(project: VariantProject, record: SynthRecord): SynthRecord {
  fs.writeFileSync(recordFile(project), JSON.stringify(record));
  fs.rmSync(lockDir(project), { recursive: true, force: true });
  return record;
}

/** Runs (or waits for) the variant's CLI synth, synchronously. */
function synthesizeNow(project: VariantProject): SynthRecord {
  for (;;) {
    const done = readRecord(project);
    if (done) return done;
    if (takeLock(project)) {
      const started = Date.now();
      const result = spawnSync(process.execPath, SYNTH_ARGS(project), { cwd: project.dir, encoding: 'utf8', env: variantSynthEnv(project.name), timeout: 300_000 });
      return finish(project, { status: result.status, stderr: result.stderr ?? String(result.error ?? ''), seconds: (Date.now() - started) / 1000 });
    }
    sleep(200);
  }
}

/** The same, without blocking the process (global setup runs several side by side). */
async function synthesizeInBackground(project: VariantProject): Promise<SynthRecord> {
  const done = readRecord(project);
  if (done || !takeLock(project)) return done ?? synthesizeNow(project);
  const started = Date.now();
  const child = spawn(process.execPath, SYNTH_ARGS(project), { cwd: project.dir, env: variantSynthEnv(project.name), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return finish(project, { status, stderr, seconds: (Date.now() - started) / 1000 });
}

/** Synthesizes every listed variant, `concurrency` at a time; returns the seconds each took. */
export async function synthesizeEveryVariant(concurrency = 2): Promise<Record<string, SynthRecord>> {
  pruneOtherKeys();
  const queue = Object.keys(VARIANTS) as VariantName[];
  const records: Record<string, SynthRecord> = {};
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) records[name] = await synthesizeInBackground(variantProject(name));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return records;
}

/** Folders of older trees go, so the cache holds one tree's synths. */
function pruneOtherKeys(): void {
  if (!fs.existsSync(CACHE_ROOT)) return;
  for (const key of fs.readdirSync(CACHE_ROOT)) {
    if (key !== sourceKey()) fs.rmSync(path.join(CACHE_ROOT, key), { recursive: true, force: true });
  }
}

/** The variant as the real CLI synthesized it (synthesized now if this run has not yet). */
export function cliAssembly(name: VariantName): CliAssembly {
  const project = variantProject(name);
  const record = synthesizeNow(project);
  if (record.status !== 0) throw new Error(`cdk synth of the ${name} variant (${project.dir}) exited ${record.status}:\n${record.stderr}`);
  return readAssembly(project);
}

/** Seconds the CLI took for the variant in this tree (for the benchmark and the run's summary). */
export function cliSynthSeconds(name: VariantName): number | undefined {
  return readRecord(variantProject(name))?.seconds;
}
