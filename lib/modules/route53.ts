import { NestedStack, NestedStackProps, Tags } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { LabZone, RECORD_LABELS } from '../config';
import { LabNetwork } from '../lab-network';

/** A name in the zone, and the load balancer target its requests go to. */
export type RecordLabel = (typeof RECORD_LABELS)[number];

/**
 * Target groups the host names lead to: `web.<zone>` to the EC2 fleet, `app.<zone>` to the
 * ECS service. A module that is left out has no target, and gets no record and no rule.
 * Each target group must already be attached to the shared listener by its own module's
 * rule (the fleet's catch-all, the ECS path rule): this module only adds host-name rules.
 */
export interface Route53Targets {
  readonly web?: elbv2.IApplicationTargetGroup;
  readonly app?: elbv2.IApplicationTargetGroup;
}

/**
 * Listener rule priorities of the host names: before the ECS path rules (about 100-200) and
 * the fleet's catch-all (50000), so a host name wins over a path.
 */
export const HOST_RULE_PRIORITIES: Readonly<Record<RecordLabel, number>> = { web: 10, app: 11 };

/** Path the try command asks for, per record: one each target is known to answer. */
const TRY_PATHS: Readonly<Record<RecordLabel, string>> = { web: '/', app: '/app' };

export interface Route53ZoneProps extends NestedStackProps {
  readonly zone: LabZone;
  readonly network: LabNetwork;
  readonly targets: Route53Targets;
}

/** One record the module created: its full name and the listener rule that routes its host name. */
export interface LabRecord {
  readonly label: RecordLabel;
  readonly name: string;
  readonly record: route53.ARecord;
  readonly rule: elbv2.ApplicationListenerRule;
}

/**
 * Class module "AWS Route 53": names for the lab instead of the load balancer's DNS name.
 * By default a private hosted zone in the lab VPC (no domain needed); optionally an existing
 * public zone the kit only writes records into. Each name is an alias A record for the shared
 * load balancer, and the load balancer routes each host name to its own target.
 */
export class Route53Zone extends NestedStack {
  readonly zone: route53.IHostedZone;
  readonly zoneName: string;
  /** Whether the zone is the kit's private zone (resolves only inside the lab VPC). */
  readonly isPrivate: boolean;
  readonly records: Partial<Record<RecordLabel, LabRecord>> = {};
  private readonly network: LabNetwork;

  constructor(scope: Construct, id: string, props: Route53ZoneProps) {
    super(scope, id, props);
    this.network = props.network;
    this.zoneName = props.zone.name;
    this.isPrivate = props.zone.publicZoneId === undefined;
    this.zone = hostedZone(this, props.zone, props.network);

    for (const label of RECORD_LABELS) {
      const target = props.targets[label];
      if (target) this.records[label] = this.addName(label, target);
    }
    Tags.of(this).add('class-module', 'route53');
  }

  /** The command that shows a record at work; undefined when the zone has no record yet. */
  get tryCommand(): string | undefined {
    const record = this.records.web ?? this.records.app;
    if (!record) return undefined;
    const path = TRY_PATHS[record.label];
    // A private zone resolves only inside the VPC: from a laptop, send the host name as a header.
    return this.isPrivate
      ? `curl -H "Host: ${record.name}" http://${this.network.loadBalancer.loadBalancerDnsName}${path}`
      : `curl http://${record.name}${path}`;
  }

  /** `<label>.<zone>`: an alias for the load balancer, and a listener rule for the host name. */
  private addName(label: RecordLabel, target: elbv2.IApplicationTargetGroup): LabRecord {
    const name = `${label}.${this.zoneName}`;
    const record = new route53.ARecord(this, `${capitalize(label)}Record`, {
      zone: this.zone,
      recordName: `${name}.`,
      // Alias, not IP addresses: the load balancer's addresses change, its alias follows them.
      target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(this.network.loadBalancer)),
      comment: `Class Lab: ${label} host name of the shared load balancer`,
    });
    const rule = new elbv2.ApplicationListenerRule(this, `${capitalize(label)}HostRule`, {
      listener: this.network.listener,
      priority: HOST_RULE_PRIORITIES[label],
      conditions: [elbv2.ListenerCondition.hostHeaders([name])],
      action: new ForwardToAttachedTargetGroup(target),
    });
    return { label, name, record, rule };
  }
}

/**
 * Forwards to a target group without registering it with the listener again. Its own module
 * already did (that opens the security groups, and orders e.g. the ECS service after the
 * attachment). Registering here too would make the ECS service wait for this module's rule
 * while this module reads the ECS target group: a circular dependency between nested stacks.
 */
class ForwardToAttachedTargetGroup extends elbv2.ListenerAction {
  constructor(targetGroup: elbv2.IApplicationTargetGroup) {
    super({ type: 'forward', targetGroupArn: targetGroup.targetGroupArn });
  }
}

/** The kit's private zone in the lab VPC, or the student's public zone, imported without a lookup. */
function hostedZone(scope: Construct, zone: LabZone, network: LabNetwork): route53.IHostedZone {
  if (zone.publicZoneId !== undefined) {
    return route53.HostedZone.fromHostedZoneAttributes(scope, 'PublicZone', { hostedZoneId: zone.publicZoneId, zoneName: zone.name });
  }
  return new route53.PrivateHostedZone(scope, 'PrivateZone', {
    zoneName: zone.name,
    vpc: network.vpc,
    comment: 'Class Lab: private zone of the lab VPC (resolves only inside the VPC)',
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
