/**
 * `npm run bench`: wall time of `cdk synth ClassLabStack` (guardrails on, as a student runs
 * it) next to the same toolchain's synth of an empty stack; median of several runs, and
 * their ratio. Target: ratio at most 2.0. Then the roster row: `cdk ls` of a BENCH_ROSTER-
 * student roster (default 100; every stack is built and validated) against the one stack.
 * Target: at most 4.5. Prints figures; it asserts nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measure as measureRuns } from './bench/timing';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const ROSTER_SIZE = Number(process.env.BENCH_ROSTER ?? 100);

const measure = (label: string, args: string[], command = 'synth') => measureRuns(label, args, RUNS, command);

const kit = measure('cdk synth ClassLabStack', ['ClassLabStack']);
const empty = measure('cdk synth empty stack', ['--app', 'npx ts-node --prefer-ts-exts scripts/bench/empty-app.ts', 'EmptyStack']);
console.log(`ratio ClassLabStack / empty: ${(kit / empty).toFixed(2)}  (target <= 2.00)`);

const rosterFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-bench-roster-')), 'roster.json');
fs.writeFileSync(rosterFile, JSON.stringify({ students: Array.from({ length: ROSTER_SIZE }, (_, i) => `student-${i + 1}`) }));
const roster = measure(`cdk ls, ${ROSTER_SIZE}-student roster`, ['-c', `roster=${rosterFile}`], 'ls');
console.log(`ratio roster ls / ClassLabStack: ${(roster / kit).toFixed(2)}  (target <= 4.50)`);
