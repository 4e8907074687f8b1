/**
 * The variants' cloud assemblies on disk, read by every test file and worker of a run, with no
 * process started (so `npm run test:quick` may use it).
 *
 * A variant (test/support/variants.ts) has a project folder under
 * node_modules/.cache/class-lab-kit/cli-synth/<key>/<variant>/, where the key hashes everything
 * that decides a template (lib/, bin/, sample-app/, cdk.json, the lockfile, the variants), so an
 * unchanged tree is never synthesized twice and a changed one never reads a stale template.
 * `npm test`'s global setup has the real CDK CLI synthesize each one there (test/support/cli-synth.ts).
 *
 * `variantAssembly(name)` reads the CLI's assembly when the CLI has synthesized the variant in this
 * tree. When it has not (the quick tier, or `CLASS_LAB_CLI_SYNTH=off`), it builds the variant
 * in-process instead, as test/app/cli-equivalence.test.ts builds it (the app's entry point on the
 * variant's project folder, the CLI's context; the guardrails only where the test reads their
 * report), once per tree: the assembly is kept beside the CLI's, in `in-process-*`, for the other
 * test files and workers. Never a skipped
 * assertion, never a stale template; a CLI synth that failed is an error, not a fallback.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { cliContext } from './cli-context';
import { REPO_ROOT, repoCdkJson } from './project';
import { variant, VariantName } from './variants';

export const CACHE_ROOT = path.join(REPO_ROOT, 'node_modules', '.cache', 'class-lab-kit', 'cli-synth');

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

export interface SynthRecord {
  readonly status: number | null;
  readonly stderr: string;
  readonly seconds: number;
}

/** The CLI synth's record (status, stderr, seconds); absent while the CLI has not synthesized the variant. */
export const recordFile = (project: VariantProject) => path.join(project.dir, 'synth.json');

export function readRecord(file: string): SynthRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Takes the lock folder `dir` (mkdir is atomic); false while another process holds it. */
export function takeLock(dir: string): boolean {
  try {
    fs.mkdirSync(dir);
    return true;
  } catch {
    const lock = fs.statSync(dir, { throwIfNoEntry: false });
    if (!lock) return takeLock(dir);
    if (Date.now() - lock.mtimeMs < LOCK_STALE_MS) return false;
    fs.rmSync(dir, { recursive: true, force: true });
    return takeLock(dir);
  }
}

export const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export interface CliAssembly {
  readonly project: VariantProject;
  /** The assembly's folder. */
  readonly outdir: string;
  /** manifest.json of the cloud assembly. */
  readonly manifest: { artifacts: Record<string, { type: string; environment?: string; properties?: Record<string, any>; dependencies?: string[] }> };
  /** Every template of the assembly (root and nested), by file name. */
  templates(): Map<string, Record<string, any>>;
  /** The stack artifacts: id, stack name and properties (tags, termination protection, roles). */
  stacks(): Array<{ id: string; stackName: string; environment?: string; properties: Record<string, any> }>;
}

/** Reads a cloud assembly folder: the manifest, its templates and its stacks. */
export function readAssembly(project: VariantProject, outdir = project.outdir): CliAssembly {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  return {
    project,
    outdir,
    manifest,
    templates: () => new Map(fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json')).sort()
      .map((f) => [f, JSON.parse(fs.readFileSync(path.join(outdir, f), 'utf8'))])),
    stacks: () => Object.entries(manifest.artifacts as CliAssembly['manifest']['artifacts'])
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      // The manifest names a stack only where its name differs from its id.
      .map(([id, a]) => ({ id, stackName: a.properties?.stackName ?? id, environment: a.environment, properties: a.properties ?? {} })),
  };
}

/**
 * The in-process builds of a variant kept when the CLI has not synthesized it: `checked` with the
 * guardrails on (it has validation-report.json), `templates` without them. The guardrails are
 * validation plugins that read the written templates and change none, so both have the same
 * templates; the guardrails' WebAssembly engines are most of a build's time, so a test that reads
 * no report does not wait for them.
 */
type InProcessBuild = 'checked' | 'templates';
const inProcessDir = (project: VariantProject, build: InProcessBuild) => path.join(project.dir, `in-process-${build}`);
const inProcessRecord = (project: VariantProject, build: InProcessBuild) => path.join(project.dir, `in-process-${build}.json`);

/** The app's entry point run in this process on the variant's project folder, as cli-equivalence does. */
function buildInProcess(project: VariantProject, build: InProcessBuild): SynthRecord {
  const started = Date.now();
  const outdir = fs.mkdtempSync(path.join(project.dir, 'in-process-'));
  const errors: string[] = [];
  // Loaded here, not at the top: jest's global setup reads this module and needs no aws-cdk-lib.
  const { buildClassLabApp, synthesizeClassLab } = require('../../lib/app/class-lab-app') as typeof import('../../lib/app/class-lab-app');
  const context = cliContext({}, repoCdkJson().context);
  const status = build === 'checked'
    ? synthesizeClassLab({ projectDir: project.dir, outdir, context, error: (line) => errors.push(line) })
    // The same build with no validation at all (aws-cdk-lib's built-in one included), as synthLab's guardrails: false.
    : synthesizeUnchecked(() => buildClassLabApp({ outdir, context, builtinCloudFormationValidation: false }, { projectDir: project.dir, guardrails: false }).app.synth(), errors);
  if (status === 0) {
    fs.rmSync(inProcessDir(project, build), { recursive: true, force: true });
    fs.renameSync(outdir, inProcessDir(project, build));
  } else {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  return { status, stderr: errors.join('\n'), seconds: (Date.now() - started) / 1000 };
}

function synthesizeUnchecked(synth: () => unknown, errors: string[]): number {
  try {
    synth();
    return 0;
  } catch (caught) {
    errors.push((caught as Error).message ?? String(caught));
    return 1;
  }
}

/** The in-process build, made once per tree; other workers wait for it (a lock folder). */
function inProcessAssembly(project: VariantProject, build: InProcessBuild): SynthRecord {
  const lock = path.join(project.dir, `in-process-${build}.lock`);
  for (;;) {
    const done = readRecord(inProcessRecord(project, build));
    if (done) return done;
    if (takeLock(lock)) {
      try {
        const record = buildInProcess(project, build);
        fs.writeFileSync(inProcessRecord(project, build), JSON.stringify(record));
        return record;
      } finally {
        fs.rmSync(lock, { recursive: true, force: true });
      }
    }
    sleep(200);
  }
}

export interface VariantAssembly extends CliAssembly {
  /** Who built it: the real CDK CLI (`npm test`), or this app's entry point in-process (a cold quick tier). */
  readonly builtBy: 'cli' | 'in-process';
  /** Every template, root and nested, for assertions. */
  template(file: string): Template;
  /** The template of the stack with that id (the root stack for a single student). */
  root(stackId?: string): Template;
  /** The stack's tags in manifest.json (what a deploy puts on the stack). */
  stackTags(stackId?: string): Record<string, string>;
  /** validation-report.json of the synth: the guardrails' findings and acknowledgements (ask with `checks: true`). */
  validationReport(): { pluginReports: Array<Record<string, any>> };
}

const assemblies = new Map<string, VariantAssembly>();

export interface VariantAssemblyOptions {
  /** The test reads the guardrails' report (validationReport()): an in-process build must run them. */
  readonly checks?: boolean;
}

/** The variant's assembly: the CLI's when it has synthesized it in this tree, else the in-process build. */
export function variantAssembly(name: VariantName, options: VariantAssemblyOptions = {}): VariantAssembly {
  const key = `${name}${options.checks ? ' checked' : ''}`;
  const cached = assemblies.get(key);
  if (cached) return cached;
  const project = variantProject(name);
  const cli = readRecord(recordFile(project));
  let assembly: CliAssembly;
  let builtBy: VariantAssembly['builtBy'];
  if (cli) {
    if (cli.status !== 0) throw new Error(`cdk synth of the ${name} variant (${project.dir}) exited ${cli.status}:\n${cli.stderr}`);
    [assembly, builtBy] = [readAssembly(project), 'cli'];
  } else {
    // A checked build serves a test that reads only templates too.
    const build: InProcessBuild = options.checks || readRecord(inProcessRecord(project, 'checked'))?.status === 0 ? 'checked' : 'templates';
    const record = inProcessAssembly(project, build);
    if (record.status !== 0) throw new Error(`in-process synth of the ${name} variant (${project.dir}) failed:\n${record.stderr}`);
    [assembly, builtBy] = [readAssembly(project, inProcessDir(project, build)), 'in-process'];
  }
  const { Template: Templates } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
  const templates = new Map<string, Template>();
  const template = (file: string): Template => {
    if (!templates.has(file)) templates.set(file, Templates.fromJSON(JSON.parse(fs.readFileSync(path.join(assembly.outdir, file), 'utf8'))));
    return templates.get(file)!;
  };
  const stack = (stackId?: string) => {
    const stacks = assembly.stacks();
    const found = stackId === undefined && stacks.length === 1 ? stacks[0] : stacks.find((s) => s.id === stackId);
    if (!found) throw new Error(`the ${name} variant has no stack ${stackId ?? '(one of several: name it)'}; it has ${stacks.map((s) => s.id).join(', ')}`);
    return found;
  };
  const result: VariantAssembly = {
    ...assembly,
    builtBy,
    template,
    root: (stackId) => template(stack(stackId).properties.templateFile ?? `${stack(stackId).id}.template.json`),
    stackTags: (stackId) => stack(stackId).properties.tags ?? {},
    validationReport: () => {
      const report = path.join(assembly.outdir, 'validation-report.json');
      if (!fs.existsSync(report)) throw new Error(`the ${name} variant was built without the guardrails: ask for variantAssembly('${name}', { checks: true })`);
      return JSON.parse(fs.readFileSync(report, 'utf8'));
    },
  };
  assemblies.set(key, result);
  return result;
}

/** All resources of one type across every template of the variant, nested included. */
export function variantResourcesOfType(assembly: CliAssembly, type: string): Array<Record<string, any>> {
  return [...assembly.templates().values()].flatMap((t) =>
    Object.values<Record<string, any>>(t.Resources ?? {}).filter((r) => r.Type === type));
}
