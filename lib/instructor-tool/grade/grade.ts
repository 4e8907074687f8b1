/**
 * `class-lab-admin grade`: the whole class at once. Runs `check` for every student of a
 * roster (each student's ClassLabStack-<id>, in the roster's region for the student or the
 * tool's) and writes a table of students x checkpoints as CSV, Markdown and JSON, with a
 * per-module summary. With a fan-out (--assume-role-name / --account-profile, ./fan-out.ts)
 * every roster account is entered and its students graded there; an account the tool cannot
 * enter lists its students as unreachable, with the reason. Without one, students in another
 * account than the credentials' are listed as skipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsClients, Identity } from '../aws/clients';
import { CheckDeps, checkStudent, resolveCheckTarget, STACK_BASE_NAME } from '../checkpoints/check-student';
import { CheckModule, CHECK_MODULES, CheckResult, CheckSettings, Verdict } from '../checkpoints/checkpoint';
import { HttpProbe } from '../checkpoints/http';
import { MODULE_CHECKPOINTS } from '../checkpoints/index';
import { Clock } from '../core/clock';
import { describeAwsError, EXIT, ToolError } from '../core/errors';
import { AccountOutcome, accountTargets, fanOut, FanOutOptions, overallExitCode } from '../aws/fan-out';
import { Reporter } from '../core/output';
import { RosterEntry } from '../core/roster-file';
import { mapBounded } from '../aws/poller';

export const GRADE_FORMATS = ['markdown', 'csv', 'json'] as const;
export type GradeFormat = (typeof GRADE_FORMATS)[number];
export const GRADE_FILES: Readonly<Record<GradeFormat, string>> = { markdown: 'grade.md', csv: 'grade.csv', json: 'grade.json' };

export interface GradeRow {
  readonly student: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  /**
   * checked; skipped (another account, and no fan-out asked for); unreachable (the fan-out could
   * not get into the student's account: the note says why); error (AWS refused or failed).
   */
  readonly state: 'checked' | 'skipped' | 'unreachable' | 'error';
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
  /** The account of the tool's own credentials. */
  readonly account: string;
  /** With a fan-out: every roster account, how the tool got in, and whether it could. */
  readonly accounts?: Array<{ account: string; region?: string; students: readonly string[]; via: string; ok: boolean; exitCode: number; error?: string }>;
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
  /** Clients for a region (the tool's profile). */
  readonly clientsFor: (region: string | undefined) => AwsClients;
  /** Grade each roster account's students in that account (every roster entry names its account). */
  readonly fanOut?: FanOutOptions;
}

/** One student's row: the per-student work, in the credentials' account or in each account of a fan-out. */
export async function gradeStudent(clients: AwsClients, deps: Omit<GradeDeps, 'clientsFor'>, identity: Identity, student: RosterEntry, options: Pick<GradeOptions, 'modules' | 'settings'>): Promise<GradeRow> {
  const target = resolveCheckTarget({ imageTag: options.settings.imageTag }, student.id, 'grade');
  const region = student.region ?? await clients.region();
  const base = { student: student.id, stackName: target.stackName, account: student.account ?? identity.account, region };
  if (student.account && student.account !== identity.account) {
    return { ...base, state: 'skipped', note: `in account ${student.account}; these credentials are for ${identity.account} (add --assume-role-name to grade every roster account)`, results: [] };
  }
  try {
    const check: CheckDeps = { clients, clock: deps.clock, http: deps.http };
    const result = await checkStudent(check, target, options.modules, true);
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
export function cell(row: GradeRow, id: string): Verdict | GradeRow['state'] | '-' {
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

/**
 * Every roster account's students graded in their own account, through the fan-out; the
 * students of an account it cannot enter (role refused, credentials expired twice) are
 * unreachable, with the fan-out's reason. Rows come back in roster order.
 */
async function gradeAcrossAccounts(deps: GradeDeps, fan: FanOutOptions, options: GradeOptions): Promise<{ rows: GradeRow[]; outcomes: AccountOutcome<GradeRow[]>[] }> {
  const byId = new Map(options.roster.map((s) => [s.id, s]));
  const outcomes = await fanOut(accountTargets(options.roster), async (clients, target) => {
    const identity = await clients.identity();
    return mapBounded(target.students.map((id) => byId.get(id)!), options.concurrency, (student) => gradeStudent(clients, deps, identity, student, options));
  }, fan);
  const graded = new Map<string, GradeRow>();
  for (const o of outcomes) {
    const rows = o.ok ? o.value! : o.students.map((id): GradeRow => {
      const student = byId.get(id)!;
      return {
        student: id, stackName: `${STACK_BASE_NAME}-${id}`, account: o.account, region: student.region ?? fan.base.region ?? '-',
        state: 'unreachable', note: `account ${o.account} via ${o.via}: ${o.error}`, results: [],
      };
    });
    for (const row of rows) graded.set(row.student, row);
  }
  return { rows: options.roster.map((s) => graded.get(s.id)!), outcomes };
}

export async function gradeClass(deps: GradeDeps, options: GradeOptions): Promise<Grade> {
  const home = deps.clientsFor(undefined);
  const identity = await home.identity();
  if (deps.fanOut) {
    const { rows, outcomes } = await gradeAcrossAccounts(deps, deps.fanOut, options);
    const checkpoints = columns(rows, options.modules ?? CHECK_MODULES);
    return {
      account: identity.account,
      accounts: outcomes.map((o) => ({ account: o.account, region: o.region, students: o.students, via: o.via, ok: o.ok, exitCode: o.exitCode, ...(o.error ? { error: o.error } : {}) })),
      checkpoints, students: rows, summary: summarize(rows, checkpoints),
    };
  }
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
  const accounts = new Set(grade.accounts?.map((a) => a.account));
  const where = grade.accounts ? `${accounts.size} account${accounts.size === 1 ? '' : 's'}` : `account ${grade.account}`;
  const lines = [`# Class Lab grade (${where})`, '', '## Students', ''];
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
  for (const a of (grade.accounts ?? []).filter((x) => !x.ok)) {
    reporter.progress(`account ${a.account}${a.region ? ` ${a.region}` : ''} (${a.students.join(', ')}): not gradable: ${a.error}`);
  }
  // As for every fan-out: the worst account's exit code (4 when a role was refused), at least 1 for a student who could not be checked.
  return Math.max(errors > 0 ? EXIT.failed : EXIT.ok, overallExitCode(grade.accounts ?? []));
}
