/**
 * Plain HTTP for the checkpoints: one GET, no redirects followed (a 307 from S3 is an answer
 * to report, not to hide), an optional Host header (the load balancer's host-name rules), a
 * timeout, and a fresh connection per request so the load balancer picks a target each time.
 * Node's fetch cannot send a Host header of our choosing, hence node:http.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpReply {
  readonly status: number;
  readonly body: string;
}

export interface HttpProbeOptions {
  /** How long one request may take (default 10 s). */
  readonly timeoutMs?: number;
  /**
   * Like curl's --resolve: requests for these host names go to another address (e.g.
   * `127.0.0.1:8080`), over plain HTTP, with the original name as the Host header. Tests
   * point AWS host names at servers on loopback this way.
   */
  readonly resolve?: Readonly<Record<string, string>>;
}

export class HttpProbe {
  constructor(private readonly options: HttpProbeOptions = {}) {}

  /** GETs the URL; rejects with a one-line message when nothing answers. */
  get(url: string, host?: string): Promise<HttpReply> {
    const target = new URL(url);
    const hostHeader = host ?? target.host;
    const mapped = this.options.resolve?.[target.hostname];
    const lib = mapped || target.protocol === 'http:' ? http : https;
    const [hostname, port] = mapped ? mapped.split(':') : [target.hostname, target.port];
    return new Promise((resolve, reject) => {
      const req = lib.request({
        hostname, port: port || undefined, path: `${target.pathname}${target.search}`, method: 'GET',
        headers: { Host: hostHeader, 'User-Agent': 'class-lab-admin-check' }, agent: false,
        timeout: this.options.timeoutMs ?? 10_000, servername: mapped ? undefined : target.hostname,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer from ${target.host} within ${(this.options.timeoutMs ?? 10_000) / 1000} s`)));
      req.on('error', (error: NodeJS.ErrnoException) => reject(new Error(`no answer from ${url}${host ? ` (Host: ${host})` : ''}: ${error.code ?? error.message}`)));
      req.end();
    });
  }
}
