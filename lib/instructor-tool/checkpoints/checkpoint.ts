/**
 * What a checkpoint is: one verifiable outcome of a lab guide step, checked against the
 * student's deployed ClassLabStack with read-only AWS calls and plain HTTP. Each class module
 * has a file here (named like lib/app/modules/) with its checkpoints in the guide's order.
 */
import { AwsClients } from '../aws/clients';
import { Clock } from '../core/clock';
import { HttpProbe } from './http';

/** Modules `check` knows: the class modules of lib/app/modules/ plus the class exercise. */
export const CHECK_MODULES = ['ec2', 's3', 'route53', 'ecr', 'ecs', 'exercise'] as const;
export type CheckModule = (typeof CHECK_MODULES)[number];

/**
 * pass: done and right. pending: not done yet, or AWS is still at work (a scan, a rollout,
 * a scale-in); run check again later. fail: something is wrong; the fix says what to do.
 */
export type Verdict = 'pass' | 'pending' | 'fail';

export interface Outcome {
  readonly status: Verdict;
  /** What was found, in one line. */
  readonly detail: string;
  /** What to do about it (pending and fail). */
  readonly fix?: string;
}

export interface CheckResult extends Outcome {
  readonly id: string;
  readonly module: CheckModule | 'stack';
  readonly title: string;
}

/** The settings check reads (the same keys as the stack's settings). */
export interface CheckSettings {
  /** The tag the student says they shipped (`imageTag`). */
  readonly imageTag?: string;
}

/** Everything a checkpoint may use; `memo` shares one AWS answer between checkpoints of a run. */
export interface CheckContext {
  readonly clients: AwsClients;
  readonly clock: Clock;
  readonly http: HttpProbe;
  readonly region: string;
  readonly stackName: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly settings: CheckSettings;
  memo<T>(key: string, load: () => Promise<T>): Promise<T>;
}

export interface Checkpoint {
  /** `<module>.<what>`, stable: grade tables use it as a column name. */
  readonly id: string;
  readonly title: string;
  /** Whether the deployed stack has what this checkpoint needs (default: yes), judged by its outputs. */
  readonly appliesTo?: (outputs: Readonly<Record<string, string>>) => boolean;
  run(ctx: CheckContext): Promise<Outcome>;
}

export const pass = (detail: string): Outcome => ({ status: 'pass', detail });
export const pending = (detail: string, fix: string): Outcome => ({ status: 'pending', detail, fix });
export const fail = (detail: string, fix: string): Outcome => ({ status: 'fail', detail, fix });

/** A stack output the module always has; a missing one means the stack is not the kit's. */
export function output(ctx: CheckContext, key: string): string {
  const value = ctx.outputs[key];
  if (!value) throw new MissingOutputError(key, ctx.stackName);
  return value;
}

export class MissingOutputError extends Error {
  constructor(readonly key: string, stackName: string) {
    super(`${stackName} has no output ${key}: redeploy it with this version of the kit (npx cdk deploy ClassLabStack)`);
  }
}
