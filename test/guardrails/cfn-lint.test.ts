import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cfnLint, cfnLintVersion, knownFinding, LintFinding } from '../support/cfn-lint';
import { KNOWN_FINDINGS } from '../support/cfn-lint-known';
import { synthLab } from '../support/synth';

/**
 * cfn-lint, the CloudFormation linter AWS maintains, over every variant of the app the tests
 * synthesize, root and nested templates. It is a Python tool (pip install cfn-lint): where it is
 * not on the PATH the test is skipped with a notice, unless CFN_LINT_REQUIRED=true (the GitHub
 * workflow sets it, after installing the latest cfn-lint).
 */

const ROSTER = {
  students: ['ana', { id: 'ben', region: 'us-west-2' }, { id: 'cleo', account: '123456789012', region: 'us-east-1' }],
};

function rosterFile(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-lint-roster-')), 'roster.json');
  fs.writeFileSync(file, JSON.stringify(ROSTER));
  return file;
}

/** The variants: the same settings the module and class-operation tests synthesize. */
const VARIANTS: Record<string, Record<string, string>> = {
  default: {},
  student: { student: 'ana' },
  'learner-lab': { sandbox: 'learner-lab', expiresAfterHours: '4' },
  'image-public-zone': { imageTag: 'v2', publicZoneId: '/hostedzone/Z0123456789ABCDEFGHIJ', zoneName: 'example.com' },
  expiry: { expiresAfterHours: '4' },
  roster: { roster: rosterFile(), expiresAfterHours: '4' },
};

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
    for (const [variant, context] of Object.entries(VARIANTS)) {
      for (const [stackPath, template] of synthLab(context, { guardrails: false }).allTemplates()) {
        templates.set(`${variant}/${stackPath}`, template);
      }
    }
    // Root and nested stacks of all six variants: 6 templates per stack, three stacks in the roster.
    expect(templates.size).toBe(8 * 6);

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
