/**
 * A roster stack and the same student's own stack are one template: an instructor deploys the
 * roster, the student runs `npm run setup -- student=ana` and `npx cdk deploy ClassLabStack`,
 * and the instructor guide promises that changes nothing. Compared as the real CDK CLI writes
 * them (cdk.json's feature flags in force), root and nested templates, asset hashes normalized
 * and nothing else; the student's stack is still the one `ClassLabStack` selects.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cdkSynth } from '../support/cdk-cli';
import { scratchProject } from '../support/project';
import { normalizeTemplate } from '../support/synth';

interface StackArtifact {
  readonly type: string;
  readonly displayName?: string;
  readonly properties: { readonly templateFile: string; readonly stackName?: string; readonly tags?: Record<string, string> };
}

interface Synthesized {
  readonly outdir: string;
  readonly artifacts: Record<string, StackArtifact>;
}

function synthesize(args: string[], roster?: unknown): Synthesized {
  const project = scratchProject();
  if (roster) project.write('roster.json', JSON.stringify(roster));
  const result = cdkSynth(project.dir, ['-o', project.outdir, ...args]);
  if (result.status !== 0) throw new Error(`cdk synth ${args.join(' ')} failed:\n${result.stderr}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(project.outdir, 'manifest.json'), 'utf8'));
  const artifacts = Object.fromEntries(Object.entries<StackArtifact>(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack'));
  return { outdir: project.outdir, artifacts };
}

/** The stack called stackName: its root template and its nested ones (by the root's asset paths), asset hashes normalized. */
function templatesOf(synthesized: Synthesized, stackName: string): Map<string, unknown> {
  const [artifact] = Object.entries(synthesized.artifacts).filter(([id, a]) => (a.properties.stackName ?? id) === stackName).map(([, a]) => a);
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(synthesized.outdir, file), 'utf8'));
  const root = read(artifact.properties.templateFile);
  const templates = new Map<string, unknown>([['root', normalizeTemplate(root)]]);
  for (const resource of Object.values<any>(root.Resources)) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const file = resource.Metadata['aws:asset:path'];
    templates.set(file, normalizeTemplate(read(file)));
  }
  return templates;
}

const SETTINGS = ['-c', 'expiresAfterHours=4'];
let roster: Synthesized;
let student: Synthesized;
beforeAll(() => {
  roster = synthesize(['-c', 'roster=roster.json', ...SETTINGS], { students: ['ana', 'ben'] });
  // As the student types it: the stack selected by its CLI name, ClassLabStack.
  student = synthesize(['ClassLabStack', '-c', 'student=ana', ...SETTINGS]);
}, 400_000);

test("the student's own stack is the roster's stack for that student: the same root and nested templates", () => {
  const fromRoster = templatesOf(roster, 'ClassLabStack-ana');
  const own = templatesOf(student, 'ClassLabStack-ana');
  expect(fromRoster.size).toBe(6);
  expect([...own.keys()]).toEqual([...fromRoster.keys()]);
  for (const [file, template] of fromRoster) expect({ file, template: own.get(file) }).toEqual({ file, template });
});

test('the deploy sends the same stack name and tags; only the name the CLI selects the stack by differs', () => {
  const fromRoster = roster.artifacts['ClassLabStack-ana'];
  const [[studentId, own]] = Object.entries(student.artifacts);
  expect({ id: studentId, properties: own.properties }).toEqual({ id: 'ClassLabStack-ana', properties: fromRoster.properties });
  expect(own.properties.tags).toEqual(expect.objectContaining({ student: 'ana' }));
  expect({ student: own.displayName, roster: fromRoster.displayName }).toEqual({ student: 'ClassLabStack', roster: 'ClassLabStack-ana' });
});

test("another student's roster stack differs from ana's (the comparison can tell stacks apart)", () => {
  const ben = templatesOf(roster, 'ClassLabStack-ben');
  expect(JSON.stringify([...ben.values()])).not.toEqual(JSON.stringify([...templatesOf(roster, 'ClassLabStack-ana').values()]));
});
