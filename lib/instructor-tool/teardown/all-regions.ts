/**
 * `class-lab-admin teardown --all-regions`: the one-Region teardown (./teardown.ts) run in every
 * Region enabled for the account, one Region after the other, so each Region's plan is on the
 * screen before its own confirmation (which names the Region). Regions where the kit has
 * nothing print one line together; the others print their whole report under a heading. The
 * exit code is the worst Region's.
 */
import { AwsClients } from '../aws/clients';
import { enabledRegions } from '../aws/regions';
import { Clock } from '../core/clock';
import { describeAwsError, EXIT, isCredentialFailure, RefusedError, UsageError } from '../core/errors';
import { Io, Reporter, table } from '../core/output';
import { runTeardown, TeardownOptions } from './teardown';

/** The JSON document one Region's teardown writes (the fields this loop reads). */
interface RegionDocument {
  readonly plan?: readonly unknown[];
  readonly missing?: readonly string[];
  readonly leftovers?: Readonly<Record<string, readonly unknown[]>>;
  readonly unscanned?: Readonly<Record<string, string>>;
}

interface RegionRun {
  readonly region: string;
  readonly exitCode: number;
  readonly document?: RegionDocument;
  readonly error?: string;
  readonly lines: readonly string[];
}

/**
 * One Region's terminal: its report is held back (most Regions have nothing to say), except when
 * it asks for the confirmation, which must follow its plan on the screen; progress goes on at once.
 */
class RegionIo implements Io {
  readonly held: string[] = [];
  shown = false;
  constructor(private readonly parent: Io, private readonly region: string, private readonly json: boolean) {}
  stdout(text: string): void {
    if (this.shown && !this.json) this.parent.stdout(text);
    else this.held.push(text);
  }
  stderr(text: string): void { this.parent.stderr(`[${this.region}] ${text}`); }
  async prompt(question: string): Promise<string | undefined> {
    if (!this.json) this.show();
    return this.parent.prompt(question);
  }
  show(): void {
    if (this.shown) return;
    this.shown = true;
    this.parent.stdout(`=== Region ${this.region} ===`);
    for (const line of this.held.splice(0)) this.parent.stdout(line);
  }
}

/** A reporter that also keeps the JSON document in text mode, so the loop can tell what a Region held. */
class RecordingReporter extends Reporter {
  recorded?: RegionDocument;
  override document(value: unknown): void {
    this.recorded = value as RegionDocument;
    super.document(value);
  }
}

/** Whether a Region's teardown found anything of the kit (or failed): then its report is shown. */
function foundSomething(run: RegionRun): boolean {
  const doc = run.document;
  if (run.exitCode !== EXIT.ok || !doc) return true;
  return (doc.plan?.length ?? 0) > 0 || Object.values(doc.leftovers ?? {}).some((l) => l.length > 0) || Object.keys(doc.unscanned ?? {}).length > 0;
}

async function teardownInRegion(parent: Reporter, clients: AwsClients, clock: Clock, options: TeardownOptions, region: string): Promise<RegionRun & { io: RegionIo }> {
  const io = new RegionIo(parent.io, region, parent.json);
  const reporter = new RecordingReporter(io, parent.json);
  try {
    const exitCode = await runTeardown(reporter, clients.inRegion(region), clock, options);
    return { region, exitCode, document: reporter.recorded, lines: io.held, io };
  } catch (error) {
    // Bad options, a refused confirmation or unusable credentials end the whole run, as in one Region.
    if (error instanceof UsageError || error instanceof RefusedError || isCredentialFailure(error)) throw error;
    const failure = describeAwsError(error);
    return { region, exitCode: failure.exitCode, error: failure.message, lines: io.held, io };
  }
}

export async function runTeardownInRegions(reporter: Reporter, clients: AwsClients, clock: Clock, options: TeardownOptions): Promise<number> {
  const identity = await clients.identity();
  const regions = await enabledRegions(clients, clock);
  reporter.progress(`Teardown in the ${regions.length} Regions enabled for account ${identity.account}: ${regions.join(', ')}`);
  const runs: RegionRun[] = [];
  for (const region of regions) {
    const run = await teardownInRegion(reporter, clients, clock, options, region);
    if (!reporter.json && foundSomething(run)) {
      run.io.show();
      if (run.error) reporter.line(`  could not tear down in ${region}: ${run.error}`);
      reporter.line('');
    }
    runs.push(run);
  }
  const exitCode = Math.max(EXIT.ok, ...runs.map((r) => r.exitCode));
  // A student with no stack in any Region: said once, not once per Region.
  const missing = options.students.filter((s) => runs.every((r) => r.error !== undefined || (r.document?.missing ?? []).includes(s)));
  if (reporter.json) {
    reporter.document({
      account: identity.account, ok: exitCode === EXIT.ok, exitCode, dryRun: !options.delete, regions: regions, missing,
      results: runs.map((r) => ({ region: r.region, exitCode: r.exitCode, ...(r.error ? { error: r.error } : {}), result: r.document })),
    });
    return exitCode;
  }
  printSummary(reporter, runs, missing, options);
  return exitCode;
}

function printSummary(reporter: Reporter, runs: readonly RegionRun[], missing: readonly string[], options: TeardownOptions): void {
  const busy = runs.filter(foundSomething);
  const quiet = runs.filter((r) => !foundSomething(r)).map((r) => r.region);
  reporter.line(`Summary of teardown over ${runs.length} Region(s):`);
  if (busy.length > 0) {
    const rows = [['region', 'stacks', 'result'], ...busy.map((r) => [r.region, String(r.document?.plan?.length ?? '-'), r.error ? `FAILED: ${r.error}` : r.exitCode === EXIT.ok ? 'ok' : `exit ${r.exitCode}`])];
    for (const row of table(rows)) reporter.line(row);
  }
  if (quiet.length > 0) reporter.line(`  nothing of the kit${options.delete ? ' left' : ''} in: ${quiet.join(', ')}`);
  if (missing.length > 0) reporter.line(`  no stack in any Region for: ${missing.join(', ')}`);
  if (!options.delete) {
    const selector = options.all ? '--all' : `--student ${options.students.join(',')}`;
    reporter.line(`Dry run: nothing was deleted. To delete in every Region: class-lab-admin teardown ${selector} --all-regions --delete`);
  }
}
