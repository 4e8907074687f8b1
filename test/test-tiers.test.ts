/**
 * `npm run test:quick` runs exactly the test files that start no process, worked out from their
 * imports (jest.quick.config.js): the CLI, cfn-lint, shellcheck and server tests stay in `npm test`.
 */
import * as path from 'node:path';
import { REPO_ROOT } from './support/project';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const quick = require(path.join(REPO_ROOT, 'jest.quick.config.js')) as { testPathIgnorePatterns: string[]; globalSetup?: string };
const skipped = (file: string) => quick.testPathIgnorePatterns.some((p) => new RegExp(p).test(path.join(REPO_ROOT, file)));

test('leaves out every test that starts a process, directly or through a support module', () => {
  for (const file of ['test/app/cli-equivalence.test.ts', 'test/guardrails/cfn-lint.test.ts', 'test/app/stack-tags.test.ts', 'test/lab-guides.test.ts', 'test/sample-app.test.ts', 'test/instructor-tool/check/check.test.ts']) {
    expect([file, skipped(file)]).toEqual([file, true]);
  }
});

test('follows imports into the kit\'s own scripts: a script that spawns the CLI keeps its test out', () => {
  // scripts/learner-lab-bootstrap-template.ts asks the pinned CLI for its bootstrap template.
  const file = 'test/class-operations/learner-lab-bootstrap-template.test.ts';
  expect([file, skipped(file)]).toEqual([file, true]);
});

test('leaves out the files whose opening comment marks them @tier full, each with its reason', () => {
  for (const file of ['test/app/synthesis.test.ts', 'test/guardrails/roster-guardrails.test.ts', 'test/guardrails/guardrails.test.ts', 'test/integ/rehearsal.test.ts']) {
    expect([file, skipped(file)]).toEqual([file, true]);
  }
});

test('keeps the unit and snapshot tests, and runs no CLI synth before them', () => {
  for (const file of ['test/settings/lab-config.test.ts', 'test/app/class-lab-stack.test.ts', 'test/instructor-tool/teardown/teardown.test.ts', 'test/layout.test.ts']) {
    expect([file, skipped(file)]).toEqual([file, false]);
  }
  expect(quick.globalSetup).toBeUndefined();
});
