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
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cdkSynthArgs, cdkSynthEnv } from './cdk-cli';
import { REPO_ROOT, repoCdkJson } from './project';
import { variant, VARIANTS, VariantName } from './variants';

const CACHE_ROOT = path.join(REPO_ROOT, 'node_modules', '.cache', 'class-lab-kit', 'cli-synth');

/** What decides a template: the app's source, its asset, its settings and its dependencies. */
const KEY_INPUTS = ['lib', 'bin', 'sample-app', 'cdk.json', 'package-lock.json', 'tsconfig.json', path.join('test', 'support', 'variants.ts')];

/** A stale lock (its synth was killed) is taken over after this long. */
const LOCK_STALE_MS = 5 * 60_000;

function filesUnder(entry: string): string[] {
  const full = path.join(REPO_ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [entry];
  return fs.readdirSync(full, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules' && e.name !== 'cdk.out')
    .flatMap((e) => filesUnder(path.join(entry, e.name)));
}

let cachedKey: string | undefined;

/** The hash of every input that decides a template (computed once per process). */
export function sourceKey(): string {
  if (cachedKey) return cachedKey;
  const hash = crypto.createHash('sha256');
  for (const file of KEY_INPUTS.flatMap(filesUnder).sort()) {
    hash.update(file).update('\0').update(fs.readFileSync(path.join(REPO_ROOT, file))).update('\0');
  }
  cachedKey = hash.digest('hex').slice(0, 16);
  return cachedKey;
}

export interface VariantProject {
  readonly name: VariantName;
  /** The project folder: cdk.json, lab-settings.json, the roster. */
  readonly dir: string;
  /** The CLI's output folder. */
  readonly outdir: string;
}

/** The variant's project folder, written if it is not there yet. */
export function variantProject(name: VariantName): VariantProject {
  const v = variant(name);
  const dir = path.join(CACHE_ROOT, sourceKey(), name);
  const outdir = path.join(dir, 'cdk.out');
  if (!fs.existsSync(path.join(dir, 'cdk.json'))) {
    fs.mkdirSync(dir, { recursive: true });
    const cdkJson = repoCdkJson();
    // The repository's app, run from the variant's folder (the settings files are read from the working directory).
    cdkJson.app = `node ${require.resolve('ts-node/dist/bin')} --prefer-ts-exts ${path.join(REPO_ROOT, 'bin', 'class-lab.ts')}`;
    for (const [file, text] of Object.entries(v.files ?? {})) fs.writeFileSync(path.join(dir, file), text);
    fs.writeFileSync(path.join(dir, 'lab-settings.json'), `${JSON.stringify(v.settings, undefined, 2)}\n`);
    fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify(cdkJson, undefined, 2));
  }
  return { name, dir, outdir };
}

interface SynthRecord {
  readonly status: number | null;
  readonly stderr: string;
  readonly seconds: number;
}

const recordFile = (project: VariantProject) => path.join(project.dir, 'synth.json');
const lockDir = (project: VariantProject) => path.join(project.dir, 'synth.lock');

/** `cdk synth` of every stack of the variant (a roster has several), as `npx cdk synth` does. */
const SYNTH_ARGS = (project: VariantProject) => cdkSynthArgs(['-o', project.outdir]);

function readRecord(project: VariantProject): SynthRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(recordFile(project), 'utf8'));
  } catch {
    return undefined;
  }
}

function takeLock(project: VariantProject): boolean {
  try {
    fs.mkdirSync(lockDir(project));
    return true;
  } catch {
    const lock = fs.statSync(lockDir(project), { throwIfNoEntry: false });
    if (!lock) return takeLock(project);
    if (Date.now() - lock.mtimeMs < LOCK_STALE_MS) return false;
    fs.rmSync(lockDir(project), { recursive: true, force: true });
    return takeLock(project);
  }
}

function finish(project: VariantProject, record: SynthRecord): SynthRecord {
  fs.writeFileSync(recordFile(project), JSON.stringify(record));
  fs.rmSync(lockDir(project), { recursive: true, force: true });
  return record;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Runs (or waits for) the variant's CLI synth, synchronously. */
function synthesizeNow(project: VariantProject): SynthRecord {
  for (;;) {
    const done = readRecord(project);
    if (done) return done;
    if (takeLock(project)) {
      const started = Date.now();
      const result = spawnSync(process.execPath, SYNTH_ARGS(project), { cwd: project.dir, encoding: 'utf8', env: cdkSynthEnv(), timeout: 300_000 });
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
  const child = spawn(process.execPath, SYNTH_ARGS(project), { cwd: project.dir, env: cdkSynthEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
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

export interface CliAssembly {
  readonly project: VariantProject;
  /** manifest.json of the CLI's cloud assembly. */
  readonly manifest: { artifacts: Record<string, { type: string; environment?: string; properties?: Record<string, any>; dependencies?: string[] }> };
  /** Every template the CLI wrote (root and nested), by file name. */
  templates(): Map<string, Record<string, any>>;
  /** The stack artifacts: id, stack name and properties (tags, termination protection, roles). */
  stacks(): Array<{ id: string; stackName: string; environment?: string; properties: Record<string, any> }>;
}

/** Reads a cloud assembly folder: the manifest, its templates and its stacks. */
export function readAssembly(project: VariantProject, outdir = project.outdir): CliAssembly {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  return {
    project,
    manifest,
    templates: () => new Map(fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json')).sort()
      .map((f) => [f, JSON.parse(fs.readFileSync(path.join(outdir, f), 'utf8'))])),
    stacks: () => Object.entries(manifest.artifacts as CliAssembly['manifest']['artifacts'])
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      // The manifest names a stack only where its name differs from its id.
      .map(([id, a]) => ({ id, stackName: a.properties?.stackName ?? id, environment: a.environment, properties: a.properties ?? {} })),
  };
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
