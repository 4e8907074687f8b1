/**
 * Finds the kit's stacks in an account and region by the tags ClassLabStack puts on itself
 * (lib/app/class-lab-stack.ts): managed-by=class-lab-kit and course=class-03, plus the student.
 * Only root stacks: nested module stacks go with their root.
 */
import { DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { AwsClients } from './clients';
import { Clock } from '../core/clock';
import { UsageError } from '../core/errors';
import { withRetry } from './poller';

/**
 * The tags that mark a stack as the kit's (ClassLabStack's MANAGED_BY_TAG and COURSE_TAG; a
 * test keeps them equal). Nothing without both is ever touched. Spelled out here so status
 * and teardown start without loading the CDK library.
 */
export const KIT_TAGS: Readonly<Record<string, string>> = { 'managed-by': 'class-lab-kit', course: 'class-03' };
export const EXPIRES_TAG = 'expires-at';
export const EXPIRES_OUTPUT = 'ExpiresAt';

export interface KitStack {
  readonly name: string;
  /** Unique stack id (ARN): still answers DescribeStacks after the stack is deleted. */
  readonly id: string;
  readonly status: string;
  readonly statusReason?: string;
  readonly student: string;
  readonly created?: Date;
  readonly expiresAt?: string;
  readonly tags: Record<string, string>;
  readonly outputs: Record<string, string>;
  /** A nested stack whose root is gone (left by a RetainResources or forced delete). */
  readonly orphan?: boolean;
}

export function isKitStack(stack: Stack): boolean {
  const tags = Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key, t.Value]));
  return Object.entries(KIT_TAGS).every(([k, v]) => tags[k] === v) && !stack.ParentId && !stack.RootId;
}

export function toKitStack(stack: Stack): KitStack {
  const tags = Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  const outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  return {
    name: stack.StackName ?? '',
    id: stack.StackId ?? stack.StackName ?? '',
    status: stack.StackStatus ?? 'UNKNOWN',
    statusReason: stack.StackStatusReason,
    student: tags.student ?? 'solo',
    created: stack.CreationTime,
    expiresAt: outputs[EXPIRES_OUTPUT] ?? tags[EXPIRES_TAG],
    tags,
    outputs,
  };
}

/** Every live root stack of the kit in the client's account and region, by student. */
export async function listKitStacks(clients: AwsClients, clock: Clock): Promise<KitStack[]> {
  const found: KitStack[] = [];
  let token: string | undefined;
  do {
    const page = await withRetry(clock, () => clients.cloudformation.send(new DescribeStacksCommand({ NextToken: token })));
    for (const stack of page.Stacks ?? []) {
      if (isKitStack(stack) && stack.StackStatus !== 'DELETE_COMPLETE') found.push(toKitStack(stack));
    }
    token = page.NextToken;
  } while (token);
  return found.sort((a, b) => a.student.localeCompare(b.student) || a.name.localeCompare(b.name));
}

function hasKitTags(stack: Stack): boolean {
  const tags = Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key, t.Value]));
  return Object.entries(KIT_TAGS).every(([k, v]) => tags[k] === v);
}

/**
 * Nested stacks of the kit whose parent is gone: a delete that retained or skipped a nested
 * stack leaves it with ParentId and RootId still set, so it is no root stack, yet nothing
 * else will ever delete it. Stack tags propagate to nested stacks, so it still carries the
 * kit's tags and the student.
 */
export async function listOrphanedStacks(clients: AwsClients, clock: Clock): Promise<KitStack[]> {
  const nested: Stack[] = [];
  const live = new Set<string>();
  let token: string | undefined;
  do {
    const page = await withRetry(clock, () => clients.cloudformation.send(new DescribeStacksCommand({ NextToken: token })));
    for (const stack of page.Stacks ?? []) {
      if (stack.StackStatus === 'DELETE_COMPLETE') continue;
      live.add(stack.StackId ?? '');
      if (stack.ParentId && hasKitTags(stack)) nested.push(stack);
    }
    token = page.NextToken;
  } while (token);
  const orphans: KitStack[] = [];
  for (const stack of nested) {
    if (live.has(stack.ParentId!)) continue;
    // Not in the listing: ask by id, so a parent on the next page or just deleted is told apart.
    const parent = await parentStatus(clients, clock, stack.ParentId!);
    if (parent === 'DELETE_COMPLETE' || parent === 'GONE') orphans.push({ ...toKitStack(stack), orphan: true });
  }
  return orphans.sort((a, b) => a.student.localeCompare(b.student) || a.name.localeCompare(b.name));
}

async function parentStatus(clients: AwsClients, clock: Clock, stackId: string): Promise<string> {
  try {
    const out = await withRetry(clock, () => clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackId })));
    return out.Stacks?.[0]?.StackStatus ?? 'GONE';
  } catch (error) {
    if (/does not exist/i.test((error as Error)?.message ?? '')) return 'GONE';
    throw error;
  }
}

/** Student ids from repeated or comma-separated --student values. */
export function parseStudents(values: readonly string[] | undefined, command?: string): string[] {
  const students = (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  for (const s of students) {
    if (!/^[a-z][a-z0-9-]*$/.test(s)) throw new UsageError(`--student ${JSON.stringify(s)} is not a student id (lowercase letters, digits, hyphens)`, command);
  }
  return [...new Set(students)];
}

export interface Selection {
  readonly stacks: KitStack[];
  /** Students asked for that have no stack. */
  readonly missing: string[];
}

export function selectStacks(all: readonly KitStack[], students: readonly string[], everyone: boolean): Selection {
  if (everyone) return { stacks: [...all], missing: [] };
  const stacks = all.filter((s) => students.includes(s.student));
  return { stacks, missing: students.filter((s) => !stacks.some((st) => st.student === s)) };
}
