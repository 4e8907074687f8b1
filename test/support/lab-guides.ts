/**
 * Reads lab guides (Markdown) and checks them against facts taken from the code. The markup
 * convention the checks rely on is documented at the top of test/lab-guides.test.ts and in
 * lab-guides/README.md ("Writing a guide"). Pure functions: the test feeds them real guides
 * and, to prove they bite, guides with misspelled names.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { shellcheckUsable } from './shellcheck';

/** What the code has, as the guides may name it. */
export interface CodeFacts {
  /** Stack names a guide may put after `cdk deploy` or `--stack-name`. */
  readonly isStack: (name: string) => boolean;
  readonly outputs: ReadonlySet<string>;
  readonly contextKeys: ReadonlySet<string>;
  readonly npmScripts: ReadonlySet<string>;
  readonly modules: ReadonlySet<string>;
  /** CamelCase / camelCase words guides may put in backticks that are neither outputs nor keys. */
  readonly terms: ReadonlySet<string>;
  /** Whether a path relative to the repository root exists. */
  readonly exists: (repoPath: string) => boolean;
  /** Top-level entries of the repository; paths in code blocks are checked when they start with one. */
  readonly topLevel: ReadonlySet<string>;
  /**
   * The instructor tool: its name, the npm scripts that run it, and each command with the
   * options its help lists; undefined when the repository has no such tool.
   */
  readonly instructorTool?: {
    readonly name: string;
    /** Whether package.json declares it as a bin, so `npx` runs this one and fetches nothing. */
    readonly isBin: boolean;
    /** npm scripts that run the tool, with the command the script already gives, if any. */
    readonly npmScripts: ReadonlyMap<string, string | undefined>;
    readonly commands: ReadonlyMap<string, ReadonlySet<string>>;
    /** Words a command takes before its options (`check ec2 s3`), from the "Modules:" line of its help. */
    readonly modules?: ReadonlyMap<string, ReadonlySet<string>>;
  };
}

/** Name of the instructor's command line tool, as the guides write it. */
export const INSTRUCTOR_TOOL = 'class-lab-admin';

export type ProblemKind =
  | 'stack' | 'output' | 'context key' | 'npm script' | 'module' | 'path' | 'name'
  | 'link' | 'heading' | 'fence' | 'table' | 'placeholder' | 'command';

export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly kind: ProblemKind;
  readonly name: string;
  readonly message: string;
}

export interface Heading { readonly level: number; readonly text: string; readonly slug: string; readonly line: number }
export interface CodeBlock { readonly lang: string; readonly code: string; readonly line: number }
export interface CodeSpan { readonly text: string; readonly line: number }
export interface Link { readonly text: string; readonly target: string; readonly line: number }
export interface TableRow { readonly cells: string[]; readonly line: number }
export interface Table { readonly header: string[]; readonly rows: TableRow[]; readonly line: number; readonly separatorCells: number }

export interface Guide {
  /** Path relative to the repository root, e.g. lab-guides/setup.md. */
  readonly file: string;
  readonly text: string;
  readonly headings: Heading[];
  readonly blocks: CodeBlock[];
  readonly spans: CodeSpan[];
  readonly links: Link[];
  readonly tables: Table[];
  /** Fences opened and never closed (line of the opening fence). */
  readonly unclosedFences: number[];
  /** Fences without a language tag (line of the opening fence). */
  readonly untaggedFences: number[];
  /** Lines outside code blocks, numbered, for prose checks. */
  readonly proseLines: Array<{ text: string; line: number }>;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*$/;
const CODE_SPAN = /(`+)(.+?)\1(?!`)/g;
const LINK = /!?\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

/** GitHub's heading anchor: lowercase, drop punctuation except - and _, spaces to hyphens. */
export function slugify(text: string): string {
  return stripInline(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Markdown inline markup removed: code spans keep their text, links their label, emphasis goes. */
export function stripInline(text: string): string {
  return text
    .replace(CODE_SPAN, (_m, _ticks, code: string) => code.trim())
    .replace(LINK, (_m, label: string) => label)
    .replace(/(\*\*|__|\*|_)(\S(?:.*?\S)?)\1/g, '$2')
    .trim();
}

function splitRow(line: string): string[] {
  // Split on | that are neither escaped nor inside a code span.
  const cells: string[] = [];
  let cell = '';
  let ticks = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '`') {
      let run = 0;
      while (line[i + run] === '`') run++;
      ticks = ticks === 0 ? run : ticks === run ? 0 : ticks;
      cell += '`'.repeat(run);
      i += run - 1;
    } else if (c === '\\' && line[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (c === '|' && ticks === 0) {
      cells.push(cell);
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell);
  const trimmed = line.trim();
  if (trimmed.startsWith('|')) cells.shift();
  if (trimmed.endsWith('|') && !trimmed.endsWith('\\|')) cells.pop();
  return cells.map((c) => c.trim());
}

/** Parses the parts of Markdown the checks need; line numbers are 1-based. */
export function parseGuide(file: string, text: string): Guide {
  const lines = text.split('\n');
  const headings: Heading[] = [];
  const blocks: CodeBlock[] = [];
  const spans: CodeSpan[] = [];
  const links: Link[] = [];
  const tables: Table[] = [];
  const unclosedFences: number[] = [];
  const untaggedFences: number[] = [];
  const proseLines: Array<{ text: string; line: number }> = [];
  const slugCounts = new Map<string, number>();
  let open: { marker: string; lang: string; line: number; lines: string[] } | undefined;
  let table: Table | undefined;

  lines.forEach((raw, index) => {
    const line = index + 1;
    const fence = FENCE.exec(raw);
    if (open) {
      if (fence && fence[2][0] === open.marker[0] && fence[2].length >= open.marker.length && fence[3] === '') {
        blocks.push({ lang: open.lang, code: open.lines.join('\n'), line: open.line + 1 });
        open = undefined;
      } else {
        open.lines.push(raw);
      }
      return;
    }
    if (fence) {
      open = { marker: fence[2], lang: fence[3].toLowerCase(), line, lines: [] };
      if (fence[3] === '') untaggedFences.push(line);
      table = undefined;
      return;
    }
    proseLines.push({ text: raw, line });
    for (const m of raw.matchAll(CODE_SPAN)) spans.push({ text: m[2].trim(), line });
    const withoutCode = raw.replace(CODE_SPAN, (m) => ' '.repeat(m.length));
    for (const m of withoutCode.matchAll(LINK)) links.push({ text: m[1], target: m[2], line });

    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(raw);
    if (heading) {
      const base = slugify(heading[2]);
      const seen = slugCounts.get(base) ?? 0;
      slugCounts.set(base, seen + 1);
      headings.push({ level: heading[1].length, text: stripInline(heading[2]), slug: seen === 0 ? base : `${base}-${seen}`, line });
    }

    if (/^\s*\|/.test(raw)) {
      if (!table) {
        table = { header: splitRow(raw), rows: [], line, separatorCells: -1 };
        tables.push(table);
      } else if (table.separatorCells < 0 && /^\s*\|?\s*:?-{3,}/.test(raw)) {
        (table as { separatorCells: number }).separatorCells = splitRow(raw).length;
      } else {
        table.rows.push({ cells: splitRow(raw), line });
      }
    } else {
      table = undefined;
    }
  });
  if (open) unclosedFences.push(open.line);
  return { file, text, headings, blocks, spans, links, tables, unclosedFences, untaggedFences, proseLines };
}

// ---------------------------------------------------------------------------------------------
// Names: stacks, outputs, context keys, npm scripts, modules, paths
// ---------------------------------------------------------------------------------------------

const SHELL_LANGS = new Set(['bash', 'sh', 'shell']);

/** Placeholders: lowercase words joined by hyphens in angle brackets, e.g. `<your-student-id>`. */
export const PLACEHOLDER = /<[a-z][a-z0-9]*(?:-[a-z0-9]+)+>/g;
/** A CamelCase word: starts upper case, has a lower-case letter and a second capital (WebUrl, LabRole). */
const PASCAL = /^[A-Z][A-Za-z0-9]*$/;
/** A camelCase word: starts lower case, has a capital (imageTag, fleetMin). */
const CAMEL = /^[a-z]+[A-Z][A-Za-z0-9]*$/;
/** cdk options that take a value, so the word after them is no stack name. */
const CDK_VALUE_FLAGS = new Set(['-c', '--context', '-r', '--role-arn', '--outputs-file', '-O', '--profile', '--require-approval',
  '--template', '--toolkit-stack-name', '--method', '-m', '--app', '-a', '--output', '-o', '--exclusively', '--tags', '-t',
  '--parameters', '--concurrency', '--progress', '--qualifier', '--bootstrap-bucket-name', '--cloudformation-execution-policies',
  '--trust', '--trust-for-lookup', '--custom-permissions-boundary', '--hotswap-fallback']);

function isPascalName(word: string): boolean {
  return PASCAL.test(word) && /[a-z]/.test(word) && (word.match(/[A-Z]/g) ?? []).length >= 2;
}

/** Shell-like words of a command line, quotes removed, placeholders kept whole. */
function words(commandLine: string): string[] {
  return commandLine.split(/\s+/).map((w) => w.replace(/^["']|["']$/g, '')).filter((w) => w !== '');
}

/** Where code names things: in code spans and in the commands of code blocks. */
interface CodeText { readonly text: string; readonly line: number; readonly span: boolean; readonly lang?: string }

function codeTexts(guide: Guide): CodeText[] {
  const texts: CodeText[] = guide.spans.map((s) => ({ ...s, span: true }));
  for (const block of guide.blocks) {
    if (block.lang === 'mermaid') continue;
    block.code.split('\n').forEach((text, i) => texts.push({ text, line: block.line + i, span: false, lang: block.lang }));
  }
  return texts;
}

/**
 * Does this word name a path in the repository? It does when it starts with a top-level entry
 * (`lib/app/modules/ec2-fleet.ts`, `.github/workflows/ci.yml`), or, in a code span, when it looks
 * like a folder or source file or starts with a near miss of a top-level entry.
 */
function repoPathLike(word: string, facts: CodeFacts, span: boolean): string | undefined {
  const cleaned = word.replace(/[),.;:]+$/, '').replace(/^\.\//, '');
  if (!/^[\w.-]+(?:\/[\w.-]+)*\/?$/.test(cleaned) || !cleaned.includes('/')) return undefined;
  if (/^[\d.]+\/\d+$/.test(cleaned)) return undefined; // a CIDR block
  const first = cleaned.split('/')[0];
  if (first === '..' || first === '.') return undefined;
  if (facts.topLevel.has(first)) return cleaned;
  if (!span) return undefined;
  // In prose, a folder (`sample-app/`), a source-like file (`lib/x.ts`, `sample-app/Dockerfile`)
  // or a near miss of a top-level entry (`lab-guide/setup.md`) names a path of the repository;
  // other slashed words (`linux/arm64`, `notes/day1.txt`) are not about it.
  const sourceLike = cleaned.endsWith('/') || /\.(?:ts|mjs|js|json|md|ya?ml|sh)$|(?:^|\/)(?:Dockerfile|\.dockerignore)$/.test(cleaned);
  return sourceLike || [...facts.topLevel].some((entry) => distance(first, entry) <= 2) ? cleaned : undefined;
}

/** Checks every name a guide uses against the code. */
export function checkNames(guide: Guide, facts: CodeFacts): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const report = (line: number, kind: ProblemKind, name: string, message: string) => {
    const key = `${line} ${kind} ${name}`;
    if (!seen.has(key)) problems.push({ file: guide.file, line, kind, name, message });
    seen.add(key);
  };
  const nearest = (name: string, known: Iterable<string>) => {
    const best = [...known].map((k) => [k, distance(name.toLowerCase(), k.toLowerCase())] as const).sort((a, b) => a[1] - b[1])[0];
    return best && best[1] <= 3 ? ` (did you mean ${best[0]}?)` : '';
  };
  const checkOutput = (line: number, name: string) => {
    if (name.startsWith('$')) return; // the helper's own definition: OutputKey=='$1'
    if (!facts.outputs.has(name)) report(line, 'output', name, `no stack output ${name}${nearest(name, facts.outputs)}`);
  };
  const checkKey = (line: number, key: string) => {
    if (!facts.contextKeys.has(key)) report(line, 'context key', key, `no context key ${key} in SETTINGS${nearest(key, facts.contextKeys)}`);
  };
  const checkStack = (line: number, name: string) => {
    if (!facts.isStack(name)) report(line, 'stack', name, `no stack named ${name}`);
  };

  for (const { text, line, span, lang } of codeTexts(guide)) {
    // Expected output (```text) shows physical names such as ClassLabStack-Ec2Fleet...-ASG-AbCd.
    const shown = lang !== undefined && !SHELL_LANGS.has(lang);
    // Code spans holding one word: CamelCase is an output (or a stack or a listed term), camelCase a context key.
    if (span && isPascalName(text)) {
      if (!facts.outputs.has(text) && !facts.isStack(text) && !facts.terms.has(text)) {
        report(line, 'name', text, `\`${text}\` is no stack output, stack or listed term${nearest(text, facts.outputs)}`);
      }
    } else if (span && CAMEL.test(text)) {
      if (!facts.contextKeys.has(text) && !facts.terms.has(text)) checkKey(line, text);
    }

    for (const m of text.matchAll(/OutputKey\s*==\s*\\?['"`]([^'"`\\]+)\\?['"`]/g)) checkOutput(line, m[1]);
    for (const m of text.matchAll(/\blab_output\s+["']?([A-Za-z0-9]+)/g)) checkOutput(line, m[1]);
    // cdk deploy prints outputs as `ClassLabStack.WebUrl = http://...`.
    for (const m of text.matchAll(/(?:^|\s)(ClassLab[\w<>-]*)\.([A-Z][A-Za-z0-9]*)(?![\w.])/g)) checkOutput(line, m[2]);

    for (const m of text.matchAll(/(?:^|[\s'"])(?:-c|--context)[\s=]+['"]?([A-Za-z0-9_]+)=([^\s'"]*)/g)) {
      checkKey(line, m[1]);
      if (m[1] === 'modules' && /^[\w,-]+$/.test(m[2])) {
        for (const module of m[2].split(',').filter((x) => x !== '' && x !== 'all')) {
          if (!facts.modules.has(module)) report(line, 'module', module, `no class module ${module}${nearest(module, facts.modules)}`);
        }
      }
    }

    // Settings written once: `npm run setup -- key=value key=value`.
    for (const m of text.matchAll(/\bnpm\s+run\s+setup\s+--((?:\s+[A-Za-z0-9_]+=[^\s'"`]*)+)/g)) {
      for (const pair of m[1].trim().split(/\s+/)) checkKey(line, pair.split('=')[0]);
    }

    for (const m of text.matchAll(/\bnpm\s+(?:run|run-script)\s+(?:-{1,2}[\w-]+\s+)*([\w:.-]+)/g)) {
      if (!facts.npmScripts.has(m[1])) report(line, 'npm script', m[1], `no npm script ${m[1]} in package.json${nearest(m[1], facts.npmScripts)}`);
    }
    for (const m of text.matchAll(/\bnpm\s+(test|start|stop|restart)\b/g)) {
      if (!facts.npmScripts.has(m[1])) report(line, 'npm script', m[1], `no npm script ${m[1]} in package.json`);
    }

    // The instructor tool: `class-lab-admin <command> --option`, or through an npm script that runs it.
    const toolCalls: Array<[string, string]> = [...text.matchAll(new RegExp(`(?:^|[\\s\`'"])${INSTRUCTOR_TOOL}\\s+([^\\s|;&)]+)([^|;&)]*)`, 'g'))]
      .map((m) => [m[1], m[2]]);
    for (const m of text.matchAll(/\bnpm\s+run\s+([\w:.-]+)(?:\s+--([^|;&)]*))?/g)) {
      if (!facts.instructorTool?.npmScripts.has(m[1])) continue;
      const given = facts.instructorTool.npmScripts.get(m[1]);
      const rest = m[2] ?? '';
      const command = given ?? words(rest)[0];
      if (command !== undefined) toolCalls.push([command, given ? rest : rest.replace(/^\s*\S+/, '')]);
    }
    if (new RegExp(`\\bnpx\\s+(?:-\\S+\\s+)*${INSTRUCTOR_TOOL}\\b`).test(text) && facts.instructorTool && !facts.instructorTool.isBin) {
      report(line, 'command', INSTRUCTOR_TOOL, `package.json has no bin ${INSTRUCTOR_TOOL}: npx would look for it in the npm registry`);
    }
    for (const [command, rest] of toolCalls) {
      const options = facts.instructorTool?.commands.get(command);
      if (!facts.instructorTool) report(line, 'command', INSTRUCTOR_TOOL, `the repository has no instructor tool ${INSTRUCTOR_TOOL}`);
      else if (!options) report(line, 'command', command, `${INSTRUCTOR_TOOL} has no command ${command}${nearest(command, facts.instructorTool.commands.keys())}`);
      else {
        const modules = facts.instructorTool.modules?.get(command);
        const firstOption = words(rest).findIndex((w) => w.startsWith('-') || w === '#');
        const leading = firstOption === -1 ? words(rest) : words(rest).slice(0, firstOption);
        for (const module of modules ? leading.flatMap((w) => w.split(',')).filter((w) => /^[a-z][\w-]*$/.test(w)) : []) {
          if (!modules!.has(module)) report(line, 'command', module, `${INSTRUCTOR_TOOL} ${command} has no module ${module}${nearest(module, modules!)}`);
        }
        for (const option of words(rest).filter((w) => /^--?[a-z]/.test(w)).map((w) => w.split('=')[0])) {
          if (!options.has(option)) report(line, 'command', option, `${INSTRUCTOR_TOOL} ${command} has no option ${option}${nearest(option, options)}`);
        }
      }
    }

    for (const m of text.matchAll(/\bcdk\s+(deploy|destroy|synth|synthesize|diff|drift|watch)\b([^|;&)]*)/g)) {
      // A command quoted in HTML (the placeholder page's `<code>npx cdk deploy ClassLabStack</code>`) ends at its closing tag.
      const args = words(m[2].split('</')[0]);
      for (let i = 0; i < args.length; i++) {
        if (args[i] === '#' || args[i].startsWith('#')) break;
        if (args[i].startsWith('-')) {
          if (CDK_VALUE_FLAGS.has(args[i])) i++;
          continue;
        }
        if (args[i] === '\\') continue;
        checkStack(line, args[i]);
      }
    }
    for (const m of text.matchAll(/--stack-name[\s=]+["']?([^\s"']+)/g)) {
      if (!m[1].startsWith('$')) checkStack(line, m[1]);
    }
    if (!shown) for (const m of text.matchAll(/(?:^|[\s='"(/])(ClassLab[\w<>-]*)/g)) checkStack(line, m[1]);

    const candidates = span ? [text] : words(text);
    for (const word of candidates) {
      const repoPath = repoPathLike(word, facts, span);
      if (repoPath && !facts.exists(repoPath)) report(line, 'path', repoPath, `no file or folder ${repoPath} in the repository`);
    }
  }

  // The module card: **Module** `ec2` names a class module.
  for (const { text, line } of guide.proseLines) {
    const card = /\*\*Module\*\*\s*`([^`]+)`/.exec(text);
    if (card && !facts.modules.has(card[1])) report(line, 'module', card[1], `no class module ${card[1]}${nearest(card[1], facts.modules)}`);
  }
  return problems;
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = keep;
    }
  }
  return row[b.length];
}

// ---------------------------------------------------------------------------------------------
// Rendering: headings, fences, tables, links
// ---------------------------------------------------------------------------------------------

/**
 * Checks that a guide renders cleanly. `markdownAt` parses another Markdown file of the
 * repository (by its path from the root), so links to its anchors can be checked.
 */
export function checkMarkdown(guide: Guide, markdownAt: (repoPath: string) => Guide | undefined, facts: CodeFacts): Problem[] {
  const problems: Problem[] = [];
  const report = (line: number, kind: ProblemKind, name: string, message: string) =>
    problems.push({ file: guide.file, line, kind, name, message });

  const h1 = guide.headings.filter((h) => h.level === 1);
  if (h1.length !== 1) report(h1[1]?.line ?? 1, 'heading', '#', `one H1 expected, found ${h1.length}`);
  if (guide.headings.length > 0 && guide.headings[0].level !== 1) report(guide.headings[0].line, 'heading', guide.headings[0].text, 'the first heading must be the H1');
  guide.headings.forEach((h, i) => {
    const previous = guide.headings[i - 1];
    if (previous && h.level > previous.level + 1) {
      report(h.line, 'heading', h.text, `H${h.level} after H${previous.level}: a heading level is skipped`);
    }
  });

  for (const line of guide.unclosedFences) report(line, 'fence', '```', 'code fence never closed');
  for (const line of guide.untaggedFences) report(line, 'fence', '```', 'code fence without a language (bash, text, mermaid, dockerfile, json, ...)');

  for (const t of guide.tables) {
    const width = t.header.length;
    if (t.separatorCells !== width) report(t.line, 'table', t.header.join('|'), `table separator has ${t.separatorCells} cells, header ${width}`);
    for (const row of t.rows) {
      if (row.cells.length !== width) report(row.line, 'table', row.cells.join('|'), `table row has ${row.cells.length} cells, header ${width}`);
    }
  }

  for (const link of guide.links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // http:, https:, mailto:
    const [target, anchor] = link.target.split('#', 2) as [string, string | undefined];
    const resolved = target === '' ? guide.file : path.posix.normalize(path.posix.join(path.posix.dirname(guide.file), decodeURI(target)));
    if (resolved.startsWith('..')) {
      report(link.line, 'link', link.target, 'link leaves the repository');
      continue;
    }
    if (!facts.exists(resolved.replace(/\/$/, ''))) {
      report(link.line, 'link', link.target, `link target ${resolved} does not exist`);
      continue;
    }
    if (anchor !== undefined) {
      const other = resolved.endsWith('.md') ? markdownAt(resolved) : undefined;
      if (!other) report(link.line, 'link', link.target, `anchor #${anchor} points into ${resolved}, which is no Markdown file`);
      else if (!other.headings.some((h) => h.slug === anchor)) report(link.line, 'link', link.target, `no heading with anchor #${anchor} in ${resolved}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Commands: copy-paste correct shell
// ---------------------------------------------------------------------------------------------

/** Placeholders a guide or the README explains: a table row or list item that starts with it in backticks. */
export function explainedPlaceholders(guide: Guide): Set<string> {
  const explained = new Set<string>();
  for (const { text } of guide.proseLines) {
    const m = /^\s*(?:[-*]|\|)\s*`(<[a-z0-9-]+>)`/.exec(text);
    if (m) explained.add(m[1]);
  }
  return explained;
}


/**
 * Commands a student copies: shell blocks have no prompt characters, parse with `bash -n`
 * once placeholders are filled with sample words, and every placeholder used is explained.
 */
export function checkCommands(guide: Guide, explained: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const report = (line: number, kind: ProblemKind, name: string, message: string) =>
    problems.push({ file: guide.file, line, kind, name, message });

  const placeholderSites: Array<{ text: string; line: number }> = guide.spans.map((s) => ({ text: s.text, line: s.line }));
  for (const block of guide.blocks.filter((b) => SHELL_LANGS.has(b.lang))) {
    block.code.split('\n').forEach((text, i) => {
      placeholderSites.push({ text, line: block.line + i });
      if (/^\s*\$\s/.test(text)) report(block.line + i, 'command', text.trim(), 'no "$ " prompt in a shell block: students copy the whole block');
    });
    const filled = block.code.replace(PLACEHOLDER, 'sample-value');
    const result = spawnSync('bash', ['-n'], { input: filled, encoding: 'utf8' });
    if (result.status !== 0) {
      const where = /line (\d+)/.exec(result.stderr);
      report(block.line + (where ? Number(where[1]) - 1 : 0), 'command', block.code.split('\n')[0], `bash -n: ${result.stderr.trim().split('\n')[0]}`);
    }
  }
  for (const { text, line } of placeholderSites) {
    for (const m of text.matchAll(PLACEHOLDER)) {
      if (!explained.has(m[0])) report(line, 'placeholder', m[0], `placeholder ${m[0]} is not explained (a list item or table row starting with \`${m[0]}\` in this guide or lab-guides/README.md)`);
    }
  }
  return problems;
}

/**
 * Runs shellcheck over each guide's shell blocks in order, as one terminal session would run
 * them; one shellcheck process for all guides. Without shellcheck: none outside CI (with a notice).
 */
export function shellcheckGuides(guides: readonly Guide[], exclude: readonly string[]): Problem[] {
  if (!shellcheckUsable()) return [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guide-shellcheck-'));
  const scripts = new Map<string, { guide: Guide; lineMap: number[] }>();
  guides.forEach((guide, index) => {
    const blocks = guide.blocks.filter((b) => SHELL_LANGS.has(b.lang));
    if (blocks.length === 0) return;
    const lines = ['#!/usr/bin/env bash'];
    const lineMap = [0];
    for (const block of blocks) {
      block.code.replace(PLACEHOLDER, 'sample-value').split('\n').forEach((text, i) => {
        lines.push(text);
        lineMap.push(block.line + i);
      });
    }
    const file = path.join(dir, `guide-${index}.sh`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    scripts.set(file, { guide, lineMap });
  });
  if (scripts.size === 0) return [];
  const result = spawnSync('shellcheck', ['-f', 'json1', '-s', 'bash', '-e', exclude.join(','), ...scripts.keys()], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  if (result.error) throw result.error;
  const comments: Array<{ file: string; line: number; code: number; level: string; message: string }> = JSON.parse(result.stdout || '{"comments":[]}').comments;
  return comments.map((c) => {
    const { guide, lineMap } = scripts.get(c.file)!;
    return { file: guide.file, line: lineMap[c.line - 1] ?? 0, kind: 'command' as const, name: `SC${c.code}`, message: `shellcheck ${c.level}: ${c.message}` };
  });
}

// ---------------------------------------------------------------------------------------------
// Class notes coverage
// ---------------------------------------------------------------------------------------------

export interface NotesItem { readonly text: string; readonly kind: 'agenda' | 'heading' | 'diagram'; readonly wip: boolean }

/** Agenda items, section headings (with their *WIP* mark) and diagram requests of the class notes. */
export function notesItems(notes: string): NotesItem[] {
  const items: NotesItem[] = [];
  const lines = notes.split('\n');
  let inAgenda = false;
  lines.forEach((line, i) => {
    const heading = /^(#{1,6})\s+(.*?)\s*$/.exec(line);
    if (heading) {
      inAgenda = heading[2] === 'Agenda';
      if (heading[1].length === 1 || inAgenda) return;
      const next = lines.slice(i + 1).find((l) => l.trim() !== '') ?? '';
      items.push({ text: heading[2], kind: 'heading', wip: /^\*WIP\*$/.test(next.trim()) });
      return;
    }
    const bullet = /^\s*[-*]\s+(.+?)\s*$/.exec(line);
    if (inAgenda && bullet) items.push({ text: bullet[1], kind: 'agenda', wip: false });
    const diagram = /^\*\*(Add diagram[^*]*)\*\*\s*$/.exec(line.trim());
    if (diagram) items.push({ text: diagram[1], kind: 'diagram', wip: false });
  });
  // An agenda item that is also a heading is one item; keep the heading (it carries the WIP mark).
  const headings = new Set(items.filter((i) => i.kind === 'heading').map((i) => i.text));
  return items.filter((i) => i.kind !== 'agenda' || !headings.has(i.text));
}

/** The section of a guide under one heading, up to the next heading of the same or a higher level. */
export function section(guide: Guide, slug: string): { prose: string; blocks: CodeBlock[] } | undefined {
  const index = guide.headings.findIndex((h) => h.slug === slug);
  if (index < 0) return undefined;
  const start = guide.headings[index];
  const end = guide.headings.slice(index + 1).find((h) => h.level <= start.level)?.line ?? Infinity;
  const prose = guide.proseLines.filter((l) => l.line > start.line && l.line < end).map((l) => l.text).join('\n');
  return { prose, blocks: guide.blocks.filter((b) => b.line > start.line && b.line < end) };
}

/** Words of plain prose, without code, links' targets or markup. */
export function proseWords(prose: string): number {
  return stripInline(prose.replace(/^\s*\|.*$/gm, '')).split(/\s+/).filter((w) => /[A-Za-z]/.test(w)).length;
}

// ---------------------------------------------------------------------------------------------
// Student profiles: the same commands for a solo, a student-id and a Learner Lab student
// ---------------------------------------------------------------------------------------------

/** A kind of student, as setup.md's settings table describes it: who, the settings, the stack name. */
export interface StudentProfile {
  readonly who: string;
  readonly settings: Record<string, string>;
  readonly stackName: string;
  readonly line: number;
}

/**
 * The profiles of setup.md's table headed `you are | run once | your stack is called`: each
 * row's `npm run setup -- key=value ...` code span gives the settings (placeholders filled with
 * `sample`), its last cell the stack name the student should see.
 */
export function studentProfiles(setup: Guide, sample: (placeholder: string) => string): StudentProfile[] {
  const table = setup.tables.find((t) => /^you are$/i.test(stripInline(t.header[0])) && /run once/i.test(t.header[1] ?? ''));
  if (!table) return [];
  return table.rows.map((row) => {
    const command = /`(npm run setup[^`]*)`/.exec(row.cells[1])?.[1] ?? '';
    const settings: Record<string, string> = {};
    for (const pair of command.replace(/^npm run setup\s*(?:--)?/, '').trim().split(/\s+/).filter((w) => w.includes('='))) {
      const [key, value] = pair.split('=', 2);
      settings[key] = value.replace(PLACEHOLDER, sample);
    }
    const stackName = stripInline(row.cells[2] ?? '').replace(PLACEHOLDER, sample);
    return { who: stripInline(row.cells[0]), settings, stackName, line: row.line };
  });
}

/** Options of a command that only fit one kind of student: a guide command carrying one differs by profile. */
const PROFILE_SPECIFIC = [
  { pattern: /(?:-c|--context)[\s=]+['"]?(?:student|sandbox|labRoleArn|roster)=/, why: 'a -c student/sandbox/labRoleArn/roster setting (settings are written once with npm run setup)' },
  { pattern: /\bcdk\b[^|;&]*\s(?:-r|--role-arn)[\s=]/, why: 'a -r/--role-arn (the kit points CloudFormation at LabRole itself)' },
  { pattern: /--stack-name[\s=]+["']?ClassLab/, why: 'a literal stack name (use "$STACK", read from cdk-outputs.json)' },
  { pattern: /^\s*STACK=["']?ClassLab/, why: 'a literal STACK= (a student id changes the name; read it from cdk-outputs.json)' },
  { pattern: /\bLAB_ROLE_ARN\b/, why: 'LAB_ROLE_ARN (no role ARN is needed on any command)' },
  { pattern: /\bnpm\s+run\s+setup\s+--[^|;&]*\b(?:student|sandbox)=/, why: 'a student or sandbox setting in a command block (only setup.md\'s table differs by profile)' },
];

/** Commands of the shell blocks that are not the same for every kind of student. */
export function profileSpecificCommands(guide: Guide): Problem[] {
  const problems: Problem[] = [];
  for (const block of guide.blocks.filter((b) => SHELL_LANGS.has(b.lang))) {
    block.code.split('\n').forEach((text, i) => {
      for (const { pattern, why } of PROFILE_SPECIFIC) {
        if (pattern.test(text)) problems.push({ file: guide.file, line: block.line + i, kind: 'command', name: text.trim(), message: `differs by student profile: ${why}` });
      }
    });
  }
  return problems;
}

/** Every output a guide's commands or prose read, with where. */
export function outputsRead(guide: Guide): Array<{ name: string; line: number }> {
  const found: Array<{ name: string; line: number }> = [];
  for (const { text, line } of codeTexts(guide)) {
    for (const m of text.matchAll(/\blab_output\s+["']?([A-Za-z0-9]+)/g)) found.push({ name: m[1], line });
    for (const m of text.matchAll(/OutputKey\s*==\s*\\?['"`]([A-Za-z0-9]+)\\?['"`]/g)) found.push({ name: m[1], line });
  }
  return found;
}

/** The stack selectors of `cdk deploy|destroy|diff|synth` in shell blocks. */
export function cdkStackSelectors(guide: Guide): Array<{ name: string; line: number }> {
  const found: Array<{ name: string; line: number }> = [];
  for (const block of guide.blocks.filter((b) => SHELL_LANGS.has(b.lang))) {
    block.code.split('\n').forEach((text, i) => {
      for (const m of text.matchAll(/\bcdk\s+(deploy|destroy|synth|diff)\b([^|;&)]*)/g)) {
        const args = words(m[2]);
        for (let j = 0; j < args.length; j++) {
          if (args[j].startsWith('#')) break;
          if (args[j].startsWith('-')) {
            if (CDK_VALUE_FLAGS.has(args[j])) j++;
            continue;
          }
          found.push({ name: args[j], line: block.line + i });
        }
      }
    });
  }
  return found;
}

/** The time a guide states for itself: `**Time** 25 min`. */
export function statedMinutes(guide: Guide): number | undefined {
  const m = /\*\*Time\*\*\s+(\d+)\s*min/.exec(guide.text);
  return m ? Number(m[1]) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The instructor tool's check, as the guides show it
// ---------------------------------------------------------------------------------------------

/** One `class-lab-admin check <module...>` of a guide and the ```text block that follows it. */
export interface CheckRun {
  readonly modules: string[];
  readonly line: number;
  /** The expected output, or undefined when the next block is not text. */
  readonly output?: CodeBlock;
}

/** Every check a guide runs (`npx class-lab-admin check ...` or `npm run check -- ...`) in its shell blocks. */
export function checkRuns(guide: Guide): CheckRun[] {
  const runs: CheckRun[] = [];
  guide.blocks.forEach((block, index) => {
    if (!SHELL_LANGS.has(block.lang)) return;
    block.code.split('\n').forEach((text, i) => {
      const m = /(?:\bclass-lab-admin\s+check|\bnpm\s+run\s+check(?:\s+--)?)((?:\s+[a-z][\w,-]*)*)/.exec(text);
      if (!m) return;
      const next = guide.blocks[index + 1];
      runs.push({
        modules: m[1].trim().split(/[\s,]+/).filter((w) => w !== ''),
        line: block.line + i,
        output: next && next.lang === 'text' ? next : undefined,
      });
    });
  });
  return runs;
}

/** A guide step a source file names: `step 4 of lab-guides/ec2-fleet.md`, `part 7 of ...`, or `(part 8)` after one. */
export interface StepReference {
  readonly guide: string;
  readonly kind: 'step' | 'part';
  readonly number: number;
  readonly line: number;
  /** The source line, for the commands it tells the student to run. */
  readonly text: string;
}

/** The guide steps a source file's text refers to, line by line. */
export function stepReferences(source: string): StepReference[] {
  const found: StepReference[] = [];
  source.split('\n').forEach((text, i) => {
    let guide: string | undefined;
    for (const m of text.matchAll(/\b(steps?|parts?) (\d+)(?: (?:to|and) (\d+))?(?: of (lab-guides\/[\w-]+\.md))?/g)) {
      guide = m[4] ?? guide;
      if (!guide) continue;
      const kind = m[1].startsWith('step') ? 'step' : 'part';
      const [from, to] = [Number(m[2]), Number(m[3] ?? m[2])];
      for (let n = from; n <= to; n++) found.push({ guide, kind, number: n, line: i + 1, text });
    }
  });
  return found;
}

/** The heading of a guide's step (`### 4. Kill an instance`) or exercise part (`### Part 7: ...`). */
export function stepHeading(guide: Guide, kind: 'step' | 'part', n: number): Heading | undefined {
  const pattern = kind === 'step' ? new RegExp(`^${n}\\. `) : new RegExp(`^Part ${n}: `);
  return guide.headings.find((h) => h.level >= 2 && pattern.test(h.text));
}
