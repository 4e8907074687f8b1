import { CfnOutput, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ClassModule, LabConfig } from './config';
import { LabNetwork } from './lab-network';
import { Ec2Fleet } from './modules/ec2-fleet';
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
  readonly ecrRepository?: EcrRepository;
  readonly ecsService?: EcsService;

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

function tagEverything(stack: Stack, config: LabConfig): void {
  Tags.of(stack).add('course', COURSE_TAG);
  Tags.of(stack).add('student', config.student ?? SOLO_STUDENT);
  Tags.of(stack).add('managed-by', MANAGED_BY_TAG);
}
