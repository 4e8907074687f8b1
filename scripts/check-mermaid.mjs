#!/usr/bin/env node
/**
 * Parses every ```mermaid block of the given Markdown files with the mermaid package itself,
 * the same parser the code host and editors render with.
 *
 *   node scripts/check-mermaid.mjs lab-guides/*.md          # prints problems, exits 1 on any
 *   node scripts/check-mermaid.mjs --json lab-guides/*.md   # one JSON report on stdout
 *
 * mermaid is ESM-only and needs a DOM even to parse (DOMPurify reads `window` on import), so
 * this runs as a plain Node ES module with jsdom's `window` and `document` as globals, and
 * the jest test runs it as a child process. Both packages are test-only: they live in
 * test-tools/ (which `npm test` installs), not in the kit's node_modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const testTools = createRequire(new URL('../test-tools/package.json', import.meta.url));
/** Imports a package installed in test-tools/. */
const importTestTool = (name) => import(pathToFileURL(testTools.resolve(name)).href);
const { JSDOM } = await importTestTool('jsdom');

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;

/** Every ```mermaid block of a Markdown text, with the line its code starts on (1-based). */
function mermaidBlocks(text) {
  const blocks = [];
  let open = null;
  text.split('\n').forEach((line, index) => {
    const fence = FENCE.exec(line);
    if (open) {
      if (fence && fence[2][0] === open.marker[0] && fence[2].length >= open.marker.length && fence[3] === '') {
        if (open.lang === 'mermaid') blocks.push({ line: open.line, code: open.lines.join('\n') });
        open = null;
      } else {
        open.lines.push(line);
      }
    } else if (fence) {
      open = { marker: fence[2], lang: fence[3].toLowerCase(), line: index + 2, lines: [] };
    }
  });
  return blocks;
}

async function loadMermaid() {
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
  globalThis.window = dom.window;
  globalThis.document = dom.window.document;
  const { default: mermaid } = await importTestTool('mermaid');
  mermaid.initialize({ startOnLoad: false });
  return mermaid;
}

async function main(argv) {
  const json = argv.includes('--json');
  const files = argv.filter((a) => a !== '--json');
  if (files.length === 0) {
    console.error('usage: node scripts/check-mermaid.mjs [--json] FILE.md ...');
    return 2;
  }
  const mermaid = await loadMermaid();
  const report = [];
  for (const file of files) {
    for (const block of mermaidBlocks(readFileSync(file, 'utf8'))) {
      try {
        const result = await mermaid.parse(block.code);
        report.push({ file, line: block.line, ok: true, diagramType: result.diagramType });
      } catch (error) {
        report.push({ file, line: block.line, ok: false, error: String(error?.message ?? error).split('\n').slice(0, 4).join(' ') });
      }
    }
  }
  const failed = report.filter((r) => !r.ok);
  if (json) {
    process.stdout.write(JSON.stringify(report) + '\n');
  } else {
    for (const r of failed) console.error(`${r.file}:${r.line}: mermaid: ${r.error}`);
    console.log(`${report.length - failed.length} of ${report.length} Mermaid blocks parse`);
  }
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
