import { tagClassModule } from '../class-module-tag';
import { Duration, NestedStack, NestedStackProps, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../../guardrails/guardrails';

/** Days an overwritten or deleted object version is kept before S3 expires it. */
export const NONCURRENT_VERSION_DAYS = 7;
/** Days after which S3 aborts a multipart upload that never completed (its parts are billed). */
export const INCOMPLETE_UPLOAD_DAYS = 1;
/** Object key the guide's commands use, so the copy and the share commands name the same object. */
export const SAMPLE_OBJECT_KEY = 'hello.txt';
/** How long a shared link stays valid: one hour, long enough to open it in class. */
export const SHARE_SECONDS = 3600;
/** Construct id of the singleton provider that `autoDeleteObjects` adds to the stack. */
export const AUTO_DELETE_PROVIDER_ID = 'Custom::S3AutoDeleteObjectsCustomResourceProvider';

/**
 * Class module "AWS S3": one private bucket per student environment. Students upload,
 * overwrite and list object versions, and share one object for a limited time with a
 * presigned URL instead of opening the bucket to the public.
 */
export class S3Storage extends NestedStack {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: NestedStackProps = {}) {
    super(scope, id, props);

    // No bucketName: CloudFormation picks a unique one, so two students share an account.
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // SSE-S3: encrypted at rest at no cost; a KMS key would cost more per month than the lab.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // The lab overwrites an object and lists its versions.
      versioned: true,
      lifecycleRules: [{
        id: 'ExpireOldVersionsAndAbandonedUploads',
        noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
        abortIncompleteMultipartUploadAfter: Duration.days(INCOMPLETE_UPLOAD_DAYS),
      }],
      // `cdk destroy` empties the bucket (every version included) and deletes it.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    acknowledgeBucketFindings(this.bucket);
    acknowledgeAutoDeleteProvider(this);
    tagClassModule(this, 's3');
  }

  /** `aws s3 cp` of a local file into the bucket, the first command of the lab. */
  get copyCommand(): string {
    return `aws s3 cp ./${SAMPLE_OBJECT_KEY} s3://${this.bucket.bucketName}/${SAMPLE_OBJECT_KEY}`;
  }

  /** A link to one object that works without credentials for an hour: sharing without a public bucket. */
  get shareCommand(): string {
    return `aws s3 presign s3://${this.bucket.bucketName}/${SAMPLE_OBJECT_KEY} --expires-in ${SHARE_SECONDS}`;
  }
}

function acknowledgeBucketFindings(bucket: s3.Bucket): void {
  const noLogs = 'Lab bucket for one class session holding sample files; access logs would need a second bucket that costs more than the lab and outlives nothing worth auditing.';
  acknowledge(bucket, 'AwsSolutions-S1', noLogs);
  acknowledge(bucket, 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check', noLogs);
  acknowledge(bucket, 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check', 'Encrypted at rest with SSE-S3 (AES-256) at no cost; SSE-KMS would make every upload and shared link depend on KMS permissions that sandbox roles may lack, and teaches nothing in this lab.');
  acknowledge(bucket, 'cdk-validator-cfnguard::s3_event_notifications_enabled_check', 'Nothing in the lab reacts to object events; notifications would need a target (and, in CDK, one more Lambda) that teaches nothing here.');
  acknowledge(bucket, 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check', 'Object Lock would stop `cdk destroy` from deleting the objects, and the lab must leave nothing behind.');
}

/**
 * The Lambda that empties the bucket on delete is a CDK-managed singleton at stack scope
 * (not a child of the bucket): acknowledge its findings there, and only there.
 */
function acknowledgeAutoDeleteProvider(stack: Stack): void {
  const provider = stack.node.tryFindChild(AUTO_DELETE_PROVIDER_ID);
  if (!provider) throw new Error(`${AUTO_DELETE_PROVIDER_ID} not found in ${stack.node.path}: did aws-cdk-lib rename the auto-delete provider?`);
  acknowledge(provider, 'cdk-validator-cfnguard::lambda_inside_vpc_check', 'CDK\'s auto-delete handler only calls the S3 API when the stack is deleted; the lab VPC has no NAT gateway or endpoints, so inside it the handler could not reach S3 and destroy would fail.');
}
