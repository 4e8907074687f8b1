/** What the phases of a teardown share: the context every blocker remedy and delete step gets. */
import { AwsClients } from '../aws/clients';
import { Clock } from '../core/clock';
import { Reporter } from '../core/output';

export interface BlockerContext {
  readonly clients: AwsClients;
  readonly clock: Clock;
  /** How long to wait for network interfaces that AWS releases by itself (task ENIs). */
  readonly eniWaitMs: number;
  readonly eniPollMs: number;
  readonly progress: (text: string) => void;
}

/** A resource CloudFormation could not delete, as read from the stack events. */
export interface StuckResource {
  readonly stackId: string;
  readonly logicalId: string;
  readonly physicalId: string;
  readonly type: string;
  readonly reason: string;
}

/** What every phase of a delete shares: the AWS clients, the clock, the reporter and the bounds. */
export interface TeardownContext extends BlockerContext {
  readonly reporter: Reporter;
  readonly pollMs: number;
  readonly timeoutMs: number;
  readonly attempts: number;
}

