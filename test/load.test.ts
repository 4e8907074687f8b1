import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeServer, stopProcess } from './support/stop';
import { FLEET_REQUESTS_PER_TARGET_PER_MINUTE, FLEET_USER_DATA_PATH } from '../lib/app/modules/ec2-fleet';
import { FLEET_DEFAULTS } from '../lib/settings/settings-table';
import { LOAD_DEFAULTS, LOAD_LIMITS, parseLoadArgs, runLoad } from '../scripts/load';

const defaultFleet = () => FLEET_DEFAULTS;

/**
 * The guide's load generator, run for real against two copies of the fleet's own web page
 * (the Python page of the boot script, each with its own fake metadata service) behind a small
 * round-robin "load balancer" on loopback.
 */
const root = path.join(__dirname, '..');

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function fakeImds(instanceId: string): http.Server {
  return http.createServer((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.end('t');
    const values: Record<string, string> = { '/latest/meta-data/instance-id': instanceId, '/latest/meta-data/placement/availability-zone': 'us-east-1a' };
    if (values[req.url ?? '']) res.end(values[req.url ?? '']);
    else res.writeHead(404).end();
  });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} never answered`);
}

describe('load generator (scripts/load.ts)', () => {
  const ids = ['i-0aaaaaaaaaaaaaaa1', 'i-0bbbbbbbbbbbbbbb2'];
  const servers: http.Server[] = [];
  const pages: ChildProcess[] = [];
  let balancerUrl: string;
  let received = 0;

  beforeAll(async () => {
    const script = fs.readFileSync(FLEET_USER_DATA_PATH, 'utf8');
    const source = /<<'PY'\n([\s\S]*?)\nPY\n/.exec(script)![1];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-test-'));
    fs.writeFileSync(path.join(dir, 'web.py'), source);
    const backends: string[] = [];
    for (const id of ids) {
      const imds = fakeImds(id);
      servers.push(imds);
      const imdsPort = await listen(imds);
      const probe = http.createServer();
      const port = await listen(probe);
      await new Promise((r) => probe.close(r));
      pages.push(spawn('python3', [path.join(dir, 'web.py')], {
        env: { ...process.env, CLASS_LAB_PORT: String(port), CLASS_LAB_IMDS: `http://127.0.0.1:${imdsPort}/latest` },
        stdio: 'ignore',
      }));
      backends.push(`http://127.0.0.1:${port}`);
      await waitFor(`${backends.at(-1)}/health`);
    }
    let next = 0;
    const balancer = http.createServer(async (req, res) => {
      received++;
      const backend = backends[next++ % backends.length];
      const answer = await fetch(`${backend}${req.url}`);
      res.writeHead(answer.status).end(await answer.text());
    });
    servers.push(balancer);
    balancerUrl = `http://127.0.0.1:${await listen(balancer)}/`;
  }, 30_000);

  afterAll(async () => {
    await Promise.all(pages.map(stopProcess));
    await Promise.all(servers.map(closeServer));
  });

  test('sends the lead-in trickle, the burst at its rate, then the trickle, and reports which instances answered', async () => {
    received = 0;
    const lines: string[] = [];
    const reports = await runLoad(
      { url: balancerUrl, rate: 20, leadSeconds: 2, burstSeconds: 2, trickleSeconds: 2, trickleEverySeconds: 1 },
      { fetch, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), now: () => Date.now(), log: (l) => lines.push(l) },
    );
    expect(received).toBe(2 + 40 + 2);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ sent: 44, answered: 44, failed: 0 });
    expect([...reports[0].instances].sort()).toEqual(ids);
    // A minute is labelled by the phase it started in: the lead-in trickle.
    expect(lines).toEqual([`minute  1 trickle sent 44, answered 44, failed 0; instances: ${ids.join(' ')}`]);
  }, 20_000);

  test('a closed port is reported as failures with the error code, and the command exits non-zero', async () => {
    const probe = http.createServer();
    const closedPort = await listen(probe);
    await new Promise((r) => probe.close(r));
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/load.ts', `http://127.0.0.1:${closedPort}/`, '--lead', '0', '--burst', '1', '--rate', '2', '--trickle', '0'], {
      cwd: root, encoding: 'utf8', timeout: 60_000,
    });
    expect(result.stdout).toMatch(/sent 2, answered 0, failed 2; instances: -; first error: ECONNREFUSED/);
    expect(result.status).toBe(1);
  }, 60_000);

  test('refuses values that would make it run away, and an empty URL (an unset WEB_URL)', () => {
    expect(() => parseLoadArgs([balancerUrl, '--rate', '1000'])).toThrow(/--rate must be between 0.1 and 20/);
    expect(() => parseLoadArgs([balancerUrl, '--burst', '3600'])).toThrow(/--burst must be between 1 and 600/);
    expect(() => parseLoadArgs([balancerUrl, '--trickle', '99999'])).toThrow(/--trickle must be between 0 and 1800/);
    expect(() => parseLoadArgs([''])).toThrow(/URL is missing/);
    expect(() => parseLoadArgs([])).toThrow(/URL is missing/);
    expect(() => parseLoadArgs(['Class-Netwo.elb.amazonaws.com'])).toThrow(/not an http/);
    expect(() => parseLoadArgs([balancerUrl, '--rps', '5'])).toThrow(/unknown option --rps/);
    expect(() => parseLoadArgs([balancerUrl, '--lead', '99999'])).toThrow(/--lead must be between 0 and 1800/);
    expect(parseLoadArgs([balancerUrl])).toEqual({ url: balancerUrl, ...{ rate: LOAD_DEFAULTS.rate, leadSeconds: LOAD_DEFAULTS.leadSeconds, burstSeconds: LOAD_DEFAULTS.burstSeconds, trickleSeconds: LOAD_DEFAULTS.trickleSeconds, trickleEverySeconds: LOAD_DEFAULTS.trickleEverySeconds } });
    // The worst case a student can type is bounded.
    expect(LOAD_LIMITS.maxRate * LOAD_LIMITS.maxBurstSeconds + LOAD_LIMITS.maxLeadSeconds + LOAD_LIMITS.maxTrickleSeconds).toBeLessThanOrEqual(16_000);
  });

  test('its defaults scale the default fleet in, then out: the trickle far below the target on its desired size, the burst above it on its minimum', () => {
    const fleet = defaultFleet();
    // RequestCountPerTarget, per minute: the trickle over the desired instances, the burst over the scaled-in group.
    const trickle = 60 / LOAD_DEFAULTS.trickleEverySeconds / fleet.desired;
    const burst = (LOAD_DEFAULTS.rate * 60) / fleet.min;
    expect(trickle).toBeLessThan(FLEET_REQUESTS_PER_TARGET_PER_MINUTE / 4);
    expect(burst).toBeGreaterThan(fleet.max * FLEET_REQUESTS_PER_TARGET_PER_MINUTE);
    expect(fleet.min).toBeLessThan(fleet.desired);
    // Long enough for target tracking's scale-in alarm (15 one-minute datapoints, plus up to 2 minutes
    // of reporting delay and the scale-in itself) and its scale-out alarm (3).
    expect(LOAD_DEFAULTS.leadSeconds).toBeGreaterThanOrEqual(18 * 60);
    expect(LOAD_DEFAULTS.burstSeconds).toBeGreaterThanOrEqual(5 * 60);
  });
});
