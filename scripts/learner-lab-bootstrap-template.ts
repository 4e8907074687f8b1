/**
 * `npm run learner-lab:bootstrap-template`: writes learner-lab/bootstrap-template.yaml, the
 * pinned CDK CLI's own bootstrap template (`cdk bootstrap --show-template`, offline) without
 * its IAM roles and policies, for sandboxes that forbid creating them (AWS Academy Learner Lab).
 *
 * What stays is what a deploy as LabRole needs (lib/class-operations/learner-lab.ts names it; no `-r`): the asset bucket and container
 * repository under their conventional names, the version parameter in SSM, the outputs, and every
 * template parameter (the CLI passes them all). Statements and outputs that name a removed role
 * go with it; any other reference to one stops the script, so a CLI upgrade that changes the
 * template is looked at, not silently broken. Run it again after upgrading aws-cdk; a test checks
 * that the committed file is what the pinned CLI gives.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';

const root = path.join(__dirname, '..');
export const LEARNER_LAB_BOOTSTRAP_TEMPLATE = path.join(root, 'learner-lab', 'bootstrap-template.yaml');
/** The CLI refuses to replace a bootstrap stack of another variant by accident: this one is ours. */
export const LEARNER_LAB_BOOTSTRAP_VARIANT = 'Class Lab Kit: Learner Lab, no IAM roles';

type Json = any;

/** The bootstrap template of the CDK CLI in node_modules, as the CLI prints it. */
export function cliBootstrapTemplate(): Json {
  const cli = require.resolve('aws-cdk/bin/cdk');
  const result = spawnSync(process.execPath, [cli, 'bootstrap', '--show-template', '--no-notices'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cdk bootstrap --show-template failed:\n${result.stderr}`);
  return parse(result.stdout);
}

export function cliVersion(): string {
  return JSON.parse(fs.readFileSync(require.resolve('aws-cdk/package.json'), 'utf8')).version;
}

/** Logical ids a template value refers to: Ref, Fn::GetAtt and ${...} in Fn::Sub (not AWS:: pseudo parameters). */
export function referencesIn(value: Json): Set<string> {
  const found = new Set<string>();
  const visit = (v: Json): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (v === null || typeof v !== 'object') return;
    for (const [key, inner] of Object.entries<Json>(v)) {
      if (key === 'Ref' && typeof inner === 'string') found.add(inner);
      else if (key === 'Fn::GetAtt') found.add(Array.isArray(inner) ? inner[0] : String(inner).split('.')[0]);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        for (const m of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) found.add(m[1].split('.')[0]);
        if (Array.isArray(inner)) visit(inner[1]);
      } else visit(inner);
    }
  };
  visit(value);
  for (const id of found) if (id.startsWith('AWS::')) found.delete(id);
  return found;
}

/** Drops list elements that refer to a removed resource; throws on any other reference to one. */
function dropReferences(value: Json, removed: Set<string>, where: string): Json {
  const refersToRemoved = (v: Json) => [...referencesIn(v)].some((id) => removed.has(id));
  if (Array.isArray(value)) {
    return value.filter((v) => !refersToRemoved(v)).map((v, i) => dropReferences(v, removed, `${where}[${i}]`));
  }
  if (value === null || typeof value !== 'object') return value;
  const direct = Object.keys(value).some((k) => k === 'Ref' || k.startsWith('Fn::'));
  if (direct && refersToRemoved(value)) {
    throw new Error(`${where} refers to a removed IAM resource (${[...referencesIn(value)].filter((id) => removed.has(id)).join(', ')}): revisit scripts/learner-lab-bootstrap-template.ts`);
  }
  return Object.fromEntries(Object.entries<Json>(value).map(([k, v]) => [k, dropReferences(v, removed, `${where}.${k}`)]));
}

/** The bootstrap template without IAM resources (see the file comment). */
export function withoutIam(template: Json): Json {
  const resources = template.Resources as Record<string, Json>;
  const removed = new Set(Object.keys(resources).filter((id) => String(resources[id].Type).startsWith('AWS::IAM::')));
  const kept = Object.fromEntries(Object.entries(resources).filter(([id]) => !removed.has(id)));
  const outputs = Object.fromEntries(Object.entries<Json>(template.Outputs ?? {}).filter(([, o]) => ![...referencesIn(o)].some((id) => removed.has(id))));
  return {
    ...template,
    Description: `${template.Description} (Class Lab Kit variant for sandboxes without IAM: no roles; CloudFormation acts as LabRole)`,
    Parameters: {
      ...template.Parameters,
      BootstrapVariant: { ...template.Parameters.BootstrapVariant, Default: LEARNER_LAB_BOOTSTRAP_VARIANT },
    },
    Resources: dropReferences(kept, removed, 'Resources'),
    Outputs: dropReferences(outputs, removed, 'Outputs'),
  };
}

/** The file as committed: a header saying where it comes from, then the template. */
export function renderLearnerLabBootstrapTemplate(template: Json, version: string): string {
  return [
    `# Generated by scripts/learner-lab-bootstrap-template.ts (npm run learner-lab:bootstrap-template)`,
    `# from the bootstrap template of aws-cdk ${version}, without IAM roles and policies. Do not edit.`,
    `# Use: npx cdk bootstrap --template learner-lab/bootstrap-template.yaml (see learner-lab/README.md)`,
    stringify(template, { lineWidth: 0, version: '1.1' }),
  ].join('\n');
}

if (require.main === module) {
  const text = renderLearnerLabBootstrapTemplate(withoutIam(cliBootstrapTemplate()), cliVersion());
  fs.mkdirSync(path.dirname(LEARNER_LAB_BOOTSTRAP_TEMPLATE), { recursive: true });
  fs.writeFileSync(LEARNER_LAB_BOOTSTRAP_TEMPLATE, text);
  console.log(`Wrote ${path.relative(process.cwd(), LEARNER_LAB_BOOTSTRAP_TEMPLATE)} from aws-cdk ${cliVersion()}`);
}
