/**
 * Where the kit's settings come from, and which one wins. A student states their settings once,
 * in `lab-settings.json` in the project root (written by `npm run setup -- key=value ...`,
 * gitignored), and every later command is the plain `npx cdk deploy ClassLabStack`.
 *
 * Precedence, highest first: `-c key=value` on the command line > lab-settings.json > the
 * `context` of cdk.json > the default. The CDK CLI hands the app one merged context (cdk.json,
 * cdk.context.json and `-c` together), so a context value that differs from cdk.json's came from
 * the command line; one equal to cdk.json's is treated as cdk.json's (the settings file then wins,
 * which differs from `-c` only when `-c` repeats cdk.json's own value).
 *
 * Every key of the settings file and every context key is a setting or one of CDK's own keys;
 * anything else (a typo such as `module` or `expiresafterhours`) is an error with "did you mean".
 * The instructor tool reads the same settings with `resolveSettings`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigEnvironment, ConfigError, LabConfig, loadLabConfig, SETTINGS, shown } from './lab-config';

/** The settings file, in the project root. */
export const SETTINGS_FILE = 'lab-settings.json';

export type SettingSource = 'command line' | typeof SETTINGS_FILE | 'cdk.json';

export interface EffectiveSettings {
  /** Every setting given, by key, from its winning source. Defaults are not listed. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Where each value came from. */
  readonly sources: Readonly<Record<string, SettingSource>>;
}

const SETTING_KEYS: readonly string[] = SETTINGS.map((s) => s.key);

/**
 * Context keys that are not settings: CDK feature flags (`@aws-cdk/...`), keys the CLI passes
 * (`aws:cdk:...`, `cdk-...`) and context-provider keys of cdk.context.json (`provider:account=...`).
 * None of the kit's settings contains a colon or starts with `@`.
 */
export function isFrameworkKey(key: string): boolean {
  return key.startsWith('@') || key.includes(':') || key.startsWith('cdk-') || key.startsWith('aws-cdk');
}

/** The setting a mistyped key most likely meant, or undefined when none is close. */
export function didYouMean(key: string): string | undefined {
  const lower = key.toLowerCase();
  const exact = SETTING_KEYS.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  // A shortened key (`zone`, `fleet`): the one setting it starts.
  const started = SETTING_KEYS.filter((k) => lower.length >= 3 && k.toLowerCase().startsWith(lower));
  if (started.length === 1) return started[0];
  let best: { key: string; distance: number } | undefined;
  for (const candidate of SETTING_KEYS) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 3)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** One line per key that is neither a setting nor CDK's own. */
export function unknownKeyProblems(keys: Iterable<string>, where: string): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    if (SETTING_KEYS.includes(key) || (where !== SETTINGS_FILE && isFrameworkKey(key))) continue;
    const guess = didYouMean(key);
    problems.push(`${shown(key)} (${where}): not a setting${guess ? `; did you mean \`${guess}\`?` : ''} Settings: ${SETTING_KEYS.join(', ')}`);
  }
  return problems;
}

/**
 * Reads lab-settings.json from `dir`: a flat JSON object of setting keys to values, or nothing
 * when the file does not exist. A byte-order mark is ignored; anything else malformed is an error.
 */
export function readSettingsFile(dir: string): Record<string, unknown> {
  const file = path.join(dir, SETTINGS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError([`${SETTINGS_FILE}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError([`${SETTINGS_FILE}: got ${shown(text)}; allowed: a JSON object of settings such as {"student": "ana"} (${(error as Error).message}); rewrite it with npm run setup`]);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError([`${SETTINGS_FILE}: got ${shown(data)}; allowed: a JSON object of settings such as {"student": "ana"}`]);
  }
  return data as Record<string, unknown>;
}

/** The `context` object of cdk.json in `dir` (feature flags and any settings kept there). */
export function readCdkJsonContext(dir: string): Record<string, unknown> {
  const file = path.join(dir, 'cdk.json');
  if (!fs.existsSync(file)) return {};
  const context = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')).context;
  return typeof context === 'object' && context !== null ? context : {};
}

export interface SettingsInput {
  /** What the command line says (`-c key=value`), or the CLI's merged context (see the file comment). */
  readonly context: Readonly<Record<string, unknown>>;
  /** lab-settings.json's content. */
  readonly file?: Readonly<Record<string, unknown>>;
  /** cdk.json's `context`. */
  readonly cdkJson?: Readonly<Record<string, unknown>>;
}

/**
 * Merges the sources by precedence and checks every key. Throws a ConfigError listing every
 * unknown key; values are checked by `loadLabConfig`.
 */
export function effectiveSettings(input: SettingsInput): EffectiveSettings {
  const file = input.file ?? {};
  const cdkJson = input.cdkJson ?? {};
  const problems = [
    ...unknownKeyProblems(Object.keys(input.context).filter((k) => !(k in cdkJson) || !sameValue(input.context[k], cdkJson[k])), 'command line'),
    ...unknownKeyProblems(Object.keys(file), SETTINGS_FILE),
    ...unknownKeyProblems(Object.keys(cdkJson), 'cdk.json'),
  ];
  if (problems.length > 0) throw new ConfigError(problems);

  const values: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  for (const key of SETTING_KEYS) {
    const fromCommandLine = key in input.context && !(key in cdkJson && sameValue(input.context[key], cdkJson[key]));
    if (fromCommandLine) [values[key], sources[key]] = [input.context[key], 'command line'];
    else if (key in file) [values[key], sources[key]] = [file[key], SETTINGS_FILE];
    else if (key in cdkJson) [values[key], sources[key]] = [cdkJson[key], 'cdk.json'];
  }
  return { values, sources };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface ResolvedSettings extends EffectiveSettings {
  readonly config: LabConfig;
}

/**
 * The effective settings and the validated LabConfig, as `npx cdk synth` in `projectDir` would
 * see them with these `-c` values: what the instructor tool uses. Throws a ConfigError.
 */
export function resolveSettings(
  commandLine: Readonly<Record<string, unknown>>,
  projectDir = process.cwd(),
  env: ConfigEnvironment = {},
  /** The settings file's content to check instead of the file's (npm run setup, before writing). */
  file: Readonly<Record<string, unknown>> = readSettingsFile(projectDir),
): ResolvedSettings {
  const cdkJson = readCdkJsonContext(projectDir);
  const settings = effectiveSettings({ context: { ...cdkJson, ...commandLine }, file, cdkJson });
  const config = loadLabConfig((key) => settings.values[key], { readFile: (p) => fs.readFileSync(path.resolve(projectDir, p), 'utf8'), ...env });
  return { ...settings, config };
}

/** `key=value` pairs (from `-c` or `npm run setup`) as an object; a pair without `=` is an error. */
export function parsePairs(pairs: readonly string[], what: string): Record<string, string> {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) problems.push(`${what} ${shown(pair)}: allowed: key=value, e.g. student=ana`);
    else values[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values;
}

/** The effective settings as lines for a summary: `student = "ana"  (lab-settings.json)`. */
export function describeSettings(settings: EffectiveSettings): string[] {
  const keys = Object.keys(settings.values);
  if (keys.length === 0) return ['  (none: every setting has its default)'];
  const width = Math.max(...keys.map((k) => k.length));
  return keys.map((k) => `  ${k.padEnd(width)} = ${shown(settings.values[k])}  (${settings.sources[k]})`);
}
