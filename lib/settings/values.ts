/**
 * Reading one setting's value: what counts as text or a whole number, how a bad value is shown,
 * and the problem list that lets a student fix every bad setting in one go.
 */
import { SETTINGS } from './settings-table';

/**
 * The live account and region, for callers that know them (`class-lab-admin doctor`); the CDK
 * app passes neither, so synthesis never depends on the AWS profile. And how to read the roster.
 */
export interface ConfigEnvironment {
  readonly account?: string;
  readonly region?: string;
  /** Reads a file as UTF-8 text; node's fs by default. */
  readonly readFile?: (path: string) => string;
}

/** A setting the user got wrong. The app prints its message alone, without a stack trace. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid Class Lab settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads one context value; `app.node.tryGetContext` in the app, a plain object in tests. */
export type ContextReader = (key: string) => unknown;

/** Collects every problem so a student fixes them all in one go. */
export class Problems {
  readonly list: string[] = [];

  add(key: string, value: unknown, allowed: string): void {
    this.list.push(`${key}: got ${shown(value)}; allowed: ${allowed}`);
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}

/** Longest shown value: a 100 KB paste is cut, with its length said. */
export const SHOWN_VALUE_MAX_LENGTH = 80;

/**
 * A value as the student can read it: JSON (so `"   "`, `true` and `["ana"]` look like what they
 * are), invisible characters such as a byte-order mark escaped, cut to a readable length.
 */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = (JSON.stringify(value) ?? String(value)).replace(/[\u0080-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return json.length <= SHOWN_VALUE_MAX_LENGTH ? json : `${json.slice(0, SHOWN_VALUE_MAX_LENGTH)}… (${json.length} characters)`;
}

export function allowedFor(key: string): string {
  return SETTINGS.find((s) => s.key === key)!.allowed;
}

/** Whether a setting was given at all (any value, even a bad one). */
export function isGiven(read: ContextReader, key: string): boolean {
  return read(key) !== undefined;
}

/**
 * A text setting. Only a string is text: an object, array, boolean or null from cdk.json or the
 * settings file is an error, and so is an empty value (`-c roster=` from an unset shell variable
 * means a mistake, never "unset"). Numbers pass as their decimal text, as `-c` would give them.
 */
export function readString(read: ContextReader, key: string, problems: Problems): string | undefined {
  const value = read(key);
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') {
    problems.add(key, value, `${allowedFor(key)} (as text, not ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`})`);
    return undefined;
  }
  const text = value.trim();
  if (text === '') {
    problems.add(key, value, `${allowedFor(key)} (an empty value is an error: leave the key out for the default)`);
    return undefined;
  }
  return text;
}

/** A whole number: a JSON number that is an integer, or its digits as text (`-c` gives text). */
export function parseWholeNumber(read: ContextReader, key: string, fallback: number, problems: Problems): number {
  const value = read(key);
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined || !/^\d{1,9}$/.test(text)) {
    const empty = text === '' ? ' (an empty value is an error: leave the key out for the default)' : '';
    problems.add(key, value, `${allowedFor(key)}${empty}`);
    return fallback;
  }
  return Number(text);
}

