/**
 * `npm run synth [-- -c key=value ...]`: synthesizes ClassLabStack offline, then shows the
 * effective settings (lab-settings.json, cdk.json, -c), when the stack expires and how to extend
 * it, where the templates are and what `npx cdk deploy ClassLabStack` would create.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STACK_ID } from '../lib/app/class-lab-app';
import { describeExpiry } from '../lib/class-operations/expiry';
import { describeSettings, parsePairs, resolveSettings } from '../lib/settings/sources';

const OUTDIR = 'cdk.out';

function synthesize(extraArgs: string[]): void {
  const result = spawnSync('npx', ['cdk', 'synth', 'ClassLabStack', '--quiet', ...extraArgs], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Counts resources by type in every template of the assembly, nested ones included. */
export function summarizeAssembly(outdir: string): { templates: Array<[string, number]>; byType: Map<string, number> } {
  const templates: Array<[string, number]> = [];
  const byType = new Map<string, number>();
  for (const file of fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json')).sort()) {
    const resources = Object.values<{ Type: string }>(JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8')).Resources ?? {});
    templates.push([file, resources.length]);
    for (const { Type } of resources) {
      if (Type === 'AWS::CloudFormation::Stack' || Type === 'AWS::CDK::Metadata') continue;
      byType.set(Type, (byType.get(Type) ?? 0) + 1);
    }
  }
  return { templates, byType };
}

/** The `-c key=value` pairs among the arguments. */
export function contextPairs(args: readonly string[]): string[] {
  const pairs: string[] = [];
  args.forEach((arg, i) => {
    if ((arg === '-c' || arg === '--context') && args[i + 1] !== undefined) pairs.push(args[i + 1]);
    else if (arg.startsWith('--context=')) pairs.push(arg.slice('--context='.length));
  });
  return pairs;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  synthesize(args);
  console.log('\nEffective settings (-c > lab-settings.json > cdk.json > default):');
  const settings = resolveSettings(parsePairs(contextPairs(args), '-c'));
  for (const line of describeSettings(settings)) console.log(line);
  console.log('');
  const stackId = settings.config.roster ? `${STACK_ID}-<student>` : STACK_ID;
  for (const line of describeExpiry(settings.config.expiresAfterHours, stackId, settings.sources.expiresAfterHours ?? 'the default')) console.log(line);
  const { templates, byType } = summarizeAssembly(OUTDIR);
  console.log(`\nTemplates written to ${path.resolve(OUTDIR)}:`);
  for (const [file, count] of templates) console.log(`  ${file}  (${count} resources)`);
  console.log('\n`npx cdk deploy ClassLabStack` would create:');
  for (const [type, count] of [...byType.entries()].sort()) console.log(`  ${String(count).padStart(3)} x ${type}`);
}
