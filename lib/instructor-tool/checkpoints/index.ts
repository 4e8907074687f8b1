/** Every module's checkpoints, in the order of the guides, and how to tell the module is deployed. */
import { CheckModule, Checkpoint } from './checkpoint';
import { EC2_FLEET_CHECKPOINTS } from './ec2-fleet';
import { ECR_CHECKPOINTS } from './ecr';
import { ECS_CHECKPOINTS } from './ecs';
import { EXERCISE_CHECKPOINTS } from './exercise';
import { ROUTE53_CHECKPOINTS } from './route53';
import { S3_CHECKPOINTS } from './s3';

export interface ModuleCheckpoints {
  readonly checkpoints: readonly Checkpoint[];
  /** The stack outputs the module's deploy adds (lib/app/class-lab-stack.ts): all present means deployed. */
  readonly outputs: readonly string[];
  /** The guide whose steps the checkpoints follow. */
  readonly guide: string;
}

export const MODULE_CHECKPOINTS: Readonly<Record<CheckModule, ModuleCheckpoints>> = {
  ec2: { checkpoints: EC2_FLEET_CHECKPOINTS, outputs: ['FleetAutoScalingGroupName', 'WebUrl'], guide: 'lab-guides/ec2-fleet.md' },
  s3: { checkpoints: S3_CHECKPOINTS, outputs: ['BucketName'], guide: 'lab-guides/s3.md' },
  route53: { checkpoints: ROUTE53_CHECKPOINTS, outputs: ['HostedZoneId', 'WebUrl'], guide: 'lab-guides/route53.md' },
  ecr: { checkpoints: ECR_CHECKPOINTS, outputs: ['RepositoryUri'], guide: 'lab-guides/ecr.md' },
  ecs: { checkpoints: ECS_CHECKPOINTS, outputs: ['EcsClusterName', 'EcsServiceName', 'AppUrl'], guide: 'lab-guides/ecs.md' },
  exercise: { checkpoints: EXERCISE_CHECKPOINTS, outputs: ['EcsClusterName', 'EcsServiceName', 'AppUrl', 'RepositoryUri'], guide: 'lab-guides/exercise.md' },
};

export function isDeployed(module: CheckModule, outputs: Readonly<Record<string, string>>): boolean {
  return MODULE_CHECKPOINTS[module].outputs.every((key) => Boolean(outputs[key]));
}
