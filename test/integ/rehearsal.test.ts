/**
 * The rehearsal's apps checked offline, on every `npm test`: each synthesizes (so `npm run
 * rehearse` will not fail on synth in the instructor's account), its ClassLabStack is the one a
 * student deploys with the same settings, the assertions cover each module's promise, and every
 * template matches the committed snapshot (update with `npx jest test/integ -u` and read the diff).
 *
 * @tier full: three whole rehearsal apps and three student apps synthesized, a proof about the
 * rehearsal rather than about one module.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildClassLabApp } from '../../lib/app/class-lab-app';
import { ACCOUNT_VARIANTS, LEARNER_LAB_VARIANT } from '../../lib/instructor-tool/rehearse/rehearse';
import { normalizeTemplate } from '../support/synth';
import { defineRehearsal, REHEARSALS, RehearsalVariant } from './rehearsal';

/**
 * Every template of the app, normalized: asset hashes, and the `salt` each assertion carries
 * (integ-tests-alpha sets it to the synth time, so the assertion runs again on every deploy).
 */
function templates(app: App): Record<string, Record<string, any>> {
  app.synth();
  const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  const unsalted = (t: Record<string, any>) => JSON.parse(JSON.stringify(t).replace(/"salt":"\d+"/g, '"salt":"<synth time>"'));
  return Object.fromEntries(stacks.map((s) => [s.node.path, normalizeTemplate(unsalted(Template.fromStack(s).toJSON()))]));
}

/** The AWS calls the assertion stack makes, as "Service.api" (its custom resources' types name them). */
function assertionCalls(all: Record<string, Record<string, any>>): string[] {
  const assert = Object.entries(all).find(([p]) => p.endsWith('/DeployAssert'))?.[1];
  if (!assert) return [];
  return Object.values<any>(assert.Resources ?? {})
    .filter((r) => r.Type.startsWith('Custom::DeployAssert@'))
    .map((r) => r.Type.replace('Custom::DeployAssert@', ''))
    .sort();
}

describe.each(Object.entries(REHEARSALS) as Array<[string, RehearsalVariant]>)('rehearsal %s', (_key, variant) => {
  const all = templates(defineRehearsal(variant));

  test('its ClassLabStack templates are what a student deploys with the same settings', () => {
    const student = buildClassLabApp({ context: variant.context }, { guardrails: false });
    const expected = templates(student.app);
    for (const [stackPath, template] of Object.entries(expected)) {
      // The rehearsal only adds outputs (exports) that its assertion stack reads.
      const { Outputs: _rehearsalOutputs, ...rehearsed } = all[stackPath];
      const { Outputs: _studentOutputs, ...deployed } = template;
      expect({ stackPath, ...rehearsed }).toEqual({ stackPath, ...deployed });
    }
  });

  test('the templates match the committed snapshot', () => {
    expect(all).toMatchSnapshot();
  });

  if (variant.assertions) {
    test('the assertions check every module: page and targets, bucket, records, service', () => {
      // A page request and a target health check for the fleet (two targets healthy), versioning
      // and the public access block of the bucket, each zone record, the service running, and a
      // request to the app's health path. (CDK cuts long resource type names at 60 characters.)
      expect(assertionCalls(all)).toEqual([
        'HttpCall', 'HttpCall',
        'SdkCallECSdescribeServices', 'SdkCallElasticLoadBalancingV2describeTa',
        'SdkCallRoute53listResourceRecordSets', 'SdkCallRoute53listResourceRecordSets',
        'SdkCallS3getBucketVersioning', 'SdkCallS3getPublicAccessBlock',
      ]);
    });
  } else {
    test('no assertion stack resources that need a role (the sandbox forbids creating one)', () => {
      expect(assertionCalls(all)).toEqual([]);
      const iam = Object.values(all).flatMap((t) => Object.values<any>(t.Resources ?? {})).filter((r) => r.Type.startsWith('AWS::IAM::'));
      expect(iam).toEqual([]);
    });
  }
});

test('npm run rehearse deploys these very apps and stacks', () => {
  const apps = [...ACCOUNT_VARIANTS, LEARNER_LAB_VARIANT].map((v) => v.app).sort();
  expect(apps).toEqual(['test/integ/integ.default.ts', 'test/integ/integ.learner-lab.ts', 'test/integ/integ.student.ts']);
  expect(ACCOUNT_VARIANTS.map((v) => v.assertionSelector)).toEqual([
    `${REHEARSALS.default.name}/DefaultTest/DeployAssert`, `${REHEARSALS.student.name}/DefaultTest/DeployAssert`,
  ]);
});
