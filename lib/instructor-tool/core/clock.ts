/**
 * Time, injected: the tool waits through a Clock so tests run on virtual time with no
 * real sleeps, and a poll that would take half an hour in an account takes milliseconds.
 */
export interface Clock {
  /** Milliseconds since the epoch (virtual in tests). */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** "1m05s" style, for progress lines. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}
