/**
 * A small stateful CloudFormation behind aws-sdk-client-mock (callsFake): stacks delete over
 * virtual time, fail with the DELETE_FAILED events CloudFormation writes (nested stacks too),
 * honour RetainResources, and can be told to throttle. Tests describe what each delete
 * attempt ends in; the tool under test only sees CloudFormation's API.
 */
import {
  CloudFormationClient, DeleteStackCommand, DescribeStackEventsCommand, DescribeStacksCommand,
  ListStackResourcesCommand, Stack, StackEvent, ResourceStatus as StackResourceStatus,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { ACCOUNT, awsError, VirtualClock } from './harness';

export interface FailureSpec {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  readonly reason: string;
  /** Logical id of the nested stack the resource is in; the root when absent. */
  readonly nested?: string;
}

export interface FakeStackSpec {
  readonly name: string;
  /** The Region the stack is in (us-east-1 by default): CloudFormation answers per Region. */
  readonly region?: string;
  /** Kit tags with this student; `null` for a stack the kit does not own. */
  readonly student?: string | null;
  readonly status?: string;
  readonly outputs?: Record<string, string>;
  readonly tags?: Record<string, string>;
  readonly created?: Date;
  /** Resources of the root; nested stacks are listed in `nested`. */
  readonly resources?: Array<{ logicalId: string; type: string; physicalId: string }>;
  readonly nested?: Array<{ logicalId: string; resources: Array<{ logicalId: string; type: string; physicalId: string }> }>;
  /** Virtual seconds one delete takes. */
  readonly deleteSeconds?: number;
  /** How each delete attempt ends; the last entry repeats. Default: it succeeds. */
  readonly attempts?: Array<'ok' | FailureSpec[]>;
  /**
   * What fails only in the FORCE_DELETE_STACK run, so that run newly skips it (a nested stack
   * among them is left in place, DELETE_FAILED, without its parent).
   */
  readonly forceFailures?: FailureSpec[];
  /** The stack is already deleted when the tool asks for it by id. */
  readonly alreadyGone?: boolean;
  /** Someone else deletes the stack right after the tool lists it. */
  readonly goneAfterListing?: boolean;
}

interface FakeStack {
  spec: FakeStackSpec;
  region: string;
  id: string;
  name: string;
  parentId?: string;
  logicalId?: string;
  status: string;
  finishAt?: number;
  outcome?: 'ok' | FailureSpec[];
  /** Nested stacks a FORCE_DELETE_STACK delete skips (they failed before): left without a parent. */
  skipped?: Set<string>;
  lastFailures?: FailureSpec[];
  /** What a forced delete left in place: DELETE_SKIPPED in ListStackResources once the stack is gone. */
  skippedResources?: Set<string>;
  attempt: number;
  events: StackEvent[];
  resources: Array<{ logicalId: string; type: string; physicalId: string }>;
}

export function stackId(name: string, region = 'us-east-1'): string {
  return `arn:aws:cloudformation:${region}:${ACCOUNT}:stack/${name}/${name.length.toString(16).padStart(8, '0')}-0000-0000-0000-000000000000`;
}

/** The Region of the client that sends a call: each Region's CloudFormation is its own. */
async function regionOf(getClient: () => any): Promise<string> {
  return getClient().config.region();
}

export class FakeCloudFormation {
  readonly mock = mockClient(CloudFormationClient);
  readonly stacks: FakeStack[] = [];
  readonly deleteCalls: Array<{ stack: string; retain?: string[]; force?: boolean; region?: string }> = [];
  /** Most root stacks deleting at the same moment. */
  maxInFlight = 0;
  private throttles = new Map<string, number>();
  private eventCounter = 0;
  /** Per Region: whether the next listing is the second page. */
  private listedOnce = new Map<string, boolean>();

  constructor(private readonly clock: VirtualClock, specs: FakeStackSpec[]) {
    for (const spec of specs) this.add(spec);
    this.mock.on(DescribeStacksCommand).callsFake(async (input, getClient) => {
      const region = await regionOf(getClient);
      return this.guard('DescribeStacks', () => this.describeStacks(region, input.StackName));
    });
    this.mock.on(DeleteStackCommand).callsFake(async (input, getClient) => {
      const region = await regionOf(getClient);
      return this.guard('DeleteStack', () => this.deleteStack(region, input.StackName!, input.RetainResources, input.DeletionMode));
    });
    this.mock.on(DescribeStackEventsCommand).callsFake(async (input, getClient) => {
      const region = await regionOf(getClient);
      return this.guard('DescribeStackEvents', () => this.describeEvents(region, input.StackName!, input.NextToken));
    });
    this.mock.on(ListStackResourcesCommand).callsFake(async (input, getClient) => {
      const region = await regionOf(getClient);
      return this.guard('ListStackResources', () => this.listResources(region, input.StackName!));
    });
  }

  /** The next `times` calls of an operation fail with CloudFormation's throttling error. */
  throttle(operation: string, times: number): void {
    this.throttles.set(operation, times);
  }

  restore(): void {
    this.mock.restore();
  }

  byName(name: string): FakeStack {
    return this.stacks.find((s) => s.name === name)!;
  }

  private add(spec: FakeStackSpec): void {
    const region = spec.region ?? 'us-east-1';
    const id = stackId(spec.name, region);
    const root: FakeStack = {
      spec, region, id, name: spec.name, status: spec.alreadyGone ? 'DELETE_COMPLETE' : spec.status ?? 'CREATE_COMPLETE', attempt: 0, events: [],
      resources: [...(spec.resources ?? [])],
    };
    this.stacks.push(root);
    for (const nested of spec.nested ?? []) {
      const name = `${spec.name}-${nested.logicalId}-NESTED`;
      this.stacks.push({ spec: { name }, region, id: stackId(name, region), name, parentId: id, logicalId: nested.logicalId, status: root.status, attempt: 0, events: [], resources: [...nested.resources] });
      root.resources.push({ logicalId: nested.logicalId, type: 'AWS::CloudFormation::Stack', physicalId: stackId(name) });
    }
  }

  private guard<T>(operation: string, call: () => T): T {
    const left = this.throttles.get(operation) ?? 0;
    if (left > 0) {
      this.throttles.set(operation, left - 1);
      throw Object.assign(awsError('Throttling', 'Rate exceeded'), { $retryable: { throttling: true } });
    }
    return call();
  }

  private find(region: string, nameOrId: string): FakeStack | undefined {
    const here = this.stacks.filter((s) => s.region === region);
    return here.find((s) => s.id === nameOrId) ?? here.find((s) => s.name === nameOrId && s.status !== 'DELETE_COMPLETE');
  }

  private event(stack: FakeStack, logicalId: string, physicalId: string, type: string, status: string, reason?: string): void {
    stack.events.unshift({
      StackId: stack.id, StackName: stack.name, EventId: `e${++this.eventCounter}`, LogicalResourceId: logicalId, PhysicalResourceId: physicalId,
      ResourceType: type, ResourceStatus: status as StackEvent['ResourceStatus'], ResourceStatusReason: reason, Timestamp: new Date(this.clock.now()),
    });
  }

  private children(stack: FakeStack): FakeStack[] {
    return this.stacks.filter((s) => s.parentId === stack.id);
  }

  /** Applies a finished delete: gone, or DELETE_FAILED with events in the stack and its nested stacks. */
  private settle(): void {
    for (const stack of this.stacks) {
      if (stack.status !== 'DELETE_IN_PROGRESS' || stack.finishAt === undefined || this.clock.now() < stack.finishAt) continue;
      // A failure inside a nested stack that is gone by now cannot happen again.
      const outcome = stack.outcome === 'ok' || stack.outcome === undefined ? 'ok' : stack.outcome.filter((f) => {
        const child = f.nested ? this.children(stack).find((c) => c.logicalId === f.nested) : undefined;
        return !f.nested || (child !== undefined && child.status !== 'DELETE_COMPLETE');
      });
      if (outcome === 'ok' || outcome.length === 0) {
        stack.status = 'DELETE_COMPLETE';
        // A forced delete skips what failed: its own resources, and nested stacks that failed (left in place).
        if (stack.skipped) stack.skippedResources = new Set((stack.lastFailures ?? []).map((f) => f.nested ?? f.logicalId));
        for (const child of this.children(stack).filter((c) => !stack.skipped?.has(c.logicalId!))) child.status = 'DELETE_COMPLETE';
        continue;
      }
      stack.lastFailures = outcome;
      const failedNested = new Set<string>();
      for (const f of outcome) {
        const child = f.nested ? this.children(stack).find((c) => c.logicalId === f.nested) : undefined;
        if (child) {
          if (!failedNested.has(child.logicalId!)) this.event(child, child.name, child.id, 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS');
          this.event(child, f.logicalId, f.physicalId, f.type, 'DELETE_FAILED', f.reason);
          failedNested.add(child.logicalId!);
        } else {
          this.event(stack, f.logicalId, f.physicalId, f.type, 'DELETE_FAILED', f.reason);
        }
      }
      for (const child of this.children(stack).filter((c) => failedNested.has(c.logicalId!))) {
        this.event(child, child.name, child.id, 'AWS::CloudFormation::Stack', 'DELETE_FAILED', 'The following resource(s) failed to delete: [...]');
        child.status = 'DELETE_FAILED';
        child.lastFailures = outcome.filter((f) => f.nested === child.logicalId).map((f) => ({ ...f, nested: undefined }));
        this.event(stack, child.logicalId!, child.id, 'AWS::CloudFormation::Stack', 'DELETE_FAILED', 'Embedded stack was not successfully deleted');
      }
      this.event(stack, stack.name, stack.id, 'AWS::CloudFormation::Stack', 'DELETE_FAILED', 'The following resource(s) failed to delete');
      stack.status = 'DELETE_FAILED';
    }
    const inFlight = this.stacks.filter((s) => !s.parentId && s.status === 'DELETE_IN_PROGRESS').length;
    this.maxInFlight = Math.max(this.maxInFlight, inFlight);
  }

  private toApi(stack: FakeStack): Stack {
    const kitTags = stack.spec.student === null || stack.parentId ? {} : { course: 'class-03', 'managed-by': 'class-lab-kit', student: stack.spec.student ?? 'solo' };
    const root = stack.parentId ? this.stacks.find((s) => s.id === stack.parentId) : undefined;
    const tags = { ...kitTags, ...(root ? { course: 'class-03', 'managed-by': 'class-lab-kit' } : {}), ...(stack.spec.tags ?? {}) };
    return {
      StackName: stack.name, StackId: stack.id, StackStatus: stack.status as Stack['StackStatus'],
      CreationTime: stack.spec.created ?? new Date('2026-03-02T08:00:00Z'),
      ParentId: stack.parentId, RootId: stack.parentId,
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      Outputs: Object.entries(stack.spec.outputs ?? {}).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    };
  }

  private describeStacks(region: string, name?: string) {
    this.settle();
    if (!name) {
      // Two pages, as DescribeStacks pages through a busy account.
      const live = this.stacks.filter((s) => s.region === region && s.status !== 'DELETE_COMPLETE');
      const half = Math.ceil(live.length / 2);
      const second = this.listedOnce.get(region) === true;
      const page = second ? live.slice(half) : live.slice(0, half);
      this.listedOnce.set(region, !second);
      const listed = { Stacks: page.map((s) => this.toApi(s)), NextToken: !second ? 'page-2' : undefined };
      for (const s of page.filter((x) => x.spec.goneAfterListing)) s.status = 'DELETE_COMPLETE';
      return listed;
    }
    const stack = this.find(region, name);
    if (!stack || (stack.status === 'DELETE_COMPLETE' && !name.startsWith('arn:'))) throw awsError('ValidationError', `Stack with id ${name} does not exist`);
    return { Stacks: [this.toApi(stack)] };
  }

  private deleteStack(region: string, name: string, retain?: string[], mode?: string) {
    this.settle();
    const force = mode === 'FORCE_DELETE_STACK';
    this.deleteCalls.push({ stack: this.find(region, name)?.name ?? name, retain, ...(force ? { force } : {}), ...(region !== 'us-east-1' ? { region } : {}) });
    const stack = this.find(region, name);
    if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return {};
    if (((retain && retain.length > 0) || force) && stack.status !== 'DELETE_FAILED') {
      throw awsError('ValidationError', 'Invalid operation on stack: RetainResources and FORCE_DELETE_STACK can only be specified when the stack is in the DELETE_FAILED state');
    }
    const attempts = stack.spec.attempts ?? ['ok'];
    const planned = attempts[Math.min(stack.attempt, attempts.length - 1)];
    stack.attempt++;
    // RetainResources and FORCE_DELETE_STACK skip the resources that would not delete, so this attempt succeeds;
    // a forced delete leaves a failed nested stack in place (DELETE_SKIPPED), without its parent.
    if (force) {
      stack.lastFailures = [...(stack.lastFailures ?? []), ...(stack.spec.forceFailures ?? [])];
      stack.skipped = new Set(stack.lastFailures.flatMap((f) => (f.nested ? [f.nested] : [])));
      for (const child of this.children(stack).filter((c) => stack.skipped!.has(c.logicalId!) && c.status !== 'DELETE_FAILED')) {
        child.status = 'DELETE_FAILED';
        child.lastFailures = stack.lastFailures.filter((f) => f.nested === child.logicalId).map((f) => ({ ...f, nested: undefined }));
      }
    }
    stack.outcome = (retain && retain.length > 0) || force ? 'ok' : planned;
    stack.status = 'DELETE_IN_PROGRESS';
    stack.finishAt = this.clock.now() + (stack.spec.deleteSeconds ?? 30) * 1000;
    this.event(stack, stack.name, stack.id, 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS', 'User Initiated');
    this.settle();
    return {};
  }

  private describeEvents(region: string, name: string, token?: string) {
    const stack = this.find(region, name);
    if (!stack) throw awsError('ValidationError', `Stack [${name}] does not exist`);
    const start = token ? Number(token) : 0;
    const page = stack.events.slice(start, start + 3);
    return { StackEvents: page, NextToken: start + 3 < stack.events.length ? String(start + 3) : undefined };
  }

  private listResources(region: string, name: string) {
    const stack = this.find(region, name);
    if (!stack) throw awsError('ValidationError', `Stack with id ${name} does not exist`);
    return {
      StackResourceSummaries: stack.resources.map((r) => ({
        LogicalResourceId: r.logicalId, PhysicalResourceId: r.physicalId, ResourceType: r.type,
        ResourceStatus: (stack.status !== 'DELETE_COMPLETE' ? 'CREATE_COMPLETE' : stack.skippedResources?.has(r.logicalId) ? 'DELETE_SKIPPED' : 'DELETE_COMPLETE') as StackResourceStatus,
        LastUpdatedTimestamp: new Date(this.clock.now()),
      })),
    };
  }
}
