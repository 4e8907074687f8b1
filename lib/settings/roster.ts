/**
 * The class roster: a JSON file an instructor writes once per class, listing the students and,
 * optionally, the account and region each one's ClassLabStack goes to. lib/settings/lab-config.ts reads it
 * (setting `roster`) and reports every problem through its ConfigError, naming the entry.
 *
 *   { "students": [
 *       { "id": "ana" },
 *       { "id": "ben", "account": "123456789012", "region": "us-west-2" },
 *       "cleo"
 *   ] }
 *
 * A plain string is short for `{ "id": ... }`.
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';

/** One student of the roster; account and region fall back to the CLI's when absent. */
export interface RosterStudent {
  readonly id: string;
  readonly account?: string;
  readonly region?: string;
}

export interface Roster {
  /** The path as given, for messages. */
  readonly file: string;
  readonly students: readonly RosterStudent[];
}

/**
 * Most students one roster may hold. Each student is a whole ClassLabStack (a VPC, a load
 * balancer, five nested stacks) that synthesis builds in memory; the guardrails run once per
 * stack shape (lib/guardrails/roster-guardrails.ts). Measured on a 2-core machine: `cdk ls` of 100 students
 * 35 s and 0.74 GB of memory; far past a class it runs out of memory (10,000 students did, after
 * 3 minutes). 100 is also more than one account's default quotas hold by far (README "Class
 * sizes"). A larger class splits its roster into several files and deploys them one after another.
 */
export const ROSTER_MAX_STUDENTS = 100;

/** The keys a roster entry may have; anything else is most likely a typo. */
export const ROSTER_ENTRY_KEYS = ['id', 'account', 'region'] as const;

/** A roster problem: which part of the file (`students[1] ("ben").account`), what it holds, what is allowed. */
export interface RosterProblem {
  readonly where: string;
  readonly value: unknown;
  readonly allowed: string;
}

export interface RosterRules {
  /** Whether a student id is well formed (the same rule as the `student` setting). */
  readonly isStudentId: (id: string) => boolean;
  /** What a student id may look like, for messages. */
  readonly studentIdAllowed: string;
}

export const ROSTER_SHAPE = '{"students": [{"id": "ana", "account": "123456789012", "region": "us-east-1"}, "ben", ...]}';

/** Regions aws-cdk-lib knows: a typo such as us-east-3 fails here, not half-way through a class deploy. */
export const KNOWN_REGIONS: ReadonlySet<string> = new Set(RegionInfo.regions.map((r) => r.name));

/**
 * Parses roster text. Returns the students it could read and every problem, so the instructor
 * fixes the whole file in one go.
 */
export function parseRoster(file: string, text: string, rules: RosterRules): { roster?: Roster; problems: RosterProblem[] } {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, '')); // a byte-order mark from a Windows editor is not content
  } catch (error) {
    return { problems: [{ where: file, value: `not JSON (${(error as Error).message})`, allowed: `a JSON file like ${ROSTER_SHAPE}` }] };
  }
  const entries = isObject(data) ? data.students : undefined;
  if (!Array.isArray(entries) || entries.length === 0 || Object.keys(data as object).some((k) => k !== 'students')) {
    return { problems: [{ where: file, value: data, allowed: `an object with one key, "students", a non-empty list: ${ROSTER_SHAPE}` }] };
  }

  if (entries.length > ROSTER_MAX_STUDENTS) {
    return { problems: [{ where: `${file} students`, value: `${entries.length} students`, allowed: `at most ${ROSTER_MAX_STUDENTS} students per roster (each is a whole stack synthesized in memory): split the class into several roster files` }] };
  }
  const problems: RosterProblem[] = [];
  const students: RosterStudent[] = [];
  const firstIndexOf = new Map<string, number>();
  entries.forEach((entry, index) => {
    const student = parseEntry(`${file} students[${index}]`, entry, rules, problems);
    if (!student) return;
    const earlier = firstIndexOf.get(student.id);
    if (earlier !== undefined) {
      problems.push({ where: `${file} students[${index}].id`, value: student.id, allowed: `an id no other student has (students[${earlier}] is "${student.id}")` });
      return;
    }
    firstIndexOf.set(student.id, index);
    students.push(student);
  });
  return problems.length > 0 ? { problems } : { roster: { file, students }, problems };
}

function parseEntry(where: string, entry: unknown, rules: RosterRules, problems: RosterProblem[]): RosterStudent | undefined {
  const fields = typeof entry === 'string' ? { id: entry } : entry;
  if (!isObject(fields)) {
    problems.push({ where, value: entry, allowed: `a student id or an object with ${ROSTER_ENTRY_KEYS.join(', ')}` });
    return undefined;
  }
  const before = problems.length;
  const { id, account, region } = fields;
  const named = typeof id === 'string' ? `${where} ("${id}")` : where;
  for (const key of Object.keys(fields).filter((k) => !(ROSTER_ENTRY_KEYS as readonly string[]).includes(k))) {
    problems.push({ where: `${named} key`, value: key, allowed: `only the keys ${ROSTER_ENTRY_KEYS.join(', ')}` });
  }
  if (typeof id !== 'string' || !rules.isStudentId(id)) {
    problems.push({ where: `${where}.id`, value: id, allowed: rules.studentIdAllowed });
  }
  if (account !== undefined && (typeof account !== 'string' || !/^\d{12}$/.test(account))) {
    problems.push({ where: `${named}.account`, value: account, allowed: 'a 12-digit AWS account id as a string, e.g. "123456789012"' });
  }
  if (region !== undefined && (typeof region !== 'string' || !KNOWN_REGIONS.has(region))) {
    problems.push({ where: `${named}.region`, value: region, allowed: 'an AWS region name such as us-east-1' });
  }
  if (problems.length > before) return undefined;
  return { id: id as string, account: account as string | undefined, region: region as string | undefined };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
