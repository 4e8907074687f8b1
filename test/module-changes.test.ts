/**
 * Adding and removing class modules (`-c modules=...`) on a deployed ClassLabStack. Modules are
 * nested stacks; the only links between them are the root template's references from one nested
 * stack's parameters to another's outputs (`Fn::GetAtt [<nested>, Outputs.<name>]`), which
 * CloudFormation also treats as dependencies: the referenced module is created (or added back)
 * before the one that reads it, and on `cdk destroy` the reader is deleted first.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html#resources-section-structure-resource-fields
 *
 * What the templates cannot prove: removing ec2 or ecs while keeping route53. Route53's host rule
 * for the removed module's target group goes in Route53's update, the target group with the
 * module's nested stack; CloudFormation deletes removed resources in the cleanup phase after the
 * updates (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-monitor-stack.html),
 * but a nested stack's own cleanup also runs then, so the order between the two is not
 * documented. README "Changing modules" gives the sequence that needs no such order.
 */
import { synthLab } from './support/synth';

/** For each module (nested stack) of the root template, the other modules whose outputs it reads. */
function moduleReferences(context: Record<string, string>): Record<string, string[]> {
  const root = synthLab(context, { guardrails: false }).root.toJSON();
  const nested = Object.entries<any>(root.Resources).filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack');
  const moduleOf = (logicalId: string) => logicalId.replace(/NestedStack.*$/, '');
  return Object.fromEntries(nested.map(([id, r]) => {
    const text = JSON.stringify(r.Properties.Parameters ?? {});
    const reads = nested.map(([other]) => other).filter((other) => other !== id && text.includes(`"Fn::GetAtt":["${other}"`));
    return [moduleOf(id), reads.map(moduleOf).sort()];
  }));
}

describe('links between class modules', () => {
  test('by default only Route53 reads other modules: the fleet\'s and the service\'s target groups', () => {
    expect(moduleReferences({})).toEqual({ Ec2Fleet: [], S3: [], EcrRepository: [], EcsService: [], Route53: ['Ec2Fleet', 'EcsService'] });
  });

  test('with an imageTag the service also reads the ECR repository (config refuses imageTag without ecr)', () => {
    expect(moduleReferences({ imageTag: 'v1' }).EcsService).toEqual(['EcrRepository']);
  });

  test('without route53, no module reads another: adding or removing any of them touches that module alone', () => {
    const refs = moduleReferences({ modules: 'ec2,s3,ecr,ecs' });
    expect(Object.values(refs).flat()).toEqual([]);
  });

  test('route53 alone reads nothing: its host names follow the modules that are deployed', () => {
    expect(moduleReferences({ modules: 'route53' })).toEqual({ Route53: [] });
    expect(moduleReferences({ modules: 'ec2,route53' })).toEqual({ Ec2Fleet: [], Route53: ['Ec2Fleet'] });
  });
});
