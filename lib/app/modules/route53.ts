import { tagClassModule } from '../class-module-tag';
import { NestedStack, NestedStackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { LabZone } from '../../settings/lab-config';
import { RecordLabel } from '../host-names';
import { LabNetwork } from '../lab-network';

/** Path the try command asks for, per record: one each target is known to answer. */
const TRY_PATHS: Readonly<Record<RecordLabel, string>> = { web: '/', app: '/app' };

export interface Route53ZoneProps extends NestedStackProps {
  readonly zone: LabZone;
  readonly network: LabNetwork;
  /**
   * The names to create: those whose module is deployed (lib/app/host-names.ts recordLabels). Each
   * name's listener rule belongs to that module's own nested stack, not to this one.
   */
  readonly labels: readonly RecordLabel[];
}

/** One record the module created: its label and full name. */
export interface LabRecord {
  readonly label: RecordLabel;
  readonly name: string;
  readonly record: route53.ARecord;
}

/**
 * Class module "AWS Route 53": names for the lab instead of the load balancer's DNS name.
 * By default a private hosted zone in the lab VPC (no domain needed); optionally an existing
 * public zone the kit only writes records into. Each name is an alias A record for the shared
 * load balancer (root stack); the module that owns the name (EC2 fleet: web, ECS service: app)
 * adds the listener rule that routes it, so this stack reads no other module's resources.
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

    for (const label of props.labels) this.records[label] = this.addName(label);
    tagClassModule(this, 'route53');
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

  /** `<label>.<zone>`: an alias for the load balancer. */
  private addName(label: RecordLabel): LabRecord {
    const name = `${label}.${this.zoneName}`;
    const record = new route53.ARecord(this, `${capitalize(label)}Record`, {
      zone: this.zone,
      recordName: `${name}.`,
      // Alias, not IP addresses: the load balancer's addresses change, its alias follows them.
      target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(this.network.loadBalancer)),
      comment: `Class Lab: ${label} host name of the shared load balancer`,
    });
    return { label, name, record };
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
