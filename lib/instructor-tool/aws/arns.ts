/** Parts of the ARNs the tool reads back from AWS. */

/** Cluster and service name of an ECS service ARN (arn:aws:ecs:region:account:service/<cluster>/<service>). */
export function serviceArnParts(arn: string): { cluster?: string; service: string } {
  const path = arn.split(':').pop()!.split('/');
  return path.length >= 3 ? { cluster: path[1], service: path[path.length - 1] } : { service: path[path.length - 1] };
}
