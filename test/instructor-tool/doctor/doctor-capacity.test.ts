import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAvailabilityZonesCommand, DescribeInstancesCommand, DescribeInternetGatewaysCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { latestBootstrapVersion } from '../../../lib/instructor-tool/doctor/doctor';
import { aws, resetAws } from '../support/aws-mocks';
import { ACCOUNT, runCli } from '../support/harness';

jest.setTimeout(120_000);
const cfn = mockClient(CloudFormationClient);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-capacity-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * A bootstrapped account in us-east-1 whose quotas are `applied` (by quota code; others answer
 * nothing, so doctor falls back to the defaults) and which already runs `instances` and has its
 * default VPC with its internet gateway (plus `extraVpcs` more).
 */
function account(applied: Record<string, number>, usage: { extraVpcs?: number; instances?: Array<{ type: string; cores: number; threads: number }> } = {}): void {
  resetAws();
  cfn.reset();
  aws.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: String(latestBootstrapVersion()) } });
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });
  aws.iam.on(GetRoleCommand).resolves({ Role: { RoleName: 'AWSServiceRoleForECS' } as any });
  aws.ec2.on(DescribeAvailabilityZonesCommand).resolves({ AvailabilityZones: ['a', 'b'].map((z) => ({ ZoneName: `us-east-1${z}`, State: 'available' as const })) });
  for (const [code, value] of Object.entries(applied)) aws.quotas.on(GetServiceQuotaCommand, { QuotaCode: code }).resolves({ Quota: { Value: value } });
  const vpcs = 1 + (usage.extraVpcs ?? 0);
  aws.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: Array.from({ length: vpcs }, (_, i) => ({ VpcId: `vpc-${i}`, IsDefault: i === 0 })) });
  aws.ec2.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: Array.from({ length: vpcs }, (_, i) => ({ InternetGatewayId: `igw-${i}` })) });
  aws.ec2.on(DescribeInstancesCommand).resolves({
    Reservations: [{ Instances: (usage.instances ?? []).map((i, n) => ({ InstanceId: `i-${n}`, InstanceType: i.type as any, CpuOptions: { CoreCount: i.cores, ThreadsPerCore: i.threads } })) }],
  });
}

const check = (run: { json(): any }, id: string) => run.json().checks.find((c: any) => c.id === id);

function roster(students: unknown[]): string {
  const file = path.join(tmp, `roster-${students.length}.json`);
  fs.writeFileSync(file, JSON.stringify({ students }));
  return file;
}

describe('doctor: quotas minus usage, for the students who deploy here', () => {
  test.each([
    [3, 'pass'],
    [4, 'warn'],
    [5, 'fail'],
  ])('VPCs and internet gateways (quota 5, default VPC in use): %s students %s', async (students, status) => {
    account({ 'L-1216C47A': 256 });
    const run = await runCli(['doctor', '--json', '--students', String(students)]);
    for (const id of ['vpc-quota', 'internet-gateway-quota']) {
      expect(check(run, id).status).toBe(status);
      expect(check(run, id).detail).toContain(`5 (default from data/quotas.json), 1 in use, 4 free; the class here needs ${students} student(s) x 1 = ${students}`);
    }
    if (status === 'fail') {
      expect(run.code).toBe(1);
      expect(check(run, 'vpc-quota').fix).toContain('aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-F678F1CE --desired-value 6 --region us-east-1');
      expect(check(run, 'internet-gateway-quota').fix).toContain('--quota-code L-A4707A72 --desired-value 6');
    }
  });

  test.each([
    // quota 16: 2 running t3.micro take 4 vCPUs (a GPU instance counts against another quota)
    [16, 1, 'pass', '16 (applied), 4 in use, 12 free'],
    [12, 1, 'warn', '12 (applied), 4 in use, 8 free'],
    [10, 1, 'fail', '10 (applied), 4 in use, 6 free'],
  ])('On-Demand vCPUs with a larger fleet (fleetMax=4, 8 vCPUs at its peak): quota %s, %s student, %s', async (quota, students, status, text) => {
    account({ 'L-1216C47A': quota }, { instances: [{ type: 't3.micro', cores: 1, threads: 2 }, { type: 't3.micro', cores: 1, threads: 2 }, { type: 'g5.xlarge', cores: 2, threads: 2 }] });
    const run = await runCli(['doctor', '--json', '--students', String(students), '-c', 'fleetMax=4']);
    expect(check(run, 'vcpu-quota')).toMatchObject({ status });
    expect(check(run, 'vcpu-quota').detail).toContain(text);
    if (status === 'fail') expect(check(run, 'vcpu-quota').fix).toContain('--quota-code L-1216C47A --desired-value 12 --region us-east-1 (or lower -c fleetMax)');
  });

  test('the 5-student roster in one account with a 16-vCPU quota fails with the numbers; students placed elsewhere do not count', async () => {
    account({ 'L-1216C47A': 16 });
    const file = roster([
      ...['ana', 'ben', 'cleo', 'dan', 'eve'].map((id) => ({ id, account: ACCOUNT })),
      { id: 'fay', account: '999999999999' }, { id: 'gus', region: 'eu-west-1' },
    ]);
    const run = await runCli(['doctor', '--json', '-c', `roster=${file}`]);
    expect(run.code).toBe(1);
    expect(check(run, 'roster')).toMatchObject({ status: 'pass', detail: `5 of 7 roster student(s) deploy in ${ACCOUNT} us-east-1: ana, ben, cleo, dan, eve` });
    expect(check(run, 'vcpu-quota')).toMatchObject({
      status: 'fail',
      detail: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances (vCPUs) (L-1216C47A) 16 (applied), 0 in use, 16 free; the class here needs 5 student(s) x 4 = 20 On-Demand Standard vCPUs at the fleet\'s peak',
    });
    expect(check(run, 'vcpu-quota').fix).toContain('--desired-value 20');
    expect(check(run, 'vpc-quota').status).toBe('fail');
    const text = await runCli(['doctor', '-c', `roster=${file}`]);
    expect(text.stderr.split('\n').pop()).toMatch(/check\(s\) failed: .*vpc-quota.*internet-gateway-quota.*vcpu-quota|check\(s\) failed: .*vcpu-quota/);
  });

  test('a roster with nobody in this account warns that doctor looked at the wrong place', async () => {
    account({ 'L-1216C47A': 16 });
    const run = await runCli(['doctor', '--json', '-c', `roster=${roster([{ id: 'fay', account: '999999999999' }])}`]);
    expect(check(run, 'roster')).toMatchObject({ status: 'warn', detail: `no roster student deploys in ${ACCOUNT} us-east-1` });
  });
});
