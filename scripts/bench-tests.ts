/**
 * `npm run bench:tests`: the test suite's wall time against one `cdk synth ClassLabStack`, side by
 * side in one run on this machine. Rows: one synth (median of BENCH_RUNS), the full `npm test`
 * without the emulated-account tier (target <= 10 x one synth), the emulated tier alone (its own
 * row, part of the suite's budget), and `npm run test:quick` with the cache warm and cold (target
 * <= 3 x one synth). The CLI synth cache (node_modules/.cache/class-lab-kit/cli-synth) is emptied
 * first, so `npm test` pays for its synths as on a fresh CI machine. Prints figures; it asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { measure } from './bench/timing';

const ROOT = path.join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CLI_SYNTH_CACHE = path.join(ROOT, 'node_modules', '.cache', 'class-lab-kit', 'cli-synth');

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) console.log(`  (${command} ${args.join(' ')} exited ${result.status}: the figure is for a failing run)`);
  return seconds;
}

const row = (label: string, seconds: number, synth: number, target?: number) =>
  console.log(`${label.padEnd(34)} ${seconds.toFixed(1).padStart(6)} s  ${(seconds / synth).toFixed(1).padStart(5)} x synth${target ? `  (target <= ${target})` : ''}`);

const synth = measure('cdk synth ClassLabStack', ['ClassLabStack'], RUNS);
const emulatedExists = fs.existsSync(path.join(ROOT, 'test', 'emulated'));

fs.rmSync(CLI_SYNTH_CACHE, { recursive: true, force: true });
const full = timed('npm', ['test', '--', ...(emulatedExists ? ['--testPathIgnorePatterns', '/test/emulated/'] : [])]);
row('npm test (emulated tier apart)', full, synth, 10);
if (emulatedExists) row('emulated-account tier alone', timed('npm', ['test', '--', 'test/emulated']), synth);
// The quick tier reads the variants' synths from the cache: warm after a test edit (here, after
// npm test), cold after an edit of lib/ (a new source key), when it builds each one in-process once.
row('npm run test:quick (cache warm)', timed('npm', ['run', 'test:quick']), synth, 3);
fs.rmSync(CLI_SYNTH_CACHE, { recursive: true, force: true });
row('npm run test:quick (cache cold)', timed('npm', ['run', 'test:quick']), synth, 3);
