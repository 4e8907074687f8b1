import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resetAws } from './support/aws-mocks';
import { runCli } from './support/harness';

const root = path.join(__dirname, '..', '..');
const STACK_TRACE = /^\s+at .+\(.+:\d+:\d+\)$/m;

describe('class-lab-admin arguments', () => {
  beforeEach(() => resetAws());

  test('--help prints the commands and what the exit codes mean', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: class-lab-admin <command> [options]');
    for (const command of ['doctor', 'cost', 'status', 'teardown']) expect(run.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
    expect(run.stdout).toContain('Exit codes: 0 ok, 1 failed');
  });

  test.each(['doctor', 'cost', 'status', 'teardown'])('%s --help prints its own usage', async (command) => {
    const run = await runCli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: class-lab-admin ${command}`);
    expect(run.stdout).toContain('--json');
  });

  test.each([
    [[], 'no command given', 'Usage: class-lab-admin <command>'],
    [['destroy'], 'unknown command "destroy"', 'Usage: class-lab-admin <command>'],
    [['status', '--bogus'], "Unknown option '--bogus'", 'Usage: class-lab-admin status'],
    [['status', 'ana'], "Unexpected argument 'ana'", 'Usage: class-lab-admin status'],
    [['status', '--student', 'Ana!'], '--student "Ana!" is not a student id', 'Usage: class-lab-admin status'],
    [['status', '--region', 'Virginia'], '--region "Virginia" is not a region name such as us-east-1', 'Usage: class-lab-admin status'],
    [['teardown'], 'choose whom to tear down: --student <id>', 'Usage: class-lab-admin teardown'],
    [['teardown', '--all', '--student', 'ana'], '--all and --student exclude each other', 'Usage: class-lab-admin teardown'],
    [['teardown', '--all', '--yes'], '--yes only makes sense with --delete', 'Usage: class-lab-admin teardown'],
    [['teardown', '--all', '--concurrency', '0'], '--concurrency must be a whole number from 1 to 20, got "0"', 'Usage: class-lab-admin teardown'],
    [['teardown', '--all', '--timeout', '1.5'], '--timeout must be a whole number', 'Usage: class-lab-admin teardown'],
    [['teardown', '--all', '--allowed-accounts', '1234'], 'allowed accounts must be 12-digit account ids, got "1234"', 'Usage: class-lab-admin teardown'],
    [['teardown', '--all', '--allowed-accounts', ','], 'allowed accounts must be 12-digit account ids, got ","', 'Usage: class-lab-admin teardown'],
    [['teardown', '--student'], "Option '--student <value>' argument missing", 'Usage: class-lab-admin teardown'],
  ])('%j: a clear message and the usage, exit 2, no stack trace', async (args, message, usage) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toContain(`class-lab-admin: ${message}`);
    expect(run.stderr).toContain(usage);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.stdout).toBe('');
  });

  test('with --json, a failure is also a JSON document on stdout', async () => {
    const run = await runCli(['teardown', '--json']);
    expect(run.code).toBe(2);
    expect(run.json()).toEqual({ ok: false, exitCode: 2, error: expect.stringContaining('choose whom to tear down') });
  });
});

describe('the npm bin run where there is no AWS', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-admin-home-'));

  /** Runs bin/class-lab-admin.js with an empty environment: no credentials, no region, no profile. */
  function runBin(args: string[], env: Record<string, string> = {}) {
    return spawnSync(process.execPath, [path.join(root, 'bin', 'class-lab-admin.js'), ...args], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
    });
  }

  test('without a region: one line saying how to set it, exit 4', () => {
    const result = runBin(['status']);
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe('class-lab-admin: no AWS region: pass --region us-east-1, set AWS_REGION, or set a region in your AWS profile\n');
    expect(result.status).toBe(4);
  });

  test('without credentials: one line, fast (no wait on the instance metadata service), exit 4', () => {
    const started = Date.now();
    const result = runBin(['teardown', '--all', '--region', 'us-east-1']);
    expect(result.stderr).toMatch(/^class-lab-admin: no AWS credentials found: run `aws configure` or `aws sso login`.*\n$/);
    expect(result.status).toBe(4);
    expect(result.stdout).toBe('');
    // The SDK would otherwise try 169.254.169.254 for instance credentials.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  test('doctor without credentials reports the failed check with its fix, exit 4 (AWS unusable)', () => {
    const result = runBin(['doctor'], { AWS_REGION: 'us-east-1' });
    expect(result.status).toBe(4);
    expect(result.stdout).toMatch(/FAIL {2}credentials +no AWS credentials found/);
    expect(result.stdout).toContain('fix: configure credentials, then run doctor again');
    expect(result.stderr.trimEnd().split('\n').pop()).toBe('class-lab-admin doctor: 1 check(s) failed: credentials');
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  test('the bin is declared in package.json and the npm scripts call it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'class-lab-admin': 'bin/class-lab-admin.js' });
    for (const command of ['doctor', 'cost', 'status', 'teardown']) expect(pkg.scripts[command]).toBe(`node bin/class-lab-admin.js ${command}`);
    expect(fs.readFileSync(path.join(root, 'bin', 'class-lab-admin.js'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });
});
