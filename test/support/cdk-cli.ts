import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './project';

/**
 * The pinned CDK CLI's `cdk synth`, run offline as a student's laptop without credentials would:
 * no credentials, no metadata service, no notices or telemetry, and no CDK_DEFAULT_* (so the app
 * cannot lean on the environment the CLI would derive from a profile).
 */
export function cdkSynth(dir: string, args: readonly string[]): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' };
  delete env.CDK_DEFAULT_ACCOUNT;
  delete env.CDK_DEFAULT_REGION;
  return spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '--quiet', '--no-notices', '--no-version-reporting', ...args], { cwd: dir, encoding: 'utf8', env, timeout: 180_000 });
}
