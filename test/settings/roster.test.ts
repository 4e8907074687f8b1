import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadLabConfig } from '../../lib/settings/lab-config';

/** Loads the settings with a roster whose file holds `content` (a string as is, anything else as JSON). */
function withRoster(content: unknown, context: Record<string, unknown> = {}, env: { account?: string; region?: string } = {}) {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return loadLabConfig((key) => ({ roster: 'class.json', ...context })[key], {
    ...env,
    readFile: (file) => {
      if (file !== 'class.json') throw new Error(`unexpected file ${file}`);
      return text;
    },
  });
}

function problemsOf(load: () => unknown): readonly string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('roster', () => {
  test('lists the students, with their account and region when given; a string is short for an id', () => {
    const config = withRoster({
      students: [{ id: 'ana' }, { id: 'ben', account: '123456789012', region: 'us-west-2' }, 'cleo'],
    });
    expect(config.roster).toEqual({
      file: 'class.json',
      students: [
        { id: 'ana', account: undefined, region: undefined },
        { id: 'ben', account: '123456789012', region: 'us-west-2' },
        { id: 'cleo', account: undefined, region: undefined },
      ],
    });
  });

  test('is read from the path the setting gives', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-roster-'));
    const file = path.join(dir, 'roster.json');
    fs.writeFileSync(file, JSON.stringify({ students: ['ana', 'ben'] }));
    const config = loadLabConfig((key) => ({ roster: file } as Record<string, string>)[key]);
    expect(config.roster?.students.map((s) => s.id)).toEqual(['ana', 'ben']);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('a bad roster stops synthesis, naming the entry', () => {
  test('a file that cannot be read', () => {
    const missing = path.join(os.tmpdir(), 'class-lab-no-such-roster.json');
    expect(problemsOf(() => loadLabConfig((key) => ({ roster: missing } as Record<string, string>)[key]))).toEqual([
      `roster: got ${JSON.stringify(missing)}; allowed: the path of a readable JSON roster file (reading it failed: ENOENT)`,
    ]);
  });

  test.each<[string, unknown, RegExp]>([
    ['text that is not JSON', '{"students": [ana]}', /^roster class.json: got "not JSON \(.*\)"; allowed: a JSON file like \{"students"/],
    ['a list instead of an object', ['ana'], /^roster class.json: got \["ana"\]; allowed: an object with one key, "students"/],
    ['no students', { students: [] }, /^roster class.json: got \{"students":\[\]\}; allowed: .*a non-empty list/],
    ['a misspelled top-level key', { student: ['ana'] }, /^roster class.json: got \{"student":\["ana"\]\}/],
    ['an entry that is neither id nor object', { students: ['ana', 7] }, /^roster class.json students\[1\]: got 7; allowed: a student id or an object with id, account, region$/],
    ['an invalid id', { students: ['ana', 'Ben'] }, /^roster class.json students\[1\].id: got "Ben"; allowed: lowercase letters, digits and hyphens/],
    ['an entry without id', { students: [{ account: '123456789012' }] }, /^roster class.json students\[0\].id: got nothing; allowed: lowercase letters/],
    ['a duplicate id', { students: ['ana', 'ben', { id: 'ana' }] }, /^roster class.json students\[2\].id: got "ana"; allowed: an id no other student has \(students\[0\] is "ana"\)$/],
    ['an account that is not 12 digits', { students: [{ id: 'ana', account: '12345678901' }] }, /^roster class.json students\[0\] \("ana"\).account: got "12345678901"; allowed: a 12-digit AWS account id/],
    ['an account given as a number', { students: [{ id: 'ana', account: 123456789012 }] }, /^roster class.json students\[0\] \("ana"\).account: got 123456789012/],
    ['an unknown region', { students: [{ id: 'ana', region: 'us-east-3' }] }, /^roster class.json students\[0\] \("ana"\).region: got "us-east-3"; allowed: an AWS region name such as us-east-1$/],
    ['an unknown key', { students: [{ id: 'ana', acount: '123456789012' }] }, /^roster class.json students\[0\] \("ana"\) key: got "acount"; allowed: only the keys id, account, region$/],
  ])('%s', (_name, content, message) => {
    const problems = problemsOf(() => withRoster(content));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('every bad entry at once, each named', () => {
    const problems = problemsOf(() => withRoster({
      students: ['ana', 'Ana', { id: 'ben', region: 'mars-1' }, 'ana'],
    }));
    expect(problems).toEqual([
      expect.stringMatching(/^roster class.json students\[1\].id: got "Ana"/),
      expect.stringMatching(/^roster class.json students\[2\] \("ben"\).region: got "mars-1"/),
      expect.stringMatching(/^roster class.json students\[3\].id: got "ana"; allowed: an id no other student has/),
    ]);
  });

  test('a roster together with a zone setting (each student gets <id>.class.internal)', () => {
    expect(problemsOf(() => withRoster({ students: ['ana'] }, { zoneName: 'example.com' }))).toEqual([
      'zoneName: got "example.com"; allowed: nothing with a roster: each student gets the private zone <id>.class.internal',
    ]);
  });

  test('a roster together with a student id', () => {
    expect(problemsOf(() => withRoster({ students: ['ana'] }, { student: 'ben' }))).toEqual([
      'roster: got "class.json"; allowed: a roster or a student, not both: the roster already gives each student a stack (drop -c student=ben)',
    ]);
  });
});

describe('a roster in a Learner Lab sandbox', () => {
  test('a student in a region the Learner Lab does not allow', () => {
    const problems = problemsOf(() => withRoster({ students: ['ana', { id: 'ben', region: 'eu-west-1' }] }, { sandbox: 'learner-lab' }));
    expect(problems).toEqual([
      'roster class.json students[1] ("ben").region: got "eu-west-1"; allowed: with sandbox=learner-lab, us-east-1 or us-west-2, the Learner Lab regions',
    ]);
  });

  test('more instances in one account than the Learner Lab cap, over all its students', () => {
    const roster = { students: ['ana', 'ben'] };
    const problems = problemsOf(() => withRoster(roster, { sandbox: 'learner-lab', fleetMax: '5' }, { account: '222222222222' }));
    expect(problems).toEqual([
      'fleetMax: got {"fleetMax":5,"stacks":2,"account":"222222222222","instances":10}; allowed: with sandbox=learner-lab, at most 9 instances per account over all its stacks (Learner Lab deactivates an account at 20 running instances)',
    ]);
    // Without the EC2 module there is no fleet to count.
    expect(withRoster({ students: ['ana', 'ben', 'cleo', 'dan', 'eve'] }, { sandbox: 'learner-lab', modules: 's3' }).roster?.students).toHaveLength(5);
  });

  test('a student with an account: each Learner Lab account has its own session credentials', () => {
    const problems = problemsOf(() => withRoster({ students: ['ana', { id: 'ben', account: '111111111111' }] }, { sandbox: 'learner-lab' }));
    expect(problems).toEqual([
      expect.stringMatching(/^roster class.json students\[1\] \("ben"\).account: got "111111111111"; allowed: no account with sandbox=learner-lab: each Learner Lab account has its own session credentials, so one terminal cannot deploy to several/),
    ]);
  });
});
