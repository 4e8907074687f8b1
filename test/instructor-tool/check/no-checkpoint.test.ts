/**
 * `check` that ran no checkpoint (a stack whose outputs show no class module, e.g. one
 * deployed by an older kit or against an emulator that dropped its outputs) proved nothing:
 * it is not a pass.
 */
import { runCheck } from '../../../lib/instructor-tool/check/check';
import { Reporter } from '../../../lib/instructor-tool/core/output';

jest.mock('../../../lib/instructor-tool/checkpoints/check-student', () => ({
  ...jest.requireActual('../../../lib/instructor-tool/checkpoints/check-student'),
  checkStudent: async () => ({ stackName: 'ClassLabStack', region: 'us-east-1', stackStatus: 'CREATE_COMPLETE', modules: [], results: [] }),
}));

test('no checkpoint to run is exit 1 and not ok', async () => {
  const out: string[] = [];
  const reporter = new Reporter({ stdout: (t) => out.push(t), stderr: () => undefined, prompt: async () => undefined }, true);
  const clients = { identity: async () => ({ account: '111122223333', arn: 'arn:aws:iam::111122223333:user/x', userId: 'x' }) } as any;
  const code = await runCheck(reporter, { clients, clock: { now: () => 0, sleep: async () => undefined }, http: {} as any }, { target: { stackName: 'ClassLabStack', settings: {} as any } });
  expect(code).toBe(1);
  expect(JSON.parse(out.join('\n'))).toMatchObject({ ok: false, summary: { pass: 0, pending: 0, fail: 0 } });
});
