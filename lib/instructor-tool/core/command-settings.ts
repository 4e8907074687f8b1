/**
 * The settings an instructor-tool command runs with: the same effective settings as
 * `npx cdk synth` in the project directory (lab-settings.json, then cdk.json, with `-c`
 * overriding both; lib/settings/sources.ts `resolveSettings`). A student who ran
 * `npm run setup -- student=ana imageTag=v1` can run `class-lab-admin check ecs` with no flags.
 *
 * This is the one place doctor, cost, plan, check and grade turn `-c` into settings; a bad
 * setting is an argument error (exit 2) with the kit's own settings message.
 */
import { ConfigError, LabConfig } from '../../settings/lab-config';
import { EffectiveSettings, resolveSettings } from '../../settings/sources';
import { UsageError } from './errors';

export interface CommandSettings extends EffectiveSettings {
  /** The validated settings. */
  readonly config: LabConfig;
  /** `-c key=value` as given on the command line (they win over the settings file). */
  readonly commandLine: Readonly<Record<string, string>>;
  /** The project directory whose lab-settings.json and cdk.json were read; relative paths (roster) resolve there. */
  readonly projectDir: string;
}

/** The effective settings of `command` in `projectDir`; a bad or unknown setting is a UsageError (exit 2). */
export function commandSettings(commandLine: Readonly<Record<string, string>>, command: string, projectDir = process.cwd()): CommandSettings {
  try {
    return { ...resolveSettings(commandLine, projectDir), commandLine, projectDir };
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message.replace(/\n\s*/g, ' '), command);
    throw error;
  }
}
