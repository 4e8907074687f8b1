/**
 * A stand-in for the AWS CLI on the PATH, so a guide's own shell lines (pipes, `--query`,
 * `--output text`, grep and sed) run unchanged against a response we give it. It applies the
 * `--query` with JMESPath (the `jmespath` package, the language the CLI uses) and prints as the
 * CLI's text output does: a list of scalars on one line separated by tabs, each inner list on a
 * line of its own, None for a null.
 * https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-output-format.html
 *
 * Responses are JSON files `<service>.<operation>.json` in one folder; a call with no response
 * fails as the CLI does for an unknown operation (exit 255). Every call is logged.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const JMESPATH = require.resolve('jmespath', { paths: [path.join(__dirname, '..', '..', 'test-tools')] });

const SCRIPT = `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const jmespath = require(${JSON.stringify(JMESPATH)});
const dir = process.env.FAKE_AWS_DIR;
const args = process.argv.slice(2);
fs.appendFileSync(path.join(dir, 'calls.log'), JSON.stringify(args) + '\\n');
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const [service, operation] = args;
const file = path.join(dir, service + '.' + operation + '.json');
if (!fs.existsSync(file)) { console.error('fake aws: no response for ' + service + ' ' + operation); process.exit(255); }
const response = JSON.parse(fs.readFileSync(file, 'utf8'));
const query = option('--query');
const result = query ? jmespath.search(response, query) : response;
const scalar = (v) => v === null || v === undefined ? 'None' : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
const isScalar = (v) => v === null || typeof v !== 'object';
function text(v) {
  if (isScalar(v)) return [scalar(v)];
  if (Array.isArray(v)) {
    if (v.every(isScalar)) return v.length ? [v.map(scalar).join('\\t')] : [];
    return v.flatMap(text);
  }
  const keys = Object.keys(v).sort();
  const own = keys.filter((k) => isScalar(v[k])).map((k) => scalar(v[k]));
  return [...(own.length ? [own.join('\\t')] : []), ...keys.filter((k) => !isScalar(v[k])).flatMap((k) => text(v[k]))];
}
const output = option('--output') || 'json';
if (output === 'text') { for (const line of text(result)) console.log(line); }
else console.log(JSON.stringify(result, null, 4));
`;

export interface FakeAws {
  /** Folder with the `aws` script: put it first on the PATH. */
  readonly bin: string;
  /** The environment a guide's lines run in (PATH and the response folder). */
  readonly env: NodeJS.ProcessEnv;
  /** The answer to `aws <service> <operation>`. */
  respond(service: string, operation: string, response: unknown): void;
  /** Every call so far, as its arguments. */
  calls(): string[][];
  remove(): void;
}

export function fakeAws(): FakeAws {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-aws-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'aws'), SCRIPT, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'calls.log'), '');
  return {
    bin,
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, FAKE_AWS_DIR: dir },
    respond: (service, operation, response) => fs.writeFileSync(path.join(dir, `${service}.${operation}.json`), JSON.stringify(response)),
    calls: () => fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
