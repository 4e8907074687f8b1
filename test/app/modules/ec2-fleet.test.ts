import { Match } from 'aws-cdk-lib/assertions';
import { HOST_RULE_PRIORITIES } from '../../../lib/app/host-names';
import { FLEET_HEALTH_PATH, FLEET_REFRESH_MAX_HEALTHY_PERCENT, FLEET_REFRESH_MIN_HEALTHY_PERCENT, FLEET_REQUESTS_PER_TARGET_PER_MINUTE } from '../../../lib/app/modules/ec2-fleet';
import { resourcesOfType, synthLab } from '../../support/synth';
import { FLEET_DEFAULTS } from '../../../lib/settings/settings-table';

describe('EC2 module: load-balanced Auto Scaling fleet', () => {
  // The default app with the guardrails on is checked once, in test/class-lab-stack.test.ts.
  const lab = synthLab({}, { guardrails: false });
  const fleet = lab.template(lab.stack.fleet!);

  test('uses a launch template with IMDSv2 required, no key pair, no public IPv4, encrypted root volume', () => {
    fleet.resourceCountIs('AWS::EC2::LaunchTemplate', 1);
    fleet.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 't4g.nano',
        MetadataOptions: { HttpTokens: 'required' },
        KeyName: Match.absent(),
        NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: false })],
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3' }) })],
      }),
    });
  });

  test('never uses a launch configuration (new accounts cannot create them)', () => {
    expect(resourcesOfType(lab, 'AWS::AutoScaling::LaunchConfiguration')).toHaveLength(0);
  });

  test('boots Amazon Linux 2023 for the instance architecture from the public SSM parameter', () => {
    const parameters = JSON.stringify(fleet.toJSON().Parameters);
    expect(parameters).toContain('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64');
  });

  test('ASG uses ELB health checks with a grace period, in subnets without internet', () => {
    fleet.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: String(FLEET_DEFAULTS.min),
      DesiredCapacity: String(FLEET_DEFAULTS.desired),
      MaxSize: String(FLEET_DEFAULTS.max),
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: Match.anyValue(),
    });
    const routes = resourcesOfType(lab, 'AWS::EC2::Route');
    const isolatedSubnetIds = JSON.stringify(fleet.findResources('AWS::AutoScaling::AutoScalingGroup'));
    expect(isolatedSubnetIds).toMatch(/fleetSubnet/);
    // Only the public subnets have a default route (to the internet gateway), and there is no NAT.
    expect(routes.every((r) => 'GatewayId' in r.Properties)).toBe(true);
    expect(resourcesOfType(lab, 'AWS::EC2::NatGateway')).toHaveLength(0);
  });

  test('instances accept HTTP only from the load balancer security group, and nothing on port 22', () => {
    const ingress = fleet.findResources('AWS::EC2::SecurityGroupIngress');
    const inline = fleet.findResources('AWS::EC2::SecurityGroup');
    const rules = [
      ...Object.values(ingress).map((r) => r.Properties),
      ...Object.values(inline).flatMap((r) => r.Properties.SecurityGroupIngress ?? []),
    ];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.CidrIp).toBeUndefined();
      expect(rule.SourceSecurityGroupId).toBeDefined();
      expect(rule.FromPort).toBe(80);
      expect(rule.ToPort).toBe(80);
    }
    expect(JSON.stringify(rules)).toMatch(/LoadBalancerSecurityGroup/);
    // Each permission once: CloudFormation fails a deploy that adds the same rule twice.
    const keys = rules.map((r) => JSON.stringify([r.SourceSecurityGroupId, r.FromPort, r.ToPort, r.IpProtocol]));
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('target group health-checks the health path', () => {
    fleet.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: FLEET_HEALTH_PATH,
      Port: 80,
      TargetType: 'instance',
    });
  });

  test('the shared listener forwards every unclaimed path to the fleet', () => {
    fleet.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
      Actions: [Match.objectLike({ Type: 'forward', TargetGroupArn: Match.objectLike({ Ref: Match.stringLikeRegexp('TargetGroup') }) })],
      ListenerArn: Match.objectLike({ Ref: Match.stringLikeRegexp('Listener|Http') }),
    });
  });

  test('with route53, web.<zone> reaches the fleet by a host rule of this stack, to its own target group', () => {
    fleet.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: HOST_RULE_PRIORITIES.web,
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['web.lab.class.internal'] } }],
      Actions: [Match.objectLike({ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^TargetGroup') } })],
      ListenerArn: Match.objectLike({ Ref: Match.stringLikeRegexp('Listener|Http') }),
    });
    const withoutRoute53 = synthLab({ modules: 'ec2' }, { guardrails: false });
    withoutRoute53.template(withoutRoute53.stack.fleet!).resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
  });

  test('scales on the load balancer\'s request count per instance, a 1-minute metric, with scale-in on', () => {
    const policies = Object.values(fleet.findResources('AWS::AutoScaling::ScalingPolicy'));
    expect(policies).toHaveLength(1);
    const config = policies[0].Properties.TargetTrackingConfiguration;
    expect(policies[0].Properties.PolicyType).toBe('TargetTrackingScaling');
    expect(config.PredefinedMetricSpecification.PredefinedMetricType).toBe('ALBRequestCountPerTarget');
    expect(config.TargetValue).toBe(FLEET_REQUESTS_PER_TARGET_PER_MINUTE);
    expect(config.DisableScaleIn).not.toBe(true);
    // The resource label names this fleet's own target group on the shared load balancer.
    const label = JSON.stringify(config.PredefinedMetricSpecification.ResourceLabel);
    expect(label).toMatch(/TargetGroup/);
    expect(label).toMatch(/LoadBalancer|Alb|Listener/i);
  });

  test('no paid detailed monitoring on the instances', () => {
    const data = Object.values(fleet.findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData;
    expect(data.Monitoring?.Enabled ?? false).toBe(false);
  });
});

describe('EC2 module settings', () => {
  test('an x86 instance type gets the x86 AMI', () => {
    const lab = synthLab({ instanceType: 't3.micro', modules: 'ec2' }, { guardrails: false });
    const fleet = lab.template(lab.stack.fleet!);
    fleet.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ InstanceType: 't3.micro' }),
    });
    expect(JSON.stringify(fleet.toJSON().Parameters)).toContain('al2023-ami-kernel-6.1-x86_64');
  });

  test('an AMI override replaces the SSM parameter', () => {
    const lab = synthLab({ amiId: 'ami-0123456789abcdef0', modules: 'ec2' }, { guardrails: false });
    const fleet = lab.template(lab.stack.fleet!);
    fleet.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ ImageId: 'ami-0123456789abcdef0' }),
    });
    expect(JSON.stringify(fleet.toJSON().Parameters ?? {})).not.toContain('ami-amazon-linux-latest');
  });

  test('fleet sizes come from the settings', () => {
    const lab = synthLab({ fleetMin: '1', fleetDesired: '3', fleetMax: '9', modules: 'ec2' }, { guardrails: false });
    lab.template(lab.stack.fleet!).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '1', DesiredCapacity: '3', MaxSize: '9',
    });
  });
});

describe('EC2 module updates: a new instance type or AMI replaces the running fleet', () => {
  const lab = synthLab({ modules: 'ec2' }, { guardrails: false });
  const fleet = lab.template(lab.stack.fleet!).toJSON();
  const [groupId, group] = Object.entries<any>(fleet.Resources).find(([, r]) => r.Type === 'AWS::AutoScaling::AutoScalingGroup')!;
  const launchTemplateId = Object.keys(fleet.Resources).find((id) => fleet.Resources[id].Type === 'AWS::EC2::LaunchTemplate')!;

  test('the group follows the launch template\'s latest version, so any change to it is an update of the group', () => {
    expect(group.Properties.LaunchTemplate.Version).toEqual({ 'Fn::GetAtt': [launchTemplateId, 'LatestVersionNumber'] });
    // Instance type and AMI live in the launch template: changing them changes only its version.
    const other = synthLab({ modules: 'ec2', instanceType: 't3.micro' }, { guardrails: false });
    const otherFleet = other.template(other.stack.fleet!).toJSON();
    expect(otherFleet.Resources[groupId].Properties).toEqual(group.Properties);
    expect(otherFleet.Resources[launchTemplateId].Properties.LaunchTemplateData.InstanceType).toBe('t3.micro');
  });

  test('an update replaces instances by an instance refresh that keeps half the fleet in service and never grows past its size', () => {
    expect(group.UpdatePolicy.AutoScalingInstanceRefresh).toEqual({
      Strategy: 'Rolling',
      Preferences: { MinHealthyPercentage: FLEET_REFRESH_MIN_HEALTHY_PERCENT, MaxHealthyPercentage: FLEET_REFRESH_MAX_HEALTHY_PERCENT },
    });
    // Never more instances than the group's size: the refresh needs no vCPU beyond the fleet's own.
    expect(FLEET_REFRESH_MAX_HEALTHY_PERCENT).toBe(100);
    // One of the default two instances answers throughout.
    expect(FLEET_REFRESH_MIN_HEALTHY_PERCENT).toBe(50);
    // CloudFormation allows at most 100 points between the two.
    expect(FLEET_REFRESH_MAX_HEALTHY_PERCENT - FLEET_REFRESH_MIN_HEALTHY_PERCENT).toBeLessThanOrEqual(100);
  });

  test('nothing waits for cfn-signal, which instances without internet could not send', () => {
    expect(group.UpdatePolicy.AutoScalingRollingUpdate).toBeUndefined();
    expect(group.CreationPolicy).toBeUndefined();
    expect(JSON.stringify(fleet)).not.toContain('cfn-signal');
  });

  test('the refresh judges new instances by the load balancer\'s health check, after the warmup', () => {
    expect(group.Properties.HealthCheckType).toBe('ELB');
    expect(group.Properties.DefaultInstanceWarmup).toBeGreaterThan(0);
  });
});
