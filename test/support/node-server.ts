import { ChildProcess, spawn } from 'node:child_process';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export interface RunningServer {
  /** http://127.0.0.1:<port> */
  readonly base: string;
  readonly process: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts a Node.js web server for real (`node <args>`) with PORT=0, so the system picks a free
 * port, and waits for the line where it says which port it listens on.
 */
export function startNodeServer(args: string[], env: Record<string, string>, cwd?: string): Promise<RunningServer> {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not say its port within 10 s; output:\n${output}`));
    }, 10_000);
    const onData = () => {
      const match = /listening on port (\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        base: `http://127.0.0.1:${match[1]}`,
        process: child,
        output: () => output,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening; output:\n${output}`));
    });
  });
}

export interface Reply {
  readonly status: number;
  readonly type: string | null;
  readonly body: string;
}

export async function request(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

/** A stand-in for the ECS task metadata endpoint v4 (ECS_CONTAINER_METADATA_URI_V4). */
export function fakeTaskMetadata(task: Record<string, unknown>): Promise<{ uri: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/v4/container-id/task') {
      res.setHeader('Content-Type', 'application/json');
      return void res.end(JSON.stringify(task));
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    resolve({
      uri: `http://127.0.0.1:${port}/v4/container-id`,
      close: () => new Promise((done) => server.close(() => done())),
    });
  }));
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
