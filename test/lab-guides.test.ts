/**
 * The lab guides (lab-guides/*.md) are tested against the code: a renamed output, context key,
 * npm script, module or file breaks this test, not a class.
 *
 * Markup convention (what the checks look for; lab-guides/README.md repeats it for authors):
 *
 * - Outputs: a code span holding one CamelCase word is an output (`WebUrl`), unless it is a
 *   stack or one of TERMS below. In commands, outputs are read with the guides' helper
 *   `lab_output WebUrl`, named in `--query "...[?OutputKey=='WebUrl']..."`, or shown the way
 *   `cdk deploy` prints them (`ClassLabStack.WebUrl = http://...`). Outputs come from the
 *   synthesized root stack, never from a list kept here.
 * - Context keys: `-c key=value` (or `--context key=value`) anywhere in code; a code span holding
 *   one camelCase word (`imageTag`) is a context key unless it is one of TERMS. Keys come from
 *   SETTINGS in lib/settings/lab-config.ts. The values of `-c modules=...` must be class modules.
 * - Stacks: the names after `cdk deploy|destroy|synth|diff`, after `--stack-name`, and any word
 *   starting with `ClassLab`. `ClassLabStack-<your-student-id>` is the per-student stack name.
 * - npm scripts: `npm run <script>`, `npm test`, `npm start`: checked against package.json.
 * - The instructor tool: `npx class-lab-admin <command> --option` (or an npm script that runs
 *   it, `npm run <script> -- <command>`): the command and its options must be in the tool's own
 *   help, and `npx` needs the tool declared as a bin in package.json.
 * - Files: relative links resolve from the guide (anchors included). Paths in backticks are
 *   from the repository root: a code span with a slash is a path when it starts with a
 *   top-level entry of the repository (or a near miss of one), ends in `/`, or names a source
 *   file (`.ts`, `.md`, `.json`, `Dockerfile`, ...); `linux/arm64` is not. In code blocks,
 *   words that start with a top-level entry are paths too.
 * - Module guides carry a card: `**Module** \`ec2\`` plus links to the module file and its
 *   test. Every lib/app/modules/<name>.ts has lab-guides/<name>.md.
 * - Commands: shell blocks are fenced ```bash, have no `$ ` prompts and pass `bash -n`;
 *   expected output is fenced ```text. Placeholders are `<words-with-hyphens>` and each one is
 *   explained by a list item or table row starting with it, in the guide or in the README.
 * - Class notes: the README table headed "Class notes" maps every agenda item, heading and
 *   diagram request of the notes to a guide section; *WIP* sections must be written out
 *   there, and diagram requests must point at a section with a Mermaid block.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { STACK_ID, stackNameFor } from '../lib/app/class-lab-app';
import { CLASS_MODULES, SETTINGS, loadLabConfig } from '../lib/settings/lab-config';
import { FLEET_REQUESTS_PER_TARGET_PER_MINUTE } from '../lib/app/modules/ec2-fleet';
import { synthesizeTemplates } from '../lib/instructor-tool/templates/synthesize';
import { loadPrices, priceStack } from '../lib/instructor-tool/cost/pricing';
import { describePlan, LOAD_DEFAULTS } from '../scripts/load';
import { corePathMinutes, guideMinutes, loadTimeBudget } from '../lib/instructor-tool/rehearse/time-budget';
import { FLEET_DEFAULTS } from '../lib/settings/settings-table';
import { checkLines } from '../lib/instructor-tool/check/check';
import { STACK_BASE_NAME } from '../lib/instructor-tool/checkpoints/check-student';
import { CHECK_MODULES, CheckModule, CheckResult, Verdict } from '../lib/instructor-tool/checkpoints/checkpoint';
import { ECS_GUIDE_TAGS } from '../lib/instructor-tool/checkpoints/ecs';
import { MODULE_CHECKPOINTS } from '../lib/instructor-tool/checkpoints/index';
import { ECS_SERVICE_NAME } from '../lib/instructor-tool/doctor/service-linked-role';
import {
  CodeFacts, Guide, INSTRUCTOR_TOOL, Problem, cdkStackSelectors, checkCommands, checkMarkdown, checkNames, checkRuns, explainedPlaceholders,
  notesItems, outputsRead, parseGuide, profileSpecificCommands, proseWords, section, shellcheckGuides, statedMinutes, stepHeading,
  stepReferences, stripInline, studentProfiles,
} from './support/lab-guides';
import { synthLab } from './support/synth';

const root = path.join(__dirname, '..');
const GUIDES_DIR = 'lab-guides';
/** Guides that are not about one class module. */
const GENERAL_GUIDES = ['README.md', 'setup.md', 'docker.md', 'exercise.md', 'instructor.md'];
/** The CDK bootstrap stack: not the kit's, but `cdk bootstrap` creates it and guides name it. */
const BOOTSTRAP_STACK = 'CDKToolkit';

/**
 * CamelCase and camelCase words guides may write in backticks that are neither stack outputs
 * nor context keys: AWS, Docker and class vocabulary. Add a word here only when it is no output
 * and no setting.
 */
const TERMS = [
  'LabRole', 'LabInstanceProfile', 'OutputKey', 'OutputValue', 'NestedStack',
  'CannotPullContainerError', 'ResourceInitializationError', 'CannotStartContainerError',
  'CPUUtilization', 'InService', 'AccessDenied', 'HostedZoneNotEmpty', 'DependencyViolation',
  'AmazonEC2ContainerRegistryPowerUser', 'PowerShell', 'CloudShell', 'NoSuchBucket', 'ExpiredToken',
  'AlarmHigh', 'AlarmLow', 'IsLatest', 'SignatureDoesNotMatch', 'RepositoryNotFoundException', 'taskArn',
  'EvaluationPeriods', 'UnsupportedImageError', 'AWSServiceRoleForECS', 'EcrRepository', 'AutoScalingInstanceRefresh',
  'UpdatePolicy', 'InProgress', 'OrganizationAccountAccessRole', 'SignInLocalDevelopmentAccess',
];
/** Shellcheck codes that do not apply to guide blocks, which a student runs one by one. */
const SHELLCHECK_EXCLUDE = [
  'SC2034', // a variable set for a later block looks unused
  'SC2164', // `cd dir` without `|| exit`: interactive shells, not scripts
];

// Outputs: synthesize the default app with every optional output turned on. A setting that
// adds outputs is set only when lib/settings/lab-config.ts has it, so the context never invents keys.
const OPTIONAL_OUTPUT_SETTINGS: Record<string, string> = { expiresAfterHours: '8' };
const settingKeys = new Set(SETTINGS.map((s) => s.key));
const outputContext = Object.fromEntries(Object.entries(OPTIONAL_OUTPUT_SETTINGS).filter(([key]) => settingKeys.has(key)));
const lab = synthLab(outputContext, { guardrails: false });
const outputs = new Set(Object.keys(lab.root.toJSON().Outputs ?? {}));

const IGNORED_TOP_LEVEL = new Set(['.git', 'node_modules', 'cdk.out', 'coverage']);
const topLevel = new Set(fs.readdirSync(root).filter((n) => !IGNORED_TOP_LEVEL.has(n)));
const appStacks = new Set(lab.app.node.findAll().filter((c) => 'stackName' in c).map((c) => (c as unknown as { stackName: string }).stackName));

/** A stack name the app can produce: ClassLabStack, or ClassLabStack-<student> for a valid student id. */
function isStack(name: string): boolean {
  if (name === STACK_ID || name === BOOTSTRAP_STACK || appStacks.has(name)) return true;
  const student = name.startsWith(`${STACK_ID}-`) ? name.slice(STACK_ID.length + 1) : undefined;
  if (student === undefined) return false;
  if (/^<[a-z0-9-]+>$/.test(student)) return true;
  try {
    return stackNameFor(loadLabConfig((key) => (key === 'student' ? student : undefined)).student) === name;
  } catch {
    return false;
  }
}

function exists(repoPath: string): boolean {
  const first = repoPath.split('/')[0];
  return !IGNORED_TOP_LEVEL.has(first) && fs.existsSync(path.join(root, repoPath));
}

const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const npmScripts: Record<string, string> = packageJson.scripts ?? {};
let facts: CodeFacts;

/**
 * The instructor tool's commands and their options, read from its own help (its `main` with
 * `--help` answers before any AWS call), when the repository has the tool.
 */
async function loadInstructorTool(): Promise<CodeFacts['instructorTool']> {
  const cliFile = path.join(root, 'lib', 'instructor-tool', 'cli.ts');
  if (!fs.existsSync(cliFile)) return undefined;
  type Main = (argv: string[], deps: object) => Promise<number>;
  const { main } = require(cliFile) as { main: Main };
  const help = async (argv: string[]) => {
    let text = '';
    const io = { stdout: (t: string) => { text += `${t}\n`; }, stderr: (t: string) => { text += `${t}\n`; }, prompt: async () => undefined };
    await main(argv, { io, env: {} });
    return text;
  };
  const usage = await help(['help']);
  const commandNames = [...(usage.split(/^Commands:$/m)[1] ?? '').matchAll(/^ {2}([a-z][\w-]*)\s{2,}/gm)].map((m) => m[1]);
  const commands = new Map<string, Set<string>>();
  const modules = new Map<string, Set<string>>();
  for (const name of commandNames) {
    const text = await help([name, '--help']);
    commands.set(name, new Set([...text.matchAll(/(?:^|[\s,])(--?[a-z][\w-]*)/g)].map((m) => m[1])));
    const listed = /^Modules: ([\w, -]+?)(?: \(|$)/m.exec(text);
    if (listed) modules.set(name, new Set(listed[1].split(',').map((m) => m.trim())));
  }
  // Scripts that run the tool, and the command a script already names (`"teardown": "node bin/class-lab-admin.js teardown"`).
  const scripts = new Map<string, string | undefined>();
  for (const [name, command] of Object.entries(npmScripts)) {
    const call = new RegExp(`(?:${INSTRUCTOR_TOOL}(?:\\.js)?|lib/instructor-tool/cli(?:\\.ts)?)(?:\\s+([a-z][\\w-]*))?`).exec(command);
    if (call) scripts.set(name, call[1]);
  }
  const isBin = typeof packageJson.bin === 'object' && packageJson.bin !== null && INSTRUCTOR_TOOL in packageJson.bin;
  return { name: INSTRUCTOR_TOOL, isBin, npmScripts: scripts, commands, modules };
}

beforeAll(async () => {
  facts = {
    isStack,
    outputs,
    contextKeys: settingKeys,
    npmScripts: new Set(Object.keys(npmScripts)),
    modules: new Set(CLASS_MODULES),
    terms: new Set(TERMS),
    exists,
    topLevel,
    instructorTool: await loadInstructorTool(),
  };
}, 60_000); // loading the instructor tool loads the AWS SDK: slow on a busy machine

const guideFiles = fs.readdirSync(path.join(root, GUIDES_DIR)).filter((f) => f.endsWith('.md')).sort();
const guides = new Map<string, Guide>(guideFiles.map((f) => {
  const file = `${GUIDES_DIR}/${f}`;
  return [file, parseGuide(file, fs.readFileSync(path.join(root, file), 'utf8'))];
}));
const readme = guides.get(`${GUIDES_DIR}/README.md`)!;
/** Any Markdown file of the repository, parsed once, for links to its anchors. */
const otherMarkdown = new Map<string, Guide>();
function markdownAt(repoPath: string): Guide | undefined {
  if (guides.has(repoPath)) return guides.get(repoPath);
  if (!otherMarkdown.has(repoPath) && exists(repoPath)) otherMarkdown.set(repoPath, parseGuide(repoPath, fs.readFileSync(path.join(root, repoPath), 'utf8')));
  return otherMarkdown.get(repoPath);
}
const readmePlaceholders = explainedPlaceholders(readme);

/** Problems as `file:line kind name: message` lines, so a failure reads like a linter. */
function lines(problems: Problem[]): string[] {
  return problems.map((p) => `${p.file}:${p.line} ${p.kind} ${p.name}: ${p.message}`);
}

/** The class notes the guides cover: the kit's copy in test/fixtures; CLASS_NOTES may name a newer original to compare. */
const NOTES_COPY = path.join(__dirname, 'fixtures', 'class-03-notes.md');
const NOTES_ORIGINAL = process.env.CLASS_NOTES;

describe('lab guides', () => {
  test('the guides the class needs are all there', () => {
    const expected = [...GENERAL_GUIDES, 'ec2-fleet.md', 's3.md', 'route53.md', 'ecr.md', 'ecs.md'];
    expect(guideFiles).toEqual(expect.arrayContaining(expected));
  });

  test('every class module file has a guide of the same name, with a card naming the module, its code and its test', () => {
    const moduleFiles = fs.readdirSync(path.join(root, 'lib', 'app', 'modules')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
    const problems: string[] = [];
    const carded = new Map<string, string>();
    for (const name of moduleFiles) {
      const guide = guides.get(`${GUIDES_DIR}/${name}.md`);
      if (!guide) {
        problems.push(`lib/app/modules/${name}.ts has no guide ${GUIDES_DIR}/${name}.md`);
        continue;
      }
      const card = guide.proseLines.find((l) => /\*\*Module\*\*/.test(l.text))?.text ?? '';
      const id = /\*\*Module\*\*\s*`([^`]+)`/.exec(card)?.[1];
      if (!id) problems.push(`${guide.file}: no module card (**Module** \`<id>\`)`);
      else carded.set(id, name);
      for (const target of [`../lib/app/modules/${name}.ts`, `../test/app/modules/${name}.test.ts`]) {
        if (!card.includes(`(${target})`)) problems.push(`${guide.file}: module card does not link ${target}`);
      }
    }
    for (const module of CLASS_MODULES) {
      if (!carded.has(module)) problems.push(`class module ${module} has no guide with a **Module** \`${module}\` card`);
    }
    expect(problems).toEqual([]);
  });

  test('every stack, output, context key, npm script, module and path a guide names exists in the code', () => {
    const problems = [...guides.values()].flatMap((g) => checkNames(g, facts));
    expect(lines(problems)).toEqual([]);
  });

  test('markdown renders cleanly: one H1, no skipped heading levels, closed and tagged fences, even tables, links resolve', () => {
    const problems = [...guides.values()].flatMap((g) => checkMarkdown(g, markdownAt, facts));
    expect(lines(problems)).toEqual([]);
  });

  test('commands are copy-paste correct: no prompts, bash parses them, shellcheck is clean, every placeholder is explained', () => {
    const problems = [
      ...[...guides.values()].flatMap((g) => checkCommands(g, new Set([...readmePlaceholders, ...explainedPlaceholders(g)]))),
      ...shellcheckGuides([...guides.values()], SHELLCHECK_EXCLUDE),
    ];
    expect(lines(problems)).toEqual([]);
  });

  test('every Mermaid block parses with the mermaid package', () => {
    const files = [...guides.keys()].filter((f) => guides.get(f)!.blocks.some((b) => b.lang === 'mermaid'));
    const report = runMermaidCheck(files);
    expect(report.filter((r) => !r.ok)).toEqual([]);
    const blockCount = [...guides.values()].reduce((n, g) => n + g.blocks.filter((b) => b.lang === 'mermaid').length, 0);
    expect(report).toHaveLength(blockCount);
  });

  test('every module guide shows what it deploys as a Mermaid diagram, and has the parts a student needs', () => {
    const parts = [/^objectives$/i, /^concepts/i, /^what this module (deploys|builds)$/i, /^steps$/i, /^check yourself$/i, /^troubleshooting$/i, /^clean up$/i];
    const problems: string[] = [];
    for (const name of ['ec2-fleet', 's3', 'route53', 'docker', 'ecr', 'ecs']) {
      const guide = guides.get(`${GUIDES_DIR}/${name}.md`);
      if (!guide) {
        problems.push(`${name}.md missing`);
        continue;
      }
      const h2 = guide.headings.filter((h) => h.level === 2);
      for (const part of parts) {
        const heading = h2.find((h) => part.test(h.text));
        if (!heading) problems.push(`${guide.file}: no section matching ${part}`);
        else if (part.source.includes('deploys') && !section(guide, heading.slug)!.blocks.some((b) => b.lang === 'mermaid')) {
          problems.push(`${guide.file}: "${heading.text}" has no Mermaid diagram`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('every agenda item, heading and diagram request of the class notes maps to a guide section that covers it', () => {
    const notes = fs.readFileSync(NOTES_ORIGINAL ?? NOTES_COPY, 'utf8');
    const map = readme.tables.find((t) => stripInline(t.header[0]) === 'Class notes');
    expect(map).toBeDefined();
    const rows = new Map(map!.rows.map((r) => [stripInline(r.cells[0]).replace(/\s*\(WIP\)$/, ''), r.cells[1]]));
    const problems: string[] = [];
    const items = notesItems(notes);
    expect(items.filter((i) => i.wip).length).toBeGreaterThan(0);
    for (const item of items) {
      const cell = rows.get(item.text);
      const link = cell && /\]\(([\w.-]+\.md)#([\w-]+)\)/.exec(cell);
      if (!link) {
        problems.push(`notes ${item.kind} "${item.text}" has no row with a guide#section link in the README's Class notes table`);
        continue;
      }
      const guide = guides.get(`${GUIDES_DIR}/${link[1]}`);
      const part = guide && section(guide, link[2]);
      if (!part) {
        problems.push(`notes ${item.kind} "${item.text}" points at ${link[1]}#${link[2]}, which does not exist`);
        continue;
      }
      if (item.kind === 'diagram' && !part.blocks.some((b) => b.lang === 'mermaid')) {
        problems.push(`notes diagram request "${item.text}": ${link[1]}#${link[2]} has no Mermaid block`);
      }
      if (item.wip && proseWords(part.prose) < 60) {
        problems.push(`notes section "${item.text}" is *WIP* there; ${link[1]}#${link[2]} must write it out (${proseWords(part.prose)} words, want 60+)`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('the cost table adds up, uses only prices from the price table, and meets the design target', () => {
    const table = readme.tables.find((t) => t.header.some((h) => /USD per hour/i.test(h)));
    expect(table).toBeDefined();
    const column = (name: RegExp) => table!.header.findIndex((h) => name.test(h));
    const [part, arithmetic, perHour] = [column(/^part$/), column(/^arithmetic$/), column(/USD per hour/)];
    const value = (cell: string) => Number(stripInline(cell));
    const parts = table!.rows.filter((r) => !/total/.test(stripInline(r.cells[part])));
    const total = table!.rows.find((r) => /total/.test(stripInline(r.cells[part])))!;
    const knownPrices = priceTable();
    expect(knownPrices.size).toBeGreaterThan(5);
    const problems: string[] = [];
    for (const row of parts) {
      const text = stripInline(row.cells[arithmetic]);
      const computed = evaluate(text);
      if (computed.toFixed(4) !== value(row.cells[perHour]).toFixed(4)) {
        problems.push(`${stripInline(row.cells[part])}: ${text} = ${computed.toFixed(5)}, table says ${stripInline(row.cells[perHour])}`);
      }
      for (const n of text.match(/\d+(?:\.\d+)?/g) ?? []) {
        const quantity = Number.isInteger(Number(n)) && Number(n) <= 730 || ['0.25', '0.5'].includes(n);
        if (!quantity && !knownPrices.has(Number(n))) problems.push(`${stripInline(row.cells[part])}: ${n} is no price of the price table`);
      }
    }
    // The total is the sum before rounding, the way `class-lab-admin cost` adds it up.
    const sum = parts.reduce((acc, r) => acc + evaluate(stripInline(r.cells[arithmetic])), 0);
    expect(problems).toEqual([]);
    expect(evaluate(stripInline(total.cells[arithmetic])).toFixed(4)).toBe(sum.toFixed(4));
    expect(value(total.cells[perHour])).toBe(Number(sum.toFixed(4)));
    // docs/architecture.md: the whole ClassLabStack costs at most $0.06 per idle hour.
    expect(value(total.cells[perHour])).toBeLessThanOrEqual(0.06);
  });

  test('the copy of the class notes in test/fixtures matches the notes named by CLASS_NOTES, when set', () => {
    const copy = fs.readFileSync(NOTES_COPY, 'utf8');
    expect(notesItems(copy).length).toBeGreaterThan(10);
    if (NOTES_ORIGINAL) expect(copy).toBe(fs.readFileSync(NOTES_ORIGINAL, 'utf8'));
  });
});

/** The image tags a guide builds, pushes or deploys. */
const tagsIn = (g: Guide) => new Set([...g.text.matchAll(/(?:imageTag=|APP_VERSION=|class-lab-app:|\$REPO:)(v\d+)\b/g)].map((m) => m[1]));

/** Guides a student follows (the instructor guide has the instructor's own commands). */
const STUDENT_GUIDES = [...guides.values()].filter((g) => g.file !== `${GUIDES_DIR}/instructor.md`);
const guide = (name: string) => guides.get(`${GUIDES_DIR}/${name}`)!;
const shellLines = (g: Guide) => g.blocks.filter((b) => ['bash', 'sh', 'shell'].includes(b.lang))
  .flatMap((b) => b.code.split('\n').map((text, i) => ({ text, line: b.line + i })));

describe('lab guides in a real classroom', () => {
  const profiles = studentProfiles(guide('setup.md'), () => 'ana');

  test('setup.md names the three kinds of student and the one command each runs once', () => {
    expect(profiles.map((p) => p.settings)).toEqual([{}, { student: 'ana' }, { sandbox: 'learner-lab' }]);
    for (const p of profiles) for (const key of Object.keys(p.settings)) expect(settingKeys.has(key)).toBe(true);
  });

  test('every command of the student guides is the same for a solo, a student-id and a Learner Lab student', () => {
    expect(lines(STUDENT_GUIDES.flatMap(profileSpecificCommands))).toEqual([]);
  });

  test.each(['solo', 'student id', 'Learner Lab'])('as printed, the commands work for a %s student: the stack they select, its name and every output they read', (kind) => {
    const profile = profiles.find((p) => (kind === 'solo' ? Object.keys(p.settings).length === 0 : kind === 'student id' ? 'student' in p.settings : p.settings.sandbox === 'learner-lab'))!;
    expect(profile).toBeDefined();
    const lab = synthLab({ ...outputContext, ...profile.settings }, { guardrails: false });
    // `npx cdk deploy ClassLabStack` selects by the artifact's hierarchical id (its displayName in
    // the manifest); cdk-outputs.json is keyed by stack name.
    expect(lab.stacks).toHaveLength(1);
    expect(lab.stack.stackName).toBe(profile.stackName);
    const cliName = lab.app.synth().getStackArtifact(lab.stack.artifactId).hierarchicalId;
    const problems: string[] = [];
    const profileOutputs = new Set(Object.keys(lab.root.toJSON().Outputs ?? {}));
    for (const g of STUDENT_GUIDES) {
      for (const { name, line } of cdkStackSelectors(g)) {
        if (name !== cliName) problems.push(`${g.file}:${line} cdk selects ${name}, the ${kind} app has ${cliName}`);
      }
      for (const { name, line } of outputsRead(g)) {
        if (!profileOutputs.has(name)) problems.push(`${g.file}:${line} reads output ${name}, which the ${kind} stack does not have`);
      }
    }
    expect(problems).toEqual([]);
  }, 180_000);

  test('the output helper reads the file every deploy writes (cdk.json outputsFile), which git ignores', () => {
    const cdkJson = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8'));
    expect(cdkJson.outputsFile).toBe('cdk-outputs.json');
    expect(fs.readFileSync(path.join(root, '.gitignore'), 'utf8').split('\n')).toContain('cdk-outputs.json');
    const definitions = STUDENT_GUIDES.flatMap((g) => shellLines(g).filter((l) => /^\s*(lab_output\(\)|STACK=)/.test(l.text)).map((l) => `${g.file}: ${l.text.trim()}`));
    expect(definitions.length).toBeGreaterThan(0);
    for (const d of definitions) expect(d).toContain(`./${cdkJson.outputsFile}`);
  });

  test('the core path is its time budget: each guide\'s time the sum of its steps, the total with teaching within a Learner Lab session, each guide stating it', () => {
    const budget = loadTimeBudget();
    const table = readme.tables.find((t) => t.header.map(stripInline).includes('track'))!;
    expect(table).toBeDefined();
    const col = (name: string) => table.header.map(stripInline).indexOf(name);
    const minutes = (cell: string) => Number(/(\d+)\s*min/.exec(stripInline(cell))?.[1]);
    const core = table.rows.filter((r) => stripInline(r.cells[col('track')]) === 'core');
    const optional = table.rows.filter((r) => stripInline(r.cells[col('track')]) === 'optional');
    const stated = table.rows.find((r) => /core path/.test(stripInline(r.cells[col('guide')])))!;
    // Every core row is a guide of the budget, with the budget's time; a row done during another step adds nothing.
    const target = (r: { cells: string[] }) => /\]\(([\w.-]+\.md|#[\w-]+)\)/.exec(r.cells[col('guide')])?.[1].replace(/^#/, 'README.md#');
    expect(core.map(target)).toEqual(budget.guides.map((g) => g.guide));
    for (const [row, g] of core.map((r, i) => [r, budget.guides[i]] as const)) {
      expect([g.guide, minutes(row.cells[col('time')])]).toEqual([g.guide, guideMinutes(g)]);
      expect([g.guide, /during/.test(stripInline(row.cells[col('time')]))]).toEqual([g.guide, g.during !== undefined]);
    }
    expect(minutes(stated.cells[col('time')])).toBe(corePathMinutes(budget));
    expect(readme.text).toContain(`about **${corePathMinutes(budget)} minutes**`);
    expect(corePathMinutes(budget) + budget.teachingMinutes).toBeLessThanOrEqual(budget.sessionMinutes);
    expect(optional.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const g of budget.guides) {
      const guideFile = guides.get(`${GUIDES_DIR}/${g.guide}`);
      if (guideFile && statedMinutes(guideFile) !== guideMinutes(g)) problems.push(`${g.guide} says **Time** ${statedMinutes(guideFile)} min, the budget ${guideMinutes(g)}`);
      for (const s of g.steps) if (s.basis !== 'computed' && s.basis !== 'estimate' && s.basis !== 'measured') problems.push(`${g.guide}: ${s.step}: basis ${s.basis}`);
    }
    expect(problems).toEqual([]);
    // The step table on the page is the budget file's, basis and source included.
    const steps = readme.tables.find((t) => t.header.map(stripInline).join('|') === 'guide|step|minutes|basis|source')!;
    expect(steps.rows.map((r) => r.cells.map(stripInline).slice(1, 4))).toEqual(budget.guides.flatMap((g) => g.steps.map((s) => [s.step, s.minutes[0] === s.minutes[1] ? String(s.minutes[1]) : `${s.minutes[0]} to ${s.minutes[1]}`, s.basis])));
    expect(readme.text).toMatch(/Learner Lab[^.]*session lasts about 4 hours/);
  });

  test('the exercise ships a tag the ECS guide did not use, end to end, and its proof checks that tag and a visible change', () => {
    const ecsTags = tagsIn(guide('ecs.md'));
    const shipped = [...guide('exercise.md').text.matchAll(/npm run setup -- imageTag=(v\d+)/g)].map((m) => m[1]);
    expect(shipped).toHaveLength(1);
    const [tag] = shipped;
    expect(ecsTags.has(tag)).toBe(false);
    const text = guide('exercise.md').text;
    for (const step of [`APP_VERSION=${tag}`, `docker push "$REPO:${tag}"`, 'npx cdk deploy ClassLabStack', 'lab_output AppImage', 'check exercise']) expect(text).toContain(step);
    // A visible change: the exercise edits the page itself, and its proof reads the edited heading back.
    const edit = /const f = "sample-app\/server\.js";.*\.replace\("([^"]+)", "([^"]+)"\)/.exec(text);
    expect(edit).not.toBeNull();
    expect(fs.readFileSync(path.join(root, 'sample-app', 'server.js'), 'utf8')).toContain(edit![1]);
    expect(text).toContain(`grep -o "<h1>[^<]*"`);
    expect(text).toContain(edit![2].trim());
  });

  test('commands show the errors the troubleshooting tables name: curl -s always with -S, S3 addresses regional, ARM images without provenance', () => {
    const problems: string[] = [];
    for (const g of STUDENT_GUIDES) {
      for (const { text, line } of shellLines(g)) {
        for (const m of text.matchAll(/\bcurl\s+((?:-[A-Za-z]+\s+)*)/g)) {
          const flags = m[1].replace(/\s+/g, '');
          if (/s/.test(flags) && !/S/.test(flags)) problems.push(`${g.file}:${line} curl -s without -S hides curl's own errors: ${text.trim()}`);
        }
        if (/\.s3\.amazonaws\.com/.test(text)) problems.push(`${g.file}:${line} global S3 endpoint (307 outside us-east-1): ${text.trim()}`);
        if (/docker (?:buildx )?build\b.*--platform linux\/arm64/.test(text) && !/--provenance=false/.test(text)) problems.push(`${g.file}:${line} ARM build without --provenance=false: ${text.trim()}`);
      }
    }
    expect(problems).toEqual([]);
    expect(guide('setup.md').text).toMatch(/docker version --format '[^']*\.Client\.Version[^']*\.Server\.Version/);
    expect(guide('setup.md').text).toContain('docker run --rm --platform linux/arm64');
    expect(guide('docker.md').text).not.toMatch(/\brkt\b(?![^.]*archived)/);
  });

  test('figures match the code: the cost table is what class-lab-admin cost computes, the scaling figures are the fleet\'s and the load generator\'s', () => {
    const [stack] = synthesizeTemplates({}).map((r) => priceStack(r, loadPrices()));
    const table = readme.tables.find((t) => t.header.some((h) => /USD per hour/i.test(h)))!;
    const perHour = table.header.findIndex((h) => /USD per hour/i.test(h));
    const rows = new Map(table.rows.map((r) => [stripInline(r.cells[0]).replace(/^shared /, ''), Number(stripInline(r.cells[perHour]))]));
    expect(rows.get('total')).toBe(Number(stack.hourly.toFixed(4)));
    for (const [module, hourly] of Object.entries(stack.byModule)) expect([module, rows.get(module)]).toEqual([module, Number(hourly.toFixed(4))]);
    expect(readme.text).toContain(`3 × ${stack.hourly.toFixed(4)}`);

    const ec2 = guide('ec2-fleet.md').text.replace(/\s+/g, ' ');
    expect(ec2).toContain(`${FLEET_REQUESTS_PER_TARGET_PER_MINUTE} requests per instance per minute`);
    expect(ec2).toContain(`${LOAD_DEFAULTS.rate} requests a second for ${LOAD_DEFAULTS.burstSeconds / 60} minutes`);
    expect(ec2).toContain(`one request every ${LOAD_DEFAULTS.trickleEverySeconds} seconds for ${LOAD_DEFAULTS.leadSeconds / 60} minutes`);
    // The sample's first line is what the load generator prints for its defaults.
    expect(ec2).toContain(`load: ${describePlan({ url: '', ...LOAD_DEFAULTS })} to http://`);
    // The fleet the guide describes is the default one.
    expect(ec2).toContain(`here ${FLEET_DEFAULTS.min}, ${FLEET_DEFAULTS.desired} and ${FLEET_DEFAULTS.max}`);
    // The AWS documentation the fleet's scaling rests on is cited where the guide gives its timings.
    const cited = [...fs.readFileSync(path.join(root, 'lib', 'app', 'modules', 'ec2-fleet.ts'), 'utf8').matchAll(/https:\/\/docs\.aws\.amazon\.com\/\S+/g)].map((m) => m[0]);
    expect(cited.length).toBeGreaterThanOrEqual(2);
    for (const url of cited) expect(ec2).toContain(url);
    expect(guide('instructor.md').text).not.toMatch(/30 stacks takes about 15 minutes/);
  });
});

describe('the guides and the instructor tool agree', () => {
  const LABELS: Readonly<Record<string, Verdict>> = { PASS: 'pass', PENDING: 'pending', FAIL: 'fail' };
  const checkpointsOf = (modules: readonly string[]) => modules.flatMap((m) => MODULE_CHECKPOINTS[m as CheckModule].checkpoints.map((c) => ({ ...c, module: m })));

  test('every check a guide runs is followed by what class-lab-admin check prints: header, one line per checkpoint of the module in order, summary', () => {
    const problems: string[] = [];
    const shown = new Set<string>();
    for (const g of guides.values()) {
      for (const run of checkRuns(g)) {
        const where = `${g.file}:${run.line}`;
        if (!run.output) {
          problems.push(`${where} check ${run.modules.join(' ')} has no expected output (a text block right after it)`);
          continue;
        }
        run.modules.forEach((m) => shown.add(m));
        const lines = run.output.code.split('\n');
        const header = /^(\S+) in ([a-z]{2}(?:-[a-z]+)+-\d), modules (.+):$/.exec(lines[0]);
        if (!header || !isStack(header[1]) || header[3] !== run.modules.join(', ')) problems.push(`${where} header ${JSON.stringify(lines[0])} is not "${STACK_BASE_NAME} in <region>, modules ${run.modules.join(', ')}:"`);
        // Parse the rows back into results, render them as check does, and compare: ids, titles, order, columns and fix lines.
        const expected = checkpointsOf(run.modules);
        const results: CheckResult[] = [];
        for (const text of lines.slice(1, -1)) {
          const fix = /^ {9}fix: (.*)$/.exec(text);
          if (fix && results.length > 0) {
            results[results.length - 1] = { ...results[results.length - 1], fix: fix[1] };
            continue;
          }
          const row = /^(PASS|PENDING|FAIL) +(\S+) +(.*)$/.exec(text);
          const checkpoint = row && expected[results.length];
          if (!row || !checkpoint || row[2] !== checkpoint.id || !row[3].startsWith(`${checkpoint.title}: `)) {
            problems.push(`${where} ${JSON.stringify(text)}: expected ${checkpoint ? `${checkpoint.id} "${checkpoint.title}: ..."` : 'no more rows'}`);
            break;
          }
          results.push({ id: checkpoint.id, module: checkpoint.module as CheckModule, title: checkpoint.title, status: LABELS[row[1]], detail: row[3].slice(checkpoint.title.length + 2) });
        }
        if (results.length !== expected.length) {
          problems.push(`${where} shows ${results.length} checkpoints, ${run.modules.join(', ')} has ${expected.length}`);
          continue;
        }
        const rendered = checkLines({ stackName: header?.[1] ?? STACK_BASE_NAME, region: header?.[2] ?? 'us-east-1', stackStatus: 'UPDATE_COMPLETE', modules: run.modules as CheckModule[], results });
        if (rendered.join('\n') !== lines.slice(1, -1).join('\n')) problems.push(`${where} rows are not laid out as check prints them:\n${rendered.join('\n')}`);
        const count = (v: Verdict) => results.filter((r) => r.status === v).length;
        const summary = `${results.length} checkpoint${results.length === 1 ? '' : 's'}: ${count('pass')} pass, ${count('pending')} pending, ${count('fail')} fail.`;
        if (lines[lines.length - 1] !== summary) problems.push(`${where} last line ${JSON.stringify(lines[lines.length - 1])}, check prints ${JSON.stringify(summary)}`);
      }
    }
    expect(problems).toEqual([]);
    // Every module of check has its expected output, in the guide its checkpoints follow.
    for (const module of CHECK_MODULES) {
      expect([module, checkRuns(guides.get(MODULE_CHECKPOINTS[module].guide)!).some((r) => r.modules.includes(module) && r.output)]).toEqual([module, true]);
    }
    expect([...shown].sort()).toEqual([...CHECK_MODULES].sort());
  });

  test('a line of check output quoted anywhere in a guide names a real checkpoint with its real title, and a real fix text', () => {
    const byId = new Map(CHECK_MODULES.flatMap((m) => MODULE_CHECKPOINTS[m].checkpoints.map((c) => [c.id, c.title] as const)));
    const checkpointsDir = path.join(root, 'lib', 'instructor-tool', 'checkpoints');
    const sources = fs.readdirSync(checkpointsDir).map((f) => fs.readFileSync(path.join(checkpointsDir, f), 'utf8')).join('\n');
    const problems: string[] = [];
    let quoted = 0;
    for (const g of guides.values()) {
      for (const block of g.blocks.filter((b) => b.lang === 'text')) {
        block.code.split('\n').forEach((text, i) => {
          const fix = /^ {9}fix: (.*)$/.exec(text);
          if (fix && !sources.includes(fix[1])) problems.push(`${g.file}:${block.line + i} fix text is no checkpoint's: ${fix[1]}`);
          const row = /^(?:PASS|PENDING|FAIL) +([a-z0-9]+\.[a-z0-9-]+) +(.*)$/.exec(text);
          if (!row) return;
          quoted++;
          const title = byId.get(row[1]);
          if (!title) problems.push(`${g.file}:${block.line + i} no checkpoint ${row[1]}`);
          else if (!row[2].startsWith(`${title}: `)) problems.push(`${g.file}:${block.line + i} ${row[1]} is titled "${title}"`);
        });
      }
    }
    expect(problems).toEqual([]);
    expect(quoted).toBeGreaterThan(CHECK_MODULES.length);
  });

  test('the step a checkpoint\'s fix sends the student to exists, and the commands it names are in that step', () => {
    const dir = path.join(root, 'lib', 'instructor-tool', 'checkpoints');
    const files = [...fs.readdirSync(dir).map((f) => path.join('lib', 'instructor-tool', 'checkpoints', f)), path.join('lib', 'instructor-tool', 'check', 'check.ts')];
    const problems: string[] = [];
    let references = 0;
    for (const file of files) {
      const refs = stepReferences(fs.readFileSync(path.join(root, file), 'utf8'));
      references += refs.length;
      for (const ref of refs) {
        const g = guides.get(ref.guide);
        const heading = g && stepHeading(g, ref.kind, ref.number);
        if (!g || !heading) {
          problems.push(`${file}:${ref.line} names ${ref.kind} ${ref.number} of ${ref.guide}, which has no such ${ref.kind}`);
        }
      }
      // Commands a fix tells the student to run are in the steps that line names.
      const byLine = new Map<number, typeof refs>();
      for (const ref of refs) byLine.set(ref.line, [...(byLine.get(ref.line) ?? []), ref]);
      for (const [line, lineRefs] of byLine) {
        const sections = lineRefs.map((ref) => {
          const g = guides.get(ref.guide);
          const heading = g && stepHeading(g, ref.kind, ref.number);
          const part = g && heading ? section(g, heading.slug) : undefined;
          return part ? `${part.prose}\n${part.blocks.map((b) => b.code).join('\n')}` : '';
        }).join('\n');
        for (const m of lineRefs[0].text.matchAll(/npm run [a-z]+(?: -- [^\s,;)'`]+)?|npx cdk deploy ClassLabStack/g)) {
          if (!sections.includes(m[0])) problems.push(`${file}:${line} names \`${m[0]}\`, which ${lineRefs.map((r) => `${r.kind} ${r.number} of ${r.guide}`).join(' / ')} does not run`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(references).toBeGreaterThanOrEqual(8);
  });

  test('ECS_GUIDE_TAGS are exactly the tags ecs.md uses, and the exercise\'s new tag is none of them', () => {
    expect([...tagsIn(guide('ecs.md'))].sort()).toEqual([...ECS_GUIDE_TAGS].sort());
    const exerciseTags = [...tagsIn(guide('exercise.md'))];
    expect(exerciseTags.length).toBeGreaterThan(0);
    for (const tag of exerciseTags) expect([tag, ECS_GUIDE_TAGS.includes(tag)]).toEqual([tag, false]);
  });

  test('no guide, the instructor\'s included, passes a role, a student or a sandbox on a command, or deletes the settings file', () => {
    const problems: string[] = [];
    for (const g of guides.values()) {
      for (const { text, line } of shellLines(g)) {
        if (/\bcdk\b[^|;&]*\s(?:-r|--role-arn)[\s=]/.test(text)) problems.push(`${g.file}:${line} cdk -r: ${text.trim()}`);
        if (/(?:-c|--context)[\s=]+['"]?(?:student|sandbox|labRoleArn)=/.test(text)) problems.push(`${g.file}:${line} -c student/sandbox/labRoleArn: ${text.trim()}`);
        if (/\brm\b.*lab-settings\.json/.test(text)) problems.push(`${g.file}:${line} deletes lab-settings.json (use npm run setup -- --unset <key>): ${text.trim()}`);
      }
      if (/\bLAB_ROLE_ARN\b/.test(g.text)) problems.push(`${g.file}: names LAB_ROLE_ARN`);
      if (/rm lab-settings\.json/.test(g.text)) problems.push(`${g.file}: tells the reader to rm lab-settings.json`);
    }
    expect(problems).toEqual([]);
  });

  test('setup runs doctor --fix once, between the bootstrap and the first deploy, and names the fallback for the ECS service-linked role', () => {
    const commands = shellLines(guide('setup.md')).map((l) => l.text.trim());
    const first = (command: string) => commands.findIndex((c) => c.startsWith(command));
    expect(commands.filter((c) => c.includes('class-lab-admin doctor'))).toEqual(['npx class-lab-admin doctor --fix']);
    expect(first('npx cdk bootstrap')).toBeGreaterThanOrEqual(0);
    expect(first('npx class-lab-admin doctor --fix')).toBeGreaterThan(first('npx cdk bootstrap'));
    expect(first('npx cdk deploy ClassLabStack')).toBeGreaterThan(first('npx class-lab-admin doctor --fix'));
    const text = guide('setup.md').text;
    expect(text).toContain(`aws iam create-service-linked-role --aws-service-name ${ECS_SERVICE_NAME}`);
  });

  test('the instructor guide uses every command of the tool, across accounts too, and the rehearsal', () => {
    const text = guide('instructor.md').text;
    for (const command of facts.instructorTool!.commands.keys()) expect([command, text.includes(`class-lab-admin ${command}`)]).toEqual([command, true]);
    for (const used of ['doctor --fix', '--assume-role-name', 'npm run rehearse', 'grade --roster', 'ExpiresAt', 'EXPIRY FAILED', '../README.md#class-sizes']) {
      expect([used, text.includes(used)]).toEqual([used, true]);
    }
  });

  test('the ECR guide\'s Learner Lab way round an access-denied repository deploys every other module, with settings the kit accepts', () => {
    const text = guide('ecr.md').text;
    const withoutEcr = CLASS_MODULES.filter((m) => m !== 'ecr').join(',');
    expect(text).toContain(`npm run setup -- modules=${withoutEcr}`);
    expect(() => loadLabConfig((key) => ({ modules: withoutEcr, sandbox: 'learner-lab' } as Record<string, string>)[key])).not.toThrow();
    expect(text).toMatch(/EcrRepository/);
    expect(text).toMatch(/aws ecr delete-repository --repository-name <your-repository-name> --force/);
  });
});

describe('the guide checker catches what it is for', () => {
  const check = (text: string) => {
    const guide = parseGuide(`${GUIDES_DIR}/bad.md`, text);
    return [...checkNames(guide, facts), ...checkMarkdown(guide, markdownAt, facts), ...checkCommands(guide, readmePlaceholders)];
  };
  const [anOutput] = outputs;

  test('the real output and key it is fed are known, so the misspellings below are the only difference', () => {
    expect(outputs.has('WebUrl')).toBe(true);
    expect(settingKeys.has('modules')).toBe(true);
    expect(check(`# Fine\n\nOpen \`${anOutput}\`.\n\n\`\`\`bash\nnpx cdk deploy ClassLabStack -c modules=ec2\nlab_output WebUrl\n\`\`\`\n`)).toEqual([]);
  });

  test('a misspelled output, in prose and in commands, is reported with a hint', () => {
    const problems = check([
      '# Bad',
      '',
      'Open the `WebURL` output.',
      '',
      '```bash',
      'lab_output FleetLoadUrll',
      'aws cloudformation describe-stacks --stack-name ClassLabStack --query "Stacks[0].Outputs[?OutputKey==\'WebUrI\'].OutputValue"',
      '```',
      '',
      '```text',
      'ClassLabStack.FleetAutoScalingGroup = ClassLabStack-Ec2Fleet-ABC',
      '```',
    ].join('\n'));
    expect(problems.map((p) => [p.kind, p.name, p.line])).toEqual([
      ['name', 'WebURL', 3],
      ['output', 'FleetLoadUrll', 6],
      ['output', 'WebUrI', 7],
      ['output', 'FleetAutoScalingGroup', 11],
    ]);
    expect(problems[0].message).toContain('did you mean WebUrl?');
  });

  test('commands that differ by student profile are reported', () => {
    const g = parseGuide(`${GUIDES_DIR}/bad.md`, [
      '# Bad', '', '```bash',
      'npx cdk deploy ClassLabStack -c student=ana',
      'npx cdk destroy ClassLabStack -r "$LAB_ROLE_ARN"',
      'STACK=ClassLabStack',
      'aws cloudformation describe-stacks --stack-name ClassLabStack',
      'npm run setup -- sandbox=learner-lab',
      'npx cdk deploy ClassLabStack',
      'npm run setup -- imageTag=v3',
      '```',
    ].join('\n'));
    expect(profileSpecificCommands(g).map((p) => p.line)).toEqual([4, 5, 5, 6, 7, 8]);
  });

  test('a misspelled context key, module, npm script, stack or path is reported', () => {
    const problems = check([
      '# Bad',
      '',
      'Set `instanceTyp` for x86, as `lab-guide/setup.md` says.',
      '',
      '```bash',
      'npx cdk deploy ClassLabStack -c fleetMaximum=6 -c modules=ec2,s4',
      'npx cdk destroy ClassLabStak',
      'npm run synthesize',
      'cat lib/app/modules/ec2_fleet.ts',
      '```',
      '',
      'See [the fleet code](../lib/app/modules/ec2-fleets.ts) and [setup](setup.md#no-such-section).',
    ].join('\n'));
    expect(problems.map((p) => [p.kind, p.name])).toEqual([
      ['context key', 'instanceTyp'],
      ['path', 'lab-guide/setup.md'],
      ['context key', 'fleetMaximum'],
      ['module', 's4'],
      ['stack', 'ClassLabStak'],
      ['npm script', 'synthesize'],
      ['path', 'lib/app/modules/ec2_fleet.ts'],
      ['link', '../lib/app/modules/ec2-fleets.ts'],
      ['link', 'setup.md#no-such-section'],
    ]);
  });

  test('an instructor tool command or option that does not exist is reported', () => {
    const tool = {
      name: INSTRUCTOR_TOOL,
      isBin: false,
      npmScripts: new Map([['admin', undefined], ['teardown', 'teardown']]),
      commands: new Map([['teardown', new Set(['--all', '--delete', '--student'])]]),
    };
    const guide = parseGuide(`${GUIDES_DIR}/bad.md`, [
      '# Tool', '', '```bash',
      'npx class-lab-admin teardown --all --delete',
      'npm run admin -- teardwon --all',
      'class-lab-admin teardown --students ana',
      'npm run teardown -- --all --dlete',
      'npm run admin -- teardown --all',
      '```',
    ].join('\n'));
    const withScripts = { ...facts, npmScripts: new Set([...facts.npmScripts, 'admin', 'teardown']), instructorTool: tool };
    expect(checkNames(guide, withScripts).map((p) => [p.line, p.name])).toEqual([
      [4, INSTRUCTOR_TOOL],
      [5, 'teardwon'],
      [6, '--students'],
      [7, '--dlete'],
    ]);
    expect(checkNames(guide, { ...facts, instructorTool: undefined }).map((p) => p.message)).toContain(`the repository has no instructor tool ${INSTRUCTOR_TOOL}`);
  });

  test('the tool\'s check knows its modules from its help, and a module that does not exist is reported', () => {
    expect(facts.instructorTool?.modules?.get('check')).toEqual(new Set(['ec2', 's3', 'route53', 'ecr', 'ecs', 'exercise']));
    expect(facts.instructorTool?.npmScripts.get('check')).toBe('check');
    const guide = parseGuide(`${GUIDES_DIR}/bad.md`, [
      '# Check', '', '```bash',
      'npx class-lab-admin check ec2 s3 --student ana',
      'npm run check -- exercise -c imageTag=v3',
      'npm run check -- --student ana',
      'npx class-lab-admin check ec2,s4',
      'npm run check -- route54',
      '```',
    ].join('\n'));
    expect(checkNames(guide, facts).map((p) => [p.line, p.name, p.message])).toEqual([
      [7, 's4', expect.stringContaining('has no module s4 (did you mean s3?)')],
      [8, 'route54', expect.stringContaining('has no module route54')],
    ]);
  });

  test('skipped heading levels, a second H1, unclosed or untagged fences and uneven tables are reported', () => {
    const problems = check('# One\n\n### Skipped\n\n# Two\n\n| a | b |\n| --- | --- |\n| 1 |\n\n```\nplain\n```\n\n```bash\necho open\n');
    expect(problems.map((p) => p.kind).sort()).toEqual(['fence', 'fence', 'heading', 'heading', 'table']);
  });

  test('prompts, bash syntax errors and unexplained placeholders are reported', () => {
    const problems = check('# Cmd\n\n```bash\n$ npx cdk deploy ClassLabStack\nif true; then echo\nSTACK=ClassLabStack-<someone-else>\n```\n');
    expect(problems.map((p) => [p.kind, p.name])).toEqual(expect.arrayContaining([
      ['command', '$ npx cdk deploy ClassLabStack'],
      ['command', '$ npx cdk deploy ClassLabStack'],
      ['placeholder', '<someone-else>'],
    ]));
    expect(problems.some((p) => p.message.startsWith('bash -n'))).toBe(true);
  });

  test('a Mermaid block that does not parse is reported by the mermaid check', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-mermaid-'));
    const file = path.join(dir, 'bad.md');
    fs.writeFileSync(file, '# Bad\n\n```mermaid\nflowchart LR\n  ok --> fine\n```\n\n```mermaid\nflowchart LR\n  A -->\n```\n');
    const report = runMermaidCheck([file]);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(report.map((r) => [r.line, r.ok])).toEqual([[4, true], [9, false]]);
  });
});

/** `2 × 0.0042 + 2 × 8 × 0.08 / 730`, and `about 0`: sums of products and quotients of numbers. */
function evaluate(text: string): number {
  if (/^about 0$/.test(text)) return 0;
  return text.split('+').reduce((sum, term) => {
    const tokens = term.trim().split(/\s*([×*/])\s*/);
    let result = Number(tokens[0]);
    for (let i = 1; i < tokens.length; i += 2) result = tokens[i] === '/' ? result / Number(tokens[i + 1]) : result * Number(tokens[i + 1]);
    if (Number.isNaN(result)) throw new Error(`cannot evaluate "${term.trim()}" in the cost table`);
    return sum + result;
  }, 0);
}

/** Every price the kit knows: the dated price file the instructor tool reads. */
function priceTable(): Set<number> {
  const prices = new Set<number>();
  const walk = (v: unknown): void => {
    if (typeof v === 'number') prices.add(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(JSON.parse(fs.readFileSync(path.join(root, 'data', 'prices-us-east-1.json'), 'utf8')));
  return prices;
}

interface MermaidResult { file: string; line: number; ok: boolean; error?: string }

/** Runs scripts/check-mermaid.mjs (ESM, jsdom globals) as a child process and returns its report. */
function runMermaidCheck(files: string[]): MermaidResult[] {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'check-mermaid.mjs'), '--json', ...files], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  if (!result.stdout.trim()) throw new Error(`check-mermaid printed no report (exit ${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}
