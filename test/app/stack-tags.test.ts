/**
 * The tags the instructor tool finds a student's stack by (`lib/instructor-tool/aws/stacks.ts`
 * KIT_TAGS, plus `student`) are on the stack itself as the real CDK CLI synthesizes it, with
 * cdk.json's feature flags in force: `@aws-cdk/core:explicitStackTags` makes `Tags.of(stack)` tag
 * only the resources, so the stack's own tags must come from its props. `cdk deploy` sends the
 * manifest's `tags` with the stack.
 */
import { KIT_TAGS } from '../../lib/instructor-tool/aws/stacks';
import { cliAssembly } from '../support/cli-synth';
import { ROSTER_FILE } from '../support/variants';
import { repoCdkJson } from '../support/project';

test('cdk.json turns explicit stack tags on (the reason the stack needs tags of its own)', () => {
  expect(repoCdkJson().context['@aws-cdk/core:explicitStackTags']).toBe(true);
});

test('the CLI manifest gives the student stack the kit tags and the student', () => {
  const stacks = cliAssembly('student').stacks();
  expect(stacks.map((s) => s.stackName)).toEqual(['ClassLabStack-ana']);
  expect(stacks[0].properties.tags).toEqual({ ...KIT_TAGS, student: 'ana' });
});

test('the CLI manifest gives every roster stack the kit tags and its own student', () => {
  const stacks = cliAssembly('roster').stacks();
  const ids = ROSTER_FILE.students.map((s) => (typeof s === 'string' ? s : s.id));
  expect(stacks.map((s) => [s.stackName, s.properties.tags])).toEqual(ids.map((id) => [`ClassLabStack-${id}`, { ...KIT_TAGS, student: id }]));
});

test('the solo stack carries the kit tags, its student "solo"', () => {
  expect(cliAssembly('default').stacks().map((s) => [s.stackName, s.properties.tags])).toEqual([['ClassLabStack', { ...KIT_TAGS, student: 'solo' }]]);
});
