/**
 * `npm run rehearse [-- --learner-lab]`: deploys the ClassLabStack variants of test/integ/ in the
 * account of the current AWS credentials, checks them, destroys them and prints a report
 * (lib/instructor-tool/rehearse/rehearse.ts). Exit 0: all good; 1: something failed or was left; 4: no usable
 * credentials (one line, nothing deployed).
 */
import * as path from 'node:path';
import { AwsClients, quietSdkEnvironment } from '../lib/instructor-tool/aws/clients';
import { systemClock } from '../lib/instructor-tool/core/clock';
import { EXIT } from '../lib/instructor-tool/core/errors';
import { npxCdk, runRehearse } from '../lib/instructor-tool/rehearse/rehearse';

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--learner-lab');
  if (unknown.length > 0) {
    console.error(`rehearse: unknown option ${unknown[0]} (usage: npm run rehearse [-- --learner-lab])`);
    return EXIT.usage;
  }
  quietSdkEnvironment();
  return runRehearse({
    clients: new AwsClients({ region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION, profile: process.env.AWS_PROFILE }),
    clock: systemClock,
    cdk: npxCdk(path.join(__dirname, '..')),
    progress: (line) => console.error(line),
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  }, { learnerLab: argv.includes('--learner-lab') });
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
