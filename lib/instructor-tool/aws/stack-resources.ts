/** A stack's resources, nested stacks included, as CloudFormation lists them (teardown plans with it, rehearse scans with it). */
import { ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { AwsClients } from './clients';
import { Clock } from '../core/clock';
import { errorMessage } from '../core/errors';
import { withRetry } from './poller';

export const NESTED_STACK = 'AWS::CloudFormation::Stack';

/** One resource of a stack as it was before the delete; the physical ids feed the leftover scan. */
export interface StackResourceRecord {
  readonly stackId: string;
  readonly logicalId: string;
  readonly physicalId: string;
  readonly type: string;
  readonly status: string;
}

export function isMissingStack(error: unknown): boolean {
  return /does not exist/i.test(errorMessage(error));
}

/** Every resource of a stack and its nested stacks, before anything is deleted. */
export async function inventory(clients: AwsClients, clock: Clock, stackId: string, depth = 0): Promise<StackResourceRecord[]> {
  const records: StackResourceRecord[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await withRetry(clock, () => clients.cloudformation.send(new ListStackResourcesCommand({ StackName: stackId, NextToken: token })));
      for (const r of page.StackResourceSummaries ?? []) {
        records.push({ stackId, logicalId: r.LogicalResourceId ?? '', physicalId: r.PhysicalResourceId ?? '', type: r.ResourceType ?? '', status: r.ResourceStatus ?? '' });
      }
      token = page.NextToken;
    } while (token);
  } catch (error) {
    if (isMissingStack(error)) return records;
    throw error;
  }
  for (const nested of records.filter((r) => r.type === NESTED_STACK && r.physicalId && r.status !== 'DELETE_COMPLETE' && depth < 5)) {
    records.push(...(await inventory(clients, clock, nested.physicalId, depth + 1)));
  }
  return records;
}

