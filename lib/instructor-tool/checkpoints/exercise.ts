/**
 * Checkpoints of the class exercise (lab-guides/exercise.md): a new version, with a tag the ECS
 * guide did not use, shipped from the student's computer and live behind the load balancer.
 * The expected tag is the `imageTag` setting the student deploys with; its proof is what the
 * guide asks for: AppImage at that tag, a completed rollout, and /info (and the page) saying
 * that version from ECS tasks. The other parts of the exercise are the modules' checkpoints.
 */
import { CheckContext, Checkpoint, fail, Outcome, output, pass, pending } from './checkpoint';
import { deploymentOutcome, answersWith, ECS_GUIDE_TAGS, runningTag } from './ecs';

function newTag(ctx: CheckContext): Outcome | string {
  const tag = ctx.settings.imageTag;
  if (!tag) return pending('no imageTag setting, so no new version to look for', 'when you have pushed it, set its tag: npm run setup -- imageTag=v3, then npx cdk deploy ClassLabStack (part 8 of lab-guides/exercise.md)');
  if (ECS_GUIDE_TAGS.includes(tag)) return fail(`${tag} is a tag of the ECS guide`, `the exercise ships a new version: build with --build-arg APP_VERSION=v3 and push it as v3 (part 7 of lab-guides/exercise.md), then npm run setup -- imageTag=v3 and npx cdk deploy ClassLabStack (part 8)`);
  return tag;
}

const shipped: Checkpoint = {
  id: 'exercise.tag',
  title: 'a new tag, not one of the ECS guide\'s, is what the stack runs',
  async run(ctx) {
    const tag = newTag(ctx);
    if (typeof tag !== 'string') return tag;
    const running = await runningTag(ctx);
    if (running === tag) return pass(`the service runs ${output(ctx, 'RepositoryUri')}:${tag}`);
    return pending(`the service runs ${running ?? 'the placeholder'}, not ${tag}`, `push ${tag}, then npx cdk deploy ClassLabStack with imageTag=${tag} in your settings (part 8 of lab-guides/exercise.md)`);
  },
};

const live: Checkpoint = {
  id: 'exercise.live',
  title: 'the new version answers through the load balancer',
  async run(ctx) {
    const tag = newTag(ctx);
    if (typeof tag !== 'string') return tag;
    if ((await runningTag(ctx)) !== tag) return pending(`${tag} is not deployed yet`, 'see exercise.tag');
    const rollout = await deploymentOutcome(ctx);
    if (rollout.status !== 'pass') return rollout;
    const answers = await answersWith(ctx, tag);
    if (answers.status !== 'pass') return answers;
    // The visible change: the page a person opens shows the new version too.
    const page = await ctx.http.get(output(ctx, 'AppUrl'));
    if (page.status !== 200 || !page.body.includes(tag)) return fail(`the page at ${output(ctx, 'AppUrl')} does not show ${tag}`, 'build the sample app from this repository so the page shows APP_VERSION');
    return pass(`${answers.detail}; the page shows ${tag}`);
  },
};

export const EXERCISE_CHECKPOINTS: readonly Checkpoint[] = [shipped, live];
