/**
 * Checkpoints of the Route 53 module (lab-guides/route53.md): the alias records for the load
 * balancer exist, and the load balancer answers each name by its host-name rule. A private
 * zone resolves only inside the VPC, so the name goes to the load balancer as a Host header,
 * as the guide's TryRecordCommand does. Record listing pages with StartRecordName, -Type and
 * -Identifier (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListResourceRecordSets.html).
 */
import { ListResourceRecordSetsCommand, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { withRetry } from '../aws/poller';
import { CheckContext, Checkpoint, fail, output, pass, pending } from './checkpoint';

/** What answers each name: the fleet's page, or the ECS service (sample app or placeholder). */
const ANSWERS: Readonly<Record<'web' | 'app', { output: string; page: RegExp; what: string }>> = {
  web: { output: 'WebRecordName', page: /Class Lab EC2 fleet/, what: 'the EC2 fleet page' },
  app: { output: 'AppRecordName', page: /Class Lab sample app|Class Lab: placeholder/, what: 'the ECS service' },
};

const dnsName = (name: string) => name.toLowerCase().replace(/\.$/, '').replace(/^dualstack\./, '');

export function loadBalancerHost(ctx: CheckContext): string {
  return new URL(output(ctx, 'WebUrl')).host;
}

async function records(ctx: CheckContext): Promise<ResourceRecordSet[]> {
  const zoneId = output(ctx, 'HostedZoneId');
  return ctx.memo('zone-records', async () => {
    const all: ResourceRecordSet[] = [];
    let start: { StartRecordName?: string; StartRecordType?: string; StartRecordIdentifier?: string } = {};
    for (;;) {
      const page = await withRetry(ctx.clock, () => ctx.clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...start } as any)));
      all.push(...(page.ResourceRecordSets ?? []));
      if (!page.IsTruncated) return all;
      start = { StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType, StartRecordIdentifier: page.NextRecordIdentifier };
    }
  });
}

/** Record names the stack says it made (only modules that are deployed have one). */
function expectedNames(ctx: CheckContext): Array<['web' | 'app', string]> {
  return (['web', 'app'] as const).filter((l) => ctx.outputs[ANSWERS[l].output]).map((l) => [l, ctx.outputs[ANSWERS[l].output]]);
}

const aliasRecords: Checkpoint = {
  id: 'route53.records',
  title: 'alias records for the load balancer',
  async run(ctx) {
    const alb = dnsName(loadBalancerHost(ctx));
    const all = await records(ctx);
    const names = expectedNames(ctx);
    if (names.length === 0) return fail('the stack has no record outputs', 'deploy route53 together with ec2 or ecs (-c modules=...)');
    const problems: string[] = [];
    for (const [, name] of names) {
      const record = all.find((r) => dnsName(r.Name ?? '') === dnsName(name) && r.Type === 'A');
      if (!record) problems.push(`${name}: no A record`);
      else if (!record.AliasTarget || dnsName(record.AliasTarget.DNSName ?? '') !== alb) problems.push(`${name}: not an alias for ${alb}`);
    }
    if (problems.length > 0) return fail(problems.join('; '), 'redeploy to restore the records the kit made: npx cdk deploy ClassLabStack');
    return pass(`${names.map(([, n]) => n).join(' and ')}: alias A records for the load balancer`);
  },
};

function hostCheckpoint(label: 'web' | 'app'): Checkpoint {
  const answer = ANSWERS[label];
  return {
    id: `route53.${label}-host`,
    title: `the load balancer answers ${label}.<zone> with ${answer.what}`,
    appliesTo: (outputs) => Boolean(outputs[answer.output]),
    async run(ctx) {
      const name = ctx.outputs[answer.output];
      if (!name) return fail(`no ${answer.output} output`, `deploy the ${label === 'web' ? 'ec2' : 'ecs'} module with route53`);
      const reply = await ctx.http.get(`http://${loadBalancerHost(ctx)}/`, name);
      if (reply.status === 200 && answer.page.test(reply.body)) return pass(`Host: ${name} -> ${answer.what}`);
      if (reply.status === 503) return pending(`Host: ${name} -> 503 (no healthy target yet)`, 'wait until the module\'s targets are healthy, then check again');
      return fail(`Host: ${name} -> ${reply.status}, not ${answer.what}`, 'the host-name rule is missing or changed: redeploy with npx cdk deploy ClassLabStack');
    },
  };
}

export const ROUTE53_CHECKPOINTS: readonly Checkpoint[] = [aliasRecords, hostCheckpoint('web'), hostCheckpoint('app')];
