/**
 * A roster file given on the command line (--roster): read and checked with the kit's own
 * roster rules, for the commands that work per student across accounts.
 */
import * as fs from 'node:fs';
import { isStudentId } from '../../settings/lab-config';
import { parseRoster } from '../../settings/roster';
import { UsageError } from './errors';

export interface RosterEntry {
  readonly id: string;
  readonly account?: string;
  readonly region?: string;
}

/** Reads and checks a roster file with the kit's own roster rules (lib/settings/roster.ts). */
export async function loadRoster(file: string, command = 'grade'): Promise<RosterEntry[]> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the roster ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, command);
  }
  const parsed = parseRoster(file, text, { isStudentId, studentIdAllowed: 'lowercase letters, digits and hyphens' });
  if (parsed.problems.length > 0 || !parsed.roster) {
    throw new UsageError(`roster ${parsed.problems.map((p) => `${p.where}: got ${JSON.stringify(p.value)}, expected ${p.allowed}`).join('; ')}`, command);
  }
  return parsed.roster.students.map((s) => ({ id: s.id, account: s.account, region: s.region }));
}

