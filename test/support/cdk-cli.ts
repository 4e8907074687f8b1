import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './project';

/** The pinned CDK CLI. */
export const CDK_CLI = path.join(REPO_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');

/**
 * The environment of a student's laptop without credentials: no credentials, no metadata
 * service, no telemetry, and no CDK_DEFAULT_* (so the app cannot lean on the environment the CLI
 * would derive from a profile).
 */
export function cdkSynthEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' };
  delete env.CDK_DEFAULT_ACCOUNT;
  delete env.CDK_DEFAULT_REGION;
  return env;
}

/** Node's arguments for `cdk synth`, quiet and offline (no notices, no version reporting). */
export function cdkSynthArgs(args: readonly string[]): string[] {
  return [CDK_CLI, 'synth', '--quiet', '--no-notices', '--no-version-reporting', ...args];
}

/** The pinned CDK CLI with `args` (a command and its options), run offline as a student's laptop without credentials would. */
export function cdkCli(dir: string, args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CDK_CLI, ...args], { cwd: dir, encoding: 'utf8', env: cdkSynthEnv(), timeout: 180_000 });
}

/** The pinned CDK CLI's `cdk synth`, run offline as a student's laptop without credentials would. */
export function cdkSynth(dir: string, args: readonly string[]): SpawnSyncReturns<string> {
  return cdkCli(dir, cdkSynthArgs(args).slice(1));
}
