import { tagClassModule } from '../class-module-tag';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, NestedStack, NestedStackProps } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LabConfig, LEARNER_LAB } from '../../settings/lab-config';
import { acknowledge } from '../../guardrails/guardrails';
import { addHostRule } from '../host-names';
import { LabNetwork } from '../lab-network';

/** Path of the instance boot script; shellcheck checks this file in CI. */
export const FLEET_USER_DATA_PATH = path.join(__dirname, 'ec2-fleet-user-data.sh');
/** Health path of the instance web page, checked by the target group. */
export const FLEET_HEALTH_PATH = '/health';
/**
 * Requests per instance per minute the scaling policy keeps the fleet at. The load balancer
 * publishes RequestCountPerTarget every minute, so target tracking sees a change within minutes
 * (instance CPU without paid detailed monitoring comes every 5 minutes). `npm run load` sends
 * 10 requests a second: about 300 per instance per minute on two instances, well above this.
 */
export const FLEET_REQUESTS_PER_TARGET_PER_MINUTE = 120;
/** Listener rule priority of the fleet: the last rule, so the fleet answers every path no other module claims. */
export const FLEET_RULE_PRIORITY = 50000;
/**
 * Instance refresh on a launch template change: half the fleet stays in service (one of the
 * default two instances)...
 */
export const FLEET_REFRESH_MIN_HEALTHY_PERCENT = 50;
/**
 * ...and the group never grows past its size while it replaces instances, so the refresh needs
 * no vCPU beyond the fleet's own: a refresh at 200% would double a scaled-out fleet and exceed a
 * new account's 5 On-Demand vCPUs (`plan` counts the refresh's peak from this template).
 */
export const FLEET_REFRESH_MAX_HEALTHY_PERCENT = 100;

export interface Ec2FleetProps extends NestedStackProps {
  readonly config: LabConfig;
  readonly network: LabNetwork;
}

/**
 * Class module "AWS EC2 — Load Balancing, Auto Scaling Group": a fleet of instances
 * in subnets without internet, behind the shared load balancer, kept healthy and
 * sized by an Auto Scaling Group.
 */
export class Ec2Fleet extends NestedStack {
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The `web.<zone>` listener rule to the fleet, when route53 is among the modules. */
  readonly hostRule?: elbv2.ApplicationListenerRule;

  constructor(scope: Construct, id: string, props: Ec2FleetProps) {
    super(scope, id, props);
    const { config, network } = props;

    // Instances: reachable only from the load balancer, no SSH, no public IPv4.
    const securityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc: network.vpc,
      description: 'Class Lab EC2 fleet: HTTP from the load balancer only',
      allowAllOutbound: false,
    });
    // The only ingress, HTTP from the load balancer's security group, is added by CDK when the
    // fleet joins the target group below; a second, hand-written copy would fail the deploy
    // with InvalidPermission.Duplicate.

    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: new ec2.InstanceType(config.instanceType),
      machineImage: fleetMachineImage(config),
      userData: ec2.UserData.custom(fs.readFileSync(FLEET_USER_DATA_PATH, 'utf8')),
      securityGroup,
      // Learner Lab forbids creating instance profiles; its own one is there to use.
      instanceProfile: config.sandbox === 'learner-lab'
        ? iam.InstanceProfile.fromInstanceProfileName(this, 'LabInstanceProfile', LEARNER_LAB.instanceProfileName)
        : undefined,
      requireImdsv2: true,
      associatePublicIpAddress: false,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(8, { volumeType: ec2.EbsDeviceVolumeType.GP3, encrypted: true, deleteOnTermination: true }),
      }],
    });
    acknowledge(launchTemplate, 'cdk-validator-cfnguard::ec2_launch_template_monitoring_enabled_check', 'The fleet scales on the load balancer\'s 1-minute request metrics, which are free; detailed instance monitoring is billed per metric per instance and would push the kit over its cost target.');

    // Load balancing: the fleet answers every path that no other module claims.
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: network.vpc,
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.INSTANCE,
      deregistrationDelay: Duration.seconds(10),
      healthCheck: {
        path: FLEET_HEALTH_PATH,
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    });
    new elbv2.ApplicationListenerRule(this, 'ListenerRule', {
      listener: network.listener,
      priority: FLEET_RULE_PRIORITY,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
      action: elbv2.ListenerAction.forward([this.targetGroup]),
    });
    // With Route 53, web.<zone> leads here; the rule lives and goes with this stack's target group.
    this.hostRule = addHostRule(this, 'web', { config, listener: network.listener, targetGroup: this.targetGroup });

    // Auto Scaling Group: replaces instances the load balancer finds unhealthy, scales on requests.
    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc: network.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      launchTemplate,
      minCapacity: config.fleet.min,
      desiredCapacity: config.fleet.desired,
      maxCapacity: config.fleet.max,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.minutes(3),
      }),
      defaultInstanceWarmup: Duration.minutes(2),
      updatePolicy: fleetUpdatePolicy(),
    });
    this.targetGroup.addTarget(this.autoScalingGroup);
    // Target tracking on the load balancer's 1-minute request count per instance: a scale-out
    // a student sees within the lab, without detailed monitoring's per-instance charge. ELB
    // publishes no datapoint in a minute without requests, and target tracking never scales in
    // on missing data, so the load generator keeps a trickle going while the group scales in.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
    this.autoScalingGroup.scaleOnRequestCount('RequestsPerInstance', {
      targetRequestsPerMinute: FLEET_REQUESTS_PER_TARGET_PER_MINUTE,
    });
    acknowledge(this.autoScalingGroup, 'Annotation::@aws-cdk/aws-autoscaling:desiredCapacitySet', 'fleetDesired is a lab setting: a redeploy resetting the fleet to it is what the lab wants.');
    acknowledge(this.autoScalingGroup, 'cdk-validator-cfnguard::autoscaling_multiple_az_check', 'The group spans two AZs through VPCZoneIdentifier (one fleet subnet per AZ); the rule only reads AvailabilityZones, which would repeat what the subnets already say.');
    acknowledge(this.autoScalingGroup, 'cdk-validator-cfnguard::autoscaling_mixed_instances_policy_multiple_instance_types_check', 'One burstable instance type (the instanceType setting) keeps the lab cheap and predictable in sandboxes that allow few types; a mixed-instances policy is not part of this class.');
    acknowledge(this.autoScalingGroup, 'AwsSolutions-AS3', 'Students watch scaling activity in the console during the lab; SNS notifications would go nowhere.');
    tagClassModule(this, 'ec2');
  }
}

/**
 * How a redeploy replaces the fleet when its launch template changes (instanceType, amiId, the
 * user data, or a newer Amazon Linux AMI that the SSM parameter picks up on any update).
 * Without an update policy the group would keep its old instances. CloudFormation's
 * AutoScalingInstanceRefresh update policy starts an EC2 Auto Scaling instance refresh instead:
 * it replaces half the fleet at a time (min 50% in service, max 100%: never more instances than
 * the group's size, so no vCPU beyond the fleet's), waits until the group's ELB health check
 * finds the new ones healthy plus the group's instance warmup, then does the other half, and the
 * deploy finishes only when the refresh has. (Percentages are of the desired capacity.)
 * No cfn-signal is needed, so it works from the fleet's subnets without internet.
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_autoscaling.UpdatePolicy.html
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-refresh.html
 */
export function fleetUpdatePolicy(): autoscaling.UpdatePolicy {
  return autoscaling.UpdatePolicy.instanceRefresh({
    strategy: autoscaling.InstanceRefreshStrategy.ROLLING,
    minHealthyPercentage: FLEET_REFRESH_MIN_HEALTHY_PERCENT,
    maxHealthyPercentage: FLEET_REFRESH_MAX_HEALTHY_PERCENT,
  });
}

/** Amazon Linux 2023 for the instance type's architecture, or the AMI the settings name. */
function fleetMachineImage(config: LabConfig): ec2.IMachineImage {
  if (config.amiId) {
    const imageId = config.amiId;
    return { getImage: () => ({ imageId, osType: ec2.OperatingSystemType.LINUX, userData: ec2.UserData.forLinux() }) };
  }
  return ec2.MachineImage.latestAmazonLinux2023({
    cpuType: config.architecture === 'arm64' ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
  });
}
