import { tagClassModule } from '../class-module-tag';
import { Fn, NestedStack, NestedStackProps, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { LabConfig } from '../../settings/lab-config';
import { FIRST_IMAGE_TAG, SAMPLE_APP_LOCAL_IMAGE } from '../sample-app';

/** How many tagged images the repository keeps; older ones expire. */
export const KEEP_IMAGE_COUNT = 5;

export interface EcrRepositoryProps extends NestedStackProps {
  readonly config: LabConfig;
}

/**
 * Class module "Containers — Repositories, Images": a private ECR repository that the
 * student pushes the sample app's image to, and the exact docker commands to do it.
 */
export class EcrRepository extends NestedStack {
  readonly repository: ecr.Repository;
  /** The tag the push commands use: the image the service runs, or v1 before there is one. */
  readonly tag: string;

  constructor(scope: Construct, id: string, props: EcrRepositoryProps) {
    super(scope, id, props);
    this.tag = props.config.imageTag ?? FIRST_IMAGE_TAG;

    this.repository = new ecr.Repository(this, 'Repository', {
      // No repositoryName: CloudFormation names it, so two students can share an account.
      imageScanOnPush: true,
      // Immutable tags, on purpose: a tag names one image forever. Pushing a changed image
      // as v1 again is refused, so every build gets a new tag (v2, v3, ...), and
      // `cdk deploy -c imageTag=v2` really changes the task definition and rolls the service.
      // With mutable tags a re-pushed v1 would change nothing that ECS can see, and a
      // rollback to "v1" could bring back a different image than the one that worked.
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      lifecycleRules: [{
        description: `Keep the last ${KEEP_IMAGE_COUNT} tagged images`,
        // Tagged images only: untagged manifests belong to tagged multi-platform images.
        tagStatus: ecr.TagStatus.TAGGED,
        tagPatternList: ['*'],
        maxImageCount: KEEP_IMAGE_COUNT,
      }],
      // Deleted with the stack, images and all: CloudFormation's EmptyOnDelete, no custom resource.
      removalPolicy: RemovalPolicy.DESTROY,
      emptyOnDelete: true,
    });
    tagClassModule(this, 'ecr');
  }

  /** The registry host the repository lives in: <account>.dkr.ecr.<region>.amazonaws.com. */
  get registry(): string {
    return Fn.select(0, Fn.split('/', this.repository.repositoryUri));
  }

  /** `docker login` to this registry with a 12-hour token from the AWS CLI. */
  get loginCommand(): string {
    return `aws ecr get-login-password --region ${Stack.of(this).region} | docker login --username AWS --password-stdin ${this.registry}`;
  }

  /** Names the locally built image for this repository. */
  get tagCommand(): string {
    return `docker tag ${SAMPLE_APP_LOCAL_IMAGE}:${this.tag} ${this.repository.repositoryUri}:${this.tag}`;
  }

  /** Uploads the tagged image to this repository. */
  get pushCommand(): string {
    return `docker push ${this.repository.repositoryUri}:${this.tag}`;
  }
}
