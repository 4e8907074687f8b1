/**
 * jest's global setup: when the run includes tests that read the real CLI's synths, every
 * variant is synthesized once, two at a time (test/support/cli-synth.ts), before the workers
 * start, and the time it took is printed. `npm run test:quick` has no such test and skips it.
 */
import { synthesizeEveryVariant } from './cli-synth';

export default async function globalSetup(): Promise<void> {
  if (process.env.CLASS_LAB_CLI_SYNTH === 'off') return;
  const started = Date.now();
  const records = await synthesizeEveryVariant(2);
  const failed = Object.entries(records).filter(([, r]) => r.status !== 0).map(([name]) => name);
  process.stderr.write(`\nCLI synth of ${Object.keys(records).length} variants (cached per source tree): ${((Date.now() - started) / 1000).toFixed(1)} s${failed.length ? `; failed: ${failed.join(', ')} (their tests say why)` : ''}\n`);
}
