/**
 * The cfn-lint findings the kit accepts, each with its reason: the one place to list them.
 * A finding matches by rule id, resource type and the path inside the resource. Anything cfn-lint
 * reports that is not here fails test/cfn-lint.test.ts. When a newer cfn-lint stops reporting an
 * entry, delete it.
 */
export interface KnownFinding {
  /** cfn-lint rule id, e.g. E3002. */
  readonly rule: string;
  /** CloudFormation resource type the finding is on. */
  readonly resourceType: string;
  /** Path inside the resource, e.g. Properties/Tags or DependsOn/0. */
  readonly path: string;
  /** Why the template is right and the finding is not. */
  readonly reason: string;
}

/** cfn-lint 1.51's resource schemas for ELBv2 listeners and listener rules predate their Tags property. */
const STALE_ELBV2_TAGS_SCHEMA =
  'stale cfn-lint resource schema: CloudFormation accepts Tags on this type (see ' +
  'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-listener.html ' +
  'and .../aws-resource-elasticloadbalancingv2-listenerrule.html; aws-cdk-lib 2.276 generates the property from the ' +
  'CloudFormation registry schema, and the kit tags every resource so the instructor tool can find it)';

export const KNOWN_FINDINGS: readonly KnownFinding[] = [
  { rule: 'E3002', resourceType: 'AWS::ElasticLoadBalancingV2::Listener', path: 'Properties/Tags', reason: STALE_ELBV2_TAGS_SCHEMA },
  { rule: 'E3002', resourceType: 'AWS::ElasticLoadBalancingV2::ListenerRule', path: 'Properties/Tags', reason: STALE_ELBV2_TAGS_SCHEMA },
  {
    rule: 'E3016',
    resourceType: 'AWS::AutoScaling::AutoScalingGroup',
    path: 'UpdatePolicy/AutoScalingInstanceRefresh',
    reason:
      "stale cfn-lint schema: CloudFormation's AutoScalingInstanceRefresh update policy is newer than cfn-lint 1.51's " +
      'UpdatePolicy schema (aws-cdk-lib added UpdatePolicy.instanceRefresh for it in 2.263.0, July 2026: ' +
      'https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.CfnAutoScalingInstanceRefresh.html); the fleet uses it ' +
      'for rolling replacement without cfn-signal',
  },
  {
    rule: 'W3005',
    resourceType: 'AWS::Lambda::Function',
    path: 'DependsOn/0',
    reason:
      "CDK's own S3 auto-delete-objects provider (autoDeleteObjects) declares DependsOn on its role besides the " +
      'GetAtt of the role ARN; redundant but harmless, and not the kit\'s code to change',
  },
];
