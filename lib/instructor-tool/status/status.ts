/**
 * `class-lab-admin status`: what the kit has deployed in this account and region (or, with
 * --all-regions, in every Region enabled for the account), by student: stack state, when it was
 * created, when it expires and how to extend that, and its outputs.
 */
import { AwsClients } from '../aws/clients';
import { enabledRegions, listKitStacksInRegions, RegionalListing, RegionalStack } from '../aws/regions';
import { Clock, formatDuration } from '../core/clock';
import { EXIT } from '../core/errors';
import { Reporter, table } from '../core/output';
import { KitStack, listKitStacks } from '../aws/stacks';

export interface StatusOptions {
  readonly students: string[];
  /** Every Region enabled for the account, not only the clients' own. */
  readonly allRegions?: boolean;
}

/** How a stack's expiry is extended; the stack's ExpiryExtendCommand output has the exact command. */
export const EXTEND_ADVICE = 'To extend an expiry, deploy the stack again with a larger expiresAfterHours (counted from its first deploy; its output ExpiryExtendCommand is the command); expiresAfterHours=off turns it off.';

/**
 * The expiry, and whether it failed: a stack still here after its ExpiresAt (the schedules retry
 * for a day and try again 2 hours later), or one whose delete failed, needs `teardown`.
 */
export function expiryText(stack: KitStack, now: number): string {
  if (!stack.expiresAt) return '-';
  const at = Date.parse(stack.expiresAt);
  if (Number.isNaN(at)) return stack.expiresAt;
  if (at > now) return `${stack.expiresAt} (in ${formatHours(at - now)})`;
  if (stack.status === 'DELETE_FAILED') return `${stack.expiresAt} (EXPIRY FAILED: delete failed; run teardown)`;
  if (stack.status === 'DELETE_IN_PROGRESS') return `${stack.expiresAt} (expired, deleting)`;
  return `${stack.expiresAt} (EXPIRY FAILED: still here; run teardown)`;
}

/** "23h10m", or minutes and seconds under an hour. */
function formatHours(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return minutes >= 60 ? `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m` : formatDuration(ms);
}

export async function runStatus(reporter: Reporter, clients: AwsClients, clock: Clock, options: StatusOptions): Promise<number> {
  const [identity, region] = [await clients.identity(), await clients.region()];
  const where = options.allRegions ? 'every Region enabled for it' : region;
  reporter.progress(`Looking for Class Lab stacks in account ${identity.account}, ${where}...`);
  const regions = options.allRegions ? await enabledRegions(clients, clock) : [region];
  // In one Region, a refusal is the command's failure; across Regions, that Region's line.
  const listing: RegionalListing = options.allRegions
    ? await listKitStacksInRegions(clients, clock, regions)
    : { regions, stacks: (await listKitStacks(clients, clock)).map((s) => ({ ...s, region })), unlisted: [] };
  const all = listing.stacks;
  const stacks = options.students.length > 0 ? all.filter((s) => options.students.includes(s.student)) : all;
  const exitCode = listing.unlisted.length > 0 ? EXIT.failed : EXIT.ok;
  reporter.document({
    ok: exitCode === EXIT.ok,
    account: identity.account,
    region,
    ...(options.allRegions ? { regions, unlisted: listing.unlisted } : {}),
    stacks: stacks.map((s) => ({
      ...(options.allRegions ? { region: s.region } : {}),
      student: s.student, stack: s.name, stackId: s.id, status: s.status, statusReason: s.statusReason,
      created: s.created?.toISOString(), expiresAt: s.expiresAt, outputs: s.outputs,
    })),
  });
  printStacks(reporter, stacks, clock.now(), { account: identity.account, where, students: options.students, allRegions: options.allRegions === true });
  for (const u of listing.unlisted) reporter.line(`Could not look in ${u.region}: ${u.error}`);
  return exitCode;
}

function printStacks(reporter: Reporter, stacks: readonly RegionalStack[], now: number, at: { account: string; where: string; students: readonly string[]; allRegions: boolean }): void {
  if (stacks.length === 0) {
    reporter.line(`No Class Lab stacks${at.students.length ? ` for ${at.students.join(', ')}` : ''} in account ${at.account}, ${at.where}.`);
    return;
  }
  reporter.line(`Class Lab stacks in account ${at.account}, ${at.where}:`);
  const region = (s: RegionalStack) => (at.allRegions ? [s.region] : []);
  const rows = [[...(at.allRegions ? ['region'] : []), 'student', 'stack', 'state', 'created', 'expires']];
  for (const s of stacks) rows.push([...region(s), s.student, s.name, s.status, s.created?.toISOString() ?? '-', expiryText(s, now)]);
  for (const row of table(rows)) reporter.line(row);
  for (const s of stacks) {
    const outputs = Object.entries(s.outputs);
    if (outputs.length === 0 && !s.statusReason) continue;
    reporter.line('');
    reporter.line(`${s.name} (${s.student}${at.allRegions ? `, ${s.region}` : ''})${s.statusReason ? `: ${s.statusReason}` : ''}`);
    for (const row of table(outputs.map(([k, v]) => [k, v]), '    ')) reporter.line(row);
  }
  reporter.line('');
  const regions = new Set(stacks.map((s) => s.region));
  const inRegions = at.allRegions ? ` in ${regions.size} Region${regions.size === 1 ? '' : 's'} (${[...regions].join(', ')})` : '';
  reporter.line(`${stacks.length} stack${stacks.length === 1 ? '' : 's'}${inRegions}; ${stacks.filter((s) => /FAILED|ROLLBACK/.test(s.status)).length} in a failed state.`);
  if (stacks.some((s) => s.expiresAt && Date.parse(s.expiresAt) > now)) reporter.line(EXTEND_ADVICE);
}
