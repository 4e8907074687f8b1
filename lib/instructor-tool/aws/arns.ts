/** Parts of the ARNs the tool reads back from AWS, and the partition of the ARNs it builds. */

/** Cluster and service name of an ECS service ARN (arn:<partition>:ecs:region:account:service/<cluster>/<service>). */
export function serviceArnParts(arn: string): { cluster?: string; service: string } {
  const path = arn.split(':').pop()!.split('/');
  return path.length >= 3 ? { cluster: path[1], service: path[path.length - 1] } : { service: path[path.length - 1] };
}

/**
 * The partition of a Region: the second field of every ARN in it. An account belongs to one
 * partition, and its ARNs name it: `aws`, `aws-cn` (China), `aws-us-gov` (GovCloud) and the
 * isolated ones (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).
 * cdk.json targets `aws-cn` as well, so no ARN the tool builds may say `arn:aws:`.
 */
export function partitionOf(region: string | undefined): string {
  const r = region ?? '';
  if (r.startsWith('cn-')) return 'aws-cn';
  if (r.startsWith('us-gov-')) return 'aws-us-gov';
  if (r.startsWith('us-isob-')) return 'aws-iso-b';
  if (r.startsWith('us-isof-')) return 'aws-iso-f';
  if (r.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (r.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}
