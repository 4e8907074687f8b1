/**
 * `class-lab-admin cost`: what a class costs, from the synthesized templates and the dated
 * price table. Needs no AWS call and no credentials.
 */
import * as path from 'node:path';
import { ToolError, UsageError } from '../core/errors';
import { Reporter, table } from '../core/output';
import { classTotal, DEFAULT_PRICE_FILE, loadPrices, priceStack, PriceTable, StackCost } from './pricing';
import { synthesizeTemplates } from '../templates/synthesize';
import { readAssembly, StackNode } from '../templates/templates';

export interface CostOptions {
  /** `-c key=value` for the synthesis; lab-settings.json in `projectDir` fills the rest, as for cdk. */
  readonly context: Record<string, string>;
  /** Where lab-settings.json and cdk.json are read (default: the current directory). */
  readonly projectDir?: string;
  /** Read this cloud assembly instead of synthesizing. */
  readonly cdkOut?: string;
  readonly priceFile?: string;
  readonly students?: number;
  readonly hours?: number;
}

export interface CostReport {
  readonly prices: { file: string; region: string; currency: string; gathered: string; source: string; hostedZonePerMonth: number; hostedZoneFreeIfDeletedWithinHours: number };
  readonly stacks: StackCost[];
  readonly students: number;
  readonly hours: number;
  /** USD per idle hour for every student together. */
  readonly classHourly: number;
  /** USD for the students and hours asked for, one-off charges included. */
  readonly total: number;
  /**
   * The price entries of this estimate listed under `estimates` in the price table (not checked
   * against AWS's published prices); the lines resting on them have `estimate: true`.
   */
  readonly estimates: string[];
}

export function estimate(roots: StackNode[], prices: PriceTable, priceFile: string, students: number | undefined, hours: number | undefined): CostReport {
  if (roots.length === 0) throw new ToolError('the assembly has no stacks to price');
  if (roots.length > 1 && students !== undefined) {
    throw new UsageError(`the assembly holds ${roots.length} student stacks; --students only applies to one stack`, 'cost');
  }
  const stacks = roots.map((root) => priceStack(root, prices));
  const perStackStudents = students ?? 1;
  const h = hours ?? 1;
  return {
    prices: {
      file: priceFile, region: prices.region, currency: prices.currency, gathered: prices.gathered, source: prices.source,
      hostedZonePerMonth: prices.hostedZonePerMonth, hostedZoneFreeIfDeletedWithinHours: prices.hostedZoneFreeIfDeletedWithinHours,
    },
    stacks,
    students: perStackStudents * stacks.length,
    hours: h,
    classHourly: stacks.reduce((sum, s) => sum + perStackStudents * s.hourly, 0),
    total: stacks.reduce((sum, s) => sum + classTotal(s, perStackStudents, h, prices), 0),
    estimates: [...new Set(stacks.flatMap((s) => s.lines.filter((l) => l.estimate).flatMap((l) => l.priceKeys ?? [])))].sort(),
  };
}

export const usd = (amount: number, digits = 4): string => amount.toFixed(digits);
const money = (amount: number): string => usd(amount, amount < 1 ? 4 : 2);
/** Marks a figure that rests on a price listed under `estimates`; the footnote says so. */
export const ESTIMATE_MARK = '*';

function printStack(reporter: Reporter, cost: StackCost): void {
  reporter.line(`${cost.stack}`);
  const rows = [['module', 'item', 'USD/hour'], ...cost.lines.map((l) => [l.module, l.item, `${usd(l.hourly)}${l.estimate ? ESTIMATE_MARK : ''}`])];
  for (const row of table(rows)) reporter.line(row);
  const modules = Object.entries(cost.byModule).map(([m, v]) => `${m} ${usd(v)}`).join(', ');
  reporter.line(`  per module, USD per idle hour: ${modules || 'none'}`);
  const notes = cost.lines.filter((l) => l.note).map((l) => `${l.item}: ${l.note}`);
  for (const note of [...new Set(notes)]) reporter.line(`  note: ${note}`);
  for (const l of cost.lines.filter((x) => x.warning)) reporter.line(`  WARNING: ${l.module}/${l.logicalId}: ${l.warning}`);
  for (const u of cost.unpriced) reporter.line(`  not priced: ${u.module}/${u.logicalId} (${u.type}): ${u.reason}`);
  const marked = cost.lines.some((l) => l.estimate) ? ESTIMATE_MARK : '';
  reporter.line(`  per student environment: ${usd(cost.hourly)}${marked} USD per idle hour`);
  reporter.line('');
}

export function printCost(reporter: Reporter, report: CostReport, asked: { students?: number; hours?: number }): void {
  const p = report.prices;
  reporter.line(`Class Lab cost estimate: ${p.region} on-demand prices in ${p.currency}, gathered ${p.gathered} (${path.relative(process.cwd(), p.file) || p.file})`);
  reporter.line('');
  for (const stack of report.stacks) printStack(reporter, stack);
  const zones = report.stacks.reduce((n, s) => n + s.lines.filter((l) => l.type === 'AWS::Route53::HostedZone').length, 0);
  if (zones > 0) {
    const p = report.prices;
    reporter.line(`Hosted zones deleted within ${p.hostedZoneFreeIfDeletedWithinHours} hours of creation are free; kept longer, each costs ${p.hostedZonePerMonth.toFixed(2)} ${p.currency} for the month (in the total when --hours is over ${p.hostedZoneFreeIfDeletedWithinHours}).`);
  }
  const who = `${report.students} student${report.students === 1 ? '' : 's'}`;
  const mark = report.estimates.length > 0 ? ESTIMATE_MARK : '';
  if (asked.hours !== undefined) {
    reporter.line(`Total: ${who} x ${report.hours} h = ${money(report.total)}${mark} USD`);
  } else {
    reporter.line(`Total: ${money(report.classHourly)}${mark} USD per idle hour for ${who}`);
  }
  if (mark) {
    reporter.line(`${ESTIMATE_MARK} estimate: rests on ${report.estimates.join(', ')}, listed under "estimates" in the price table (not checked against AWS's published prices).`);
  }
}

export function runCost(reporter: Reporter, options: CostOptions): number {
  const priceFile = options.priceFile ? path.resolve(options.priceFile) : DEFAULT_PRICE_FILE;
  const prices = loadPrices(priceFile);
  const roots = options.cdkOut ? readAssembly(path.resolve(options.cdkOut)) : synthesizeTemplates(options.context, 'cost', options.projectDir);
  const report = estimate(roots, prices, priceFile, options.students, options.hours);
  reporter.document({ ok: true, ...report });
  printCost(reporter, report, options);
  return 0;
}
