import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { classTotal, loadPrices, priceStack, priceTemplate } from '../../../lib/instructor-tool/cost/pricing';
import { readAssembly, StackNode, Template } from '../../../lib/instructor-tool/templates/templates';
import { runSetup } from '../../../scripts/setup';
import { scratchProject } from '../../support/project';
import { synthLab } from '../../support/synth';
import { runCli } from '../support/harness';

const prices = loadPrices();
const HOURS_PER_MONTH = 730;

/** Prices one hand-written template as a whole student environment. */
function price(resources: Template['Resources']) {
  const root: StackNode = { name: 'Hand', module: 'shared', template: { Resources: resources }, children: [], missing: [] };
  return priceStack(root, prices);
}

describe('the price table', () => {
  test('is dated (a calendar date), for us-east-1, cites an AWS pricing page per price group, and names what is only an estimate', () => {
    const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'data', 'prices-us-east-1.json'), 'utf8');
    const raw = JSON.parse(text);
    expect(raw).toMatchObject({ region: 'us-east-1', currency: 'USD', hoursPerMonth: HOURS_PER_MONTH });
    expect(raw.gathered).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(text).not.toMatch(/DESIGN/);
    const groups = Object.keys(raw).filter((k) => !['region', 'currency', 'gathered', 'basis', 'source', 'sources', 'checked', 'estimates', 'hoursPerMonth'].includes(k));
    for (const group of groups) expect({ group, page: raw.sources[group] }).toEqual({ group, page: expect.stringMatching(/^https:\/\/aws\.amazon\.com\/.+\/pricing\//) });
    // Every instance size is either checked against a published price or listed as an estimate.
    for (const size of Object.keys(raw.ec2InstanceHourly)) {
      const key = `ec2InstanceHourly.${size}`;
      expect({ key, accounted: (key in raw.checked) !== raw.estimates.includes(key) }).toEqual({ key, accounted: true });
    }
    expect(raw.ec2InstanceHourly).toMatchObject({ 't4g.nano': 0.0042, 't3.nano': 0.0052, 't3.micro': 0.0104 });
    expect(raw).toMatchObject({ albHourly: 0.0225, albLcuHourly: 0.008, publicIpv4Hourly: 0.005, natGatewayHourly: 0.045, hostedZonePerMonth: 0.5, ecrStoragePerGbMonth: 0.1 });
    expect(raw.fargateHourly).toEqual({ x86_64: { perVcpu: 0.04048, perGb: 0.004445 }, arm64: { perVcpu: 0.03238, perGb: 0.00356 } });
    expect(raw.ebsPerGbMonth.gp3).toBe(0.08);
  });

  test('prices every instance type the settings allow', () => {
    for (const family of ['t4g', 't3', 't3a']) {
      for (const size of ['nano', 'micro', 'small', 'medium', 'large']) expect(prices.ec2InstanceHourly[`${family}.${size}`]).toBeGreaterThan(0);
    }
  });
});

describe('cost of the default ClassLabStack', () => {
  // By hand, from the price table, every module on:
  //   Application Load Balancer                      0.0225
  //   public IPv4, internet-facing ALB in 2 AZs      2 x 0.005 = 0.0100
  //   Auto Scaling desired capacity 2 x t4g.nano     2 x 0.0042 = 0.0084
  //   EBS gp3, 2 instances x 8 GB, per hour          2 x 8 x 0.08 / 730 = 0.0017534...
  //   Fargate ARM task 0.25 vCPU / 0.5 GB            0.25 x 0.03238 + 0.5 x 0.00356 = 0.009875
  //   public IPv4 of the task (no NAT gateway)       0.005
  //   S3 bucket, ECR repository (idle)               0
  //   hosted zone: 0.50 once per month, free if deleted within 12 h: not hourly
  const ecs = 0.25 * 0.03238 + 0.5 * 0.00356 + 0.005;
  const handComputed = 0.0225 + 2 * 0.005 + 2 * 0.0042 + (2 * 8 * 0.08) / 730 + ecs;

  test('matches the hand-computed figure, per student environment and per module', async () => {
    const run = await runCli(['cost', '--json']);
    expect(run.code).toBe(0);
    const doc = run.json();
    expect(doc.ok).toBe(true);
    expect(doc.stacks).toHaveLength(1);
    const stack = doc.stacks[0];
    expect(stack.stack).toBe('ClassLabStack');
    expect(stack.hourly).toBeCloseTo(handComputed, 12);
    expect(stack.byModule.network).toBeCloseTo(0.0225 + 2 * 0.005, 12);
    expect(stack.byModule.ec2).toBeCloseTo(2 * 0.0042 + (2 * 8 * 0.08) / 730, 12);
    expect(stack.byModule.ecs).toBeCloseTo(ecs, 12);
    expect(stack.byModule).toMatchObject({ s3: 0, ecr: 0, route53: 0 });
    expect(stack.unpriced).toEqual([]);
    expect(doc.classHourly).toBeCloseTo(handComputed, 12);
    // docs/architecture.md: the whole lab costs at most 0.06 USD per idle hour.
    expect(stack.hourly).toBeLessThanOrEqual(0.06);
  });

  test('for N students and H hours, the human report ends with the total line (and the footnote of the estimated t4g.nano price)', async () => {
    const run = await runCli(['cost', '--students', '25', '--hours', '3']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Class Lab cost estimate: us-east-1 on-demand prices in USD, gathered 2026-12-01 (data/prices-us-east-1.json)');
    expect(run.stdout).toMatch(/network +Application Load Balancer +0\.0225/);
    expect(run.stdout).toMatch(/network +2 public IPv4 addresses \(internet-facing ALB, one per AZ\) +0\.0100/);
    expect(run.stdout).toMatch(/ec2 +2 x t4g\.nano \(Auto Scaling desired capacity\) +0\.0084\*$/m);
    expect(run.stdout).toMatch(/ec2 +EBS 2 x 8 GB +0\.0018/);
    expect(run.stdout).toContain('per student environment: 0.0575* USD per idle hour');
    expect(lines[lines.length - 2]).toBe(`Total: 25 students x 3 h = ${(25 * 3 * handComputed).toFixed(2)}* USD`);
    expect(lines[lines.length - 1]).toMatch(/^\* estimate: rests on ec2InstanceHourly\.t4g\.nano, listed under "estimates"/);
  });

  test('reads an existing cloud assembly with --cdk-out, nested stacks included, and follows the settings', async () => {
    const lab = synthLab({ modules: 'ec2', instanceType: 't3.micro', fleetDesired: '3', fleetMax: '4' }, { guardrails: false });
    const roots = readAssembly(lab.app.outdir);
    expect(roots.map((r) => [r.name, r.children.map((c) => c.module)])).toEqual([['ClassLabStack', ['ec2']]]);
    const run = await runCli(['cost', '--json', '--cdk-out', lab.app.outdir]);
    expect(run.json().stacks[0].hourly).toBeCloseTo(0.0225 + 2 * 0.005 + 3 * 0.0104 + (3 * 8 * 0.08) / 730, 12);
  });

  test('a figure resting on a price listed under "estimates" is marked with an asterisk and a footnote (text), estimate: true (JSON)', async () => {
    const raw = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'data', 'prices-us-east-1.json'), 'utf8'));
    // An instance size the table lists as an estimate, and one it checked.
    const estimated = (raw.estimates as string[]).find((k) => /^ec2InstanceHourly\.t3a\./.test(k))!.slice('ec2InstanceHourly.'.length);
    const lab = synthLab({ modules: 'ec2', instanceType: estimated, fleetDesired: '2' }, { guardrails: false });
    const doc = (await runCli(['cost', '--json', '--cdk-out', lab.app.outdir])).json();
    expect(doc.estimates).toEqual([`ec2InstanceHourly.${estimated}`]);
    expect(doc.stacks[0].lines.filter((l: any) => l.estimate).map((l: any) => l.item)).toEqual([`2 x ${estimated} (Auto Scaling desired capacity)`]);
    const text = (await runCli(['cost', '--cdk-out', lab.app.outdir])).stdout.trimEnd().split('\n');
    expect(text.find((l) => l.includes(`2 x ${estimated}`))).toMatch(new RegExp(`${(2 * raw.ec2InstanceHourly[estimated]).toFixed(4)}\\*$`));
    expect(text.filter((l) => /ALB|Load Balancer|EBS/.test(l)).every((l) => !l.includes('*'))).toBe(true);
    expect(text.find((l) => l.startsWith('Total:'))).toMatch(/^Total: \S+\* USD per idle hour for 1 student$/);
    expect(text[text.length - 1]).toBe(`* estimate: rests on ec2InstanceHourly.${estimated}, listed under "estimates" in the price table (not checked against AWS's published prices).`);
  });

  test('with only checked prices nothing is marked', async () => {
    const checked = Object.keys(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'data', 'prices-us-east-1.json'), 'utf8')).checked)[0].slice('ec2InstanceHourly.'.length);
    const lab = synthLab({ modules: 'ec2', instanceType: checked }, { guardrails: false });
    const run = await runCli(['cost', '--cdk-out', lab.app.outdir]);
    expect(run.stdout).toContain(checked);
    expect(run.stdout).not.toContain('*');
    expect((await runCli(['cost', '--json', '--cdk-out', lab.app.outdir])).json().estimates).toEqual([]);
  });

  test('an output directory without an assembly is a one-line error', async () => {
    const run = await runCli(['cost', '--cdk-out', '/nonexistent/cdk.out']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('class-lab-admin: no cloud assembly in /nonexistent/cdk.out: run `npx cdk synth ClassLabStack` first, or leave out --cdk-out to synthesize');
  });
});

describe('cost with the settings of npm run setup', () => {
  test('prices the stack lab-settings.json describes; -c overrides it', async () => {
    const project = scratchProject();
    expect(runSetup(['student=ana', 'modules=s3'], project.dir, () => undefined)).toBe(0);
    const run = await runCli(['cost', '--json'], { projectDir: project.dir });
    expect(run.code).toBe(0);
    const [stack] = run.json().stacks;
    expect(stack.stack).toBe('ClassLabStack-ana');
    expect(Object.keys(stack.byModule)).not.toContain('ec2');
    const ec2 = await runCli(['cost', '--json', '-c', 'modules=ec2'], { projectDir: project.dir });
    expect(Object.keys(ec2.json().stacks[0].byModule)).toContain('ec2');
  }, 120_000);

  test('a bad setting in lab-settings.json is exit 2 with the settings message', async () => {
    const project = scratchProject();
    project.write('lab-settings.json', JSON.stringify({ modules: 'ec3' }));
    const run = await runCli(['cost'], { projectDir: project.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('modules');
    expect(run.stderr).toContain('Usage: class-lab-admin cost');
  });
});

describe('cost of any cloud assembly', () => {
  test('prices a hand-written assembly and says hosted zones are free within 12 hours', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-cost-test-'));
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
      version: '55.0.0',
      artifacts: { Zone: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Zone.template.json', stackName: 'ClassLabStack-zoe' } } },
    }));
    fs.writeFileSync(path.join(dir, 'Zone.template.json'), JSON.stringify({
      Resources: {
        Zone: { Type: 'AWS::Route53::HostedZone', Properties: { Name: 'zoe.class.internal', HostedZoneTags: [{ Key: 'class-module', Value: 'route53' }] } },
        Ip: { Type: 'AWS::EC2::EIP', Properties: {} },
      },
    }));
    const short = await runCli(['cost', '--cdk-out', dir, '--hours', '12']);
    expect(short.stdout).toContain('Hosted zones deleted within 12 hours of creation are free; kept longer, each costs 0.50 USD for the month');
    expect(short.stdout.trimEnd().split('\n').pop()).toBe(`Total: 1 student x 12 h = ${(12 * 0.005).toFixed(4)} USD`);
    const long = await runCli(['cost', '--cdk-out', dir, '--hours', '13']);
    expect(long.stdout.trimEnd().split('\n').pop()).toBe(`Total: 1 student x 13 h = ${(13 * 0.005 + 0.5).toFixed(4)} USD`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('pricers work from resource types and properties, whichever module wrote them', () => {
  test('internet-facing ALB: hourly plus one public IPv4 per subnet; internal: no public IPv4; NLB: unpriced', () => {
    const cost = price({
      Public: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application', Subnets: [{ Ref: 'A' }, { Ref: 'B' }, { Ref: 'C' }] } },
      Internal: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internal', Subnets: ['s-1', 's-2'] } },
      Nlb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network' } },
    });
    expect(cost.hourly).toBeCloseTo(0.0225 + 3 * 0.005 + 0.0225, 12);
    expect(cost.unpriced).toEqual([expect.objectContaining({ logicalId: 'Nlb', reason: 'no price for a network load balancer in the price table' })]);
  });

  test('Auto Scaling group: desired capacity x the launch template instance, its gp3 volumes and public IPs', () => {
    const cost = price({
      Template: {
        Type: 'AWS::EC2::LaunchTemplate',
        Properties: {
          LaunchTemplateData: {
            InstanceType: 't3.micro',
            BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3' } }, { DeviceName: '/dev/xvdb', Ebs: { VolumeSize: 10 } }],
            NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true }],
          },
        },
      },
      Group: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', MaxSize: '5', DesiredCapacity: '3', LaunchTemplate: { LaunchTemplateId: { Ref: 'Template' }, Version: '1' } } },
      ByMinSize: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: 1, MaxSize: '2', LaunchTemplate: { LaunchTemplateId: { 'Fn::GetAtt': ['Template', 'LaunchTemplateId'] } } } },
    });
    const perInstance = 0.0104 + (30 * 0.08) / 730 + 0.005;
    expect(cost.hourly).toBeCloseTo(4 * perInstance, 12);
    expect(cost.lines.map((l) => l.item)).toEqual([
      '3 x t3.micro (Auto Scaling desired capacity)', 'EBS 3 x 30 GB', '3 public IPv4 addresses (one per instance)',
      '1 x t3.micro (Auto Scaling desired capacity)', 'EBS 1 x 30 GB', '1 public IPv4 address (one per instance)',
    ]);
  });

  test('Auto Scaling group it cannot price is reported, not counted as free', () => {
    const cost = price({
      Elsewhere: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { DesiredCapacity: '2', LaunchTemplate: { LaunchTemplateId: 'lt-0123' } } },
      Big: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { InstanceType: 'm7g.16xlarge' } } },
      BigGroup: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { DesiredCapacity: '1', LaunchTemplate: { LaunchTemplateId: { Ref: 'Big' } } } },
    });
    expect(cost.hourly).toBe(0);
    expect(cost.unpriced.map((u) => [u.logicalId, u.reason])).toEqual([
      ['Elsewhere', 'launch template not found in the same template'],
      ['BigGroup', 'no price for m7g.16xlarge in the price table'],
    ]);
  });

  test('ECS service: desired count x Fargate vCPU and memory by architecture, plus a public IPv4 per task when assigned', () => {
    const cost = price({
      ArmTask: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '256', Memory: '512', RequiresCompatibilities: ['FARGATE'], RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' } } },
      ArmService: {
        Type: 'AWS::ECS::Service',
        Properties: { DesiredCount: 1, LaunchType: 'FARGATE', TaskDefinition: { Ref: 'ArmTask' }, NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED' } } },
      },
      X86Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '1 vCPU', Memory: '2 GB' } },
      X86Service: { Type: 'AWS::ECS::Service', Properties: { DesiredCount: 2, CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }], TaskDefinition: { Ref: 'X86Task' } } },
      Ec2Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '256', Memory: '512' } },
      Ec2Service: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'EC2', TaskDefinition: { Ref: 'Ec2Task' } } },
    });
    const arm = 0.25 * 0.03238 + 0.5 * 0.00356 + 0.005;
    const x86 = 2 * (1 * 0.04048 + 2 * 0.004445);
    expect(cost.hourly).toBeCloseTo(arm + x86, 12);
    expect(cost.lines.map((l) => l.item)).toEqual([
      '1 x Fargate ARM task 0.25 vCPU / 0.5 GB', '1 public IPv4 address (one per task)',
      '2 x Fargate x86 task 1 vCPU / 2 GB',
      '1 task on EC2 capacity',
    ]);
  });

  test('hosted zone: nothing per hour, 0.50 once when kept past 12 hours, and the report says it is free within 12 hours', () => {
    const cost = price({ Zone: { Type: 'AWS::Route53::HostedZone', Properties: { Name: 'ana.class.internal', HostedZoneTags: [{ Key: 'class-module', Value: 'route53' }] } } });
    expect(cost.hourly).toBe(0);
    expect(cost.byModule).toEqual({ route53: 0 });
    expect(cost.lines[0].note).toBe('0.50 per month, free if deleted within 12 hours of creation');
    expect(classTotal(cost, 10, 3, prices)).toBe(0);
    expect(classTotal(cost, 10, 13, prices)).toBeCloseTo(10 * 0.5, 12);
  });

  test('a NAT gateway is priced and flagged: the kit must never have one', () => {
    const cost = price({
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} },
      Eip: { Type: 'AWS::EC2::EIP', Properties: {} },
    });
    expect(cost.hourly).toBeCloseTo(0.045 + 0.005, 12);
    expect(cost.lines[0].warning).toContain('without NAT gateways');
  });

  test('storage-only resources cost nothing idle; configuration is free; an unknown paid type is unpriced', () => {
    const cost = price({
      Repo: { Type: 'AWS::ECR::Repository', Properties: {} },
      Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: {} },
      Custom: { Type: 'Custom::S3AutoDeleteObjects', Properties: {} },
      Db: { Type: 'AWS::RDS::DBInstance', Properties: {} },
    });
    expect(cost.hourly).toBe(0);
    expect(cost.lines.map((l) => l.item)).toEqual(['ECR repository', 'S3 bucket']);
    expect(cost.unpriced.map((u) => u.logicalId)).toEqual(['Db']);
  });

  test('each resource counts for its class-module tag, else for its stack', () => {
    const lines = priceTemplate({
      Resources: {
        Tagged: { Type: 'AWS::EC2::EIP', Properties: { Tags: [{ Key: 'class-module', Value: 'ecs' }] } },
        Untagged: { Type: 'AWS::EC2::EIP', Properties: {} },
      },
    }, 'S', 'route53', prices).lines;
    expect(lines.map((l) => l.module)).toEqual(['ecs', 'route53']);
  });
});

describe('cost arguments', () => {
  test.each([
    [['--hours', 'three'], '--hours must be a positive number, got "three"'],
    [['--students', '0'], '--students must be a whole number from 1 to 10000, got "0"'],
    [['-c', 'modules'], '-c needs key=value, got "modules"'],
    [['-c', 'modules=ec2,lambda'], 'Invalid Class Lab settings: - modules: got "ec2,lambda"'],
  ])('%j is a usage error', async (args, message) => {
    const run = await runCli(['cost', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`class-lab-admin: ${message}`);
    expect(run.stderr).toContain('Usage: class-lab-admin cost');
  });
});
