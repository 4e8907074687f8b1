import { spawnSync } from 'node:child_process';

/**
 * shellcheck lints the instance boot script and the guides' shell blocks. It is a system tool (no
 * npm package ships its binary; the `shellcheck` npm package downloads it at first run), so the
 * kit never installs it for you: in CI (CI=true) it is required, elsewhere the checks that need it
 * are skipped with a notice. Install it with `apt-get install shellcheck` or `brew install shellcheck`.
 */
export const SHELLCHECK_AVAILABLE = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' }).status === 0;

const notice = 'shellcheck is not on the PATH: skipping the shellcheck checks (apt-get install shellcheck; CI requires it)';

/**
 * True when shellcheck can run. Without it: throws in CI, and warns and returns false elsewhere,
 * so the caller skips its shellcheck part.
 */
export function shellcheckUsable(): boolean {
  if (SHELLCHECK_AVAILABLE) return true;
  if (process.env.CI === 'true') throw new Error('shellcheck is required in CI (CI=true) and is not on the PATH');
  console.warn(notice);
  return false;
}

/** `test` when shellcheck can run (or in CI, where its absence fails), `test.skip` with a notice elsewhere. */
export const shellcheckTest: jest.It = SHELLCHECK_AVAILABLE || process.env.CI === 'true' ? test : (console.warn(notice), test.skip);
