import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { runSetup } from '../../../scripts/setup';
import { latestBootstrapVersion } from '../../../lib/instructor-tool/doctor/doctor';
import { scratchProject } from '../../support/project';
import { aws, resetAws } from '../support/aws-mocks';
import { ACCOUNT, awsError, runCli, VirtualClock } from '../support/harness';

const cfn = mockClient(CloudFormationClient);
const LATEST = latestBootstrapVersion()!;
const LEARNER_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/voclabs/user1234567=student@example.edu`;

/** An account where `cdk deploy ClassLabStack` works. */
function healthyAccount(arn?: string): void {
  resetAws(arn);
  cfn.reset();
  aws.ssm.on(GetParameterCommand, { Name: '/cdk-bootstrap/hnb659fds/version' }).resolves({ Parameter: { Value: String(LATEST) } });
  cfn.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).resolves({ Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });
  aws.iam.on(GetRoleCommand, { RoleName: 'AWSServiceRoleForECS' }).resolves({ Role: { RoleName: 'AWSServiceRoleForECS' } as any });
  aws.quotas.on(GetServiceQuotaCommand, { ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }).resolves({ Quota: { Value: 32 } });
  aws.ec2.on(DescribeAvailabilityZonesCommand).resolves({ AvailabilityZones: ['a', 'b', 'c'].map((z) => ({ ZoneName: `us-east-1${z}`, State: 'available' as const })) });
}

const statusOf = (run: { json(): any }) => Object.fromEntries(run.json().checks.map((c: any) => [c.id, c.status]));

describe('doctor', () => {
  test('reads the bootstrap version the pinned CDK CLI installs', () => {
    expect(LATEST).toBeGreaterThanOrEqual(6);
  });

  test('a ready account passes every check, exit 0', async () => {
    healthyAccount();
    const run = await runCli(['doctor'], { clock: new VirtualClock() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/PASS {2}credentials +arn:aws:iam::111122223333:user\/instructor \(account 111122223333\), long-lived credentials/);
    expect(run.stdout).toMatch(/PASS {2}cdk-bootstrap +CDKToolkit UPDATE_COMPLETE, bootstrap version \d+/);
    expect(run.stdout).toContain('(L-1216C47A) 32 (applied), 0 in use, 32 free; the class here needs 1 student(s) x 4 = 4 On-Demand Standard vCPUs at the fleet\'s peak');
    expect(run.stdout).toContain('3 available: us-east-1a, us-east-1b, us-east-1c');
    expect(run.stdout.trimEnd().split('\n').pop()).toBe('Result: 0 failed, 0 warning(s), 14 passed. `npx cdk deploy ClassLabStack` should work.');
  });

  test('a new account: not bootstrapped, no ECS service-linked role, one zone: each fails with its fix; its 5 vCPUs fit the default fleet; exit 1', async () => {
    healthyAccount();
    aws.ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound', ''));
    aws.iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException', 'The role with name AWSServiceRoleForECS cannot be found.'));
    aws.quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
    aws.ec2.on(DescribeAvailabilityZonesCommand).resolves({ AvailabilityZones: [{ ZoneName: 'us-east-1a', State: 'available' }] });
    const run = await runCli(['doctor'], { clock: new VirtualClock() });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`fix: npx cdk bootstrap aws://${ACCOUNT}/us-east-1`);
    expect(run.stdout).toContain('fix: aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com');
    expect(run.stdout).toContain('(L-1216C47A) 5 (applied), 0 in use, 5 free; the class here needs 1 student(s) x 4 = 4 On-Demand Standard vCPUs at the fleet\'s peak');
    expect(run.stdout).not.toContain('--quota-code L-1216C47A');
    expect(run.stdout).toContain('1 available zone(s) in us-east-1; the lab VPC spans 2');
    expect(run.stderr.split('\n').pop()).toBe('class-lab-admin doctor: 3 check(s) failed: cdk-bootstrap, ecs-service-linked-role, availability-zones');
    // A larger fleet is a setting; doctor then names the increase it needs.
    const larger = await runCli(['doctor', '-c', 'fleetMax=4'], { clock: new VirtualClock() });
    expect(larger.stdout).toContain('fix: aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A --desired-value 8 --region us-east-1 (or lower -c fleetMax)');
  });

  test('a Learner Lab session is recognised and gets the matching advice; expiring credentials warn', async () => {
    healthyAccount(LEARNER_ARN);
    const clock = new VirtualClock();
    const run = await runCli(['doctor', '--json'], { clock, expiration: new Date(clock.now() + 40 * 60_000) });
    expect(run.code).toBe(0);
    const checks = run.json().checks;
    expect(statusOf(run)).toMatchObject({ sandbox: 'warn', credentials: 'warn', region: 'pass' });
    const sandbox = checks.find((c: any) => c.id === 'sandbox');
    expect(sandbox.fix).toContain('npm run setup -- sandbox=learner-lab');
    expect(sandbox.fix).not.toMatch(/-r /);
    expect(sandbox.fix).toContain('lab-guides/setup.md');
    expect(checks.find((c: any) => c.id === 'credentials').detail).toContain('credentials expire in 40m00s');
  });

  test('pasted session credentials (key, secret, token, no expiry) warn and name the 4-hour Learner Lab session; the JSON says ok', async () => {
    healthyAccount(LEARNER_ARN);
    const run = await runCli(['doctor', '--json'], { clock: new VirtualClock(), session: true });
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ ok: true, exitCode: 0 });
    const credentials = run.json().checks.find((c: any) => c.id === 'credentials');
    expect(credentials).toMatchObject({ status: 'warn', detail: expect.stringContaining('session credentials with no expiry the tool can read') });
    expect(credentials.fix).toContain('a Learner Lab session lasts 4 hours');
  });

  test('without credentials the JSON document says ok: false and the exit is 4', async () => {
    healthyAccount();
    aws.sts.rejects(awsError('InvalidClientTokenId', 'The security token included in the request is invalid'));
    const run = await runCli(['doctor', '--json'], { clock: new VirtualClock() });
    expect(run.code).toBe(4);
    expect(run.json()).toMatchObject({ ok: false, exitCode: 4, checks: [expect.objectContaining({ id: 'region' }), expect.objectContaining({ id: 'credentials', status: 'fail' })] });
  });

  test('a Learner Lab session outside us-east-1 / us-west-2 fails the sandbox check', async () => {
    healthyAccount(LEARNER_ARN);
    const run = await runCli(['doctor', '--json', '--region', 'eu-west-1'], { clock: new VirtualClock() });
    expect(run.code).toBe(1);
    expect(statusOf(run).sandbox).toBe('fail');
    expect(run.json().region).toBe('eu-west-1');
  });

  test.each([
    [5, 'fail', 'needs at least 6'],
    [LATEST - 1, 'warn', `the pinned CDK CLI installs ${LATEST}`],
  ])('bootstrap version %s: %s', async (version, status, text) => {
    healthyAccount();
    aws.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: String(version) } });
    const run = await runCli(['doctor', '--json'], { clock: new VirtualClock() });
    const check = run.json().checks.find((c: any) => c.id === 'cdk-bootstrap');
    expect(check.status).toBe(status);
    expect(check.detail).toContain(text);
  });

  test('a CDKToolkit stack stuck in a failed state fails with the way out', async () => {
    healthyAccount();
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'ROLLBACK_COMPLETE', CreationTime: new Date() }] });
    const run = await runCli(['doctor', '--json'], { clock: new VirtualClock() });
    const check = run.json().checks.find((c: any) => c.id === 'cdk-bootstrap');
    expect(check).toMatchObject({ status: 'fail', detail: 'CDKToolkit stack is ROLLBACK_COMPLETE' });
    expect(check.fix).toContain('delete the CDKToolkit stack');
  });

  test('the vCPU need follows the settings and the number of students sharing the account', async () => {
    healthyAccount();
    aws.quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 16 } });
    const three = await runCli(['doctor', '--json', '--students', '3', '-c', 'fleetMax=4'], { clock: new VirtualClock() });
    expect(three.json().checks.find((c: any) => c.id === 'vcpu-quota')).toMatchObject({ status: 'fail' });
    expect(three.json().checks.find((c: any) => c.id === 'vcpu-quota').detail).toContain('3 student(s) x 8 = 24 On-Demand Standard vCPUs at the fleet\'s peak');
    const s3only = await runCli(['doctor', '--json', '-c', 'modules=s3'], { clock: new VirtualClock() });
    expect(statusOf(s3only)).toMatchObject({ 'ecs-service-linked-role': 'pass' });
    // Without the ec2 module nothing uses On-Demand vCPUs, so there is nothing to check.
    expect(statusOf(s3only)['vcpu-quota']).toBeUndefined();
    expect(aws.iam.commandCalls(GetRoleCommand)).toHaveLength(1);
  });

  test('an unchanged quota is read from its AWS default', async () => {
    healthyAccount();
    aws.quotas.on(GetServiceQuotaCommand).rejects(awsError('NoSuchResourceException', 'The request failed because the specified service quota does not exist.'));
    aws.quotas.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
    const run = await runCli(['doctor', '--json'], { clock: new VirtualClock() });
    expect(run.json().checks.find((c: any) => c.id === 'vcpu-quota').detail).toContain('(L-1216C47A) 5 (AWS default)');
  });

  test('a check it is not allowed to make warns instead of failing', async () => {
    healthyAccount();
    aws.iam.on(GetRoleCommand).rejects(awsError('AccessDenied', 'User is not authorized to perform: iam:GetRole'));
    const run = await runCli(['doctor', '--json'], { clock: new VirtualClock() });
    expect(run.code).toBe(0);
    expect(run.json().checks.find((c: any) => c.id === 'ecs-service-linked-role')).toMatchObject({
      status: 'warn', detail: 'could not check: access denied (AccessDenied): User is not authorized to perform: iam:GetRole',
    });
  });

  test('credentials AWS rejects fail the credentials check and stop there', async () => {
    healthyAccount();
    aws.sts.reset();
    aws.sts.rejects(awsError('ExpiredToken', 'The security token included in the request is expired'));
    const run = await runCli(['doctor'], { clock: new VirtualClock() });
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/FAIL {2}credentials +AWS credentials have expired \(ExpiredToken\)/);
    expect(aws.ssm.calls()).toHaveLength(0);
  });

  test('a bad setting is an argument error with the usage', async () => {
    healthyAccount();
    const run = await runCli(['doctor', '-c', 'fleetMax=12'], { clock: new VirtualClock() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('class-lab-admin: Invalid Class Lab settings: - fleetMax: got {"fleetMin":1,"fleetDesired":2,"fleetMax":12}');
    expect(run.stderr).toContain('Usage: class-lab-admin doctor');
  });
});

describe('doctor with the settings of npm run setup', () => {
  test('reads lab-settings.json in the project directory; -c overrides it', async () => {
    const project = scratchProject();
    expect(runSetup(['fleetMax=4', 'modules=ec2'], project.dir, () => undefined)).toBe(0);
    healthyAccount();
    aws.quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 16 } });
    const fromFile = await runCli(['doctor', '--json', '--students', '3'], { clock: new VirtualClock(), projectDir: project.dir });
    expect(fromFile.json().checks.find((c: any) => c.id === 'vcpu-quota').detail).toContain('3 student(s) x 8 = 24 On-Demand Standard vCPUs at the fleet\'s peak');
    // modules=ec2 from the file: no ECS, so no service-linked role to look for.
    expect(aws.iam.commandCalls(GetRoleCommand)).toHaveLength(0);
    const overridden = await runCli(['doctor', '--json', '--students', '3', '-c', 'fleetMax=2'], { clock: new VirtualClock(), projectDir: project.dir });
    expect(overridden.json().checks.find((c: any) => c.id === 'vcpu-quota').detail).toContain('3 student(s) x 4 = 12');
  }, 60_000);

  test('a roster in lab-settings.json is the roster (--students beside it is an argument error); a bad file is exit 2', async () => {
    const project = scratchProject();
    project.write('class.json', JSON.stringify({ students: ['ana', 'ben'] }));
    expect(runSetup(['roster=class.json'], project.dir, () => undefined)).toBe(0);
    healthyAccount();
    const run = await runCli(['doctor', '--students', '3'], { clock: new VirtualClock(), projectDir: project.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--students is for a class without a roster');
    project.write('lab-settings.json', JSON.stringify({ fleetmax: 4 }));
    const bad = await runCli(['doctor'], { clock: new VirtualClock(), projectDir: project.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"fleetmax" (lab-settings.json): not a setting; did you mean `fleetMax`?');
    expect(aws.sts.calls()).toHaveLength(0);
  });
});
