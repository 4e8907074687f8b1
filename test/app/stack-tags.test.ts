/**
 * The tags the instructor tool finds a student's stack by (`lib/instructor-tool/aws/stacks.ts`
 * KIT_TAGS, plus `student`) are on the stack itself as the real CDK CLI synthesizes it, with
 * cdk.json's feature flags in force: `@aws-cdk/core:explicitStackTags` makes `Tags.of(stack)` tag
 * only the resources, so the stack's own tags must come from its props. `cdk deploy` sends the
 * manifest's `tags` with the stack.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KIT_TAGS } from '../../lib/instructor-tool/aws/stacks';
import { cdkSynth } from '../support/cdk-cli';
import { repoCdkJson, scratchProject } from '../support/project';

test('cdk.json turns explicit stack tags on (the reason the stack needs tags of its own)', () => {
  expect(repoCdkJson().context['@aws-cdk/core:explicitStackTags']).toBe(true);
});

test('the CLI manifest gives the student stack the kit tags and the student', () => {
  const project = scratchProject();
  const result = cdkSynth(project.dir, ['-o', project.outdir, 'ClassLabStack', '-c', 'student=ana', '-c', 'modules=s3']);
  expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
  const manifest = JSON.parse(fs.readFileSync(path.join(project.outdir, 'manifest.json'), 'utf8'));
  const stacks = Object.values(manifest.artifacts as Record<string, { type: string; properties?: { stackName?: string; tags?: Record<string, string> } }>)
    .filter((a) => a.type === 'aws:cloudformation:stack');
  expect(stacks.map((s) => s.properties?.stackName)).toEqual(['ClassLabStack-ana']);
  expect(stacks[0].properties?.tags).toEqual({ ...KIT_TAGS, student: 'ana' });
}, 200_000);
