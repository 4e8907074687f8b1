import { repoCdkJson } from './project';

/**
 * The context keys the pinned CDK CLI adds to cdk.json's `context` when it runs the app
 * (`cdk synth --no-version-reporting`, as the tests run it; a student's plain `cdk deploy` has
 * version reporting on, which only adds the CDKMetadata resource). test/app/cli-equivalence.test.ts
 * reads what the CLI really hands the app and fails when this list is out of date.
 */
export const CLI_ADDED_CONTEXT: Readonly<Record<string, unknown>> = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:disable-version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
  '@aws-cdk/core:failSynthOnValidationErrors': false,
};

/**
 * The context the CLI gives the app for `-c` settings `commandLine`: cdk.json's `context` (every
 * feature flag), the CLI's own keys, then the command line. Tests build the app with this, never
 * with their settings alone, so every feature flag a student's deploy has is in force in the test.
 */
export function cliContext(commandLine: Readonly<Record<string, unknown>> = {}, cdkJsonContext: Readonly<Record<string, unknown>> = repoCdkJson().context): Record<string, unknown> {
  return { ...cdkJsonContext, ...CLI_ADDED_CONTEXT, ...commandLine };
}
