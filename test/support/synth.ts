import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BuildOptions, buildClassLabApp } from '../../lib/app/class-lab-app';
import { ClassLabStack } from '../../lib/app/class-lab-stack';
import { cliContext } from './cli-context';


export interface SynthesizedLab {
  readonly app: App;
  /** Every ClassLabStack of the app (several for a roster). */
  readonly stacks: readonly ClassLabStack[];
  /** The one ClassLabStack; throws for a roster of several students. */
  readonly stack: ClassLabStack;
  /** Template of the one root stack; throws for a roster of several students. */
  readonly root: Template;
  /** Template of any stack or nested stack of the app. */
  template(stack: Stack | NestedStack): Template;
  /** Every template of the app, root and nested, of every ClassLabStack, by construct path. */
  allTemplates(): Map<string, Record<string, any>>;
}

const cache = new Map<string, SynthesizedLab>();

/**
 * Synthesizes the app for a context once per test file and shares it. Synthesis with the
 * guardrails on is the slow part of the suite: tests that only vary a setting pass
 * `{ guardrails: false }`, which also turns off aws-cdk-lib's built-in CloudFormation template
 * validation (a WebAssembly engine that costs seconds per test file and per synth; measured: a
 * test file's first synth 21.6 s with it, 0.8 s without, on a busy 2-core machine). The default
 * app's tests keep every check. Stacks are environment-agnostic
 * unless a roster gives an account or region.
 *
 * `context` is the settings as `-c key=value`; the app gets them on top of cdk.json's context and
 * the CLI's own keys, exactly as `npx cdk synth` hands them over (test/support/cli-context.ts), so
 * every feature flag a student's deploy has is in force here too.
 */
export function synthLab(context: Record<string, string> = {}, options: BuildOptions = {}): SynthesizedLab {
  const key = JSON.stringify([context, options]);
  const cached = cache.get(key);
  if (cached) return cached;
  const builtinCloudFormationValidation = options.guardrails ?? true;
  const built = buildClassLabApp({ context: cliContext(context), builtinCloudFormationValidation }, options);
  const { app, stacks } = built;
  app.synth();
  const templates = new Map<string, Template>();
  const template = (s: Stack | NestedStack): Template => {
    const path = s.node.path;
    if (!templates.has(path)) templates.set(path, Template.fromStack(s));
    return templates.get(path)!;
  };
  const lab: SynthesizedLab = {
    app,
    stacks,
    get stack() {
      return built.stack;
    },
    get root() {
      return template(built.stack);
    },
    template,
    allTemplates: () => {
      const all = new Map<string, Record<string, any>>();
      for (const s of app.node.findAll().filter((c): c is Stack => Stack.isStack(c))) {
        all.set(s.node.path, template(s).toJSON());
      }
      return all;
    },
  };
  cache.set(key, lab);
  return lab;
}

/** Replaces values that change with every dependency bump, so snapshot diffs stay readable. */
export function normalizeTemplate(template: Record<string, any>): Record<string, any> {
  const text = JSON.stringify(template)
    .replace(/[0-9a-f]{64}(\.json|\.zip)?/g, (_m, ext) => `<asset-hash>${ext ?? ''}`);
  return JSON.parse(text);
}

/** All resources of one type across every template of the app. */
export function resourcesOfType(lab: SynthesizedLab, type: string): Array<Record<string, any>> {
  return [...lab.allTemplates().values()].flatMap((t) =>
    Object.values<Record<string, any>>(t.Resources ?? {}).filter((r) => r.Type === type),
  );
}

/** CDK's own metadata on a resource: the construct path and asset locations, which restate the tree. */
const CDK_METADATA_KEY = /^aws:(cdk:path|asset:)/;

/**
 * A template for a snapshot: asset hashes normalized, and CDK's construct-path and asset metadata
 * dropped (the CLI turns them on; they repeat the construct tree and would bury real changes).
 */
export function snapshotTemplate(template: Record<string, any>): Record<string, any> {
  const normalized = normalizeTemplate(template);
  for (const resource of Object.values<Record<string, any>>(normalized.Resources ?? {})) {
    if (!resource.Metadata) continue;
    for (const key of Object.keys(resource.Metadata)) if (CDK_METADATA_KEY.test(key)) delete resource.Metadata[key];
    if (Object.keys(resource.Metadata).length === 0) delete resource.Metadata;
  }
  return normalized;
}
