import { cfnLint, cfnLintVersion, knownFinding, LintFinding } from '../support/cfn-lint';
import { KNOWN_FINDINGS } from '../support/cfn-lint-known';
import { cliAssembly } from '../support/cli-synth';
import { VARIANT_NAMES } from '../support/variants';

/**
 * cfn-lint, the CloudFormation linter AWS maintains, over every template (root and nested) of
 * every variant as the real CDK CLI synthesized it (test/support/cli-synth.ts): what a student
 * deploys. It is a Python tool (pip install cfn-lint): where it is not on the PATH the test is
 * skipped with a notice, unless CFN_LINT_REQUIRED=true (the GitHub workflow sets it, after
 * installing the latest cfn-lint).
 */

/** The Regions the kit deploys to in these variants (the roster's, and Learner Lab's). */
const REGIONS = ['us-east-1', 'us-west-2'];

const version = cfnLintVersion();
const required = process.env.CFN_LINT_REQUIRED === 'true';
if (!version && !required) {
  console.warn('cfn-lint is not on the PATH: skipping the CloudFormation lint (pip install cfn-lint).');
}
const lintTest = version || required ? test : test.skip;

function describeFinding(f: LintFinding): string {
  return `${f.template}: ${f.rule} ${f.resourceType ?? ''} ${f.path}: ${f.message}`;
}

describe('cfn-lint', () => {
  lintTest('passes every template of every variant, but for the known findings listed with their reason', async () => {
    if (!version) throw new Error('cfn-lint is required (CFN_LINT_REQUIRED=true) and is not on the PATH: pip install cfn-lint');
    const templates = new Map<string, Record<string, any>>();
    for (const variant of VARIANT_NAMES) {
      for (const [file, template] of cliAssembly(variant).templates()) templates.set(`${variant}/${file}`, template);
    }
    // Every variant, root and nested: at least one template each, a root and five modules for the full stack.
    expect(templates.size).toBeGreaterThanOrEqual(VARIANT_NAMES.length + 5);

    const findings = await cfnLint(templates, REGIONS);
    const unknown = findings.filter((f) => !knownFinding(f));
    expect(unknown.map(describeFinding)).toEqual([]);
  }, 180_000);

  test('a known finding is excused only on the resource type and path it names', () => {
    const tagsOn = (resourceType: string): LintFinding => ({
      rule: 'E3002', level: 'Error', template: 't', resourceType, path: 'Properties/Tags', message: "'Tags' was unexpected",
    });
    expect(knownFinding(tagsOn('AWS::ElasticLoadBalancingV2::ListenerRule'))?.reason).toMatch(/stale cfn-lint resource schema/);
    expect(knownFinding(tagsOn('AWS::S3::Bucket'))).toBeUndefined();
    expect(knownFinding({ ...tagsOn('AWS::ElasticLoadBalancingV2::Listener'), path: 'Properties/Port' })).toBeUndefined();
    expect(KNOWN_FINDINGS.every((k) => k.reason.length > 40)).toBe(true);
  });
});
