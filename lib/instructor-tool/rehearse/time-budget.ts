/**
 * The core path's time budget (data/time-budget.json): every guide's steps with [low, high]
 * minutes, each an estimate, a figure computed from the kit, or measured, with its basis. The
 * guides' table gives each guide the sum of its steps' high figures; `npm run rehearse` prints
 * the table with what it measured (the first deploy, the destroy) in place of the estimates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Basis = 'estimate' | 'computed' | 'measured';

export interface BudgetStep {
  readonly step: string;
  readonly minutes: readonly [number, number];
  readonly basis: Basis;
  /** What `npm run rehearse` measures for this step. */
  readonly measures?: 'deploy' | 'destroy';
  readonly source?: string;
}

export interface BudgetGuide {
  readonly guide: string;
  readonly title: string;
  /** A step of another guide this one is done during: it adds no time of its own. */
  readonly during?: string;
  readonly steps: readonly BudgetStep[];
}

export interface TimeBudget {
  readonly teachingMinutes: number;
  readonly sessionMinutes: number;
  readonly guides: readonly BudgetGuide[];
}

export const TIME_BUDGET_FILE = path.join(__dirname, '..', '..', '..', 'data', 'time-budget.json');

export function loadTimeBudget(file = TIME_BUDGET_FILE): TimeBudget {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** A guide's time in the guides' table: its steps' high figures, rounded up to 5 minutes. */
export function guideMinutes(guide: BudgetGuide): number {
  return Math.ceil(guide.steps.reduce((n, s) => n + s.minutes[1], 0) / 5) * 5;
}

/** The core path's wall time: every guide not done during another one's step. */
export function corePathMinutes(budget: TimeBudget): number {
  return budget.guides.filter((g) => !g.during).reduce((n, g) => n + guideMinutes(g), 0);
}

/** What a rehearsal measured, in milliseconds. */
export interface Measured {
  readonly deploy?: number;
  readonly destroy?: number;
}

const range = ([low, high]: readonly [number, number]) => (low === high ? `${high}` : `${low}-${high}`);

/**
 * The per-guide timing table, in Markdown to paste back: each guide's budget, how its figures
 * were reached (estimated, computed, measured), and what this rehearsal measured for its steps.
 */
export function timingTable(budget: TimeBudget, measured: Measured = {}): string[] {
  const lines = ['| guide | budget (min) | steps (min) | basis | measured in this rehearsal |', '| --- | --- | --- | --- | --- |'];
  for (const g of budget.guides) {
    const steps = g.steps.map((s) => range(s.minutes)).join(' + ');
    const bases = [...new Set(g.steps.map((s) => s.basis))].join(', ');
    const got = g.steps.filter((s) => s.measures && measured[s.measures] !== undefined)
      .map((s) => `${s.measures} ${(measured[s.measures!]! / 60_000).toFixed(1)} min (budget ${range(s.minutes)})`);
    const budgetCell = g.during ? `${guideMinutes(g)} (during ${g.during})` : String(guideMinutes(g));
    lines.push(`| ${g.title} | ${budgetCell} | ${steps} | ${bases} | ${got.join('; ') || '-'} |`);
  }
  lines.push(`| **core path** | **${corePathMinutes(budget)}** | | | |`);
  lines.push('');
  lines.push(`Core path ${corePathMinutes(budget)} min + teaching ${budget.teachingMinutes} min = ${corePathMinutes(budget) + budget.teachingMinutes} min, against a ${budget.sessionMinutes}-minute session.`);
  return lines;
}
