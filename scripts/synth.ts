/**
 * `npm run synth [-- -c key=value ...]`: synthesizes every stack of the app offline (ClassLabStack,
 * or one ClassLabStack-<id> per student with a roster in the settings) into a staging folder and
 * only when that succeeded replaces `cdk.out` with it, so a failed synth leaves `cdk.out` as it
 * was. Then shows the effective settings (lab-settings.json, cdk.json, -c), the templates of each
 * stack, when the stack expires and how to extend it, and what `cdk deploy` would create.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { replaceAssembly, STACK_ID } from '../lib/app/class-lab-app';
import { describeExpiry } from '../lib/class-operations/expiry';
import { describeSettings, parsePairs, resolveSettings } from '../lib/settings/sources';

const OUTDIR = 'cdk.out';

/** The pinned CDK CLI's `cdk synth` of every stack into outdir; its exit code. */
function synthesize(outdir: string, extraArgs: readonly string[]): number {
  const cli = require.resolve('aws-cdk/bin/cdk');
  const result = spawnSync(process.execPath, [cli, 'synth', '--quiet', '-o', outdir, ...extraArgs], { stdio: 'inherit' });
  return result.status ?? 1;
}

export interface StackSummary {
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** What the CDK CLI selects the stack by (`npx cdk deploy <this>`). */
  readonly cliName: string;
  /** Its root template, then its nested templates, with their resource counts. */
  readonly templates: Array<[string, number]>;
  /** Resources by type across its templates (nested stacks and CDK metadata left out). */
  readonly byType: Map<string, number>;
}

interface ManifestStack {
  readonly type: string;
  readonly displayName?: string;
  readonly properties: { readonly templateFile: string; readonly stackName?: string };
}

type TemplateResources = Record<string, { Type: string; Metadata?: Record<string, unknown> }>;

/** One summary per stack of the assembly in outdir (manifest.json), its nested stacks' templates included. */
export function summarizeAssembly(outdir: string): StackSummary[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const read = (file: string): TemplateResources => JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8')).Resources ?? {};
  return Object.entries<ManifestStack>(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([id, artifact]) => {
      const templates: Array<[string, number]> = [];
      const byType = new Map<string, number>();
      const visit = (file: string): void => {
        const resources = Object.values(read(file));
        templates.push([file, resources.length]);
        for (const { Type, Metadata } of resources) {
          if (Type === 'AWS::CloudFormation::Stack' && typeof Metadata?.['aws:asset:path'] === 'string') visit(Metadata['aws:asset:path']);
          if (Type === 'AWS::CloudFormation::Stack' || Type === 'AWS::CDK::Metadata') continue;
          byType.set(Type, (byType.get(Type) ?? 0) + 1);
        }
      };
      visit(artifact.properties.templateFile);
      return { stackName: artifact.properties.stackName ?? id, cliName: artifact.displayName ?? id, templates, byType };
    });
}

/** What the summary prints: each stack's templates, then what a deploy creates, once per set of stacks that create the same. */
export function describeAssembly(stacks: readonly StackSummary[], outdir: string): string[] {
  const lines = [`Templates written to ${outdir}:`];
  for (const stack of stacks) {
    const total = [...stack.byType.values()].reduce((sum, n) => sum + n, 0);
    lines.push(`  ${stack.stackName}: ${stack.templates.length} templates, ${total} resources`);
    for (const [file, count] of stack.templates) lines.push(`    ${file}  (${count} resources)`);
  }
  const groups = new Map<string, StackSummary[]>();
  for (const stack of stacks) {
    const key = JSON.stringify([...stack.byType.entries()].sort());
    groups.set(key, [...(groups.get(key) ?? []), stack]);
  }
  for (const [key, members] of groups) {
    const command = stacks.length === 1 ? `npx cdk deploy ${members[0].cliName}` : 'npx cdk deploy --all';
    const which = stacks.length === 1 ? '' : members.length === stacks.length ? `, in each of the ${members.length} stacks` : `, in ${members.map((m) => m.stackName).join(', ')}`;
    lines.push('', `\`${command}\` would create${which}:`);
    for (const [type, count] of JSON.parse(key) as Array<[string, number]>) lines.push(`  ${String(count).padStart(3)} x ${type}`);
  }
  return lines;
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

/** Synthesizes into a staging folder, replaces outdir only on success; the exit code. */
export function main(args: readonly string[], outdir = OUTDIR): number {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-npm-synth-'));
  try {
    const status = synthesize(staging, args);
    if (status !== 0) {
      console.error(`\nSynthesis failed; ${outdir} is as it was.`);
      return status;
    }
    replaceAssembly(staging, outdir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  console.log('\nEffective settings (-c > lab-settings.json > cdk.json > default):');
  const settings = resolveSettings(parsePairs(contextPairs(args), '-c'));
  for (const line of describeSettings(settings)) console.log(line);
  console.log('');
  const stackId = settings.config.roster ? `${STACK_ID}-<student>` : STACK_ID;
  for (const line of describeExpiry(settings.config.expiresAfterHours, stackId, settings.sources.expiresAfterHours ?? 'the default')) console.log(line);
  console.log('');
  for (const line of describeAssembly(summarizeAssembly(outdir), path.resolve(outdir))) console.log(line);
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
