import { corePathMinutes, guideMinutes, loadTimeBudget, timingTable } from '../../../lib/instructor-tool/rehearse/time-budget';

describe('the time budget of the core path', () => {
  const budget = loadTimeBudget();

  test('every step has a basis, and an estimate without a figure of the kit says what it rests on where a reader needs it', () => {
    for (const g of budget.guides) {
      for (const s of g.steps) {
        expect(['estimate', 'computed', 'measured']).toContain(s.basis);
        expect(s.minutes[0]).toBeLessThanOrEqual(s.minutes[1]);
        if (s.basis !== 'estimate') expect(s.source).toBeDefined();
      }
    }
    // The two steps a rehearsal measures are in the budget: the first deploy and the destroy.
    expect(budget.guides.flatMap((g) => g.steps.map((s) => s.measures)).filter(Boolean).sort()).toEqual(['deploy', 'destroy']);
  });

  test('the rehearsal\'s table gives each guide its budget, the basis, and what was measured in place of the estimate', () => {
    const lines = timingTable(budget, { deploy: 8.5 * 60_000, destroy: 6 * 60_000 });
    expect(lines[0]).toBe('| guide | budget (min) | steps (min) | basis | measured in this rehearsal |');
    const setup = lines.find((l) => l.startsWith('| Setup |'))!;
    expect(setup).toContain(`| ${guideMinutes(budget.guides[0])} |`);
    expect(setup).toContain('deploy 8.5 min (budget 7-10)');
    expect(lines.find((l) => l.startsWith('| Clean up'))).toContain('destroy 6.0 min (budget 5-10)');
    expect(lines.find((l) => l.startsWith('| S3 |'))).toContain('(during ec2-fleet.md step 6)');
    expect(lines).toContain(`| **core path** | **${corePathMinutes(budget)}** | | | |`);
    expect(lines[lines.length - 1]).toBe(`Core path ${corePathMinutes(budget)} min + teaching ${budget.teachingMinutes} min = ${corePathMinutes(budget) + budget.teachingMinutes} min, against a ${budget.sessionMinutes}-minute session.`);
    // Nothing measured: every measured cell says so.
    expect(timingTable(budget).filter((l) => l.endsWith('| - |')).length).toBe(budget.guides.length);
  });
});
