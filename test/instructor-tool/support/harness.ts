/**
 * Test harness for class-lab-admin: virtual time, a captured terminal, and AWS clients whose
 * calls aws-sdk-client-mock answers. Nothing here reaches AWS or sleeps for real.
 */
import { AwsClients, quietSdkEnvironment } from '../../../lib/instructor-tool/aws/clients';
import { HttpProbe } from '../../../lib/instructor-tool/checkpoints/http';
import { main } from '../../../lib/instructor-tool/cli';
import { Clock } from '../../../lib/instructor-tool/core/clock';
import { Io } from '../../../lib/instructor-tool/core/output';
import { scratchProject } from '../../support/project';

/**
 * Virtual time: sleep() parks the caller; once every task is parked (no microtask left to
 * run), the clock jumps to the earliest wake-up. Concurrent waits therefore overlap like
 * real ones, and the elapsed virtual time measures concurrency without wall-clock timing.
 */
export class VirtualClock implements Clock {
  time = Date.parse('2026-03-02T09:00:00Z');
  readonly start = this.time;
  readonly sleeps: number[] = [];
  private timers: Array<{ at: number; wake: () => void }> = [];
  private scheduled = false;

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((wake) => {
      this.timers.push({ at: this.time + ms, wake });
      this.schedule();
    });
  }

  elapsed(): number {
    return this.time - this.start;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.fire());
  }

  private fire(): void {
    this.scheduled = false;
    if (this.timers.length === 0) return;
    this.time = Math.max(this.time, Math.min(...this.timers.map((t) => t.at)));
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    for (const t of due) t.wake();
  }
}

/** A terminal that records what the tool prints and answers prompts from a script. */
export class FakeIo implements Io {
  readonly out: string[] = [];
  readonly err: string[] = [];
  readonly questions: string[] = [];

  constructor(private readonly answers: Array<string | undefined> = []) {}

  stdout(text: string): void {
    this.out.push(text);
  }

  stderr(text: string): void {
    this.err.push(text);
  }

  async prompt(question: string): Promise<string | undefined> {
    this.questions.push(question);
    return this.answers.shift();
  }
}

/**
 * Clients with fixed settings, so no credential or region is looked up on this machine.
 * Long-lived keys by default; with an expiration, session credentials; `session: true`
 * without one models pasted session credentials (Learner Lab's "AWS Details").
 */
export function testClients(expiration?: Date, region = 'us-east-1', session = expiration !== undefined): AwsClients {
  return new AwsClients({ region }, {
    credentials: { accessKeyId: 'AKIATESTTESTTESTTEST', secretAccessKey: 'test', ...(session ? { sessionToken: 'test' } : {}), expiration },
  });
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly io: FakeIo;
  readonly clock: VirtualClock;
  /** The --json document, when one was printed. */
  json(): any;
}

/** A project directory with the repository's cdk.json and no lab-settings.json, made once. */
let cleanProject: string | undefined;

/**
 * `projectDir`: where the tool reads lab-settings.json and cdk.json. By default a clean copy of
 * the project, so a lab-settings.json the developer wrote in this checkout never changes a test.
 */
export async function runCli(args: string[], options: { answers?: Array<string | undefined>; clock?: VirtualClock; env?: NodeJS.ProcessEnv; expiration?: Date; session?: boolean; http?: HttpProbe; projectDir?: string } = {}): Promise<CliRun> {
  const io = new FakeIo(options.answers);
  const clock = options.clock ?? new VirtualClock();
  const code = await main(args, { io, clock, clients: (target) => testClients(options.expiration, target.region ?? 'us-east-1', options.session), env: options.env ?? {}, http: options.http, projectDir: options.projectDir ?? (cleanProject ??= scratchProject().dir) });
  return {
    code, io, clock,
    stdout: io.out.join('\n'),
    stderr: io.err.join('\n'),
    json: () => JSON.parse(io.out.join('\n')),
  };
}

/** An AWS service error as the SDK throws it. */
export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 }, $fault: 'client' });
}

export const ACCOUNT = '111122223333';
export const CALLER_ARN = `arn:aws:iam::${ACCOUNT}:user/instructor`;

// As the CLI does for itself: no instance metadata lookups, no SDK Node-version notice in test output.
quietSdkEnvironment();
