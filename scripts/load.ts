/**
 * The load generator of the EC2 guide's scaling step: `npm run load -- <url>`.
 *
 * First a lead-in trickle (one request every 5 seconds for 20 minutes by default) keeps the
 * load balancer's 1-minute request count reported but far below the fleet's target, so target
 * tracking scales in (its AlarmLow wants 15 such datapoints): the load balancer reports no
 * datapoint for a minute without requests, and target tracking does not scale in on missing
 * data. Then a burst (10 requests a second for 5 minutes) pushes the count per instance above
 * the target, so target tracking scales out again (AlarmHigh: 3 datapoints). The fleet ends the
 * experiment at the size it started with, and a fleet whose maximum is its desired size (the
 * default, to fit a new account's 5 On-Demand vCPUs) shows both a scale-in and a scale-out.
 * An optional trickle after the burst (`--trickle`) gives a larger fleet its scale-in back.
 * Everything is bounded (rate, durations, requests in flight) so a typo cannot run away.
 * Prints one line a minute: requests sent, answered, failed, and which instances answered.
 */
export const LOAD_DEFAULTS = { rate: 10, leadSeconds: 1200, burstSeconds: 300, trickleSeconds: 0, trickleEverySeconds: 5 } as const;
export const LOAD_LIMITS = { maxRate: 20, maxLeadSeconds: 1800, maxBurstSeconds: 600, maxTrickleSeconds: 1800, maxInFlight: 50, requestTimeoutMs: 5000 } as const;

export interface LoadOptions {
  readonly url: string;
  readonly rate: number;
  /** Seconds of trickle before the burst (0 for none). */
  readonly leadSeconds: number;
  readonly burstSeconds: number;
  readonly trickleSeconds: number;
  readonly trickleEverySeconds: number;
}

export interface MinuteReport {
  readonly phase: 'burst' | 'trickle';
  sent: number;
  answered: number;
  failed: number;
  readonly instances: Set<string>;
  firstError?: string;
}

export interface LoadDeps {
  readonly fetch: typeof fetch;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly log: (line: string) => void;
}

export const USAGE = `usage: npm run load -- <url> [--lead SECONDS] [--rate N] [--burst SECONDS] [--trickle SECONDS] [--trickle-every SECONDS]
  <url>            the fleet's address (the WebUrl output), http:// or https://
  --lead S         length of the trickle before the burst in seconds (default ${LOAD_DEFAULTS.leadSeconds}, at most ${LOAD_LIMITS.maxLeadSeconds}; 0 for none)
  --rate N         requests per second during the burst (default ${LOAD_DEFAULTS.rate}, at most ${LOAD_LIMITS.maxRate})
  --burst S        length of the burst in seconds (default ${LOAD_DEFAULTS.burstSeconds}, at most ${LOAD_LIMITS.maxBurstSeconds})
  --trickle S      length of the trickle after it (default ${LOAD_DEFAULTS.trickleSeconds}, at most ${LOAD_LIMITS.maxTrickleSeconds}; 0 for none)
  --trickle-every S  seconds between trickle requests (default ${LOAD_DEFAULTS.trickleEverySeconds}, at least 1)`;

/** Reads the command line; throws an Error with a one-line message on anything out of bounds. */
export function parseLoadArgs(argv: readonly string[]): LoadOptions {
  let url: string | undefined;
  const values: Record<string, number> = {
    '--rate': LOAD_DEFAULTS.rate,
    '--lead': LOAD_DEFAULTS.leadSeconds,
    '--burst': LOAD_DEFAULTS.burstSeconds,
    '--trickle': LOAD_DEFAULTS.trickleSeconds,
    '--trickle-every': LOAD_DEFAULTS.trickleEverySeconds,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag in values) {
      const raw = inline ?? argv[++i];
      const n = Number(raw);
      if (raw === undefined || raw.trim() === '' || !Number.isFinite(n)) throw new Error(`${flag} needs a number, got ${JSON.stringify(raw ?? '')}`);
      values[flag] = n;
    } else if (flag.startsWith('-')) {
      throw new Error(`unknown option ${flag}`);
    } else if (url === undefined) {
      url = argv[i];
    } else {
      throw new Error(`one URL only, got a second: ${argv[i]}`);
    }
  }
  if (url === undefined || url === '') throw new Error('the URL is missing (is WEB_URL empty? read it again with lab_output WebUrl)');
  if (!/^https?:\/\/[^\s/]+/.test(url)) throw new Error(`not an http(s) URL: ${JSON.stringify(url)}`);
  const within = (flag: string, min: number, max: number) => {
    if (values[flag] < min || values[flag] > max) throw new Error(`${flag} must be between ${min} and ${max}, got ${values[flag]}`);
    return values[flag];
  };
  return {
    url,
    rate: within('--rate', 0.1, LOAD_LIMITS.maxRate),
    leadSeconds: within('--lead', 0, LOAD_LIMITS.maxLeadSeconds),
    burstSeconds: within('--burst', 1, LOAD_LIMITS.maxBurstSeconds),
    trickleSeconds: within('--trickle', 0, LOAD_LIMITS.maxTrickleSeconds),
    trickleEverySeconds: within('--trickle-every', 1, 600),
  };
}

/** The instance id the EC2 fleet's page names (`Answered by instance <b>i-...</b>`). */
function instanceIn(body: string): string | undefined {
  return /\bi-[0-9a-f]{8,17}\b/.exec(body)?.[0];
}

function reportLine(minute: number, r: MinuteReport): string {
  const instances = r.instances.size > 0 ? [...r.instances].sort().join(' ') : '-';
  const error = r.firstError ? `; first error: ${r.firstError}` : '';
  return `minute ${String(minute).padStart(2)} ${r.phase.padEnd(7)} sent ${r.sent}, answered ${r.answered}, failed ${r.failed}; instances: ${instances}${error}`;
}

/**
 * Sends the lead-in trickle, the burst, then the trickle after it, at fixed intervals without waiting for answers (at most
 * maxInFlight at once). Returns every minute's report; the caller decides the exit code.
 */
export async function runLoad(options: LoadOptions, deps: LoadDeps): Promise<MinuteReport[]> {
  const start = deps.now();
  const reports: MinuteReport[] = [];
  const inFlight = new Set<Promise<void>>();
  const phases = [
    { phase: 'trickle' as const, seconds: options.leadSeconds, intervalMs: options.trickleEverySeconds * 1000 },
    { phase: 'burst' as const, seconds: options.burstSeconds, intervalMs: 1000 / options.rate },
    { phase: 'trickle' as const, seconds: options.trickleSeconds, intervalMs: options.trickleEverySeconds * 1000 },
  ];
  let logged = 0;
  const reportFor = (phase: MinuteReport['phase']): MinuteReport => {
    const minute = Math.floor((deps.now() - start) / 60_000);
    while (reports.length <= minute) reports.push({ phase, sent: 0, answered: 0, failed: 0, instances: new Set() });
    return reports[minute];
  };
  const flush = (all: boolean) => {
    const complete = all ? reports.length : Math.floor((deps.now() - start) / 60_000);
    for (; logged < complete && logged < reports.length; logged++) deps.log(reportLine(logged + 1, reports[logged]));
  };

  let phaseStart = start;
  for (const { phase, seconds, intervalMs } of phases) {
    const count = Math.floor((seconds * 1000) / intervalMs);
    for (let n = 0; n < count; n++) {
      const due = phaseStart + n * intervalMs;
      const wait = due - deps.now();
      if (wait > 0) await deps.sleep(wait);
      flush(false);
      const report = reportFor(phase);
      if (inFlight.size >= LOAD_LIMITS.maxInFlight) {
        report.failed++;
        report.firstError ??= `more than ${LOAD_LIMITS.maxInFlight} requests waiting for an answer: the address does not answer in time`;
        continue;
      }
      report.sent++;
      const request = (async () => {
        try {
          const response = await deps.fetch(options.url, { signal: AbortSignal.timeout(LOAD_LIMITS.requestTimeoutMs) });
          const body = await response.text();
          if (response.ok) {
            report.answered++;
            const id = instanceIn(body);
            if (id) report.instances.add(id);
          } else {
            report.failed++;
            report.firstError ??= `HTTP ${response.status}`;
          }
        } catch (error) {
          report.failed++;
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          report.firstError ??= cause?.code ?? cause?.message ?? (error as Error).message;
        }
      })();
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
    phaseStart += seconds * 1000;
  }
  await Promise.all(inFlight);
  flush(true);
  return reports;
}

/** One line for the plan: each phase that lasts, in order, and the requests in all. */
export function describePlan(options: LoadOptions): string {
  const trickle = (seconds: number) => `one every ${options.trickleEverySeconds} s for ${seconds} s`;
  const parts = [
    options.leadSeconds > 0 ? trickle(options.leadSeconds) : undefined,
    `${options.rate} requests/s for ${options.burstSeconds} s`,
    options.trickleSeconds > 0 ? trickle(options.trickleSeconds) : undefined,
  ].filter((p): p is string => p !== undefined);
  const total = Math.floor((options.leadSeconds + options.trickleSeconds) / options.trickleEverySeconds) + Math.floor(options.burstSeconds * options.rate);
  return `${parts.join(', then ')} (${total} requests)`;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let options: LoadOptions;
  try {
    options = parseLoadArgs(argv);
  } catch (error) {
    console.error(`load: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  console.log(`load: ${describePlan(options)} to ${options.url}; Ctrl+C stops it`);
  const reports = await runLoad(options, {
    fetch,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
    log: (line) => console.log(line),
  });
  const answered = reports.reduce((n, r) => n + r.answered, 0);
  const sent = reports.reduce((n, r) => n + r.sent, 0);
  console.log(`load: done, ${answered} of ${sent} requests answered`);
  return answered === 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
    console.error(`load: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
