/**
 * Every Region of an account (`--all-regions`): a student who deploys with another default
 * Region leaves a lab that bills where a one-Region look never sees it.
 *
 * The Regions are the ones EC2 DescribeRegions lists as enabled for the account: without
 * AllRegions it "describes the Regions that are enabled for your account", which are those whose
 * opt-in status is opt-in-not-required or opted-in; a Region not opted in cannot hold a stack
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html).
 */
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { AwsClients } from './clients';
import { Clock } from '../core/clock';
import { describeAwsError, isCredentialFailure } from '../core/errors';
import { mapBounded, withRetry } from './poller';
import { KitStack, listKitStacks } from './stacks';

/** Regions looked at once: a whole account is about 17 Regions, and each call is light. */
export const REGIONS_AT_ONCE = 4;
const ENABLED = new Set(['opt-in-not-required', 'opted-in']);

/** The Regions enabled for the account, sorted, the clients' own Region first. */
export async function enabledRegions(clients: AwsClients, clock: Clock): Promise<string[]> {
  const home = await clients.region();
  const out = await withRetry(clock, () => clients.ec2.send(new DescribeRegionsCommand({})));
  const regions = (out.Regions ?? [])
    .filter((r) => r.RegionName && (r.OptInStatus === undefined || ENABLED.has(r.OptInStatus)))
    .map((r) => r.RegionName!)
    .sort();
  return [home, ...regions.filter((r) => r !== home)];
}

/** A kit stack and the Region it is in. */
export type RegionalStack = KitStack & { readonly region: string };

export interface RegionalListing {
  readonly regions: string[];
  readonly stacks: RegionalStack[];
  /** Regions that could not be listed, with why: nothing proves they hold no stack. */
  readonly unlisted: ReadonlyArray<{ region: string; error: string }>;
}

/** The kit's root stacks in every given Region; a Region that refuses is reported, not fatal. */
export async function listKitStacksInRegions(clients: AwsClients, clock: Clock, regions: readonly string[]): Promise<RegionalListing> {
  const results = await mapBounded(regions, REGIONS_AT_ONCE, async (region) => {
    try {
      const stacks = await listKitStacks(clients.inRegion(region), clock);
      return { region, stacks: stacks.map((s): RegionalStack => ({ ...s, region })) };
    } catch (error) {
      // Credentials that fail here fail everywhere: that is the whole run's failure (and the fan-out's retry).
      if (isCredentialFailure(error)) throw error;
      return { region, stacks: [] as RegionalStack[], error: describeAwsError(error).message };
    }
  });
  return {
    regions: [...regions],
    stacks: results.flatMap((r) => r.stacks),
    unlisted: results.flatMap((r) => (r.error === undefined ? [] : [{ region: r.region, error: r.error }])),
  };
}
