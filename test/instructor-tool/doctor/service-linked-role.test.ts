import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import { CreateServiceLinkedRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { latestBootstrapVersion } from '../../../lib/instructor-tool/doctor/doctor';
import { ensureEcsServiceLinkedRole, PROPAGATION_TIMEOUT_MS } from '../../../lib/instructor-tool/doctor/service-linked-role';
import { aws, resetAws } from '../support/aws-mocks';
import { awsError, runCli, testClients, VirtualClock } from '../support/harness';

const cfn = mockClient(CloudFormationClient);

/**
 * IAM as a brand-new account sees it: no AWSServiceRoleForECS until someone creates it; once
 * created, GetRole still says NoSuchEntity for `propagationMs` (eventual consistency); creating
 * it again is refused with "has been taken".
 */
function newAccountIam(clock: VirtualClock, options: { propagationMs?: number; denied?: boolean } = {}) {
  let createdAt: number | undefined;
  const creates: unknown[] = [];
  aws.iam.on(CreateServiceLinkedRoleCommand).callsFake((input) => {
    creates.push(input);
    if (options.denied) throw awsError('AccessDenied', 'User: arn:aws:sts::111122223333:assumed-role/voclabs/student is not authorized to perform: iam:CreateServiceLinkedRole');
    if (createdAt !== undefined) throw awsError('InvalidInputException', 'Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix.');
    createdAt = clock.now();
    return { Role: { RoleName: 'AWSServiceRoleForECS' } };
  });
  aws.iam.on(GetRoleCommand).callsFake(() => {
    if (createdAt === undefined || clock.now() < createdAt + (options.propagationMs ?? 0)) {
      throw awsError('NoSuchEntityException', 'The role with name AWSServiceRoleForECS cannot be found.');
    }
    return { Role: { RoleName: 'AWSServiceRoleForECS' } };
  });
  return { creates, created: () => createdAt !== undefined };
}

describe('ensureEcsServiceLinkedRole', () => {
  beforeEach(() => resetAws());

  test('creates the role for ecs.amazonaws.com and returns only once IAM returns it', async () => {
    const clock = new VirtualClock();
    const iam = newAccountIam(clock, { propagationMs: 12_000 });
    expect(await ensureEcsServiceLinkedRole(testClients(), clock)).toBe('created');
    expect(iam.creates).toEqual([{ AWSServiceName: 'ecs.amazonaws.com' }]);
    expect(clock.elapsed()).toBeGreaterThanOrEqual(12_000);
  });

  test('a role that is already there ("has been taken") is fine, and nothing waits', async () => {
    const clock = new VirtualClock();
    newAccountIam(clock);
    await ensureEcsServiceLinkedRole(testClients(), clock);
    const before = clock.elapsed();
    expect(await ensureEcsServiceLinkedRole(testClients(), clock)).toBe('existed');
    expect(clock.elapsed()).toBe(before);
  });

  test('gives up with a clear error when IAM never returns the role', async () => {
    const clock = new VirtualClock();
    newAccountIam(clock, { propagationMs: PROPAGATION_TIMEOUT_MS * 10 });
    await expect(ensureEcsServiceLinkedRole(testClients(), clock)).rejects.toThrow(/was created but IAM did not return it within 2 minutes/);
  });

  test('no permission to create it: the access denied error, exit code 4', async () => {
    const clock = new VirtualClock();
    newAccountIam(clock, { denied: true });
    await expect(ensureEcsServiceLinkedRole(testClients(), clock)).rejects.toMatchObject({ exitCode: 4, message: expect.stringMatching(/^access denied \(AccessDenied\)/) });
  });
});

describe('doctor --fix', () => {
  function readyButNoEcsRole(clock: VirtualClock, options: { denied?: boolean } = {}) {
    resetAws();
    cfn.reset();
    aws.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: String(latestBootstrapVersion()) } });
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });
    aws.quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 32 } });
    aws.ec2.on(DescribeAvailabilityZonesCommand).resolves({ AvailabilityZones: ['a', 'b'].map((z) => ({ ZoneName: `us-east-1${z}`, State: 'available' as const })) });
    return newAccountIam(clock, { propagationMs: 8_000, ...options });
  }

  test('without --fix the missing role fails the check and nothing is created', async () => {
    const clock = new VirtualClock();
    const iam = readyButNoEcsRole(clock);
    const run = await runCli(['doctor'], { clock });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('fix: aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com (or: class-lab-admin doctor --fix)');
    expect(iam.creates).toEqual([]);
  });

  test('with --fix the role is created, the check passes and the account is ready', async () => {
    const clock = new VirtualClock();
    const iam = readyButNoEcsRole(clock);
    const run = await runCli(['doctor', '--fix'], { clock });
    expect(iam.created()).toBe(true);
    expect(run.stdout).toMatch(/PASS {2}ecs-service-linked-role +AWSServiceRoleForECS created \(--fix\)/);
    expect(run.code).toBe(0);
    // Running it again finds the role and creates nothing.
    const again = await runCli(['doctor', '--fix'], { clock });
    expect(again.stdout).toMatch(/PASS {2}ecs-service-linked-role +AWSServiceRoleForECS exists/);
    expect(iam.creates).toHaveLength(1);
  });

  test('with --fix but no permission (Learner Lab) the check fails and says who can create it', async () => {
    const clock = new VirtualClock();
    readyButNoEcsRole(clock, { denied: true });
    const run = await runCli(['doctor', '--fix'], { clock });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('AWSServiceRoleForECS is missing and --fix could not create it: access denied (AccessDenied)');
    expect(run.stdout).toContain('fix: ask someone allowed iam:CreateServiceLinkedRole');
  });
});
