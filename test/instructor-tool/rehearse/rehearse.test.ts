import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { ACCOUNT_VARIANTS, RehearsalVariant, runRehearse } from '../../../lib/instructor-tool/rehearse/rehearse';
import { synthLab } from '../../support/synth';
import { aws, resetAws } from '../support/aws-mocks';
import { FakeCloudFormation } from '../support/fake-cloudformation';
import { ACCOUNT, testClients, VirtualClock } from '../support/harness';

const ROOT = path.join(__dirname, '..', '..', '..');

/** The default ClassLabStack's root resources, as CloudFormation lists them once deployed. */
function deployedResources(): Array<{ logicalId: string; type: string; physicalId: string }> {
  const template = synthLab({}, { guardrails: false }).root.toJSON();
  return Object.entries<any>(template.Resources)
    .filter(([, r]) => r.Type !== 'AWS::CloudFormation::Stack')
    .map(([logicalId, r]) => ({ logicalId, type: r.Type, physicalId: `classlabstack-${logicalId.toLowerCase()}` }));
}

/**
 * The CDK CLI as the rehearsal drives it: deploys take minutes of (virtual) time, the assertion
 * stack fails when `assertionsFail`, destroy takes minutes too. Records every call.
 */
function fakeCdk(clock: VirtualClock, behaviour: { assertionsFail?: boolean; deployFails?: boolean } = {}) {
  const calls: string[][] = [];
  const run = async (args: readonly string[]): Promise<number> => {
    calls.push([...args]);
    const [command, selector] = args;
    if (command === 'deploy' && !selector.includes('DeployAssert')) {
      clock.time += 6 * 60_000;
      return behaviour.deployFails ? 1 : 0;
    }
    if (command === 'deploy') {
      clock.time += 2 * 60_000;
      return behaviour.assertionsFail ? 1 : 0;
    }
    clock.time += 4 * 60_000;
    return 0;
  };
  return { calls, run };
}

function setup(behaviour: { assertionsFail?: boolean; deployFails?: boolean } = {}) {
  resetAws();
  const clock = new VirtualClock();
  const cfn = new FakeCloudFormation(clock, [
    { name: 'ClassLabStack', student: null, resources: deployedResources() },
    { name: 'ClassLabStack-rehearsal', student: 'rehearsal', resources: deployedResources() },
  ]);
  const cdk = fakeCdk(clock, behaviour);
  const out: string[] = [];
  const err: string[] = [];
  const run = () => runRehearse({ clients: testClients(), clock, cdk: cdk.run, progress: (l) => err.push(l), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { cfn, cdk, out, err, run };
}

describe('npm run rehearse', () => {
  test('without credentials: one line, exit 4, nothing deployed', () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: '/nonexistent', AWS_REGION: 'us-east-1',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config', AWS_EC2_METADATA_DISABLED: 'true' };
    const result = spawnSync('npm', ['run', '--silent', 'rehearse'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
    expect(result.status).toBe(4);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rehearse: no AWS credentials found/);
  }, 130_000);

  test('deploys each variant, runs its assertions, destroys it, and reports times and no leftovers', async () => {
    const { cdk, out, run } = setup();
    expect(await run()).toBe(0);
    // Per variant: the ClassLabStack alone, then its assertion stack, then destroy everything of the app.
    expect(cdk.calls.map((c) => c.slice(0, 2).join(' '))).toEqual(ACCOUNT_VARIANTS.flatMap((v: RehearsalVariant) => [
      `deploy ${v.stackSelector}`, `deploy ${v.assertionSelector}`, 'destroy --all',
    ]));
    for (const call of cdk.calls) expect(call).toEqual(expect.arrayContaining(['--app', expect.stringContaining('test/integ/integ.')]));
    expect(out[0]).toBe(`Rehearsal in account ${ACCOUNT}, us-east-1`);
    expect(out).toContainEqual(expect.stringMatching(/^default\s+6m00s\s+passed\s+4m00s\s+none$/));
    expect(out).toContainEqual(expect.stringMatching(/^student\s+6m00s\s+passed\s+4m00s\s+none$/));
  });

  test('a failed assertion fails the rehearsal, and the stacks are destroyed all the same', async () => {
    const { cdk, out, run } = setup({ assertionsFail: true });
    expect(await run()).toBe(1);
    expect(cdk.calls.filter((c) => c[0] === 'destroy')).toHaveLength(ACCOUNT_VARIANTS.length);
    expect(out).toContainEqual(expect.stringMatching(/^default\s+6m00s\s+FAILED\s+4m00s\s+none$/));
    expect(out).toContainEqual(expect.stringMatching(/default: CDK output in .*rehearse-default\.log$/));
  });

  test('a failed deploy skips the assertions and still destroys what was created', async () => {
    const { cdk, out, run } = setup({ deployFails: true });
    expect(await run()).toBe(1);
    expect(cdk.calls.map((c) => c[0])).toEqual(ACCOUNT_VARIANTS.flatMap(() => ['deploy', 'destroy']));
    expect(out).toContainEqual(expect.stringMatching(/^default\s+FAILED 6m00s\s+skipped\s+4m00s\s+none$/));
  });

  test('what the destroy left behind (a bucket the stack had) is reported and fails the rehearsal', async () => {
    const { out, run } = setup();
    // The destroy left the bucket (say, a delete that failed): it still answers, and carries the kit's tags.
    const bucketName = 'classlabstack-s3-bucket83908e77-abc123';
    aws.tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [{ ResourceARN: `arn:aws:s3:::${bucketName}`, Tags: [] }] });
    aws.s3.on(HeadBucketCommand).resolves({});
    expect(await run()).toBe(1);
    expect(out).toContainEqual(expect.stringMatching(/^default\s+6m00s\s+passed\s+4m00s\s+1 \(1 billable\)$/));
    expect(out).toContainEqual(`  left by default: bucket ${bucketName} (billable)`);
  });
});
