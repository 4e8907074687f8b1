// Test-only tooling (jest itself, @swc/jest, mocks, the guide checker's packages) lives in
// test-tools/, a package of its own that `npm test` installs (scripts/ensure-test-tools.sh), so
// the student's `npm ci` stays light. Jest resolves the tests' imports there as well as in the
// kit's node_modules.
const path = require('node:path');

const testTools = path.join(__dirname, 'test-tools', 'node_modules');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  modulePaths: [testTools],
  // Jest's default is one worker per core less one: a single worker on a 2-core machine, while
  // the parent process mostly waits. Two workers keep both cores busy.
  maxWorkers: 2,
  // Some tests start real processes (the sample app, the boot script's web page, cfn-lint); on
  // a shared 2-core machine jest's 5 s default times them out while they are still healthy.
  testTimeout: 30_000,
  transform: {
    '^.+\\.tsx?$': [require.resolve('@swc/jest', { paths: [testTools] })],
  },
  // Every variant synthesized once by the real CDK CLI before the tests start (test/support/cli-synth.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
};
