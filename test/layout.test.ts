/**
 * The tree reads as the architecture (docs/architecture.md "Shape"): no import cycle anywhere in
 * lib/, lib/ holds folders only, and in the instructor tool the arrows point down — commands use
 * the shared layers, never each other; the shared layers never import a command.
 * Imports are read with TypeScript's own pre-processor (static imports, `require`, `import()`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from './support/project';

const LIB = path.join(REPO_ROOT, 'lib');
const TOOL = path.join(LIB, 'instructor-tool');

/** Instructor-tool folders below the commands, lowest first; each may import only those before it. */
const SHARED_LAYERS = ['core', 'aws', 'templates', 'checkpoints'] as const;
const COMMANDS = ['doctor', 'plan', 'cost', 'status', 'check', 'grade', 'teardown', 'rehearse'] as const;
/** What each shared layer may import, besides itself and lib/ outside the tool. */
const MAY_IMPORT: Readonly<Record<(typeof SHARED_LAYERS)[number], readonly string[]>> = {
  core: [],
  aws: ['core'],
  templates: ['core'],
  checkpoints: ['core', 'aws'],
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.ts$/.test(e.name) ? [full] : [];
  });
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => resolveLocal(file, f.fileName)).filter((f): f is string => f !== undefined);
}

const files = sourceFiles(LIB);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => path.relative(REPO_ROOT, f);

/** Every cycle found by a depth-first walk, each as the files around it. */
function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const next of graph.get(f) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].map(rel));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

/** The instructor-tool folder a file is in ('cli' for the dispatcher and its contract). */
function toolFolder(file: string): string | undefined {
  const inside = path.relative(TOOL, file);
  if (inside.startsWith('..')) return undefined;
  return inside.includes(path.sep) ? inside.split(path.sep)[0] : 'cli';
}

describe('the layout of lib/', () => {
  test('reads the imports of every file (the graph is not empty)', () => {
    expect(files.length).toBeGreaterThan(40);
    expect([...graph.values()].flat().length).toBeGreaterThan(100);
  });

  test('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  test('holds folders only: one per concern', () => {
    const loose = fs.readdirSync(LIB, { withFileTypes: true }).filter((e) => !e.isDirectory()).map((e) => e.name);
    expect(loose).toEqual([]);
    expect(fs.readdirSync(LIB).sort()).toEqual(['app', 'class-operations', 'guardrails', 'instructor-tool', 'settings']);
  });

  test('the instructor tool has a folder per command and the shared layers, nothing else', () => {
    const folders = fs.readdirSync(TOOL, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(folders).toEqual([...COMMANDS, ...SHARED_LAYERS].sort());
  });

  test('instructor-tool arrows point down: commands never import each other, shared layers never import up', () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      const from = toolFolder(file);
      if (from === undefined || from === 'cli') continue;
      for (const target of imports) {
        const to = toolFolder(target);
        if (to === undefined || to === from) continue;
        const allowed = (COMMANDS as readonly string[]).includes(from)
          ? (SHARED_LAYERS as readonly string[]).includes(to) || (to === 'cli' && path.basename(target) === 'command.ts')
          : (MAY_IMPORT[from as keyof typeof MAY_IMPORT] ?? []).includes(to);
        if (!allowed) wrong.push(`${rel(file)} -> ${rel(target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('the CDK app never imports the instructor tool', () => {
    const wrong = [...graph].filter(([f]) => !toolFolder(f)).flatMap(([f, imports]) => imports.filter((t) => toolFolder(t)).map((t) => `${rel(f)} -> ${rel(t)}`));
    expect(wrong).toEqual([]);
  });

  test('the instructor tool dispatcher has every command folder\'s command.ts', () => {
    const cli = fs.readFileSync(path.join(TOOL, 'cli.ts'), 'utf8');
    const missing = COMMANDS.filter((c) => c !== 'rehearse').filter((c) => !cli.includes(`from './${c}/command'`));
    expect(missing).toEqual([]);
  });
});
