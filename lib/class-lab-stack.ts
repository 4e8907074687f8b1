import { CfnOutput, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ClassModule, LabConfig } from './config';
import { LabExpiry } from './expiry';
import { LabNetwork } from './lab-network';
import { Ec2Fleet } from './modules/ec2-fleet';

/** Tag values every resource of the kit carries; the instructor tooling selects by them. */
export const COURSE_TAG = 'class-03';
export const MANAGED_BY_TAG = 'class-lab-kit';
/** Student tag value when one student has the account to themselves. */
export const SOLO_STUDENT = 'solo';

export interface ClassLabStackProps extends StackProps {
  readonly config: LabConfig;
  /** When the stack deletes itself (set with `expiresAfterHours`); undefined: never. */
  readonly expiresAt?: Date;
}

/**
 * ClassLabStack: the one stack a student deploys and destroys. It holds the shared
 * network and load balancer; each class module is a nested stack inside it, so the
 * console still shows one stack per module.
 */
export class ClassLabStack extends Stack {
  readonly config: LabConfig;
  readonly network: LabNetwork;
  readonly fleet?: Ec2Fleet;
  readonly expiry?: LabExpiry;

  constructor(scope: Construct, id: string, props: ClassLabStackProps) {
    super(scope, id, {
      description: 'Class Lab Kit: Class 03 (EC2, Load Balancing, Auto Scaling, S3, Route 53, ECR, ECS)',
      ...props,
    });
    this.config = props.config;
    tagEverything(this, props.config);

    this.network = new LabNetwork(this, 'Network', { allowedCidr: props.config.allowedCidr });
    new CfnOutput(this, 'WebUrl', {
      value: this.network.url,
      description: 'Open this in a browser: the load-balanced lab page',
    });

    if (this.has('ec2')) {
      this.fleet = new Ec2Fleet(this, 'Ec2Fleet', { config: props.config, network: this.network });
      new CfnOutput(this, 'FleetAutoScalingGroupName', {
        value: this.fleet.autoScalingGroup.autoScalingGroupName,
        description: 'Auto Scaling Group of the EC2 fleet',
      });
      new CfnOutput(this, 'FleetLoadUrl', {
        value: `${this.network.url}/load?seconds=300`,
        description: 'Puts five minutes of CPU load on the instance that answers (scaling exercise)',
      });
    }

    if (props.expiresAt) {
      this.expiry = new LabExpiry(this, 'Expiry', { expiresAt: props.expiresAt, afterHours: props.config.expiresAfterHours });
      new CfnOutput(this, 'ExpiresAt', {
        value: this.expiry.expiresAt,
        description: 'When this lab deletes itself (UTC); to extend, redeploy with a larger -c expiresAfterHours',
      });
    }
  }

  /** Whether the settings include this class module. */
  has(module: ClassModule): boolean {
    return this.config.modules.has(module);
  }
}

function tagEverything(stack: Stack, config: LabConfig): void {
  Tags.of(stack).add('course', COURSE_TAG);
  Tags.of(stack).add('student', config.student ?? SOLO_STUDENT);
  Tags.of(stack).add('managed-by', MANAGED_BY_TAG);
}
