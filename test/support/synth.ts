import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BuildOptions, buildClassLabApp } from '../../lib/class-lab-app';
import { ClassLabStack } from '../../lib/class-lab-stack';

export interface SynthesizedLab {
  readonly app: App;
  readonly stack: ClassLabStack;
  /** Template of the root stack. */
  readonly root: Template;
  /** Template of any stack or nested stack of the app. */
  template(stack: Stack | NestedStack): Template;
  /** Every template of the app, root and nested, by construct path. */
  allTemplates(): Map<string, Record<string, any>>;
}

const cache = new Map<string, SynthesizedLab>();

/**
 * Synthesizes ClassLabStack for a context once per test file and shares it. Synthesis with
 * the guardrails on is the slow part of the suite: tests that only vary a setting pass
 * `{ guardrails: false }`.
 */
export function synthLab(context: Record<string, string> = {}, options: BuildOptions = {}): SynthesizedLab {
  const key = JSON.stringify([context, options]);
  const cached = cache.get(key);
  if (cached) return cached;
  const { app, stack } = buildClassLabApp({ context }, options);
  app.synth();
  const templates = new Map<string, Template>();
  const template = (s: Stack | NestedStack): Template => {
    const path = s.node.path;
    if (!templates.has(path)) templates.set(path, Template.fromStack(s));
    return templates.get(path)!;
  };
  const lab: SynthesizedLab = {
    app,
    stack,
    root: template(stack),
    template,
    allTemplates: () => {
      const all = new Map<string, Record<string, any>>();
      for (const s of stack.node.findAll().filter((c): c is Stack => Stack.isStack(c))) {
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
