import * as fs from 'node:fs';
import { parse } from 'yaml';
import {
  cliBootstrapTemplate,
  cliVersion,
  LEARNER_LAB_BOOTSTRAP_TEMPLATE,
  LEARNER_LAB_BOOTSTRAP_VARIANT,
  referencesIn,
  renderLearnerLabBootstrapTemplate,
  withoutIam,
} from '../../scripts/learner-lab-bootstrap-template';

// The CLI reads templates as YAML 1.1 (where 2012-10-17 would be a date): read it the same way.
const committedText = fs.readFileSync(LEARNER_LAB_BOOTSTRAP_TEMPLATE, 'utf8');
const committed = parse(committedText, { version: '1.1' });
const resources = Object.entries<Record<string, any>>(committed.Resources);
/** The pinned CLI's own template, asked once (the CLI takes seconds to start). */
const cli = cliBootstrapTemplate();

describe('learner-lab/bootstrap-template.yaml', () => {
  test('creates no IAM role, policy or other IAM resource', () => {
    expect(resources.filter(([, r]) => String(r.Type).startsWith('AWS::IAM::'))).toEqual([]);
    expect(committedText).not.toMatch(/PublishingRole|LookupRole|DeploymentActionRole|CloudFormationExecutionRole/);
  });

  test('keeps what cdk deploy needs: the asset bucket and image repository under their usual names, the version in SSM', () => {
    const byType = (type: string) => resources.filter(([, r]) => r.Type === type);
    expect(byType('AWS::S3::Bucket')).toHaveLength(1);
    expect(JSON.stringify(byType('AWS::S3::Bucket')[0][1].Properties.BucketName)).toContain('cdk-${Qualifier}-assets-${AWS::AccountId}-${AWS::Region}');
    expect(JSON.stringify(byType('AWS::ECR::Repository')[0][1].Properties.RepositoryName)).toContain('cdk-${Qualifier}-container-assets-${AWS::AccountId}-${AWS::Region}');
    expect(committed.Resources.CdkBootstrapVersion).toMatchObject({
      Type: 'AWS::SSM::Parameter',
      Properties: { Name: { 'Fn::Sub': '/cdk-bootstrap/${Qualifier}/version' }, Value: expect.stringMatching(/^\d+$/) },
    });
    expect(Object.keys(committed.Outputs)).toEqual(expect.arrayContaining(['BucketName', 'BucketDomainName', 'ImageRepositoryName', 'BootstrapVersion']));
    expect(committed.Outputs.BootstrapVersion.Value).toBe(committed.Resources.CdkBootstrapVersion.Properties.Value);
  });

  test('keeps every parameter the CLI passes, and says it is our variant', () => {
    expect(Object.keys(committed.Parameters)).toEqual(Object.keys(cli.Parameters));
    expect(committed.Parameters.BootstrapVariant.Default).toBe(LEARNER_LAB_BOOTSTRAP_VARIANT);
  });

  test('refers only to what exists: parameters, kept resources, pseudo parameters', () => {
    const known = new Set([...Object.keys(committed.Parameters), ...Object.keys(committed.Resources)]);
    const dangling = [...referencesIn({ Resources: committed.Resources, Outputs: committed.Outputs })].filter((id) => !known.has(id));
    expect(dangling).toEqual([]);
    // Policy versions stay strings under YAML 1.1, where an unquoted 2012-10-17 is a date.
    expect(JSON.stringify(committed)).toContain('"Version":"2012-10-17"');
  });

  test('is what the script derives from the pinned CDK CLI (run npm run learner-lab:bootstrap-template after upgrading aws-cdk)', () => {
    expect(committedText).toBe(renderLearnerLabBootstrapTemplate(withoutIam(cli), cliVersion()));
  });
});

describe('withoutIam', () => {
  test('drops statements and outputs that name a removed role, and stops at any other reference to one', () => {
    const template = {
      Description: 'd',
      Parameters: { BootstrapVariant: { Type: 'String', Default: 'x' } },
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: {} },
        Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [{ Sid: 'keep' }, { Principal: { AWS: { 'Fn::Sub': '${Role.Arn}' } } }] } } },
      },
      Outputs: { RoleArn: { Value: { 'Fn::GetAtt': ['Role', 'Arn'] } }, KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
    };
    const result = withoutIam(template);
    expect(Object.keys(result.Resources)).toEqual(['Key']);
    expect(result.Resources.Key.Properties.KeyPolicy.Statement).toEqual([{ Sid: 'keep' }]);
    expect(Object.keys(result.Outputs)).toEqual(['KeyArn']);

    const direct = { ...template, Resources: { ...template.Resources, Bucket: { Type: 'AWS::S3::Bucket', Properties: { Owner: { Ref: 'Role' } } } } };
    expect(() => withoutIam(direct)).toThrow('Resources.Bucket.Properties.Owner refers to a removed IAM resource (Role)');
  });
});
