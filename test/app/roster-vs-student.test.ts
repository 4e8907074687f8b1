/**
 * A roster stack and the same student's own stack are one template: an instructor deploys the
 * roster, the student runs `npm run setup -- student=ana` and `npx cdk deploy ClassLabStack`,
 * and the instructor guide promises that changes nothing. Compared as the real CDK CLI writes
 * them (the suite's roster and student variants, test/support/variants.ts, with the same other
 * settings), root and nested templates, asset hashes normalized and nothing else; the student's
 * stack is still the one `ClassLabStack` selects (the CLI's `cdk ls` on that assembly).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cdkCli } from '../support/cdk-cli';
import { CliAssembly, cliAssembly } from '../support/cli-synth';
import { normalizeTemplate } from '../support/synth';
import { ROSTER_FILE, VARIANTS } from '../support/variants';

/** The stack called stackName: its root template and its nested ones (by the root's asset paths), asset hashes normalized. */
function templatesOf(assembly: CliAssembly, stackName: string): Map<string, unknown> {
  const stack = assembly.stacks().find((s) => s.stackName === stackName)!;
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(assembly.project.outdir, file), 'utf8'));
  const root = read(stack.properties.templateFile);
  const templates = new Map<string, unknown>([['root', normalizeTemplate(root)]]);
  for (const resource of Object.values<any>(root.Resources)) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const file = resource.Metadata['aws:asset:path'];
    templates.set(file, normalizeTemplate(read(file)));
  }
  return templates;
}

const roster = cliAssembly('roster');
const student = cliAssembly('student');

test('the two variants differ only in roster against student (the comparison compares like with like)', () => {
  const { roster: _roster, ...rosterRest } = VARIANTS.roster.settings;
  const { student: name, ...studentRest } = VARIANTS.student.settings;
  expect({ name, rest: studentRest }).toEqual({ name: 'ana', rest: rosterRest });
  expect(ROSTER_FILE.students).toContain('ana');
});

test("the student's own stack is the roster's stack for that student: the same root and nested templates", () => {
  const fromRoster = templatesOf(roster, 'ClassLabStack-ana');
  const own = templatesOf(student, 'ClassLabStack-ana');
  expect(fromRoster.size).toBe(6);
  expect([...own.keys()]).toEqual([...fromRoster.keys()]);
  for (const [file, template] of fromRoster) expect({ file, template: own.get(file) }).toEqual({ file, template });
});

test('the deploy sends the same stack name and tags; only the name the CLI selects the stack by differs', () => {
  const fromRoster = roster.manifest.artifacts['ClassLabStack-ana'];
  const [own] = student.stacks();
  expect({ id: own.id, properties: own.properties }).toEqual({ id: 'ClassLabStack-ana', properties: fromRoster.properties });
  expect(own.properties.tags).toEqual(expect.objectContaining({ student: 'ana' }));
  const ownArtifact = student.manifest.artifacts[own.id] as { displayName?: string };
  expect({ student: ownArtifact.displayName, roster: (fromRoster as { displayName?: string }).displayName }).toEqual({ student: 'ClassLabStack', roster: 'ClassLabStack-ana' });
});

test('`ClassLabStack`, as the student types it, selects their stack ClassLabStack-ana', () => {
  const listed = cdkCli(student.project.dir, ['ls', 'ClassLabStack', '--long', '--app', student.project.outdir, '--no-notices']);
  expect({ status: listed.status, stderr: listed.status === 0 ? '' : listed.stderr }).toEqual({ status: 0, stderr: '' });
  expect(listed.stdout).toMatch(/^- id: ClassLabStack\n {2}name: ClassLabStack-ana$/m);
});

test("another student's roster stack differs from ana's (the comparison can tell stacks apart)", () => {
  const ben = templatesOf(roster, 'ClassLabStack-ben');
  expect(JSON.stringify([...ben.values()])).not.toEqual(JSON.stringify([...templatesOf(roster, 'ClassLabStack-ana').values()]));
});
