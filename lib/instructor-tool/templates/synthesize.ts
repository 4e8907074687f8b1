/**
 * The kit's templates as the offline commands see them: ClassLabStack synthesized in-process
 * with the settings `npx cdk synth` would use, and one student's quota needs counted from them
 * (cost, plan and doctor share this).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommandSettings, commandSettings } from '../core/command-settings';
import { ToolError, UsageError } from '../core/errors';
import { needsOf, QuotaTable, StackNeeds } from './capacity';
import { readAssembly, StackNode } from './templates';

export interface Student { readonly id: string; readonly account?: string; readonly region?: string }

/**
 * Synthesizes ClassLabStack with the guardrails off (cost, plan and doctor count templates; they need no checks), with
 * the settings `npx cdk synth` in `projectDir` would use: lab-settings.json there, `-c` over it.
 */
export function synthesizeTemplates(context: Record<string, string>, command = 'cost', projectDir = process.cwd()): StackNode[] {
  // A bad setting is the same argument error (exit 2) as in every other command.
  commandSettings(context, command, projectDir);
  // Loaded here so `status` and `teardown` start without the CDK library.
  const { buildClassLabApp } = require('../../app/class-lab-app') as typeof import('../../app/class-lab-app');
  const { ConfigError } = require('../../settings/lab-config') as typeof import('../../settings/lab-config');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-cost-'));
  try {
    // CDK's built-in template validation (a WebAssembly engine, seconds per synth) checks nothing pricing needs.
    const { app } = buildClassLabApp({ context, outdir, builtinCloudFormationValidation: false }, { guardrails: false, projectDir });
    app.synth();
    return readAssembly(outdir);
  } catch (error) {
    // A setting the app rejects beyond the settings check (a combination) is still exit 2.
    if (error instanceof ConfigError) throw new UsageError(error.message.replace(/\n\s*/g, ' '), command);
    throw error;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function studentsOf(settings: CommandSettings, count: number): Student[] {
  const config = settings.config;
  if (config.roster) return [...config.roster.students];
  if (count === 1) return [{ id: config.student ?? 'solo' }];
  return Array.from({ length: count }, (_, i) => ({ id: `student-${i + 1}` }));
}

/**
 * One student's needs, from the synthesized templates. Every roster student gets the same
 * settings, so one student's stack stands for all: with a roster the kit synthesizes a
 * one-entry copy of it, which keeps the roster's stack shape at a fraction of the time.
 */
export function synthesizePerStudentNeeds(context: Record<string, string>, quotas: QuotaTable, command = 'plan', projectDir = process.cwd()): StackNeeds {
  const settings = commandSettings(context, command, projectDir);
  const key = JSON.stringify([settings.values, settings.config.roster?.students.length ?? 0, quotas.instanceVcpus]);
  const cached = NEEDS_CACHE.get(key);
  if (cached) return cached;
  const needs = synthesizeOne(settings, quotas, command);
  NEEDS_CACHE.set(key, needs);
  return needs;
}

/** Synthesis takes seconds; the needs of the same settings do not change within one process. */
const NEEDS_CACHE = new Map<string, StackNeeds>();

function synthesizeOne(settings: CommandSettings, quotas: QuotaTable, command: string): StackNeeds {
  const students = studentsOf(settings, 1);
  let tmp: string | undefined;
  try {
    // The roster may come from lab-settings.json: a `-c roster=` of the one-entry copy overrides it.
    const one = { ...settings.commandLine };
    if (settings.config.roster) {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-plan-'));
      one.roster = path.join(tmp, 'roster.json');
      fs.writeFileSync(one.roster, JSON.stringify({ students: [{ id: students[0].id }] }));
    }
    const roots = synthesizeTemplates(one, command, settings.projectDir);
    if (roots.length !== 1) throw new ToolError(`expected one student stack to count, the assembly has ${roots.length}`);
    return needsOf(roots[0], quotas);
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

