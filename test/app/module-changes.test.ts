/**
 * Adding and removing class modules (`-c modules=...`) on a deployed ClassLabStack. Modules are
 * nested stacks; the only links between them are in the root template: a nested stack's
 * parameters reading another's outputs (`Fn::GetAtt [<nested>, Outputs.<name>]`) or a
 * `DependsOn`. CloudFormation orders by those (the referenced module is created, or added back,
 * before the one that reads it, and deleted after it), and by nothing else.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html#resources-section-structure-resource-fields
 *
 * The one link is ECS → ECR when the settings name an imageTag (the service pulls from the
 * kit's repository). Config refuses imageTag without ecr, so ecr cannot be removed while the
 * service reads it: the student removes imageTag first (or ecs with it). Every other module
 * stands alone: the `web.<zone>`/`app.<zone>` host rules belong to the fleet's and the service's
 * own nested stacks, beside their target groups, and Route 53's records point at the root
 * stack's load balancer. So removing a module deletes its rules with its target groups, inside
 * one nested stack, in an order CloudFormation derives from that stack's own references.
 */
import { ConfigError, CLASS_MODULES, loadLabConfig } from '../../lib/settings/lab-config';
import { synthLab } from '../support/synth';

const ALL = [...CLASS_MODULES];

/** Logical id of a nested stack resource in the root template → its module's construct id. */
const moduleOf = (logicalId: string) => logicalId.replace(/NestedStack.*$/, '');

/** For each module (nested stack) of the root template, the other modules it reads or waits for. */
function moduleLinks(context: Record<string, string>): Record<string, string[]> {
  const root = synthLab(context, { guardrails: false }).root.toJSON();
  const nested = Object.keys(root.Resources).filter((id) => root.Resources[id].Type === 'AWS::CloudFormation::Stack');
  return Object.fromEntries(nested.map((id) => {
    // Any mention of another nested stack's logical id: Fn::GetAtt or Ref in a parameter, DependsOn.
    const text = JSON.stringify(root.Resources[id]);
    const links = nested.filter((other) => other !== id && text.includes(`"${other}"`));
    return [moduleOf(id), links.map(moduleOf).sort()];
  }));
}

const withoutOne = (module: string) => ({ modules: ALL.filter((m) => m !== module).join(',') });

describe('links between class modules', () => {
  test('with every module, no nested stack reads or waits for another', () => {
    const links = moduleLinks({ modules: ALL.join(',') });
    expect(Object.keys(links).sort()).toEqual(['Ec2Fleet', 'EcrRepository', 'EcsService', 'Route53', 'S3']);
    expect(links).toEqual({ Ec2Fleet: [], S3: [], EcrRepository: [], EcsService: [], Route53: [] });
  });

  test('with an imageTag, the one link: the service reads the ECR repository', () => {
    const links = moduleLinks({ imageTag: 'v1' });
    expect(links.EcsService).toEqual(['EcrRepository']);
    expect(Object.entries(links).filter(([m]) => m !== 'EcsService').flatMap(([, l]) => l)).toEqual([]);
  });

  test('ecr cannot be removed while imageTag makes the service read it: config refuses, naming ecr', () => {
    const context: Record<string, string> = { ...withoutOne('ecr'), imageTag: 'v1' };
    expect(() => loadLabConfig((key) => context[key])).toThrow(ConfigError);
    expect(() => loadLabConfig((key) => context[key])).toThrow(/imageTag.*add ecr to modules/);
  });

  test.each(ALL)('without %s, the remaining modules still stand alone', (module) => {
    const links = moduleLinks(withoutOne(module));
    expect(Object.keys(links)).toHaveLength(ALL.length - 1);
    expect(Object.values(links).flat()).toEqual([]);
  });
});

describe('each listener rule sits beside the target group it forwards to', () => {
  test.each<Record<string, string>>([{}, { imageTag: 'v1' }])('in every nested stack (%j), a rule forwards to its own stack\'s target group', (context) => {
    const lab = synthLab(context, { guardrails: false });
    let rules = 0;
    for (const nested of [lab.stack.fleet!, lab.stack.ecsService!, lab.stack.route53!]) {
      const resources = lab.template(nested).toJSON().Resources;
      for (const rule of Object.values<any>(resources).filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
        rules += 1;
        for (const action of rule.Properties.Actions) {
          expect(resources[action.TargetGroupArn.Ref]?.Type).toBe('AWS::ElasticLoadBalancingV2::TargetGroup');
        }
      }
    }
    // The fleet's catch-all and web host rule, the service's path and app host rule.
    expect(rules).toBe(4);
    expect(lab.template(lab.stack.route53!).findResources('AWS::ElasticLoadBalancingV2::ListenerRule')).toEqual({});
  });
});
