import { App, CfnElement, CfnResource, NestedStack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ClassLabStack } from '../../lib/class-lab-stack';
import { ConfigError, loadLabConfig } from '../../lib/config';
import { HOST_RULE_PRIORITIES, Route53Targets } from '../../lib/modules/route53';
import { FLEET_RULE_PRIORITY } from '../../lib/modules/ec2-fleet';
import { resourcesOfType, synthLab } from '../support/synth';

/**
 * ClassLabStack with a nested stack standing in for the ECS module: a target group attached by
 * its own path rule, and a service that, like an ECS service, waits until its target group is
 * attached to the load balancer. Wired the way the ECS module will be: through route53Targets().
 */
class ClassLabStackWithApp extends ClassLabStack {
  protected override route53Targets(): Route53Targets {
    const ecsStandIn = new NestedStack(this, 'TestApp');
    const app = new elbv2.ApplicationTargetGroup(ecsStandIn, 'Targets', {
      vpc: this.network.vpc,
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
    });
    new elbv2.ApplicationListenerRule(ecsStandIn, 'PathRule', {
      listener: this.network.listener,
      priority: 100,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/app', '/app/*'])],
      action: elbv2.ListenerAction.forward([app]),
    });
    const service = new CfnResource(ecsStandIn, 'Service', { type: 'AWS::CloudFormation::WaitConditionHandle' });
    service.node.addDependency(app.loadBalancerAttached);
    return { ...super.route53Targets(), app };
  }
}

function synthWithApp(context: Record<string, string>) {
  const app = new App({ context });
  const stack = new ClassLabStackWithApp(app, 'ClassLabStack', { config: loadLabConfig((key) => app.node.tryGetContext(key)) });
  const root = Template.fromStack(stack);
  return { stack, root, route53: Template.fromStack(stack.route53!), ecsStandIn: stack.node.findChild('TestApp') as NestedStack };
}

/** What the root stack passes for a parameter `{ Ref: <name> }` of a nested stack. */
function passedToNested(stack: ClassLabStack, root: Template, nested: NestedStack, ref: { Ref: string }): unknown {
  const resource = root.toJSON().Resources[stack.getLogicalId(nested.nestedStackResource as CfnElement)];
  return resource.Properties.Parameters[ref.Ref];
}

function logicalIdOf(stack: ClassLabStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function onlyResource(template: Template, type: string, props: Record<string, unknown> = {}): Record<string, any> {
  const found = Object.values(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('Route 53 module: a private zone with names for the shared load balancer', () => {
  // The default app with the guardrails on is checked once, in test/class-lab-stack.test.ts.
  const lab = synthLab({}, { guardrails: false });
  const route53 = lab.template(lab.stack.route53!);
  const { stack, root } = lab;

  test('is a nested stack of ClassLabStack', () => {
    expect(stack.route53?.nestedStackParent).toBe(stack);
  });

  test('creates a private hosted zone named lab.class.internal, bound to the lab VPC', () => {
    const zone = onlyResource(route53, 'AWS::Route53::HostedZone');
    expect(zone.Properties.Name).toBe('lab.class.internal.');
    expect(zone.Properties.VPCs).toHaveLength(1);
    expect(passedToNested(stack, root, stack.route53!, zone.Properties.VPCs[0].VPCId)).toEqual({ Ref: logicalIdOf(stack, stack.network.vpc) });
    expect(resourcesOfType(lab, 'AWS::Route53::HostedZone')).toHaveLength(1);
  });

  test('web.<zone> is an alias A record for the load balancer, not an IP address', () => {
    const record = onlyResource(route53, 'AWS::Route53::RecordSet', { Name: 'web.lab.class.internal.' });
    expect(record.Properties.Type).toBe('A');
    expect(record.Properties.ResourceRecords).toBeUndefined();
    expect(record.Properties.HostedZoneId).toEqual({ Ref: Object.keys(route53.findResources('AWS::Route53::HostedZone'))[0] });
    const alias = record.Properties.AliasTarget;
    const loadBalancer = logicalIdOf(stack, stack.network.loadBalancer);
    const [, [prefix, dnsNameRef]] = alias.DNSName['Fn::Join'];
    expect(prefix).toBe('dualstack.');
    expect(passedToNested(stack, root, stack.route53!, dnsNameRef)).toEqual({ 'Fn::GetAtt': [loadBalancer, 'DNSName'] });
    expect(passedToNested(stack, root, stack.route53!, alias.HostedZoneId)).toEqual({ 'Fn::GetAtt': [loadBalancer, 'CanonicalHostedZoneID'] });
  });

  test('the shared listener sends host web.<zone> to the EC2 fleet', () => {
    const rule = onlyResource(route53, 'AWS::ElasticLoadBalancingV2::ListenerRule', { Priority: HOST_RULE_PRIORITIES.web });
    expect(rule.Properties.Conditions).toEqual([{ Field: 'host-header', HostHeaderConfig: { Values: ['web.lab.class.internal'] } }]);
    expect(passedToNested(stack, root, stack.route53!, rule.Properties.ListenerArn)).toEqual({ Ref: logicalIdOf(stack, stack.network.listener) });
    const [action] = rule.Properties.Actions;
    expect(action.Type).toBe('forward');
    const fleetTargetGroup = passedToNested(stack, root, stack.route53!, action.TargetGroupArn) as Record<string, any>;
    const [nestedStackId, output] = fleetTargetGroup['Fn::GetAtt'];
    expect(nestedStackId).toBe(stack.getLogicalId(stack.fleet!.nestedStackResource as CfnElement));
    expect(output).toMatch(/^Outputs\..*TargetGroup/);
  });

  test('host rules come before the ECS path rules (100-200) and the fleet catch-all, and no two rules share a priority', () => {
    const priorities = resourcesOfType(lab, 'AWS::ElasticLoadBalancingV2::ListenerRule').map((r) => r.Properties.Priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    for (const priority of Object.values(HOST_RULE_PRIORITIES)) expect(priority).toBeLessThan(100);
    expect(priorities).toContain(FLEET_RULE_PRIORITY);
  });

  test('with the ECS module, app.<zone> leads to the real ECS service target group', () => {
    const rule = onlyResource(route53, 'AWS::ElasticLoadBalancingV2::ListenerRule', { Priority: HOST_RULE_PRIORITIES.app });
    expect(rule.Properties.Conditions).toEqual([{ Field: 'host-header', HostHeaderConfig: { Values: ['app.lab.class.internal'] } }]);
    const [nestedStackId] = (passedToNested(stack, root, stack.route53!, rule.Properties.Actions[0].TargetGroupArn) as Record<string, any>)['Fn::GetAtt'];
    expect(nestedStackId).toBe(stack.getLogicalId(stack.ecsService!.nestedStackResource as CfnElement));
    root.hasOutput('AppRecordName', { Value: 'app.lab.class.internal' });
  });

  test('without the ECS module there is no app record, no app rule and no AppRecordName', () => {
    const withoutEcs = synthLab({ modules: 'ec2,route53' }, { guardrails: false });
    expect(resourcesOfType(withoutEcs, 'AWS::Route53::RecordSet')).toHaveLength(1);
    expect(resourcesOfType(withoutEcs, 'AWS::ElasticLoadBalancingV2::ListenerRule')).toHaveLength(2);
    expect(Object.keys(withoutEcs.root.toJSON().Outputs)).not.toContain('AppRecordName');
  });

  test('outputs the zone, the record and a ready command to try it on the root stack', () => {
    root.hasOutput('HostedZoneName', { Value: 'lab.class.internal' });
    root.hasOutput('HostedZoneId', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Route53NestedStack'), Match.stringLikeRegexp('^Outputs\\..*Zone')] } });
    root.hasOutput('WebRecordName', { Value: 'web.lab.class.internal' });
    root.hasOutput('TryRecordCommand', {
      Value: { 'Fn::Join': ['', ['curl -H "Host: web.lab.class.internal" http://', { 'Fn::GetAtt': [logicalIdOf(stack, stack.network.loadBalancer), 'DNSName'] }, '/']] },
    });
  });
});

describe('Route 53 module with an app target (the ECS service)', () => {
  test('adds app.<zone>: an alias record and a host rule to the app target group', () => {
    const { stack, root, route53, ecsStandIn } = synthWithApp({});
    const record = onlyResource(route53, 'AWS::Route53::RecordSet', { Name: 'app.lab.class.internal.' });
    expect(record.Properties.AliasTarget).toEqual(onlyResource(route53, 'AWS::Route53::RecordSet', { Name: 'web.lab.class.internal.' }).Properties.AliasTarget);
    const rule = onlyResource(route53, 'AWS::ElasticLoadBalancingV2::ListenerRule', { Priority: HOST_RULE_PRIORITIES.app });
    expect(rule.Properties.Conditions).toEqual([{ Field: 'host-header', HostHeaderConfig: { Values: ['app.lab.class.internal'] } }]);
    const appTargetGroup = passedToNested(stack, root, stack.route53!, rule.Properties.Actions[0].TargetGroupArn) as Record<string, any>;
    expect(appTargetGroup['Fn::GetAtt'][0]).toBe(stack.getLogicalId(ecsStandIn.nestedStackResource as CfnElement));
    expect(appTargetGroup['Fn::GetAtt'][1]).toMatch(/^Outputs\..*Targets/);
    root.hasOutput('AppRecordName', { Value: 'app.lab.class.internal' });
    root.hasOutput('WebRecordName', { Value: 'web.lab.class.internal' });
  });

  test('reads the app target group without making the ECS service wait for Route 53 (no circular dependency)', () => {
    const { stack, root, ecsStandIn } = synthWithApp({});
    const resources = root.toJSON().Resources;
    const route53Id = stack.getLogicalId(stack.route53!.nestedStackResource as CfnElement);
    const ecsId = stack.getLogicalId(ecsStandIn.nestedStackResource as CfnElement);
    expect(resources[ecsId].DependsOn ?? []).not.toContain(route53Id);
    expect(JSON.stringify(resources[route53Id].Properties.Parameters)).toContain(ecsId);
    // The service still waits for its own path rule, in its own stack.
    Template.fromStack(ecsStandIn).hasResource('AWS::CloudFormation::WaitConditionHandle', { DependsOn: [Match.stringLikeRegexp('PathRule')] });
  });

  test('without the fleet, the app record is the one to try', () => {
    const { root, route53 } = synthWithApp({ modules: 'route53' });
    route53.resourceCountIs('AWS::Route53::RecordSet', 1);
    route53.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
    const outputs = root.toJSON().Outputs;
    expect(outputs.WebRecordName).toBeUndefined();
    expect(JSON.stringify(outputs.TryRecordCommand.Value)).toMatch(/curl -H \\"Host: app\.lab\.class\.internal\\" http:\/\/.*"\/app"/);
  });
});

describe('Route 53 module selection', () => {
  test('-c modules=ec2 leaves the zone and its outputs out', () => {
    const lab = synthLab({ modules: 'ec2' }, { guardrails: false });
    expect(lab.stack.route53).toBeUndefined();
    expect(resourcesOfType(lab, 'AWS::Route53::HostedZone')).toHaveLength(0);
    const outputs = Object.keys(lab.root.toJSON().Outputs);
    for (const name of ['HostedZoneName', 'HostedZoneId', 'WebRecordName', 'AppRecordName', 'TryRecordCommand']) expect(outputs).not.toContain(name);
  });

  test('-c modules=route53 alone: the zone, no records, no host rules, nothing to try', () => {
    const lab = synthLab({ modules: 'route53' }, { guardrails: false });
    expect(resourcesOfType(lab, 'AWS::Route53::HostedZone')).toHaveLength(1);
    expect(resourcesOfType(lab, 'AWS::Route53::RecordSet')).toHaveLength(0);
    expect(resourcesOfType(lab, 'AWS::ElasticLoadBalancingV2::ListenerRule')).toHaveLength(0);
    expect(Object.keys(lab.root.toJSON().Outputs)).toEqual(['WebUrl', 'HostedZoneName', 'HostedZoneId']);
  });

  test('-c modules=route53,ec2: the web record only', () => {
    const lab = synthLab({ modules: 'route53,ec2' }, { guardrails: false });
    const names = resourcesOfType(lab, 'AWS::Route53::RecordSet').map((r) => r.Properties.Name);
    expect(names).toEqual(['web.lab.class.internal.']);
  });
});

describe('Route 53 module settings', () => {
  test('a student gets <student>.class.internal', () => {
    const lab = synthLab({ student: 'ana', modules: 'route53,ec2' }, { guardrails: false });
    expect(resourcesOfType(lab, 'AWS::Route53::HostedZone')[0].Properties.Name).toBe('ana.class.internal.');
    lab.root.hasOutput('WebRecordName', { Value: 'web.ana.class.internal' });
  });

  test('zoneName names the private zone', () => {
    const lab = synthLab({ zoneName: 'lab.example.org', modules: 'route53,ec2' }, { guardrails: false });
    expect(resourcesOfType(lab, 'AWS::Route53::HostedZone')[0].Properties.Name).toBe('lab.example.org.');
    expect(resourcesOfType(lab, 'AWS::Route53::RecordSet')[0].Properties.Name).toBe('web.lab.example.org.');
  });

  test('an existing public zone gets the records; the kit neither creates nor deletes a zone', () => {
    const lab = synthLab({ publicZoneId: '/hostedzone/Z0123456789ABCDEFGHIJ', zoneName: 'example.com', modules: 'route53,ec2' }, { guardrails: false });
    expect(resourcesOfType(lab, 'AWS::Route53::HostedZone')).toHaveLength(0);
    const [record] = resourcesOfType(lab, 'AWS::Route53::RecordSet');
    expect(record.Properties).toMatchObject({ Name: 'web.example.com.', HostedZoneId: 'Z0123456789ABCDEFGHIJ', Type: 'A' });
    lab.root.hasOutput('HostedZoneId', { Value: 'Z0123456789ABCDEFGHIJ' });
    lab.root.hasOutput('HostedZoneName', { Value: 'example.com' });
    lab.root.hasOutput('TryRecordCommand', { Value: 'curl http://web.example.com/' });
  });

  test('a zone id without a zone name stops synthesis, naming zoneName', () => {
    expect(() => synthLab({ publicZoneId: 'Z0123456789ABCDEFGHIJ' }, { guardrails: false })).toThrow(ConfigError);
    expect(() => synthLab({ publicZoneId: 'Z0123456789ABCDEFGHIJ' }, { guardrails: false })).toThrow(/zoneName: got nothing; allowed: .*required with publicZoneId/);
  });
});
