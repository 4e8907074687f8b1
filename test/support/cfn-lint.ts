import { execFile, spawnSync } from 'node:child_process';
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

/** Runs one cfn-lint process over files; resolves with its JSON findings. */
function runCfnLint(files: readonly string[], regions: readonly string[]): Promise<RawFinding[]> {
  return new Promise((resolve, reject) => {
    execFile('cfn-lint', ['--format', 'json', '--regions', ...regions, '--', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      // Exit codes are a bit mask of the levels found (2 error, 4 warning, 8 informational); 1 is a crash.
      const status = error && typeof error.code === 'number' ? error.code : error ? undefined : 0;
      if (status === undefined || status === 1 || !stdout.trim().startsWith('[')) {
        reject(new Error(`cfn-lint failed (exit ${status ?? error?.message}): ${stderr || stdout}`));
      } else {
        resolve(JSON.parse(stdout) as RawFinding[]);
      }
    });
  });
}

/**
 * Lints templates with cfn-lint and returns every finding. Templates are written as JSON files
 * named after their key; identical ones (a nested stack no setting changes) are linted once,
 * under their first name. The files are split over `processes` cfn-lint processes run at once,
 * so the lint uses both cores of a small machine.
 */
export async function cfnLint(templates: ReadonlyMap<string, Record<string, any>>, regions: readonly string[], processes = 2): Promise<LintFinding[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-cfn-lint-'));
  try {
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
    const all = [...files.keys()];
    const chunks = Array.from({ length: Math.min(processes, all.length) }, (_, i) => all.filter((_f, j) => j % processes === i));
    const raw = (await Promise.all(chunks.map((chunk) => runCfnLint(chunk, regions)))).flat();
    return raw.map((finding) => {
      const name = files.get(path.resolve(finding.Filename));
      const template = templates.get(name ?? '') ?? {};
      const [section, logicalId, ...rest] = finding.Location.Path.map(String);
      const inResource = section === 'Resources' && logicalId !== undefined;
      return {
        rule: finding.Rule.Id,
        level: finding.Level,
        template: name ?? finding.Filename,
        resourceType: inResource ? template.Resources?.[logicalId]?.Type : undefined,
        path: inResource ? rest.join('/') : finding.Location.Path.join('/'),
        message: finding.Message,
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
