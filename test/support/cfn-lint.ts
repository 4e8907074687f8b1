import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KNOWN_FINDINGS, KnownFinding } from './cfn-lint-known';

/** One cfn-lint finding, located in the kit's terms. */
export interface LintFinding {
  readonly rule: string;
  readonly level: string;
  /** The template's name as the caller gave it (variant and construct path). */
  readonly template: string;
  readonly resourceType?: string;
  /** Path inside the resource (after Resources/<logical id>/), or inside the template when not in a resource. */
  readonly path: string;
  readonly message: string;
}

/** Whether cfn-lint is on the PATH (it is a Python tool: `pip install cfn-lint`). */
export function cfnLintVersion(): string | undefined {
  const result = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

interface RawFinding {
  Rule: { Id: string };
  Level: string;
  Filename: string;
  Message: string;
  Location: { Path: Array<string | number> };
}

/**
 * Lints templates with cfn-lint in one process (its start-up is a good part of its time) and
 * returns every finding. Templates are written as JSON files named after their key.
 */
export function cfnLint(templates: ReadonlyMap<string, Record<string, any>>, regions: readonly string[]): LintFinding[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-cfn-lint-'));
  try {
    // Identical templates (a nested stack no setting changes) are linted once, under their first name.
    const files = new Map<string, string>();
    const written = new Set<string>();
    for (const [name, template] of templates) {
      const text = JSON.stringify(template, undefined, 1);
      if (written.has(text)) continue;
      written.add(text);
      const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.template.json`);
      if (files.has(file)) throw new Error(`two templates would share the file name of ${name}`);
      fs.writeFileSync(file, text);
      files.set(file, name);
    }
    const result = spawnSync('cfn-lint', ['--format', 'json', '--regions', ...regions, '--', ...files.keys()], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) throw result.error;
    // Exit codes are a bit mask of the levels found (2 error, 4 warning, 8 informational); 1 is a crash.
    if (result.status === 1 || !result.stdout.trim().startsWith('[')) {
      throw new Error(`cfn-lint failed (exit ${result.status}): ${result.stderr || result.stdout}`);
    }
    return (JSON.parse(result.stdout) as RawFinding[]).map((raw) => {
      const template = templates.get(files.get(path.resolve(raw.Filename)) ?? '') ?? {};
      const [section, logicalId, ...rest] = raw.Location.Path.map(String);
      const inResource = section === 'Resources' && logicalId !== undefined;
      return {
        rule: raw.Rule.Id,
        level: raw.Level,
        template: files.get(path.resolve(raw.Filename)) ?? raw.Filename,
        resourceType: inResource ? template.Resources?.[logicalId]?.Type : undefined,
        path: inResource ? rest.join('/') : raw.Location.Path.join('/'),
        message: raw.Message,
      };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The known finding that accounts for this one, if any. */
export function knownFinding(finding: LintFinding, known: readonly KnownFinding[] = KNOWN_FINDINGS): KnownFinding | undefined {
  return known.find((k) => k.rule === finding.rule && k.resourceType === finding.resourceType && k.path === finding.path);
}
