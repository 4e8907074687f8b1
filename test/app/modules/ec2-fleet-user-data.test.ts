import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeServer, stopProcess } from '../../support/stop';
import { FLEET_HEALTH_PATH, FLEET_USER_DATA_PATH } from '../../../lib/app/modules/ec2-fleet';
import { shellcheckTest } from '../../support/shellcheck';

const script = fs.readFileSync(FLEET_USER_DATA_PATH, 'utf8');

/** The Python web page the boot script writes to /opt/class-lab/web.py. */
function webPageSource(): string {
  const match = /<<'PY'\n([\s\S]*?)\nPY\n/.exec(script);
  if (!match) throw new Error('boot script has no web.py heredoc');
  return match[1];
}

/** A stand-in for the instance metadata service that, like the real one, insists on IMDSv2 tokens. */
function fakeImds(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.end('test-token');
    if (req.headers['x-aws-ec2-metadata-token'] !== 'test-token') return void res.writeHead(401).end();
    const values: Record<string, string> = {
      '/latest/meta-data/instance-id': 'i-0abc123def4567890',
      '/latest/meta-data/placement/availability-zone': 'us-east-1b',
    };
    const value = values[req.url ?? ''];
    if (value) res.end(value);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function get(url: string, attempts = 50): Promise<{ status: number; body: string }> {
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(url);
      return { status: res.status, body: await res.text() };
    } catch (error) {
      if (i >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('EC2 fleet boot script', () => {
  shellcheckTest('passes shellcheck', () => {
    expect(() => execFileSync('shellcheck', [FLEET_USER_DATA_PATH], { encoding: 'utf8' })).not.toThrow();
  });

  test('asks for nothing from the internet (the fleet subnets have no route out)', () => {
    expect(script).not.toMatch(/\b(dnf|yum|curl|wget|pip)\b/);
  });

  describe('web page, run for real against a fake metadata service', () => {
    let imds: http.Server;
    let page: ChildProcess;
    let base: string;

    beforeAll(async () => {
      imds = await fakeImds();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-web-'));
      fs.writeFileSync(path.join(dir, 'web.py'), webPageSource());
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      page = spawn('python3', [path.join(dir, 'web.py')], {
        env: { ...process.env, CLASS_LAB_PORT: String(port), CLASS_LAB_IMDS: `http://127.0.0.1:${(imds.address() as AddressInfo).port}/latest` },
        stdio: 'ignore',
      });
    });

    afterAll(async () => {
      await stopProcess(page);
      await closeServer(imds);
    });

    test('says which instance and AZ answered, read with an IMDSv2 token', async () => {
      const res = await get(`${base}/`);
      expect(res.status).toBe(200);
      expect(res.body).toContain('i-0abc123def4567890');
      expect(res.body).toContain('us-east-1b');
    });

    test('answers the health path the target group checks', async () => {
      expect(await get(`${base}${FLEET_HEALTH_PATH}`)).toEqual({ status: 200, body: 'ok\n' });
    });

    test('starts a bounded CPU load once, and refuses a second while it runs', async () => {
      const first = await get(`${base}/load?seconds=1`);
      expect(first.status).toBe(202);
      expect(first.body).toBe('CPU load on i-0abc123def4567890 for 1 s\n');
      expect((await get(`${base}/load?seconds=1`)).body).toBe('CPU load already running on i-0abc123def4567890\n');
      expect((await get(`${base}/load?seconds=soon`)).status).toBe(400);
    });

    test('caps the load at ten minutes, so it always stops by itself', () => {
      expect(webPageSource()).toMatch(/MAX_LOAD_SECONDS = 600/);
      expect(webPageSource()).toMatch(/min\(seconds, MAX_LOAD_SECONDS\)/);
    });
  });
});
