import { Duration, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { acknowledge } from '../guardrails/guardrails';

export interface LabNetworkProps {
  /** Who may reach the load balancer. */
  readonly allowedCidr: string;
}

/**
 * The network every class module shares: a VPC over two AZs with no NAT gateway
 * (it would cost more than the rest of the lab), public subnets for the load balancer
 * and Fargate tasks, isolated subnets for the EC2 fleet, and one internet-facing ALB
 * with an HTTP :80 listener that each module joins with its own listener rule.
 */
export class LabNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly loadBalancerSecurityGroup: ec2.SecurityGroup;
  readonly listener: elbv2.ApplicationListener;

  constructor(scope: Construct, id: string, props: LabNetworkProps) {
    super(scope, id);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.30.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      // The default security group is unused; restricting it would cost a Lambda and an IAM role.
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [
        // No automatic public IPs: only the ALB and Fargate tasks that ask for one get one.
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'fleet', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    acknowledge(this.vpc, 'AwsSolutions-VPC7', 'Lab VPC lives for a class session; flow logs would cost more than the lab and nothing in it is sensitive.');

    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: this.vpc,
      description: 'Class Lab load balancer: HTTP from the allowed CIDR',
      allowAllOutbound: false,
    });
    this.loadBalancerSecurityGroup.addIngressRule(ec2.Peer.ipv4(props.allowedCidr), ec2.Port.tcp(80), 'HTTP from allowedCidr');
    // The ALB only talks to targets inside the VPC; each module opens its own target port.
    this.loadBalancerSecurityGroup.addEgressRule(ec2.Peer.ipv4(this.vpc.vpcCidrBlock), ec2.Port.tcp(80), 'HTTP to lab targets in the VPC');
    if (props.allowedCidr === '0.0.0.0/0') {
      acknowledge(this.loadBalancerSecurityGroup, 'AwsSolutions-EC23', 'The lab page is public on purpose so students can open it from any network; narrow it with -c allowedCidr=<your CIDR>.');
    }

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      internetFacing: true,
      securityGroup: this.loadBalancerSecurityGroup,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      dropInvalidHeaderFields: true,
      idleTimeout: Duration.seconds(30),
    });
    acknowledge(this.loadBalancer, 'AwsSolutions-ELB2', 'Lab traffic only; access logs would need a log bucket that costs more than the lab.');
    acknowledge(this.loadBalancer, 'cdk-validator-cfnguard::elbv2_deletion_protection_enabled_check', 'The lab must delete with `cdk destroy`; deletion protection would strand a billable load balancer.');
    acknowledge(this.loadBalancer, 'cdk-validator-cfnguard::elbv2_logging_enabled_check', 'Lab traffic only; access logs would need a log bucket that costs more than the lab.');

    this.listener = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      // Modules add rules; a request no module claims gets a plain answer, not a 503.
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'text/plain',
        messageBody: 'Class Lab: no class module answers this path. See the stack outputs for the lab URLs.',
      }),
    });
    acknowledge(this.listener, 'cdk-validator-cfnguard::alb_http_to_https_redirection_check', 'A sandbox without a domain cannot get a certificate; the lab serves plain HTTP pages with no secrets.');
    Tags.of(this).add('class-module', 'network');
  }

  /** http:// URL of the shared load balancer. */
  get url(): string {
    return `http://${this.loadBalancer.loadBalancerDnsName}`;
  }
}
