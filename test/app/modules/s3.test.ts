import { Match } from 'aws-cdk-lib/assertions';
import {
  AUTO_DELETE_PROVIDER_ID,
  INCOMPLETE_UPLOAD_DAYS,
  NONCURRENT_VERSION_DAYS,
  SAMPLE_OBJECT_KEY,
  SHARE_SECONDS,
} from '../../../lib/app/modules/s3';
import { resourcesOfType, synthLab } from '../../support/synth';

/** The bucket's one resource, with its deletion policies. */
function bucketResource(template: ReturnType<ReturnType<typeof synthLab>['template']>): Record<string, any> {
  const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
  expect(buckets).toHaveLength(1);
  return buckets[0];
}

/** `{ Fn::GetAtt: [<S3 nested stack>, Outputs.<bucket ref>] }`: the bucket name as the root stack sees it. */
const bucketNameInRoot = { 'Fn::GetAtt': [Match.stringLikeRegexp('^S3NestedStack'), Match.stringLikeRegexp('^Outputs\\..*Bucket')] };

describe('S3 module: one private, versioned bucket per student environment', () => {
  // The default app with the guardrails on is checked once, in test/class-lab-stack.test.ts.
  const lab = synthLab({}, { guardrails: false });
  const s3 = lab.template(lab.stack.s3!);

  test('is a nested stack of ClassLabStack', () => {
    expect(lab.stack.s3?.nestedStackParent).toBe(lab.stack);
    expect(resourcesOfType(lab, 'AWS::S3::Bucket')).toHaveLength(1);
  });

  test('blocks every kind of public access and disables ACLs', () => {
    s3.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  test('the bucket policy denies every request without TLS, and TLS older than 1.2', () => {
    const bucketArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bucket'), 'Arn'] };
    s3.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
          }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('no statement of the bucket policy allows anyone outside the account', () => {
    const statements = Object.values(s3.findResources('AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument.Statement;
    for (const statement of statements.filter((s: Record<string, any>) => s.Effect === 'Allow')) {
      expect(statement.Principal).not.toEqual({ AWS: '*' });
      expect(statement.Principal).not.toBe('*');
    }
  });

  test('encrypts at rest', () => {
    s3.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
  });

  test('keeps object versions, and expires old versions and abandoned multipart uploads', () => {
    s3.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_VERSION_DAYS },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: INCOMPLETE_UPLOAD_DAYS },
        })],
      },
    });
  });

  test('has no fixed name, so two students can share an account', () => {
    expect(bucketResource(s3).Properties.BucketName).toBeUndefined();
  });

  test('destroy empties the bucket (objects and versions) and deletes it', () => {
    const bucket = bucketResource(s3);
    expect(bucket.DeletionPolicy).toBe('Delete');
    expect(bucket.UpdateReplacePolicy).toBe('Delete');
    s3.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: { Ref: Match.stringLikeRegexp('^Bucket') } });
    // The handler may delete the objects (every version) of this bucket.
    const bucketArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bucket'), 'Arn'] };
    s3.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow',
          Action: Match.arrayWith(['s3:DeleteObject*']),
          Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
          Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CustomS3AutoDeleteObjectsCustomResourceProviderRole'), 'Arn'] } },
        })]),
      },
    });
    expect(lab.stack.s3!.node.tryFindChild(AUTO_DELETE_PROVIDER_ID)).toBeDefined();
  });

  test('outputs the bucket name and ready-made commands on the root stack', () => {
    lab.root.hasOutput('BucketName', { Value: bucketNameInRoot });
    lab.root.hasOutput('BucketCopyCommand', {
      Value: { 'Fn::Join': ['', [`aws s3 cp ./${SAMPLE_OBJECT_KEY} s3://`, bucketNameInRoot, `/${SAMPLE_OBJECT_KEY}`]] },
    });
  });

  test('shares one object for a limited time with a presigned URL, not a public bucket', () => {
    lab.root.hasOutput('BucketShareCommand', {
      Value: { 'Fn::Join': ['', ['aws s3 presign s3://', bucketNameInRoot, `/${SAMPLE_OBJECT_KEY} --expires-in ${SHARE_SECONDS}`]] },
    });
  });
});

describe('S3 module selection', () => {
  test('-c modules=ec2 leaves the bucket and its outputs out', () => {
    const lab = synthLab({ modules: 'ec2' }, { guardrails: false });
    expect(lab.stack.s3).toBeUndefined();
    expect(resourcesOfType(lab, 'AWS::S3::Bucket')).toHaveLength(0);
    expect(resourcesOfType(lab, 'Custom::S3AutoDeleteObjects')).toHaveLength(0);
    const outputs = Object.keys(lab.root.toJSON().Outputs);
    expect(outputs).not.toContain('BucketName');
    expect(outputs).not.toContain('BucketCopyCommand');
  });

  test('-c modules=s3 alone synthesizes the bucket without the fleet', () => {
    const lab = synthLab({ modules: 's3' }, { guardrails: false });
    expect(lab.stack.fleet).toBeUndefined();
    expect(resourcesOfType(lab, 'AWS::S3::Bucket')).toHaveLength(1);
    expect(Object.keys(lab.root.toJSON().Outputs)).toEqual(expect.arrayContaining(['BucketName', 'BucketCopyCommand']));
  });
});
