/**
 * `npm run setup -- key=value ...`: states a student's settings once, in lab-settings.json (project
 * root, gitignored), so every later command is the plain `npx cdk deploy ClassLabStack`.
 *
 *   npm run setup                          prints the effective settings and where each comes from
 *   npm run setup -- student=ana modules=ec2,s3
 *   npm run setup -- --unset imageTag      forgets a setting (back to cdk.json's or the default)
 *
 * The new settings are checked as a whole before anything is written; a bad one writes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../lib/settings/lab-config';
import { describeSettings, parsePairs, readSettingsFile, resolveSettings, SETTINGS_FILE, unknownKeyProblems } from '../lib/settings/sources';

export function runSetup(args: readonly string[], projectDir: string, out: (line: string) => void): number {
  try {
    const unset: string[] = [];
    const pairs: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--unset') unset.push(...(args[++i] ?? '').split(',').filter((k) => k !== ''));
      else pairs.push(args[i]);
    }
    if (args.includes('--unset') && unset.length === 0) throw new ConfigError(['--unset: got nothing; allowed: --unset <key>[,<key>]']);
    const unknown = unknownKeyProblems(unset, SETTINGS_FILE);
    if (unknown.length > 0) throw new ConfigError(unknown);
    const changes = parsePairs(pairs, 'setting');

    const file = readSettingsFile(projectDir);
    const next: Record<string, unknown> = { ...file, ...changes };
    for (const key of unset) delete next[key];
    const changed = pairs.length > 0 || unset.length > 0;
    // Check the result as the CDK app will read it, before writing.
    const resolved = resolveSettings({}, projectDir, {}, next);
    const target = path.join(projectDir, SETTINGS_FILE);
    if (changed) {
      const staging = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(staging, `${JSON.stringify(next, undefined, 2)}\n`);
      fs.renameSync(staging, target);
      out(`Wrote ${SETTINGS_FILE}.`);
    }
    out(`Effective settings (-c on a cdk command still overrides them):`);
    for (const line of describeSettings(resolved)) out(line);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\nNothing was written.`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  process.exit(runSetup(process.argv.slice(2), process.cwd(), (line) => console.log(line)));
}
