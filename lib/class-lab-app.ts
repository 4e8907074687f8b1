import { App, AppProps } from 'aws-cdk-lib';
import { ClassLabStack } from './class-lab-stack';
import { loadLabConfig } from './config';
import { addGuardrails } from './guardrails';

/** The construct id a student types: `npx cdk deploy ClassLabStack`. */
export const STACK_ID = 'ClassLabStack';

/** CloudFormation stack name: one per student when several share an account. */
export function stackNameFor(student: string | undefined): string {
  return student ? `${STACK_ID}-${student}` : STACK_ID;
}

export interface BuildOptions {
  /**
   * Run cdk-nag and CloudFormation Guard on synth. Always on for students; tests that only
   * vary a setting turn it off to stay fast, and the guardrail tests keep it on.
   * @default true
   */
  readonly guardrails?: boolean;
}

/**
 * Builds the CDK app: validates the settings first (a ConfigError stops everything
 * before any construct exists), then creates ClassLabStack with the guardrails on.
 */
export function buildClassLabApp(props: AppProps = {}, options: BuildOptions = {}): { app: App; stack: ClassLabStack } {
  const app = new App(props);
  const config = loadLabConfig((key) => app.node.tryGetContext(key));
  if (options.guardrails ?? true) addGuardrails(app);
  const stack = new ClassLabStack(app, STACK_ID, {
    config,
    stackName: stackNameFor(config.student),
    // Environment-agnostic on purpose: synth needs no credentials and no lookups.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  return { app, stack };
}
