/**
 * `class-lab-admin plan`: before class, offline. For every account and Region the roster
 * deploys into, what the class needs (counted from the synthesized ClassLabStack) beside
 * AWS's default quotas, what exceeds them, and the quota increase commands to send.
 */
import * as path from 'node:path';
import { loadQuotas, NEED_LABELS, NeedId, placements, PlacementPlan, planPlacement, QuotaTable, StackNeeds } from '../templates/capacity';
import { Student, studentsOf, synthesizePerStudentNeeds } from '../templates/synthesize';
import { Reporter, table } from '../core/output';
import { commandSettings } from '../core/command-settings';

export interface PlanOptions {
  /** `-c key=value` from the command line; lab-settings.json in `projectDir` fills the rest (roster included). */
  readonly context: Record<string, string>;
  /** Where lab-settings.json and cdk.json are read (default: the current directory). */
  readonly projectDir?: string;
  /** Students sharing one account when there is no roster (default 1). */
  readonly students?: number;
  /** Account and Region of students the roster does not place (default: the instructor's current ones). */
  readonly account?: string;
  readonly region?: string;
  readonly quotaFile?: string;
}

export interface ClassPlan {
  readonly quotaFile: string;
  readonly gathered: string;
  readonly students: number;
  readonly perStudent: StackNeeds;
  readonly placements: PlacementPlan[];
  readonly requestTiming: QuotaTable['requestTiming'];
  /** Every increase to request, over all accounts and Regions. */
  readonly increases: Array<{ account?: string; region?: string; quotaCode: string; name: string; desiredValue: number; command: string }>;
}


/** The students of the class: the roster's, or `count` unnamed students sharing one account. */
export function classStudents(context: Record<string, string>, count = 1, command = 'plan', projectDir = process.cwd()): Student[] {
  return studentsOf(commandSettings(context, command, projectDir), count);
}

export function buildPlan(perStudent: StackNeeds, students: readonly Student[], quotas: QuotaTable, fallback: { account?: string; region?: string } = {}): ClassPlan {
  const plans = placements(students, fallback).map((p) => planPlacement(p, perStudent, quotas));
  const increases = plans.flatMap((p) => p.quotas
    .filter((q) => q.exceeds && q.command && q.quotaCode)
    .map((q) => ({ account: p.account, region: p.region, quotaCode: q.quotaCode!, name: q.name, desiredValue: q.requestValue!, command: q.command! })));
  return {
    quotaFile: quotas.file, gathered: quotas.gathered, students: students.length, perStudent,
    placements: plans, requestTiming: quotas.requestTiming, increases,
  };
}

const SHOWN_NEEDS: NeedId[] = ['vpcs', 'internetGateways', 'loadBalancers', 'targetGroups', 'listenerRulesPerLoadBalancer', 'securityGroups',
  'vcpusDesired', 'vcpusMax', 'fargateTasks', 'fargateVcpus', 'fargateVcpusDeploying', 'hostedZones', 'repositories', 'buckets', 'schedules'];

function names(students: readonly string[]): string {
  return students.length <= 6 ? students.join(', ') : `${students.slice(0, 5).join(', ')}, ... (${students.length - 5} more)`;
}

export function printPlan(reporter: Reporter, plan: ClassPlan): void {
  reporter.line(`Class Lab plan for ${plan.students} student(s), counted from the synthesized ClassLabStack; default quotas from ${path.relative(process.cwd(), plan.quotaFile) || plan.quotaFile} (gathered ${plan.gathered}).`);
  reporter.line(`Per student: ${SHOWN_NEEDS.filter((n) => plan.perStudent[n] > 0).map((n) => `${plan.perStudent[n]} ${NEED_LABELS[n]}`).join(', ')}.`);
  for (const p of plan.placements) {
    reporter.line('');
    reporter.line(`Account ${p.account ?? '(current credentials)'}, Region ${p.region ?? '(current Region)'}: ${p.students.length} student(s): ${names(p.students)}`);
    const rows = [['quota', 'needed', 'default VPC', 'default quota', 'code', '']];
    for (const q of p.quotas) {
      rows.push([q.name, String(q.needed), q.alreadyUsed ? `+${q.alreadyUsed}` : '', String(q.quota), q.quotaCode ?? '-', q.exceeds ? 'EXCEEDS' : 'ok']);
    }
    for (const row of table(rows)) reporter.line(row);
    const over = p.quotas.filter((q) => q.exceeds);
    if (over.length > 0) {
      reporter.line('  Request before class (or use one account per student):');
      for (const q of over) reporter.line(q.command ? `    ${q.command}` : `    ${q.name}: needs ${q.requestValue} (no quota code; ask AWS Support)`);
    }
  }
  reporter.line('');
  if (plan.increases.length === 0) {
    reporter.line('Everything fits the default quotas. Run `class-lab-admin doctor` in each account: it compares with the applied quotas minus what already runs there.');
  } else {
    reporter.line(`${plan.increases.length} quota increase(s) needed. ${plan.requestTiming.text}`);
    reporter.line(`  (${plan.requestTiming.sources.join(' , ')})`);
  }
}

export function runPlan(reporter: Reporter, options: PlanOptions): number {
  const quotas = loadQuotas(options.quotaFile ? path.resolve(options.quotaFile) : undefined);
  const projectDir = options.projectDir ?? process.cwd();
  const students = classStudents(options.context, options.students ?? 1, 'plan', projectDir);
  const perStudent = synthesizePerStudentNeeds(options.context, quotas, 'plan', projectDir);
  const plan = buildPlan(perStudent, students, quotas, { account: options.account, region: options.region });
  reporter.document(plan);
  printPlan(reporter, plan);
  return 0;
}
