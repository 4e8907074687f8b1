/** What the benchmark scripts share: timing one CDK CLI command, and the median of several runs. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Wall time of one `npx cdk <command>` (synth is quiet) into a scratch output folder; throws when it fails. */
export function timeSynth(args: string[], command = 'synth'): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-bench-'));
  const started = process.hrtime.bigint();
  const result = spawnSync('npx', ['cdk', command, ...(command === 'synth' ? ['--quiet'] : []), '-o', outdir, ...args], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  fs.rmSync(outdir, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`cdk synth ${args.join(' ')} failed:\n${result.stderr}`);
  return seconds;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median of `runs` timings after one warm-up run (which fills disk caches), printed with every run. */
export function measure(label: string, args: string[], runs: number, command = 'synth'): number {
  timeSynth(args, command);
  const times = Array.from({ length: runs }, () => timeSynth(args, command));
  const value = median(times);
  console.log(`${label.padEnd(34)} median ${value.toFixed(2)} s  (runs: ${times.map((r) => r.toFixed(2)).join(', ')})`);
  return value;
}
