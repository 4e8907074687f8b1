import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.join(__dirname, '..', '..');

/** The repository's cdk.json, as a student's checkout has it. */
export function repoCdkJson(): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8'));
}

export interface ScratchProject {
  readonly dir: string;
  /** An empty output folder, as the CLI's cdk.out. */
  readonly outdir: string;
  /** Every file under the project directory and the output folder, relative paths. */
  files(): string[];
  write(name: string, content: string): string;
}

/**
 * A project directory like a student's checkout for the settings sources: the repository's
 * cdk.json (with `app` pointing at this repository's bin/class-lab.ts, so the real CDK CLI can
 * run it from here), plus whatever settings file or roster a test writes.
 */
export function scratchProject(cdkJsonContext: Record<string, unknown> = {}): ScratchProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-project-'));
  const cdkJson = repoCdkJson();
  cdkJson.app = `node ${require.resolve('ts-node/dist/bin')} --prefer-ts-exts ${path.join(REPO_ROOT, 'bin', 'class-lab.ts')}`;
  cdkJson.context = { ...cdkJson.context, ...cdkJsonContext };
  fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify(cdkJson, undefined, 2));
  const outdir = path.join(dir, 'cdk.out');
  fs.mkdirSync(outdir);
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.relative(dir, path.join(d, e.name))]));
  return {
    dir,
    outdir,
    files: () => walk(dir).sort(),
    write: (name, content) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    },
  };
}
