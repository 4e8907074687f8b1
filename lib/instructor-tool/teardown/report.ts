/** What teardown prints: the plan before, the outcomes and leftovers after. */
import { deleteCommand, kindOfType, Leftover } from '../aws/leftover-kinds';
import { KitStack } from '../aws/stacks';
import { NESTED_STACK, StackResourceRecord } from '../aws/stack-resources';
import { formatDuration } from '../core/clock';
import { Reporter } from '../core/output';
import { StackOutcome } from './stack-delete';

export interface PlannedStack {
  readonly stack: KitStack;
  readonly resources: StackResourceRecord[];
}

/** "3 x EC2::SecurityGroup, 1 x S3::Bucket": what a stack holds, for the plan. */
export function summarizeResources(resources: readonly StackResourceRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of resources) {
    if (r.type === NESTED_STACK || r.type === 'AWS::CDK::Metadata') continue;
    const short = r.type.replace(/^AWS::/, '');
    counts.set(short, (counts.get(short) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${n} x ${t}`).join(', ');
}

export function printPlan(reporter: Reporter, account: string, region: string, plan: readonly PlannedStack[], missing: readonly string[]): void {
  reporter.line(`Teardown plan for account ${account} (${region}): ${plan.length} stack${plan.length === 1 ? '' : 's'}`);
  for (const { stack, resources } of plan) {
    reporter.line(`  ${stack.name}${stack.orphan ? ' (nested stack left without its root)' : ''}  student ${stack.student}  ${stack.status}  created ${stack.created?.toISOString() ?? '-'}`);
    reporter.line(`    holds ${resources.filter((r) => r.type !== NESTED_STACK).length} resources: ${summarizeResources(resources) || 'none'}`);
  }
  if (missing.length) reporter.line(`  no stack for: ${missing.join(', ')} (a run with --delete still scans for their leftovers)`);
}

export function printOutcomes(reporter: Reporter, outcomes: readonly StackOutcome[], leftovers: ReadonlyMap<string, Leftover[]>): void {
  reporter.line('');
  reporter.line('Results:');
  for (const o of outcomes) {
    reporter.line(`  ${o.student}  ${o.stack}  ${o.result}${o.attempts ? ` (${o.attempts} attempt${o.attempts === 1 ? '' : 's'}, ${formatDuration(o.elapsedMs)})` : ''}${o.reason ? `: ${o.reason}` : ''}`);
    for (const s of o.stuck) reporter.line(`      DELETE_FAILED ${s.logicalId} (${s.type} ${s.physicalId}): ${s.reason}`);
    for (const c of o.cleared) reporter.line(`      cleared: ${c}`);
    for (const r of o.retained) reporter.line(`      retained ${r.logicalId}: ${r.text}`);
  }
  reporter.line('');
  reporter.line('Leftovers:');
  for (const [student, list] of leftovers) {
    if (list.length === 0) {
      reporter.line(`  ${student}: none`);
      continue;
    }
    for (const l of list) {
      reporter.line(`  ${student}  ${l.kind}  ${l.id}  ${l.billable ? 'billable' : 'free'}  found by ${l.foundBy}${l.unverified ? ` (cannot tell if gone: ${l.unverified})` : ''}${l.note ? ` (${l.note})` : ''}`);
      reporter.line(`      delete: ${l.command}`);
    }
  }
}

/** Retained resources the tool could not delete: billable leftovers, each with its delete command. */
export function retainedLeftovers(outcomes: readonly StackOutcome[]): Leftover[] {
  return outcomes.flatMap((o) => o.retained.filter((r) => !r.swept).map((r): Leftover => {
    const kind = kindOfType(r.type);
    return { student: o.student, kind, id: r.physicalId || r.logicalId, billable: true, foundBy: 'retained', command: deleteCommand(kind, r.physicalId || r.logicalId) };
  }));
}

