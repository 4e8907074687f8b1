/**
 * A roster stack and the same student's own stack are one template: an instructor deploys the
 * roster, the student runs `npm run setup -- student=ana` and `npx cdk deploy ClassLabStack`,
 * and the instructor guide promises that changes nothing. Compared as the real CDK CLI writes
 * them (cdk.json's feature flags in force), root and nested templates, asset hashes normalized
 * and nothing else; the student's stack is still the one `ClassLabStack` selects. The roster is
 * the suite's roster variant (test/support/variants.ts); the student's stack is one CLI synth here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cdkSynth } from '../support/cdk-cli';
import { cliAssembly } from '../support/cli-synth';
import { scratchProject } from '../support/project';
import { normalizeTemplate } from '../support/synth';
import { ROSTER_FILE, VARIANTS } from '../support/variants';

interface StackArtifact {
  readonly type: string;
  readonly displayName?: string;
  readonly properties: { readonly templateFile: string; readonly stackName?: string; readonly tags?: Record<string, string> };
}

interface Synthesized {
  readonly outdir: string;
  readonly artifacts: Record<string, StackArtifact>;
}

function stackArtifacts(manifest: { artifacts: Record<string, unknown> }): Record<string, StackArtifact> {
  return Object.fromEntries(Object.entries(manifest.artifacts as Record<string, StackArtifact>).filter(([, a]) => a.type === 'aws:cloudformation:stack'));
}

function synthesize(args: string[]): Synthesized {
  const project = scratchProject();
  const result = cdkSynth(project.dir, ['-o', project.outdir, ...args]);
  if (result.status !== 0) throw new Error(`cdk synth ${args.join(' ')} failed:\n${result.stderr}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(project.outdir, 'manifest.json'), 'utf8'));
  return { outdir: project.outdir, artifacts: stackArtifacts(manifest) };
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

let roster: Synthesized;
let student: Synthesized;
beforeAll(() => {
  // The suite's roster variant (its ana has no account or Region), from the shared CLI synth.
  const rosterVariant = cliAssembly('roster');
  expect(VARIANTS.roster.settings).toEqual({ roster: 'roster.json', expiresAfterHours: '4' });
  expect(ROSTER_FILE.students).toContain('ana');
  roster = { outdir: rosterVariant.project.outdir, artifacts: stackArtifacts(rosterVariant.manifest) };
  // As the student types it, with the instructor's other settings: the stack selected by its CLI name, ClassLabStack.
  student = synthesize(['ClassLabStack', '-c', 'student=ana', '-c', 'expiresAfterHours=4']);
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
