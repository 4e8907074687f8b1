/**
 * The command line's plain values, shared by every command: whole numbers, `-c key=value`
 * pairs, account lists, and the help lines every command prints alike. Errors are usage errors
 * (exit 2) that name the command, so the usage of that command follows the message.
 */
import { UsageError } from './errors';

export const CLI_NAME = 'class-lab-admin';

/** What node:util parseArgs returns for a command's options, plus its positionals as `modules`. */
export type Values = Record<string, string | boolean | string[] | undefined>;

export const SETTINGS_HELP = `Settings are read as \`npx cdk deploy\` reads them: lab-settings.json in the current
directory (written by \`npm run setup -- key=value ...\`), with -c overriding it.`;
export const COMMON_HELP = `  --json                 print one JSON document instead of text
  -h, --help             show this help`;
export const COMMON_OPTIONS = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;
export const CONTEXT_OPTION = { context: { type: 'string', short: 'c', multiple: true } } as const;

export function whole(command: string, name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`, command);
  }
  return Number(value);
}

export function positiveNumber(command: string, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(value)}`, command);
  return Number(value);
}

/** `-c key=value` pairs, as the CDK CLI takes them. */
export function contextOf(command: string, pairs: string[] | undefined): Record<string, string> {
  const context: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`-c needs key=value, got ${JSON.stringify(pair)}`, command);
    context[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return context;
}

export function accountList(command: string, text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const ids = text.split(',').map((s) => s.trim()).filter((s) => s);
  // "," names no account: an empty allowlist must not read as "no allowlist" (any account).
  if (ids.length === 0) throw new UsageError(`allowed accounts must be 12-digit account ids, got ${JSON.stringify(text)}`, command);
  const bad = ids.find((id) => !/^\d{12}$/.test(id));
  if (bad) throw new UsageError(`allowed accounts must be 12-digit account ids, got ${JSON.stringify(bad)}`, command);
  return ids;
}
