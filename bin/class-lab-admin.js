#!/usr/bin/env node
// class-lab-admin: the instructor tool of the Class Lab Kit (doctor, cost, status, teardown).
// Runs lib/instructor-tool/cli.ts through ts-node in its fast transpile mode (swc), like the CDK app,
// so `npx class-lab-admin` and the npm scripts work without a build step.
'use strict';
const path = require('node:path');

require('ts-node').register({
  project: path.join(__dirname, '..', 'tsconfig.json'),
  transpileOnly: true,
  swc: true,
});
require('../lib/instructor-tool/cli')
  .main(process.argv.slice(2))
  .then((code) => { process.exitCode = code; });
