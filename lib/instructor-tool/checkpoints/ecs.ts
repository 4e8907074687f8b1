/**
 * Checkpoints of the ECS module (lab-guides/ecs.md): the service runs the student's image from
 * the kit's ECR repository (not the public placeholder), running equals desired, the latest
 * deployment completed (rolloutState, set by the deployment circuit breaker:
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html), and the app
 * answers through the load balancer with that version (sample-app/server.js /info).
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, Service } from '@aws-sdk/client-ecs';
import { withRetry } from '../aws/poller';
import { CheckContext, Checkpoint, fail, Outcome, output, pass, pending } from './checkpoint';

/** Tags the ECS guide ships (steps 3 to 5; test/lab-guides.test.ts keeps them equal); the exercise must ship something new. */
export const ECS_GUIDE_TAGS: readonly string[] = ['v1', 'v2', 'v99'];
/** Requests to /info: every one must come from a task of the expected version. */
export const VERSION_REQUESTS = 4;

export async function service(ctx: CheckContext): Promise<Service | undefined> {
  const [cluster, name] = [output(ctx, 'EcsClusterName'), output(ctx, 'EcsServiceName')];
  return ctx.memo('ecs-service', async () => (await withRetry(ctx.clock, () => ctx.clients.ecs.send(
    new DescribeServicesCommand({ cluster, services: [name] })))).services?.find((s) => s.status !== 'INACTIVE'));
}

/** The image of the service's current task definition. */
export async function runningImage(ctx: CheckContext): Promise<string | undefined> {
  const svc = await service(ctx);
  if (!svc?.taskDefinition) return undefined;
  const arn = svc.taskDefinition;
  return ctx.memo(`task-def:${arn}`, async () => (await withRetry(ctx.clock, () => ctx.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: arn })))).taskDefinition?.containerDefinitions?.[0]?.image);
}

/** The tag of the image the service runs when it is from the kit's repository; undefined for the placeholder. */
export async function runningTag(ctx: CheckContext): Promise<string | undefined> {
  const image = await runningImage(ctx);
  const repo = ctx.outputs.RepositoryUri;
  return repo && image?.startsWith(`${repo}:`) ? image.slice(repo.length + 1) : undefined;
}

const NO_SERVICE = fail('the ECS service of the stack is gone', 'redeploy: npx cdk deploy ClassLabStack');

/** The deployment state of the service: done, still rolling, or rolled back. */
export async function deploymentOutcome(ctx: CheckContext): Promise<Outcome> {
  const svc = await service(ctx);
  if (!svc) return NO_SERVICE;
  const primary = svc.deployments?.find((d) => d.status === 'PRIMARY');
  if (!primary) return pending('no primary deployment', 'check again in a minute');
  if (primary.rolloutState === 'COMPLETED') return pass(`deployment ${primary.id} COMPLETED`);
  if (primary.rolloutState === 'FAILED') return fail(`deployment FAILED: ${primary.rolloutStateReason ?? ''}`.trim(), 'the new tasks did not become healthy and the circuit breaker rolled back: see lab-guides/ecs.md#troubleshooting');
  return pending(`deployment ${primary.rolloutState ?? 'IN_PROGRESS'} (${primary.runningCount ?? 0} of ${primary.desiredCount ?? 0} tasks)`, 'a rollout takes 2 to 5 minutes; check again soon');
}

/** Asks the app through the load balancer; passes when every answer is `version` from an ECS task. */
export async function answersWith(ctx: CheckContext, version: string): Promise<Outcome> {
  const url = `${output(ctx, 'AppUrl')}/info`;
  const seen: string[] = [];
  for (let i = 0; i < VERSION_REQUESTS; i++) {
    const reply = await ctx.http.get(url);
    if (reply.status !== 200) return fail(`${url} answered ${reply.status}`, 'check that the service is running (ecs.running) and its targets are healthy');
    let info: { version?: string; taskArn?: string | null };
    try {
      info = JSON.parse(reply.body);
    } catch {
      return pending(`${url} is not the sample app (no JSON facts)`, 'the service still runs the placeholder: roll it onto your image (step 3 of lab-guides/ecs.md)');
    }
    if (!info.taskArn) return fail(`${url} answered from outside ECS (no taskArn)`, 'AppUrl must reach the ECS service: redeploy with npx cdk deploy ClassLabStack');
    seen.push(info.version ?? '?');
  }
  const others = seen.filter((v) => v !== version);
  if (others.length === 0) return pass(`${VERSION_REQUESTS} answers from ECS tasks, all "version":"${version}"`);
  if (others.length < seen.length) return pending(`answers mix ${[...new Set(seen)].join(' and ')}`, 'the old tasks are draining; check again in a minute');
  return fail(`the app answers "version":"${others[0]}", expected "${version}"`, `build with --build-arg APP_VERSION=${version} so the version matches the tag, push under a new tag and deploy it`);
}

const ownImage: Checkpoint = {
  id: 'ecs.image',
  title: 'the service runs your image from ECR',
  async run(ctx) {
    const image = await runningImage(ctx);
    if (!image) return NO_SERVICE;
    const tag = await runningTag(ctx);
    if (tag === undefined) return pending(`the service runs the placeholder ${image}`, 'push your image, then npm run setup -- imageTag=v1 and npx cdk deploy ClassLabStack (step 3 of lab-guides/ecs.md)');
    if (ctx.settings.imageTag && tag !== ctx.settings.imageTag) return pending(`the service runs ${tag}, not ${ctx.settings.imageTag}`, `your imageTag setting is ${ctx.settings.imageTag}: deploy it with npx cdk deploy ClassLabStack (step 3 of lab-guides/ecs.md)`);
    return pass(`runs ${image}`);
  },
};

const running: Checkpoint = {
  id: 'ecs.running',
  title: 'running tasks equal desired',
  async run(ctx) {
    const svc = await service(ctx);
    if (!svc) return NO_SERVICE;
    const [run, want] = [svc.runningCount ?? 0, svc.desiredCount ?? 0];
    if (want > 0 && run === want) return pass(`${run} of ${want} tasks running`);
    if (want === 0) return fail('desired count is 0', 'redeploy to restore it: npx cdk deploy ClassLabStack');
    return pending(`${run} of ${want} tasks running`, 'tasks take a minute or two to start; if they keep stopping, see lab-guides/ecs.md#troubleshooting');
  },
};

const deployed: Checkpoint = {
  id: 'ecs.deployment',
  title: 'the latest deployment completed',
  run: deploymentOutcome,
};

const version: Checkpoint = {
  id: 'ecs.version',
  title: 'the app URL answers with that version',
  async run(ctx) {
    const tag = await runningTag(ctx);
    if (tag === undefined) return pending('the service runs the placeholder', 'see ecs.image');
    return answersWith(ctx, tag);
  },
};

export const ECS_CHECKPOINTS: readonly Checkpoint[] = [ownImage, running, deployed, version];
