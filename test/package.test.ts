import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The package as a student and an instructor receive it: self-contained, light to install (the
 * guardrails included, the test-only tooling not), with one copy of the AWS SDK.
 */

const root = path.join(__dirname, '..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const pkg = readJson('package.json');
const lock = readJson('package-lock.json');
const testTools = readJson('test-tools/package.json');

/** Installed package name of a lockfile entry ("node_modules/a/node_modules/@b/c" is "@b/c"). */
const packageName = (lockPath: string) => lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length);
const installed = Object.keys(lock.packages).filter((p) => p !== '');

/** Every text file of the repository (not installed packages, build output or git internals). */
function repositoryFiles(dir = root): string[] {
  const skip = new Set(['node_modules', '.git', 'cdk.out', '.cdk.staging', 'coverage']);
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return skip.has(entry.name) ? [] : repositoryFiles(full);
    return /\.(ts|js|mjs|json|md|ya?ml|sh|txt)$|^run$|^Dockerfile$/.test(entry.name) ? [full] : [];
  });
}

describe('the repository stands alone', () => {
  test('no file points at anything outside the repository (a course folder beside it, its design notes)', () => {
    // Assembled, so this file does not match itself.
    const shared = 'sha' + 'red';
    const outside = [`../${shared}`, `'..', '${shared}'`, 'DESIGN' + '.md', `${shared} DESIGN`];
    const hits = repositoryFiles().flatMap((file) => {
      const text = fs.readFileSync(file, 'utf8');
      return outside.filter((needle) => text.includes(needle)).map((needle) => `${path.relative(root, file)}: ${needle}`);
    });
    expect(hits).toEqual([]);
  });

  test('the README leads to the architecture document, whose price table is the dated price file', () => {
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toContain('](docs/architecture.md)');
    const doc = fs.readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');
    const prices = new Set<number>();
    const walk = (v: unknown): void => {
      if (typeof v === 'number') prices.add(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(readJson('data/prices-us-east-1.json'));
    const table = doc.split('\n').filter((line) => /^\| .* \| [\d. +/]+ \|$/.test(line));
    expect(table.length).toBeGreaterThanOrEqual(8);
    const numbers = table.flatMap((line) => line.split('|')[2].match(/\d+(\.\d+)?/g) ?? []).map(Number);
    expect(numbers.filter((n) => !prices.has(n))).toEqual([]);
  });
});

describe('the Node.js versions', () => {
  test('engines names the supported lines, the GitHub workflow tests each of them, and the README says so', () => {
    expect(pkg.engines.node).toBe('^20.0.0 || ^22.0.0 || ^24.0.0');
    const workflow = fs.readFileSync(path.join(root, '.github', 'workflows', 'ci.yml'), 'utf8');
    expect(workflow).toMatch(/node-version: \[20, 22, 24\]/);
    expect(workflow).toContain('node-version: ${{ matrix.node-version }}');
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toMatch(/Node\.js 20, 22 and 24/);
  });
});

describe('the student install', () => {
  const testOnly = Object.keys(testTools.dependencies).filter((name) => name !== '@types/node');

  test('installs none of the test-only packages: they come with the test command, from test-tools/', () => {
    expect(testOnly).toEqual(expect.arrayContaining(['jest', 'mermaid', 'jsdom', 'aws-sdk-client-mock', 'dockerfile-utils']));
    expect(installed.filter((p) => testOnly.includes(packageName(p)))).toEqual([]);
    expect(pkg.scripts.pretest).toBe('bash scripts/ensure-test-tools.sh');
  });

  test('keeps every guardrail that runs on synth: cdk-nag and the CloudFormation Guard validator are dependencies', () => {
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['cdk-nag', '@cdklabs/cdk-validator-cfnguard', 'aws-cdk-lib', 'constructs']));
  });

  test('node_modules, as npm ci installs it, stays within 420 MB', () => {
    const du = spawnSync('du', ['-sk', path.join(root, 'node_modules')], { encoding: 'utf8' });
    expect(du.status).toBe(0);
    const megabytes = Number(du.stdout.split(/\s/)[0]) / 1024;
    expect(megabytes).toBeLessThanOrEqual(420);
  });
});

describe('one AWS SDK', () => {
  test('every @aws-sdk package of package.json is pinned exactly to one and the same SDK release', () => {
    const sdk = Object.entries<string>(pkg.dependencies).filter(([name]) => name.startsWith('@aws-sdk/'));
    expect(sdk.length).toBeGreaterThan(5);
    for (const [, version] of sdk) expect(version).toMatch(/^3\.\d+\.\d+$/);
    expect([...new Set(sdk.map(([, version]) => version))]).toHaveLength(1);
    // The lockfile installs exactly what package.json names.
    for (const [name, version] of sdk) expect([name, lock.packages[`node_modules/${name}`].version]).toEqual([name, version]);
  });

  test('one installed copy of each @aws-sdk and @smithy package, shared by all clients', () => {
    const sdk = installed.filter((p) => /^@(aws-sdk|smithy)\//.test(packageName(p)));
    expect(sdk.length).toBeGreaterThan(20);
    expect(sdk.filter((p) => p !== `node_modules/${packageName(p)}`)).toEqual([]);
  });
});
