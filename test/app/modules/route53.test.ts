import { CfnElement, NestedStack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ClassLabStack } from '../../../lib/app/class-lab-stack';
import { ConfigError, HOST_HEADER_MAX_LENGTH, ZONE_NAME_MAX_LENGTH } from '../../../lib/settings/lab-config';
import { HOST_RULE_PRIORITIES } from '../../../lib/app/host-names';
import { FLEET_RULE_PRIORITY } from '../../../lib/app/modules/ec2-fleet';
import { APP_RULE_PRIORITY } from '../../../lib/app/modules/ecs';
import { resourcesOfType, synthLab } from '../../support/synth';

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

/**
 * The host rule of `<label>.<zone>` in the nested stack of the module that owns the name: it
 * matches the host name on the shared listener (root stack) and forwards to that stack's own
 * target group (a local Ref, not another module's output).
 */
function expectHostRule(stack: ClassLabStack, root: Template, owner: NestedStack, template: Template, priority: number, host: string): void {
  const rule = onlyResource(template, 'AWS::ElasticLoadBalancingV2::ListenerRule', { Priority: priority });
  expect(rule.Properties.Conditions).toEqual([{ Field: 'host-header', HostHeaderConfig: { Values: [host] } }]);
  expect(passedToNested(stack, root, owner, rule.Properties.ListenerArn)).toEqual({ Ref: logicalIdOf(stack, stack.network.listener) });
  const [action] = rule.Properties.Actions;
  expect(action.Type).toBe('forward');
  expect(Object.keys(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'))).toEqual([action.TargetGroupArn.Ref]);
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

  test('the shared listener sends host web.<zone> to the EC2 fleet, by a rule of the fleet\'s own stack', () => {
    expectHostRule(stack, root, stack.fleet!, lab.template(stack.fleet!), HOST_RULE_PRIORITIES.web, 'web.lab.class.internal');
  });

  test('app.<zone> leads to the ECS service, by a rule of the service\'s own stack', () => {
    expectHostRule(stack, root, stack.ecsService!, lab.template(stack.ecsService!), HOST_RULE_PRIORITIES.app, 'app.lab.class.internal');
    const record = onlyResource(route53, 'AWS::Route53::RecordSet', { Name: 'app.lab.class.internal.' });
    expect(record.Properties.AliasTarget).toEqual(onlyResource(route53, 'AWS::Route53::RecordSet', { Name: 'web.lab.class.internal.' }).Properties.AliasTarget);
    root.hasOutput('AppRecordName', { Value: 'app.lab.class.internal' });
  });

  test('the zone holds records only: no listener rule, nothing read from another module', () => {
    expect(route53.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')).toEqual({});
    const parameters = JSON.stringify(root.toJSON().Resources[stack.getLogicalId(stack.route53!.nestedStackResource as CfnElement)].Properties.Parameters);
    for (const other of [stack.fleet!, stack.ecsService!]) expect(parameters).not.toContain(stack.getLogicalId(other.nestedStackResource as CfnElement));
  });

  test('host rules come before the ECS path rule and the fleet catch-all, and no two rules share a priority', () => {
    const priorities = resourcesOfType(lab, 'AWS::ElasticLoadBalancingV2::ListenerRule').map((r) => r.Properties.Priority);
    expect(priorities).toHaveLength(4);
    expect(new Set(priorities).size).toBe(priorities.length);
    for (const priority of Object.values(HOST_RULE_PRIORITIES)) expect(priority).toBeLessThan(APP_RULE_PRIORITY);
    expect(priorities).toContain(FLEET_RULE_PRIORITY);
  });

  test('without the ECS module there is no app record, no app rule and no AppRecordName', () => {
    const withoutEcs = synthLab({ modules: 'ec2,route53' }, { guardrails: false });
    expect(resourcesOfType(withoutEcs, 'AWS::Route53::RecordSet')).toHaveLength(1);
    expect(resourcesOfType(withoutEcs, 'AWS::ElasticLoadBalancingV2::ListenerRule').map((r) => r.Properties.Priority).sort()).toEqual([HOST_RULE_PRIORITIES.web, FLEET_RULE_PRIORITY]);
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

describe('Route 53 module with the ECS service and without the fleet', () => {
  test('app.<zone> is the only record, the one to try, routed by the service\'s own host rule', () => {
    const lab = synthLab({ modules: 'route53,ecs' }, { guardrails: false });
    const route53 = lab.template(lab.stack.route53!);
    route53.resourceCountIs('AWS::Route53::RecordSet', 1);
    expectHostRule(lab.stack, lab.root, lab.stack.ecsService!, lab.template(lab.stack.ecsService!), HOST_RULE_PRIORITIES.app, 'app.lab.class.internal');
    const outputs = lab.root.toJSON().Outputs;
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
    expect(Object.keys(lab.root.toJSON().Outputs)).toEqual(['WebUrl', 'HostedZoneName', 'HostedZoneId', 'ExpiresAt', 'ExpiryExtendCommand']);
  });

  test('-c modules=route53,ec2: the web record only', () => {
    const lab = synthLab({ modules: 'route53,ec2' }, { guardrails: false });
    const names = resourcesOfType(lab, 'AWS::Route53::RecordSet').map((r) => r.Properties.Name);
    expect(names).toEqual(['web.lab.class.internal.']);
  });

  test('without route53 the fleet and the service add no host rule, only their own path rules', () => {
    const lab = synthLab({ modules: 'ec2,ecs' }, { guardrails: false });
    expect(lab.stack.fleet!.hostRule).toBeUndefined();
    expect(lab.stack.ecsService!.hostRule).toBeUndefined();
    const rules = resourcesOfType(lab, 'AWS::ElasticLoadBalancingV2::ListenerRule');
    expect(rules.map((r) => r.Properties.Conditions[0].Field)).toEqual(['path-pattern', 'path-pattern']);
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

  test('the longest zone name the settings accept still fits both host rules\' host-header values', () => {
    const zoneName = `${'a'.repeat(59)}.${'b'.repeat(60)}.com`;
    expect(zoneName).toHaveLength(ZONE_NAME_MAX_LENGTH);
    const lab = synthLab({ zoneName }, { guardrails: false });
    const hosts = resourcesOfType(lab, 'AWS::ElasticLoadBalancingV2::ListenerRule')
      .flatMap((r) => r.Properties.Conditions.flatMap((c: any) => c.HostHeaderConfig?.Values ?? []));
    expect(hosts.sort()).toEqual([`app.${zoneName}`, `web.${zoneName}`]);
    for (const host of hosts) expect(host.length).toBeLessThanOrEqual(HOST_HEADER_MAX_LENGTH);
    expect(() => synthLab({ zoneName: `a${zoneName}` }, { guardrails: false })).toThrow(ConfigError);
  });

  test('a zone id without a zone name stops synthesis, naming zoneName', () => {
    expect(() => synthLab({ publicZoneId: 'Z0123456789ABCDEFGHIJ' }, { guardrails: false })).toThrow(ConfigError);
    expect(() => synthLab({ publicZoneId: 'Z0123456789ABCDEFGHIJ' }, { guardrails: false })).toThrow(/zoneName: got nothing; allowed: .*required with publicZoneId/);
  });
});
