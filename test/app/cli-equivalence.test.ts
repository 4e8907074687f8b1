/**
 * One app, however it is built: for every variant the suite tests (test/support/variants.ts), the
 * real CDK CLI's synth (test/support/cli-synth.ts, one per variant per run) and the app's entry
 * point run in-process with the context the tests use (test/support/cli-context.ts) give the
 * same templates, root and nested, and the same stack properties in manifest.json (stack name,
 * tags, termination protection, role ARNs, environment, dependencies). Only asset hashes are
 * normalized. So what the tests assert of the in-process app holds for what a student deploys.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesizeClassLab } from '../../lib/app/class-lab-app';
import { CLASS_MODULES, SANDBOXES } from '../../lib/settings/settings-table';
import { cdkSynthArgs, cdkSynthEnv } from '../support/cdk-cli';
import { cliContext } from '../support/cli-context';
import { BUILTIN_VALIDATION_VARIANT, CliAssembly, cliAssembly, readAssembly, variantProject, variantSynthEnv } from '../support/cli-synth';
import { builtinValidationEnabled } from '../../lib/guardrails/roster-guardrails';
import { repoCdkJson } from '../support/project';
import { normalizeTemplate } from '../support/synth';
import { variant, VARIANT_NAMES, VARIANTS } from '../support/variants';

/** Whether each in-process build ran aws-cdk-lib's built-in CloudFormation validation. */
const builtinValidationRan = new Map<string, boolean>();

/**
 * The app's entry point (bin/class-lab.ts) run in this process on the variant's project folder,
 * with every check on: the guardrails and aws-cdk-lib's built-in validation, which only the
 * default variant's CLI synth runs (BUILTIN_VALIDATION_VARIANT), so here every variant passes it.
 */
function inProcessAssembly(name: (typeof VARIANT_NAMES)[number]): CliAssembly {
  const project = variantProject(name);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `class-lab-in-process-${name}-`));
  const errors: string[] = [];
  const status = synthesizeClassLab({
    projectDir: project.dir, outdir, context: cliContext({}, repoCdkJson().context), error: (line) => errors.push(line),
    beforeSynth: (app) => builtinValidationRan.set(name, builtinValidationEnabled(app)),
  });
  if (status !== 0) throw new Error(`in-process synth of ${name} failed:\n${errors.join('\n')}`);
  return readAssembly(project, outdir);
}

/** What a deploy takes from a stack artifact, asset hashes normalized. */
function stackProperties(assembly: CliAssembly) {
  return normalizeTemplate({ stacks: assembly.stacks(), dependencies: Object.fromEntries(Object.entries(assembly.manifest.artifacts).map(([id, a]) => [id, a.dependencies ?? []])) });
}

function normalizedTemplates(assembly: CliAssembly): Record<string, unknown> {
  return Object.fromEntries([...assembly.templates()].map(([file, t]) => [file, normalizeTemplate(t)]));
}

describe.each(VARIANT_NAMES)('the %s variant', (name) => {
  const cli = cliAssembly(name);
  const inProcess = inProcessAssembly(name);

  test('has the same templates, root and nested, from the CLI and in-process', () => {
    const fromCli = normalizedTemplates(cli);
    expect(Object.keys(fromCli).length).toBeGreaterThan(0);
    expect(normalizedTemplates(inProcess)).toEqual(fromCli);
  });

  test('has the same stack properties in manifest.json (name, tags, termination protection, roles)', () => {
    expect(cli.stacks().length).toBeGreaterThan(0);
    expect(stackProperties(inProcess)).toEqual(stackProperties(cli));
  });

  test('passes aws-cdk-lib\'s built-in CloudFormation validation in its in-process build', () => {
    // The build above stops with an error on a finding; this says the validation was on.
    expect(builtinValidationRan.get(name)).toBe(true);
  });
});

describe('aws-cdk-lib\'s built-in validation in the CLI synths', () => {
  test('runs in the default variant\'s, as in a student\'s npx cdk synth ClassLabStack', () => {
    expect(BUILTIN_VALIDATION_VARIANT).toBe('default');
    expect(variantSynthEnv('default').CDK_VALIDATION).toBeUndefined();
  });

  test('is off in every other variant (the in-process builds, with it on, give the same templates)', () => {
    for (const name of VARIANT_NAMES.filter((n) => n !== BUILTIN_VALIDATION_VARIANT)) expect(variantSynthEnv(name).CDK_VALIDATION).toBe('false');
  });
});

describe('the variant list', () => {
  test('has every class module on its own', () => {
    for (const module of CLASS_MODULES) expect(VARIANTS).toHaveProperty([`module-${module}`, 'settings', 'modules'], module);
  });

  test('has every sandbox, a student, a roster, expiry, an image tag and a public zone', () => {
    const given = (key: string) => VARIANT_NAMES.filter((n) => key in variant(n).settings);
    for (const sandbox of SANDBOXES.filter((s) => s !== 'none')) expect(VARIANT_NAMES.some((n) => (variant(n).settings as Record<string, string>).sandbox === sandbox)).toBe(true);
    for (const key of ['student', 'roster', 'expiresAfterHours', 'imageTag', 'publicZoneId']) expect(given(key)).not.toEqual([]);
  });

  test('is the only way to a CLI synth: an unlisted variant is an error', () => {
    expect(() => variant('module-vpc')).toThrow(/No variant "module-vpc" in test\/support\/variants.ts/);
  });
});

test('the CLI hands the app cdk.json\'s context and only the keys CLI_ADDED_CONTEXT lists', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-cli-context-'));
  fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ ...repoCdkJson(), app: 'node dump-context.js' }));
  // An app that writes the context it was given and an empty assembly.
  fs.writeFileSync(path.join(dir, 'dump-context.js'), [
    "const fs = require('fs');",
    "fs.writeFileSync('context.json', process.env.CDK_CONTEXT_JSON ?? '{}');",
    "fs.writeFileSync(process.env.CDK_OUTDIR + '/manifest.json', JSON.stringify({ version: '36.0.0', artifacts: {} }));",
  ].join('\n'));
  const result = spawnSync(process.execPath, cdkSynthArgs(['-c', 'student=ana']), { cwd: dir, encoding: 'utf8', env: cdkSynthEnv(), timeout: 60_000 });
  expect(fs.existsSync(path.join(dir, 'context.json'))).toBe(true);
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'context.json'), 'utf8'))).toEqual(cliContext({ student: 'ana' }));
  expect(result.error).toBeUndefined();
}, 60_000);
