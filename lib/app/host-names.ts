import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { ClassModule, LabConfig, RECORD_LABELS } from '../settings/lab-config';

/** A name in the Route 53 zone: `web.<zone>` or `app.<zone>`. */
export type RecordLabel = (typeof RECORD_LABELS)[number];

/**
 * The class module whose target each host name leads to: `web.<zone>` to the EC2 fleet,
 * `app.<zone>` to the ECS service. That module owns the name's listener rule (next to its
 * target group, in its own nested stack); the Route 53 module owns only the zone and the alias
 * records, which point at the root stack's load balancer. So no nested stack reads another's
 * resources, and adding or removing any module creates or deletes its own rule with it.
 */
export const RECORD_MODULES: Readonly<Record<RecordLabel, ClassModule>> = { web: 'ec2', app: 'ecs' };

/**
 * Listener rule priorities of the host names: before the ECS path rules (100) and the fleet's
 * catch-all (50000), so a host name wins over a path. Fixed per name, so a rule keeps its
 * priority whichever modules are deployed, and no two rules share one. Not 10/11, which the
 * Route 53 module's own host rules had in earlier versions of the kit: a listener can't have two
 * rules with the same priority (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html),
 * and updating a lab deployed with those creates these rules before the old ones are deleted.
 */
export const HOST_RULE_PRIORITIES: Readonly<Record<RecordLabel, number>> = { web: 20, app: 21 };

/** The names the settings give the Route 53 module: those whose module is deployed too; none without route53. */
export function recordLabels(config: LabConfig): RecordLabel[] {
  if (!config.modules.has('route53')) return [];
  return RECORD_LABELS.filter((label) => config.modules.has(RECORD_MODULES[label]));
}

/** `<label>.<zone>`, without the trailing dot (a host-header value; config keeps it within 128 characters). */
export function hostName(label: RecordLabel, config: LabConfig): string {
  return `${label}.${config.zone.name}`;
}

export interface HostRuleProps {
  readonly config: LabConfig;
  /** The shared listener (root stack). */
  readonly listener: elbv2.IApplicationListener;
  /** The module's own target group, in the same nested stack as the rule. */
  readonly targetGroup: elbv2.IApplicationTargetGroup;
}

/**
 * The listener rule for `<label>.<zone>` when route53 is among the modules, created by the module
 * that owns the name; undefined otherwise. Needs only the zone name (a string from the settings)
 * and the root stack's listener, never the Route 53 nested stack.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#host-conditions
 */
export function addHostRule(scope: Construct, label: RecordLabel, props: HostRuleProps): elbv2.ApplicationListenerRule | undefined {
  if (!recordLabels(props.config).includes(label)) return undefined;
  return new elbv2.ApplicationListenerRule(scope, 'HostRule', {
    listener: props.listener,
    priority: HOST_RULE_PRIORITIES[label],
    conditions: [elbv2.ListenerCondition.hostHeaders([hostName(label, props.config)])],
    action: elbv2.ListenerAction.forward([props.targetGroup]),
  });
}
