/**
 * Where the tool writes: human text by default, one JSON document with --json. Progress
 * lines go to stderr so `--json` output on stdout stays parseable during long waits.
 */
import * as readline from 'node:readline';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Asks one question on the terminal; undefined when nobody can answer (no TTY). */
  prompt(question: string): Promise<string | undefined>;
}

/** The process's own terminal. */
export const processIo: Io = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  prompt: async (question) => {
    if (!process.stdin.isTTY) return undefined;
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await new Promise<string>((resolve) => rl.question(question, resolve));
    } finally {
      rl.close();
    }
  },
};

export class Reporter {
  constructor(readonly io: Io, readonly json: boolean) {}

  /** A line of the human report (suppressed with --json). */
  line(text = ''): void {
    if (!this.json) this.io.stdout(text);
  }

  /** Progress during a wait: stderr, in both modes. */
  progress(text: string): void {
    this.io.stderr(text);
  }

  /** The JSON document (only with --json). */
  document(value: unknown): void {
    if (this.json) this.io.stdout(JSON.stringify(value, null, 2));
  }
}

/** Pads columns for a small human table. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
}
