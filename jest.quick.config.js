// `npm run test:quick`, the edit-and-test loop: every test file that starts no process, which is
// every file that does not reach `node:child_process` through its imports inside the repository
// (test/, lib/, scripts/, bin/: the real CDK CLI, cfn-lint, shellcheck, bash, moto, the sample
// app's server). Computed from the imports,
// so a new test is in the right tier without a list to keep. `npm test` runs everything.
// A file whose opening comment says `@tier full <why>` stays out too: a proof over many whole-app
// synths (pairwise combinations, byte-identical re-synths, validators once per shape against
// every stack), which no single edit needs and which would be a third of the loop's time.
const fs = require('node:fs');
const path = require('node:path');
const base = require('./jest.config');

const TEST_ROOT = path.join(__dirname, 'test');
/** Where the kit's own code is; installed packages start no process of ours. */
const SOURCE_ROOTS = ['test', 'lib', 'scripts', 'bin'].map((d) => path.join(__dirname, d) + path.sep);
const SPECIFIER = /(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g;

function resolveLocal(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.resolve(path.dirname(from), specifier);
  return [`${target}.ts`, `${target}.js`, path.join(target, 'index.ts'), target]
    .find((f) => SOURCE_ROOTS.some((root) => f.startsWith(root)) && fs.existsSync(f) && fs.statSync(f).isFile());
}

const memo = new Map();
function startsProcesses(file) {
  if (memo.has(file)) return memo.get(file);
  memo.set(file, false); // an import cycle adds nothing
  // Type-only imports load nothing at run time.
  const text = fs.readFileSync(file, 'utf8').replace(/^import type [^;]*;/gm, '');
  const specifiers = [...text.matchAll(SPECIFIER)].map((m) => m[1]);
  const result = specifiers.some((s) => s === 'node:child_process' || s === 'child_process')
    || specifiers.some((s) => { const local = resolveLocal(file, s); return local !== undefined && startsProcesses(local); });
  memo.set(file, result);
  return result;
}

function testFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? testFiles(full) : e.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The file's opening comment marks it for the full tier only, with its reason. */
const FULL_TIER = /^\s*\*\s*@tier full[:\s]+\S/m;
function markedFull(file) {
  const opening = fs.readFileSync(file, 'utf8').match(/\/\*\*[\s\S]*?\*\//);
  return opening !== null && FULL_TIER.test(opening[0]);
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

module.exports = {
  ...base,
  globalSetup: undefined,
  testPathIgnorePatterns: ['/node_modules/', ...testFiles(TEST_ROOT).filter((f) => startsProcesses(f) || markedFull(f)).map((f) => `${escape(f)}$`)],
};
