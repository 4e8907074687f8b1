/**
 * The ECS service-linked role, created ahead of the first deploy (`class-lab-admin doctor --fix`).
 *
 * ECS creates AWSServiceRoleForECS itself with the first cluster of an account, then assumes it at
 * once; IAM is eventually consistent, so in a brand-new account the cluster (or the service) often
 * fails with "Unable to assume the service linked role" and the whole ClassLabStack rolls back.
 * AWS has not fixed this on its side (cloudformation-coverage-roadmap#818, closed and moved to
 * containers-roadmap#2614, open). A CloudFormation resource cannot do it either: AWS::IAM::
 * ServiceLinkedRole fails when the role already exists ("has been taken"), and a custom resource
 * creating it right before the cluster meets the same propagation delay. Creating it once, minutes
 * before the deploy, and waiting until IAM returns it, is what works.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot.html#troubleshoot_general_eventual-consistency
 */
import { CreateServiceLinkedRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { AwsClients } from '../aws/clients';
import { Clock } from '../core/clock';
import { describeAwsError, errorMessage, errorName } from '../core/errors';

export const ECS_SERVICE_NAME = 'ecs.amazonaws.com';
export const ECS_SERVICE_LINKED_ROLE_NAME = 'AWSServiceRoleForECS';
/** How long to wait for IAM to return a role it just created. */
export const PROPAGATION_TIMEOUT_MS = 2 * 60_000;
/** Between GetRole polls, and once more after the role is visible, since other regions' endpoints lag. */
export const PROPAGATION_POLL_MS = 5_000;

export type EnsureOutcome = 'created' | 'existed';

function isMissing(error: unknown): boolean {
  return ['NoSuchEntityException', 'NoSuchEntity'].includes(errorName(error));
}

/** IAM's answer when the role is already there (a student ran it twice, or ECS made it meanwhile). */
function isTaken(error: unknown): boolean {
  return ['InvalidInputException', 'InvalidInput'].includes(errorName(error)) && /has been taken/i.test(errorMessage(error));
}

/** Creates AWSServiceRoleForECS unless it exists, and returns once IAM returns it. */
export async function ensureEcsServiceLinkedRole(clients: AwsClients, clock: Clock): Promise<EnsureOutcome> {
  try {
    await clients.iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: ECS_SERVICE_NAME }));
  } catch (error) {
    if (isTaken(error)) return 'existed';
    throw describeAwsError(error);
  }
  const deadline = clock.now() + PROPAGATION_TIMEOUT_MS;
  for (;;) {
    try {
      await clients.iam.send(new GetRoleCommand({ RoleName: ECS_SERVICE_LINKED_ROLE_NAME }));
      await clock.sleep(PROPAGATION_POLL_MS);
      return 'created';
    } catch (error) {
      if (!isMissing(error)) throw describeAwsError(error);
      if (clock.now() >= deadline) throw describeAwsError(new Error(`${ECS_SERVICE_LINKED_ROLE_NAME} was created but IAM did not return it within ${PROPAGATION_TIMEOUT_MS / 60_000} minutes; run doctor again`));
      await clock.sleep(PROPAGATION_POLL_MS);
    }
  }
}
