/**
 * `class-lab-admin check [module...]`: did I do this step right? Prints one line per checkpoint
 * of the student's deployed ClassLabStack: pass, pending or fail, with what was found and the
 * fix. Exit 0 only when every requested checkpoint passes.
 */
import { CheckModule, CheckResult } from '../checkpoints/checkpoint';
import { CheckDeps, CheckTarget, checkStudent, StudentCheck } from '../checkpoints/check-student';
import { EXIT } from '../core/errors';
import { Reporter, table } from '../core/output';

const counts = (results: readonly CheckResult[]) => ({
  pass: results.filter((r) => r.status === 'pass').length,
  pending: results.filter((r) => r.status === 'pending').length,
  fail: results.filter((r) => r.status === 'fail').length,
});

export interface CheckOptions {
  readonly target: CheckTarget;
  readonly modules?: CheckModule[];
}

const LABEL: Readonly<Record<CheckResult['status'], string>> = { pass: 'PASS', pending: 'PENDING', fail: 'FAIL' };

/** The human lines of one student's check: a table of checkpoints, each fix under its line. */
export function checkLines(check: StudentCheck): string[] {
  const rows = check.results.map((r) => [LABEL[r.status], r.id, `${r.title}: ${r.detail}`]);
  const lines: string[] = [];
  table(rows, '').forEach((line, i) => {
    lines.push(line);
    const r = check.results[i];
    if (r.status !== 'pass' && r.fix) lines.push(`${' '.repeat(9)}fix: ${r.fix}`);
  });
  return lines;
}

export async function runCheck(reporter: Reporter, deps: CheckDeps, options: CheckOptions): Promise<number> {
  const identity = await deps.clients.identity();
  reporter.progress(`Checking ${options.target.stackName} in account ${identity.account}...`);
  const check = await checkStudent(deps, options.target, options.modules);
  const summary = counts(check.results);
  // A check that ran no checkpoint (a stack without the modules asked for) proved nothing.
  const ok = check.results.length > 0 && summary.fail === 0 && summary.pending === 0;
  reporter.document({ account: identity.account, ...check, ok, summary });
  reporter.line(`${check.stackName} in ${check.region}${check.modules.length ? `, modules ${check.modules.join(', ')}` : ''}:`);
  for (const line of checkLines(check)) reporter.line(line);
  reporter.line(`${check.results.length} checkpoint${check.results.length === 1 ? '' : 's'}: ${summary.pass} pass, ${summary.pending} pending, ${summary.fail} fail.`);
  return ok ? EXIT.ok : EXIT.failed;
}
