/**
 * `class-lab-admin grade`: the whole class at once. Runs `check` for every student of a
 * roster (each student's ClassLabStack-<id>, in the roster's region for the student or the
 * tool's) and writes a table of students x checkpoints as CSV, Markdown and JSON, with a
 * per-module summary. Students in another account are listed as skipped until the
 * cross-account fan-out lands: gradeStudent is the per-student work it will call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isStudentId } from '../config';
import { parseRoster } from '../roster';
import { AwsClients, Identity } from './aws-clients';
import { CheckDeps, checkStudent, resolveCheckTarget, STACK_BASE_NAME } from './check';
import { CheckModule, CHECK_MODULES, CheckResult, CheckSettings, Verdict } from './checkpoints/checkpoint';
import { HttpProbe } from './checkpoints/http';
import { MODULE_CHECKPOINTS } from './checkpoints/index';
import { Clock } from './clock';
import { describeAwsError, EXIT, ToolError, UsageError } from './errors';
import { Reporter } from './output';
import { mapBounded } from './poller';

export const GRADE_FORMATS = ['markdown', 'csv', 'json'] as const;
export type GradeFormat = (typeof GRADE_FORMATS)[number];
export const GRADE_FILES: Readonly<Record<GradeFormat, string>> = { markdown: 'grade.md', csv: 'grade.csv', json: 'grade.json' };

export interface RosterEntry {
  readonly id: string;
  readonly account?: string;
  readonly region?: string;
}

export interface GradeRow {
  readonly student: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  /** checked; skipped (another account, not reachable from here yet); error (AWS refused or failed). */
  readonly state: 'checked' | 'skipped' | 'error';
  readonly note?: string;
  readonly results: CheckResult[];
}

export interface ModuleSummary {
  readonly module: CheckModule | 'stack';
  /** Students with every checkpoint of the module passing. */
  readonly complete: number;
  readonly students: number;
  readonly pass: number;
  readonly pending: number;
  readonly fail: number;
}

export interface Grade {
  readonly account: string;
  readonly checkpoints: Array<{ id: string; module: string; title: string }>;
  readonly students: GradeRow[];
  readonly summary: ModuleSummary[];
}

export interface GradeOptions {
  readonly roster: readonly RosterEntry[];
  readonly modules?: CheckModule[];
  readonly settings: CheckSettings;
  readonly concurrency: number;
  readonly out?: string;
  readonly format: GradeFormat;
}

export interface GradeDeps {
  readonly clock: Clock;
  readonly http: HttpProbe;
  /** Clients for a region (the tool's profile); the student's own account comes with the fan-out. */
  readonly clientsFor: (region: string | undefined) => AwsClients;
}

/** Reads and checks a roster file with the kit's own roster rules (lib/roster.ts). */
export async function loadRoster(file: string): Promise<RosterEntry[]> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the roster ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'grade');
  }
  const parsed = parseRoster(file, text, { isStudentId, studentIdAllowed: 'lowercase letters, digits and hyphens' });
  if (parsed.problems.length > 0 || !parsed.roster) {
    throw new UsageError(`roster ${parsed.problems.map((p) => `${p.where}: got ${JSON.stringify(p.value)}, expected ${p.allowed}`).join('; ')}`, 'grade');
  }
  return parsed.roster.students.map((s) => ({ id: s.id, account: s.account, region: s.region }));
}

/** One student's row: the per-student work, for this account or (later) through the fan-out. */
export async function gradeStudent(clients: AwsClients, deps: Omit<GradeDeps, 'clientsFor'>, identity: Identity, student: RosterEntry, options: Pick<GradeOptions, 'modules' | 'settings'>): Promise<GradeRow> {
  const target = resolveCheckTarget({ ...(options.settings.imageTag ? { imageTag: options.settings.imageTag } : {}) }, student.id, 'grade');
  const region = student.region ?? await clients.region();
  const base = { student: student.id, stackName: target.stackName, account: student.account ?? identity.account, region };
  if (student.account && student.account !== identity.account) {
    return { ...base, state: 'skipped', note: `in account ${student.account}; these credentials are for ${identity.account}`, results: [] };
  }
  try {
    const check: CheckDeps = { clients, clock: deps.clock, http: deps.http };
    const result = await checkStudent(check, target, options.modules);
    return { ...base, state: 'checked', results: result.results };
  } catch (error) {
    return { ...base, state: 'error', note: describeAwsError(error).message, results: [] };
  }
}

/** Checkpoint columns in guide order: the stack, then each module's checkpoints that any student was checked on. */
function columns(rows: readonly GradeRow[], modules: readonly CheckModule[]): Grade['checkpoints'] {
  const seen = new Set(rows.flatMap((r) => r.results.map((c) => c.id)));
  const all = [{ id: 'stack', module: 'stack', title: 'stack deployed' }];
  for (const module of modules) {
    all.push({ id: `${module}.deployed`, module, title: `module ${module} deployed` });
    for (const c of MODULE_CHECKPOINTS[module].checkpoints) all.push({ id: c.id, module, title: c.title });
  }
  return all.filter((c) => c.id === 'stack' || seen.has(c.id));
}

/** The cell of a student and checkpoint; a found stack counts as a passed `stack` checkpoint. */
export function cell(row: GradeRow, id: string): Verdict | 'skipped' | 'error' | '-' {
  if (row.state !== 'checked') return row.state;
  const found = row.results.find((r) => r.id === id);
  if (found) return found.status;
  if (id === 'stack') return 'pass';
  return '-';
}

function summarize(rows: readonly GradeRow[], checkpoints: Grade['checkpoints']): ModuleSummary[] {
  const modules = [...new Set(checkpoints.map((c) => c.module))] as Array<CheckModule | 'stack'>;
  return modules.map((module) => {
    const ids = checkpoints.filter((c) => c.module === module).map((c) => c.id);
    const cells = rows.map((r) => ids.map((id) => cell(r, id)));
    const count = (v: string) => cells.flat().filter((c) => c === v).length;
    return {
      module,
      complete: cells.filter((cs) => cs.some((c) => c === 'pass') && cs.every((c) => c === 'pass' || c === '-')).length,
      students: rows.length,
      pass: count('pass'), pending: count('pending'), fail: count('fail'),
    };
  });
}

export async function gradeClass(deps: GradeDeps, options: GradeOptions): Promise<Grade> {
  const home = deps.clientsFor(undefined);
  const identity = await home.identity();
  const perRegion = new Map<string, AwsClients>();
  const clientsIn = (region: string | undefined) => {
    if (!region) return home;
    if (!perRegion.has(region)) perRegion.set(region, deps.clientsFor(region));
    return perRegion.get(region)!;
  };
  const rows = await mapBounded(options.roster, options.concurrency, (student) => gradeStudent(clientsIn(student.region), deps, identity, student, options));
  // Credentials that cannot be used at all stop the grade with exit 4, as for every command.
  if (rows.length > 0 && rows.every((r) => r.state === 'error')) {
    const first = rows[0].note ?? '';
    if (/credentials|access denied|no AWS region|cannot reach AWS/.test(first)) throw new ToolError(first, EXIT.aws);
  }
  const checkpoints = columns(rows, options.modules ?? CHECK_MODULES);
  return { account: identity.account, checkpoints, students: rows, summary: summarize(rows, checkpoints) };
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const passed = (grade: Grade, row: GradeRow) => grade.checkpoints.filter((c) => cell(row, c.id) === 'pass').length;

export function toCsv(grade: Grade): string {
  const header = ['student', 'stackName', 'account', 'region', 'state', ...grade.checkpoints.map((c) => c.id), 'passed', 'checkpoints'];
  const lines = [header.map(csvField).join(',')];
  for (const row of grade.students) {
    lines.push([row.student, row.stackName, row.account, row.region, row.state, ...grade.checkpoints.map((c) => cell(row, c.id)), passed(grade, row), grade.checkpoints.length].map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function mdRow(cells: readonly (string | number)[]): string {
  return `| ${cells.map((c) => String(c).replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`;
}

export function toMarkdown(grade: Grade): string {
  const lines = [`# Class Lab grade (account ${grade.account})`, '', '## Students', ''];
  lines.push(mdRow(['student', ...grade.checkpoints.map((c) => c.id), 'passed']));
  lines.push(mdRow(['---', ...grade.checkpoints.map(() => '---'), '---:']));
  for (const row of grade.students) lines.push(mdRow([row.student, ...grade.checkpoints.map((c) => cell(row, c.id)), `${passed(grade, row)}/${grade.checkpoints.length}`]));
  lines.push('', '## Per module', '', mdRow(['module', 'complete', 'pass', 'pending', 'fail']), mdRow(['---', '---:', '---:', '---:', '---:']));
  for (const s of grade.summary) lines.push(mdRow([s.module, `${s.complete}/${s.students}`, s.pass, s.pending, s.fail]));
  const notes = grade.students.flatMap((row) => row.state !== 'checked'
    ? [`- ${row.student}: ${row.state}${row.note ? `: ${row.note}` : ''}`]
    : row.results.filter((r) => r.status !== 'pass').map((r) => `- ${row.student} ${r.id} ${r.status}: ${r.detail}`));
  if (notes.length > 0) lines.push('', '## What is not done', '', ...notes);
  return `${lines.join('\n')}\n`;
}

export function toJson(grade: Grade): string {
  return `${JSON.stringify(grade, null, 2)}\n`;
}

const RENDER: Readonly<Record<GradeFormat, (g: Grade) => string>> = { markdown: toMarkdown, csv: toCsv, json: toJson };

export async function runGrade(reporter: Reporter, deps: GradeDeps, options: GradeOptions): Promise<number> {
  reporter.progress(`Grading ${options.roster.length} students (${STACK_BASE_NAME}-<id> each)...`);
  const grade = await gradeClass(deps, options);
  const errors = grade.students.filter((r) => r.state === 'error').length;
  if (options.out) {
    fs.mkdirSync(options.out, { recursive: true });
    const written = GRADE_FORMATS.map((format) => {
      const file = path.join(options.out!, GRADE_FILES[format]);
      fs.writeFileSync(file, RENDER[format](grade));
      return file;
    });
    reporter.document({ ...grade, files: written });
    reporter.line(`Graded ${grade.students.length} students: ${written.join(', ')}`);
    for (const s of grade.summary) reporter.line(`  ${s.module.padEnd(9)} ${s.complete}/${s.students} complete`);
  } else if (reporter.json) {
    reporter.document(grade);
  } else {
    reporter.io.stdout(RENDER[options.format](grade).replace(/\n$/, ''));
  }
  if (errors > 0) reporter.progress(`${errors} student${errors === 1 ? '' : 's'} could not be checked (see the notes).`);
  return errors > 0 ? EXIT.failed : EXIT.ok;
}
