/**
 * The tool's own waiting: a poller with a time bound, a retry for throttling, and a bounded
 * worker pool. All of it sleeps through the injected Clock, never through setTimeout, so the
 * same code runs for half an hour against an account and instantly in tests.
 */
import { Clock } from '../core/clock';
import { isThrottle } from '../core/errors';

export interface RetryOptions {
  /** Tries in all, the first included. */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Runs an AWS call and, when AWS throttles, waits (exponential backoff) and tries again.
 * The SDK retries throttling too; this covers the bursts of a whole class being deleted at
 * once, when the SDK's few quick tries are not enough.
 */
export async function withRetry<T>(clock: Clock, call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  const base = options.baseDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 20_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottle(error) || attempt >= attempts) throw error;
      await clock.sleep(Math.min(max, base * 2 ** (attempt - 1)));
    }
  }
}

export interface PollOptions<T> {
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Called after every probe, for progress output. */
  readonly onPoll?: (value: T, elapsedMs: number) => void;
}

export interface PollResult<T> {
  readonly value: T;
  readonly timedOut: boolean;
  readonly elapsedMs: number;
}

/** Probes until `done` says so or the time bound passes; returns the last value either way. */
export async function pollUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, options: PollOptions<T>): Promise<PollResult<T>> {
  const start = options.clock.now();
  for (;;) {
    const value = await withRetry(options.clock, probe);
    const elapsedMs = options.clock.now() - start;
    options.onPoll?.(value, elapsedMs);
    if (done(value)) return { value, timedOut: false, elapsedMs };
    if (elapsedMs + options.intervalMs > options.timeoutMs) return { value, timedOut: true, elapsedMs };
    await options.clock.sleep(options.intervalMs);
  }
}

/** Maps items through `work` with at most `limit` running at once, keeping the input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
