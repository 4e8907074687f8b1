/**
 * The emulated account: moto (`moto_server`, an AWS emulator) started by the kit's launcher
 * (`scripts/emulator/launch.py`: loopback only, outbound connections outside loopback refused,
 * the patches of `scripts/emulator/patches.py`) on a free loopback port, one server per test file.
 *
 * Like shellcheck, moto is a system tool (`pip install "moto[server]==5.2.1"`): in CI (CI=true) it
 * is required, elsewhere the tier is skipped with a notice.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { REPO_ROOT } from '../../support/project';

/** The moto release the machines have and CI installs; the patches are written against it. */
export const MOTO_VERSION = '5.2.1';

const probe = spawnSync('python3', ['-c', 'import moto.server, moto; print(moto.__version__)'], { encoding: 'utf8' });
export const MOTO_AVAILABLE = spawnSync('moto_server', ['--help'], { encoding: 'utf8' }).status === 0 && probe.status === 0;
export const MOTO_INSTALLED_VERSION = probe.status === 0 ? probe.stdout.trim() : undefined;

const notice = 'moto_server is not on the PATH: skipping the emulated-account tier (pip install "moto[server]==5.2.1"; CI requires it)';

/** `describe` when moto can run (or in CI, where its absence fails), `describe.skip` with a notice elsewhere. */
export const emulatedDescribe: jest.Describe = MOTO_AVAILABLE || process.env.CI === 'true' ? describe : (console.warn(notice), describe.skip);

/** The launcher's line for a connection it refused (scripts/emulator/launch.py GUARD_PREFIX). */
export const SERVER_GUARD_PREFIX = 'class-lab-emulator: refused a connection outside loopback:';

export interface Emulator {
  readonly port: number;
  readonly endpoint: string;
  /** Everything the server printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 nobody listens on now. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/moto-api/`)).ok;
  } catch {
    return false;
  }
}

export interface EmulatorOptions {
  /**
   * Quotas (`<service>/<quota code>`) with no applied value in this account: GetServiceQuota
   * answers NoSuchResourceException, as AWS does for some quotas (launch.py --quota-without-applied-value).
   */
  readonly quotasWithoutAppliedValue?: readonly string[];
}

/** Starts the launcher and waits until moto answers (30 s at most). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  if (!MOTO_AVAILABLE) throw new Error(`moto_server is required here (CI=true) and is not usable: ${notice}`);
  if (MOTO_INSTALLED_VERSION !== MOTO_VERSION) throw new Error(`moto ${MOTO_VERSION} is pinned (its patches are written against it); this machine has ${MOTO_INSTALLED_VERSION}`);
  const port = await freeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}`;
  let output = '';
  const extra = (options.quotasWithoutAppliedValue ?? []).flatMap((q) => ['--quota-without-applied-value', q]);
  const child: ChildProcess = spawn('python3', [path.join(REPO_ROOT, 'scripts', 'emulator', 'launch.py'), '--port', String(port), '--host', '127.0.0.1', ...extra], {
    cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
      const killed = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(killed);
    }
  };
  const deadline = Date.now() + 30_000;
  while (!(await answers(endpoint))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`moto did not start on ${endpoint}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, endpoint, log: () => output, stop };
}

/**
 * The environment that points the CDK CLI and the AWS SDK at the emulator: the endpoint, fake
 * credentials, a region, no profile or config file of this machine, no metadata service, and
 * (for child processes) the loopback guard.
 */
export function emulatorEnv(endpoint: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    AWS_ENDPOINT_URL: endpoint,
    // moto's CloudFormation reads a TemplateURL's bucket from its host name unless the URL
    // contains `localhost` (docs/emulator-gaps.md).
    AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION: endpoint.replace('127.0.0.1', 'localhost'),
    AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent/class-lab-tier/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/class-lab-tier/credentials',
    AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NODE_OPTIONS: `${base.NODE_OPTIONS ?? ''} --require ${path.join(__dirname, 'loopback-guard.js')}`.trim(),
  };
  for (const key of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'CDK_DEFAULT_ACCOUNT', 'CDK_DEFAULT_REGION']) delete env[key];
  return env;
}
