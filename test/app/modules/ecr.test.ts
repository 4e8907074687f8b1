import { KEEP_IMAGE_COUNT } from '../../../lib/app/modules/ecr';
import { FIRST_IMAGE_TAG, SAMPLE_APP_LOCAL_IMAGE } from '../../../lib/app/sample-app';
import { evaluate, FAKE_ACCOUNT, FAKE_REGION, Resolver } from '../../support/cfn-values';
import { resourcesOfType, SynthesizedLab, synthLab } from '../../support/synth';

const REPOSITORY_NAME = 'classlabstack-ecrrepository-abc123';
const REGISTRY = `${FAKE_ACCOUNT}.dkr.ecr.${FAKE_REGION}.amazonaws.com`;
const REPOSITORY_URI = `${REGISTRY}/${REPOSITORY_NAME}`;

/** What CloudFormation would fill in for the repository the ECR nested stack creates. */
const deployed: Resolver = (kind, name) => {
  const repositoryOutput = /^EcrRepository\w*\.Outputs\.\w*Repository[0-9A-F]{8}(Arn|Ref)$/.exec(name);
  if (kind !== 'GetAtt' || !repositoryOutput) return undefined;
  return repositoryOutput[1] === 'Arn' ? `arn:aws:ecr:${FAKE_REGION}:${FAKE_ACCOUNT}:repository/${REPOSITORY_NAME}` : REPOSITORY_NAME;
};

function output(lab: SynthesizedLab, name: string): string {
  return evaluate(lab.root.toJSON().Outputs[name].Value, deployed);
}

describe('ECR module: the private repository for the sample app image', () => {
  // The default app with the guardrails on is checked once, in test/class-lab-stack.test.ts.
  const lab = synthLab({}, { guardrails: false });
  const repositoryStack = lab.template(lab.stack.ecrRepository!);

  test('is a nested stack of ClassLabStack with one private repository and nothing else', () => {
    expect(lab.stack.ecrRepository!.nestedStackParent).toBe(lab.stack);
    const types = Object.values(repositoryStack.toJSON().Resources).map((r: any) => r.Type).filter((t) => t !== 'AWS::CDK::Metadata');
    expect(types).toEqual(['AWS::ECR::Repository']);
    expect(resourcesOfType(lab, 'AWS::ECR::Repository')).toHaveLength(1);
  });

  test('scans every pushed image, keeps tags immutable, and has no fixed name', () => {
    repositoryStack.hasResourceProperties('AWS::ECR::Repository', {
      ImageScanningConfiguration: { ScanOnPush: true },
      ImageTagMutability: 'IMMUTABLE',
    });
    const repository = Object.values(repositoryStack.findResources('AWS::ECR::Repository'))[0];
    expect(repository.Properties.RepositoryName).toBeUndefined();
  });

  test(`expires all but the last ${KEEP_IMAGE_COUNT} tagged images`, () => {
    const repository = Object.values(repositoryStack.findResources('AWS::ECR::Repository'))[0];
    const policy = JSON.parse(repository.Properties.LifecyclePolicy.LifecyclePolicyText);
    expect(policy.rules).toEqual([expect.objectContaining({
      selection: { tagStatus: 'tagged', tagPatternList: ['*'], countType: 'imageCountMoreThan', countNumber: KEEP_IMAGE_COUNT },
      action: { type: 'expire' },
    })]);
    expect(KEEP_IMAGE_COUNT).toBeGreaterThanOrEqual(2);
  });

  test('is emptied and deleted with the stack, by CloudFormation itself (no custom resource, Lambda or role)', () => {
    repositoryStack.hasResource('AWS::ECR::Repository', {
      Properties: { EmptyOnDelete: true },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
    for (const type of ['AWS::Lambda::Function', 'AWS::IAM::Role', 'Custom::ECRAutoDeleteImages']) {
      repositoryStack.resourceCountIs(type, 0);
    }
  });

  test('the root stack outputs the repository URI', () => {
    expect(output(lab, 'RepositoryUri')).toBe(REPOSITORY_URI);
  });

  test('the root stack outputs the exact login, tag and push commands for this repository and region', () => {
    expect(output(lab, 'EcrLoginCommand')).toBe(
      `aws ecr get-login-password --region ${FAKE_REGION} | docker login --username AWS --password-stdin ${REGISTRY}`,
    );
    expect(output(lab, 'EcrTagCommand')).toBe(`docker tag ${SAMPLE_APP_LOCAL_IMAGE}:${FIRST_IMAGE_TAG} ${REPOSITORY_URI}:${FIRST_IMAGE_TAG}`);
    expect(output(lab, 'EcrPushCommand')).toBe(`docker push ${REPOSITORY_URI}:${FIRST_IMAGE_TAG}`);
  });
});

describe('ECR module settings', () => {
  test('with imageTag set, the tag and push commands use that tag', () => {
    const lab = synthLab({ imageTag: 'v2' }, { guardrails: false });
    expect(output(lab, 'EcrTagCommand')).toBe(`docker tag ${SAMPLE_APP_LOCAL_IMAGE}:v2 ${REPOSITORY_URI}:v2`);
    expect(output(lab, 'EcrPushCommand')).toBe(`docker push ${REPOSITORY_URI}:v2`);
  });

  test('leaving ecr out of modules leaves out the repository and its outputs', () => {
    const lab = synthLab({ modules: 'ec2,ecs' }, { guardrails: false });
    expect(lab.stack.ecrRepository).toBeUndefined();
    expect(resourcesOfType(lab, 'AWS::ECR::Repository')).toHaveLength(0);
    const outputs = Object.keys(lab.root.toJSON().Outputs);
    for (const name of ['RepositoryUri', 'EcrLoginCommand', 'EcrTagCommand', 'EcrPushCommand']) expect(outputs).not.toContain(name);
  });
});
