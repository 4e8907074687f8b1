import { CfnOutput, Fn, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ClassModule, LabConfig } from '../settings/lab-config';
import { LabExpiry } from '../class-operations/expiry';
import { LabNetwork } from './lab-network';
import { OwnedLogGroups } from '../class-operations/owned-log-groups';
import { Ec2Fleet } from './modules/ec2-fleet';
import { recordLabels } from './host-names';
import { Route53Zone } from './modules/route53';
import { S3Storage } from './modules/s3';
import { EcrRepository } from './modules/ecr';
import { EcsService } from './modules/ecs';
import { SAMPLE_APP_BASE_PATH } from './sample-app';

/** Tag values every resource of the kit carries; the instructor tooling selects by them. */
export const COURSE_TAG = 'class-03';
export const MANAGED_BY_TAG = 'class-lab-kit';
/** Student tag value when one student has the account to themselves. */
export const SOLO_STUDENT = 'solo';

export interface ClassLabStackProps extends StackProps {
  readonly config: LabConfig;
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
  readonly s3?: S3Storage;
  readonly route53?: Route53Zone;
  readonly ecrRepository?: EcrRepository;
  readonly ecsService?: EcsService;
  readonly expiry?: LabExpiry;

  constructor(scope: Construct, id: string, props: ClassLabStackProps) {
    super(scope, id, {
      description: 'Class Lab Kit: Class 03 (EC2, Load Balancing, Auto Scaling, S3, Route 53, ECR, ECS)',
      ...props,
      // With cdk.json's @aws-cdk/core:explicitStackTags, Tags.of(stack) tags the resources but not
      // the stack: the instructor tool finds the kit's stacks by these tags, so they are the
      // stack's own (the CLI sends them with the deploy; CloudFormation also gives them to every
      // resource that takes tags, nested stacks included).
      tags: { ...props.tags, ...kitTags(props.config) },
    });
    this.config = props.config;
    tagEverything(this, props.config);
    // Every Lambda function (CDK's providers too) logs to a log group this stack deletes.
    OwnedLogGroups.applyTo(this);

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

    if (this.has('s3')) {
      this.s3 = new S3Storage(this, 'S3');
      new CfnOutput(this, 'BucketName', {
        value: this.s3.bucket.bucketName,
        description: 'Your private, versioned lab bucket',
      });
      new CfnOutput(this, 'BucketCopyCommand', {
        value: this.s3.copyCommand,
        description: 'Uploads a local file to your bucket (run it again after editing the file to make a second version)',
      });
      new CfnOutput(this, 'BucketShareCommand', {
        value: this.s3.shareCommand,
        description: 'Prints a link to the uploaded object that works for one hour without credentials (the bucket stays private)',
      });
    }

    if (this.has('ecr')) {
      this.ecrRepository = new EcrRepository(this, 'EcrRepository', { config: props.config });
      this.addEcrOutputs(this.ecrRepository);
    }

    if (this.has('ecs')) {
      this.ecsService = new EcsService(this, 'EcsService', {
        config: props.config,
        network: this.network,
        repository: this.ecrRepository?.repository,
      });
      this.addEcsOutputs(this.ecsService);
    }

    // Route 53 reads no other module: the fleet and the service add their own host rules.
    if (this.has('route53')) {
      this.route53 = new Route53Zone(this, 'Route53', {
        zone: props.config.zone,
        network: this.network,
        labels: recordLabels(props.config),
      });
      this.addRoute53Outputs(this.route53);
    }

    if (props.config.expiresAfterHours !== undefined) {
      this.expiry = new LabExpiry(this, 'Expiry', { afterHours: props.config.expiresAfterHours });
      this.expiry.outlastEverything();
    }
  }

  /**
   * Two availability zones picked at deploy time (Fn::GetAZs), for every stack. For a stack with
   * both account and region (a roster entry naming both) CDK would otherwise look the zones up at
   * synth, which needs that account's credentials, and write placeholders ("dummy1a") without
   * them: the template deployed would not be the template tested.
   */
  override get availabilityZones(): string[] {
    return [0, 1].map((index) => Fn.select(index, Fn.getAzs()));
  }

  private addRoute53Outputs(route53: Route53Zone): void {
    new CfnOutput(this, 'HostedZoneName', {
      value: route53.zoneName,
      description: route53.isPrivate ? 'Private hosted zone of the lab VPC (resolves only inside the VPC)' : 'Your public hosted zone (the kit only adds records to it)',
    });
    new CfnOutput(this, 'HostedZoneId', { value: route53.zone.hostedZoneId, description: 'Id of the hosted zone' });
    if (route53.records.web) {
      new CfnOutput(this, 'WebRecordName', { value: route53.records.web.name, description: 'Alias record for the load balancer that reaches the EC2 fleet' });
    }
    if (route53.records.app) {
      new CfnOutput(this, 'AppRecordName', { value: route53.records.app.name, description: 'Alias record for the load balancer that reaches the ECS service' });
    }
    const tryCommand = route53.tryCommand;
    if (tryCommand) {
      new CfnOutput(this, 'TryRecordCommand', {
        value: tryCommand,
        description: route53.isPrivate
          ? 'Asks the load balancer for a record by host name (a private zone resolves only inside the VPC)'
          : 'Opens a record of your public zone',
      });
    }
  }

  private addEcrOutputs(ecr: EcrRepository): void {
    new CfnOutput(this, 'RepositoryUri', {
      value: ecr.repository.repositoryUri,
      description: 'Private ECR repository for the sample app image',
    });
    new CfnOutput(this, 'EcrLoginCommand', {
      value: ecr.loginCommand,
      description: 'Logs Docker in to the ECR registry (the token lasts 12 hours)',
    });
    new CfnOutput(this, 'EcrTagCommand', {
      value: ecr.tagCommand,
      description: `Names the local image for the repository (tag ${ecr.tag}: the imageTag setting, or the first image's tag before it is set)`,
    });
    new CfnOutput(this, 'EcrPushCommand', {
      value: ecr.pushCommand,
      description: 'Uploads the tagged image to the repository',
    });
  }

  private addEcsOutputs(app: EcsService): void {
    new CfnOutput(this, 'AppUrl', {
      value: `${this.network.url}${SAMPLE_APP_BASE_PATH}`,
      description: 'The ECS service behind the shared load balancer',
    });
    new CfnOutput(this, 'EcsClusterName', { value: app.cluster.clusterName, description: 'ECS cluster of the lab' });
    new CfnOutput(this, 'EcsServiceName', { value: app.service.serviceName, description: 'Fargate service that runs the app' });
    new CfnOutput(this, 'AppImage', {
      value: app.imageName,
      description: 'Image the service runs: the public placeholder, or the ECR repository at imageTag',
    });
  }

  /** Whether the settings include this class module. */
  has(module: ClassModule): boolean {
    return this.config.modules.has(module);
  }
}

/** The tags the instructor tool finds a student's stack and resources by. */
export function kitTags(config: LabConfig): Record<string, string> {
  return { course: COURSE_TAG, student: config.student ?? SOLO_STUDENT, 'managed-by': MANAGED_BY_TAG };
}

function tagEverything(stack: Stack, config: LabConfig): void {
  for (const [key, value] of Object.entries(kitTags(config))) Tags.of(stack).add(key, value);
}
