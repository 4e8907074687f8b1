/**
 * Reads the CloudFormation templates of a cloud assembly (a cdk.out directory, or the one
 * `buildClassLabApp` synthesizes), nested stacks included, and says which class module each
 * resource belongs to. Generic on purpose: a module that lands later is read the same way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ToolError } from '../core/errors';

export type Template = { Resources?: Record<string, CfnResource>; Outputs?: Record<string, unknown> };
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, any>;
  readonly UpdatePolicy?: Record<string, any>;
}

/** One template in the stack tree: a root stack or a nested stack of it. */
export interface StackNode {
  /** Root stack name, or the nested stack's logical id. */
  readonly name: string;
  /** Class module of the resources in it that carry no class-module tag of their own. */
  readonly module: string;
  readonly template: Template;
  readonly children: StackNode[];
  /** Nested stacks whose template file could not be found. */
  readonly missing: string[];
}

/** Module of the resources of the root stack that are shared by every module (network, ALB). */
export const SHARED_MODULE = 'shared';
const MODULE_TAG = 'class-module';

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The value of a tag in any of the shapes CloudFormation uses (Tags, HostedZoneTags, TagSpecifications). */
export function tagValue(resource: CfnResource, key: string): string | undefined {
  const props = resource.Properties ?? {};
  const lists = [props.Tags, props.HostedZoneTags];
  for (const list of lists) {
    if (Array.isArray(list)) {
      const tag = list.find((t: any) => t?.Key === key);
      if (typeof tag?.Value === 'string') return tag.Value;
    } else if (list && typeof list === 'object' && typeof list[key] === 'string') {
      return list[key];
    }
  }
  return undefined;
}

/** The class module a resource belongs to: its own class-module tag, else its stack's. */
export function moduleOf(resource: CfnResource, stackModule: string): string {
  return tagValue(resource, MODULE_TAG) ?? stackModule;
}

/** Maps an S3 object key of an asset (…/<hash>.json) to the template file it came from. */
function nestedTemplateFiles(dir: string): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.assets.json'))) {
    const manifest = readJson(path.join(dir, file));
    for (const asset of Object.values<any>(manifest.files ?? {})) {
      for (const destination of Object.values<any>(asset.destinations ?? {})) {
        if (typeof destination.objectKey === 'string') byKey.set(destination.objectKey, asset.source?.path);
      }
    }
  }
  return byKey;
}

function lastUrlSegment(templateUrl: unknown): string | undefined {
  if (typeof templateUrl === 'string') return templateUrl.split('/').pop();
  const parts = (templateUrl as any)?.['Fn::Join']?.[1];
  if (Array.isArray(parts) && typeof parts[parts.length - 1] === 'string') return parts[parts.length - 1].split('/').pop();
  return undefined;
}

function buildNode(dir: string, name: string, module: string, template: Template, assets: Map<string, string>, depth: number): StackNode {
  const node: StackNode = { name, module, template, children: [], missing: [] };
  if (depth > 10) return node;
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const file = resource.Metadata?.['aws:asset:path'] ?? assets.get(lastUrlSegment(resource.Properties?.TemplateURL) ?? '');
    if (!file || !fs.existsSync(path.join(dir, file))) {
      node.missing.push(logicalId);
      continue;
    }
    const childModule = tagValue(resource, MODULE_TAG) ?? logicalId;
    node.children.push(buildNode(dir, logicalId, childModule, readJson(path.join(dir, file)), assets, depth + 1));
  }
  return node;
}

/** Every root stack of the assembly in `dir`, each with its nested stacks. */
export function readAssembly(dir: string): StackNode[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new ToolError(`no cloud assembly in ${dir}: run \`npx cdk synth ClassLabStack\` first, or leave out --cdk-out to synthesize`);
  }
  const manifest = readJson(manifestFile);
  const assets = nestedTemplateFiles(dir);
  const roots: StackNode[] = [];
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const file = path.join(dir, artifact.properties.templateFile);
    roots.push(buildNode(dir, artifact.properties.stackName ?? id, SHARED_MODULE, readJson(file), assets, 0));
  }
  return roots;
}

/** Depth-first: the node, then its nested stacks. */
export function walk(node: StackNode): StackNode[] {
  return [node, ...node.children.flatMap(walk)];
}
