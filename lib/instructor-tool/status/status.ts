/**
 * `class-lab-admin status`: what the kit has deployed in this account and region, by
 * student: stack state, when it was created, when it expires, and its outputs.
 */
import { AwsClients } from '../aws/clients';
import { Clock } from '../core/clock';
import { Reporter, table } from '../core/output';
import { KitStack, listKitStacks } from '../aws/stacks';

export interface StatusOptions {
  readonly students: string[];
}

/**
 * The expiry, and whether it failed: a stack still here after its ExpiresAt (the schedules retry
 * for a day and try again 2 hours later), or one whose delete failed, needs `teardown`.
 */
export function expiryText(stack: KitStack, now: number): string {
  if (!stack.expiresAt) return '-';
  const at = Date.parse(stack.expiresAt);
  if (Number.isNaN(at) || at > now) return stack.expiresAt;
  if (stack.status === 'DELETE_FAILED') return `${stack.expiresAt} (EXPIRY FAILED: delete failed; run teardown)`;
  if (stack.status === 'DELETE_IN_PROGRESS') return `${stack.expiresAt} (expired, deleting)`;
  return `${stack.expiresAt} (EXPIRY FAILED: still here; run teardown)`;
}

export async function runStatus(reporter: Reporter, clients: AwsClients, clock: Clock, options: StatusOptions): Promise<number> {
  const [identity, region] = [await clients.identity(), await clients.region()];
  reporter.progress(`Looking for Class Lab stacks in account ${identity.account}, ${region}...`);
  const all = await listKitStacks(clients, clock);
  const stacks = options.students.length > 0 ? all.filter((s) => options.students.includes(s.student)) : all;
  reporter.document({
    ok: true,
    account: identity.account,
    region,
    stacks: stacks.map((s) => ({
      student: s.student, stack: s.name, stackId: s.id, status: s.status, statusReason: s.statusReason,
      created: s.created?.toISOString(), expiresAt: s.expiresAt, outputs: s.outputs,
    })),
  });
  if (stacks.length === 0) {
    reporter.line(`No Class Lab stacks${options.students.length ? ` for ${options.students.join(', ')}` : ''} in account ${identity.account}, ${region}.`);
    return 0;
  }
  reporter.line(`Class Lab stacks in account ${identity.account}, ${region}:`);
  const rows = [['student', 'stack', 'state', 'created', 'expires']];
  for (const s of stacks) rows.push([s.student, s.name, s.status, s.created?.toISOString() ?? '-', expiryText(s, clock.now())]);
  for (const row of table(rows)) reporter.line(row);
  for (const s of stacks) {
    const outputs = Object.entries(s.outputs);
    if (outputs.length === 0 && !s.statusReason) continue;
    reporter.line('');
    reporter.line(`${s.name} (${s.student})${s.statusReason ? `: ${s.statusReason}` : ''}`);
    for (const row of table(outputs.map(([k, v]) => [k, v]), '    ')) reporter.line(row);
  }
  reporter.line('');
  reporter.line(`${stacks.length} stack${stacks.length === 1 ? '' : 's'}; ${stacks.filter((s) => /FAILED|ROLLBACK/.test(s.status)).length} in a failed state.`);
  return 0;
}
