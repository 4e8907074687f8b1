import * as path from 'node:path';
import { NestedStack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { COURSE_TAG, MANAGED_BY_TAG, SOLO_STUDENT } from '../../lib/app/class-lab-stack';
import { nestedTemplatePaths } from '../../lib/guardrails/guard-validator';
import { resourcesOfType, snapshotTemplate, synthLab } from '../support/synth';
import { variantAssembly } from '../support/variant-assembly';

/**
 * The construct tree (module parents, template files) and the templates, built here without the
 * guardrails' checks; what the checks found is read from the default variant's own synth, guardrails
 * on, as the CLI builds it (test/support/variant-assembly.ts), so it is not paid for twice. The
 * snapshots hold the two builds to the same templates.
 */
const lab = synthLab({}, { guardrails: false });
const checked = variantAssembly('default', { checks: true });

describe('ClassLabStack', () => {
  test('the first output a student reads is the web URL of the shared load balancer', () => {
    const outputs = Object.keys(lab.root.toJSON().Outputs);
    expect(outputs[0]).toBe('WebUrl');
    lab.root.hasOutput('WebUrl', {
      Value: { 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [Match.stringLikeRegexp('LoadBalancer'), 'DNSName'] }]] },
    });
  });

  test('every class module is a nested stack of ClassLabStack', () => {
    const nested = Object.keys(lab.root.findResources('AWS::CloudFormation::Stack'));
    expect(nested).toEqual(expect.arrayContaining([expect.stringMatching(/^Ec2Fleet/), expect.stringMatching(/^S3/), expect.stringMatching(/^Route53/)]));
    for (const module of [lab.stack.fleet, lab.stack.s3, lab.stack.route53]) expect(module?.nestedStackParent).toBe(lab.stack);
  });

  test('every nested stack carries its class-module tag, though explicitStackTags keeps Tags.of off stacks', () => {
    const tags = Object.values(lab.root.findResources('AWS::CloudFormation::Stack')).map((r) => r.Properties.Tags?.find((t: { Key: string }) => t.Key === 'class-module')?.Value);
    expect(tags.sort()).toEqual(['ec2', 'ecr', 'ecs', 'route53', 's3']);
  });

  test('one VPC over two AZs, no NAT gateway, one internet-facing ALB with an HTTP :80 listener', () => {
    lab.root.resourceCountIs('AWS::EC2::VPC', 1);
    expect(resourcesOfType(lab, 'AWS::EC2::NatGateway')).toHaveLength(0);
    expect(resourcesOfType(lab, 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toHaveLength(1);
    lab.root.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing', Type: 'application' });
    lab.root.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    const subnets = lab.root.findResources('AWS::EC2::Subnet');
    const zones = new Set(Object.values(subnets).map((s) => JSON.stringify(s.Properties.AvailabilityZone)));
    expect(zones.size).toBe(2);
    expect(Object.values(subnets).every((s) => s.Properties.MapPublicIpOnLaunch === false)).toBe(true);
  });

  test('the load balancer accepts HTTP from the allowed CIDR only', () => {
    lab.root.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [{ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80, IpProtocol: 'tcp', Description: 'HTTP from allowedCidr' }],
    });
    const narrowed = synthLab({ allowedCidr: '203.0.113.0/24', modules: 'ec2' }, { guardrails: false });
    narrowed.root.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [{ CidrIp: '203.0.113.0/24', FromPort: 80, ToPort: 80, IpProtocol: 'tcp', Description: 'HTTP from allowedCidr' }],
    });
  });

  test('nothing is retained or snapshotted on delete, in any template', () => {
    for (const [stackPath, template] of lab.allTemplates()) {
      for (const [logicalId, resource] of Object.entries<Record<string, any>>(template.Resources)) {
        expect({ stackPath, logicalId, policy: resource.DeletionPolicy ?? 'Delete' }).toEqual({ stackPath, logicalId, policy: 'Delete' });
        expect({ stackPath, logicalId, policy: resource.UpdateReplacePolicy ?? 'Delete' }).toEqual({ stackPath, logicalId, policy: 'Delete' });
      }
    }
  });

  test('tags every resource with course, student and managed-by', () => {
    const vpcTags = Object.values(lab.root.findResources('AWS::EC2::VPC'))[0].Properties.Tags;
    expect(vpcTags).toEqual(expect.arrayContaining([
      { Key: 'course', Value: COURSE_TAG },
      { Key: 'student', Value: SOLO_STUDENT },
      { Key: 'managed-by', Value: MANAGED_BY_TAG },
    ]));
    const asg = Object.values(lab.template(lab.stack.fleet!).findResources('AWS::AutoScaling::AutoScalingGroup'))[0];
    expect(asg.Properties.Tags).toEqual(expect.arrayContaining([
      expect.objectContaining({ Key: 'student', Value: SOLO_STUDENT, PropagateAtLaunch: true }),
    ]));
  });

  test('a student id changes the stack name and the student tag', () => {
    const ana = synthLab({ student: 'ana', modules: 'ec2' }, { guardrails: false });
    expect(ana.stack.stackName).toBe('ClassLabStack-ana');
    expect(lab.stack.stackName).toBe('ClassLabStack');
    const vpcTags = Object.values(ana.root.findResources('AWS::EC2::VPC'))[0].Properties.Tags;
    expect(vpcTags).toEqual(expect.arrayContaining([{ Key: 'student', Value: 'ana' }]));
  });

  test('-c modules leaves a module out', () => {
    const none = synthLab({ modules: 's3' }, { guardrails: false });
    expect(none.stack.fleet).toBeUndefined();
    expect(resourcesOfType(none, 'AWS::AutoScaling::AutoScalingGroup')).toHaveLength(0);
    expect(Object.keys(none.root.toJSON().Outputs)).not.toContain('FleetAutoScalingGroupName');
  });
});

describe('Guardrails', () => {
  test('cdk-nag AwsSolutions and CloudFormation Guard report no unacknowledged finding, and every acknowledgement has a reason', () => {
    const report = checked.validationReport();
    const plugins = report.pluginReports as Array<Record<string, any>>;
    expect(plugins.flatMap((p) => p.violations)).toEqual([]);
    const suppressed = plugins.flatMap((p) => p.suppressedViolations ?? []);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const s of suppressed) expect(s.reason?.length ?? 0).toBeGreaterThan(40);
  });

  test('Guard is given the template of every nested stack, not only the root', () => {
    const outdir = lab.app.outdir;
    const nestedTemplates = lab.stack.node.findAll().filter(NestedStack.isNestedStack).map((n) => path.join(outdir, n.templateFile));
    expect(nestedTemplates.length).toBeGreaterThanOrEqual(3);
    const given = nestedTemplatePaths({ templatePaths: [path.join(outdir, lab.stack.templateFile)], appConstruct: lab.app });
    expect(given.sort()).toEqual(nestedTemplates.sort());
  });

  test('Guard findings in nested stacks are reported and acknowledged on their constructs', () => {
    const report = checked.validationReport();
    const guard = (report.pluginReports as Array<Record<string, any>>).find((p) => p.pluginName === 'cdk-validator-cfnguard')!;
    const acknowledged = guard.suppressedViolations.flatMap((s: Record<string, any>) =>
      s.violatingConstructs.map((c: Record<string, any>) => [c.cloudFormationResource.templatePath, c.constructPath]));
    for (const module of [lab.stack.fleet!, lab.stack.s3!]) {
      expect(acknowledged).toEqual(expect.arrayContaining([[module.templateFile, expect.stringMatching(`^${module.node.path}/`)]]));
    }
  });
});

describe('Snapshots (asset hashes normalized)', () => {
  test.each([...lab.allTemplates().keys()])('%s', (stackPath) => {
    expect(snapshotTemplate(lab.allTemplates().get(stackPath)!)).toMatchSnapshot();
  });
});
