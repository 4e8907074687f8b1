// Class Lab sample app: a one-file web server with no dependencies beyond Node.js.
// It says which container answered and which version it runs, so you can watch the
// load balancer and ECS deployments at work.
//
// Settings (environment variables):
//   PORT         port to listen on (default 8080; the image is non-root, so not 80)
//   BASE_PATH    path prefix the load balancer forwards, e.g. /app (default /app)
//   APP_VERSION  version shown on the page (default v1; the Dockerfile sets it)
//   ECS_CONTAINER_METADATA_URI_V4  set by ECS on Fargate; used to show the task ARN
//
// Paths, with or without the prefix: /  the page;  /health  "ok";  /info  the same facts as JSON.
'use strict';

const http = require('node:http');
const os = require('node:os');

const PORT = Number(process.env.PORT ?? 8080);
const BASE_PATH = normalizeBasePath(process.env.BASE_PATH ?? '/app');
const APP_VERSION = process.env.APP_VERSION || 'v1';
const METADATA_URI = process.env.ECS_CONTAINER_METADATA_URI_V4;
const STARTED_AT = new Date().toISOString();

/** "/app/" and "app" both mean "/app"; "" and "/" mean no prefix. */
function normalizeBasePath(value) {
  const trimmed = value.trim().replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

/** The task this container belongs to, from the ECS task metadata endpoint v4 (Fargate only). */
async function readTaskMetadata() {
  if (!METADATA_URI) return {};
  try {
    const res = await fetch(`${METADATA_URI}/task`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return {};
    const task = await res.json();
    return { taskArn: task.TaskARN, availabilityZone: task.AvailabilityZone };
  } catch {
    return {}; // Not fatal: the page still shows the hostname.
  }
}

let taskMetadata; // a promise, read once on the first request that needs it

function facts() {
  return (taskMetadata ??= readTaskMetadata()).then((task) => ({
    hostname: os.hostname(),
    version: APP_VERSION,
    taskArn: task.taskArn ?? null,
    availabilityZone: task.availabilityZone ?? null,
    startedAt: STARTED_AT,
  }));
}

/** Splits "/app/health" into the prefix the request used and the route ("/health"). */
function route(pathname) {
  if (BASE_PATH && (pathname === BASE_PATH || pathname.startsWith(`${BASE_PATH}/`))) {
    return { prefix: BASE_PATH, path: pathname.slice(BASE_PATH.length) || '/' };
  }
  return { prefix: '', path: pathname };
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(f, prefix) {
  const rows = [
    ['Container (hostname)', f.hostname],
    ['ECS task', f.taskArn ?? 'not running on ECS'],
    ['Availability Zone', f.availabilityZone ?? 'unknown'],
    ['Version', f.version],
    ['Started', f.startedAt],
  ];
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Class Lab sample app ${escapeHtml(f.version)}</title></head>
<body>
<h1>Class Lab sample app <small>${escapeHtml(f.version)}</small></h1>
<table>
${rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}
</table>
<p>Refresh to see which container answers. Health: <a href="${prefix}/health">${prefix}/health</a>,
facts as JSON: <a href="${prefix}/info">${prefix}/info</a>.</p>
</body>
</html>
`;
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  }
  const { prefix, path } = route(new URL(req.url, 'http://localhost').pathname);
  if (path === '/health') return send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
  console.log(`${req.method} ${req.url}`);
  if (path === '/info') return send(res, 200, 'application/json', `${JSON.stringify(await facts())}\n`);
  if (path === '/') return send(res, 200, 'text/html; charset=utf-8', page(await facts(), prefix));
  return send(res, 404, 'text/plain; charset=utf-8', `not found: ${req.url}\n`);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error(error);
    if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
  });
});

// Keep idle connections open longer than the load balancer does (30 s), so it never reuses
// a connection that Node has just closed (that shows up as sporadic 502 errors).
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

server.listen(PORT, () => {
  console.log(`Class Lab sample app ${APP_VERSION} listening on port ${server.address().port}, paths under "${BASE_PATH || '/'}"`);
});

// ECS stops a task with SIGTERM (Ctrl+C sends SIGINT): finish open requests, then exit,
// instead of waiting to be killed 30 seconds later.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    console.log(`${signal} received, shutting down`);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
