import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DockerfileParser, Instruction } from 'dockerfile-ast';
import { format, validate, ValidationSeverity, ValidatorSettings } from 'dockerfile-utils';
import {
  dockerBuildCommand, NODE_BASE_IMAGE, SAMPLE_APP_BASE_PATH, SAMPLE_APP_DIR, SAMPLE_APP_HEALTH_PATH,
  SAMPLE_APP_LOCAL_IMAGE, SAMPLE_APP_PORT, SAMPLE_APP_USER,
} from '../lib/app/sample-app';
import { closedPort, fakeTaskMetadata, request, RunningServer, startNodeServer } from './support/node-server';

const DOCKERFILE_PATH = path.join(SAMPLE_APP_DIR, 'Dockerfile');
const dockerfileText = fs.readFileSync(DOCKERFILE_PATH, 'utf8');
const dockerfile = DockerfileParser.parse(dockerfileText);
const instructions = dockerfile.getInstructions();

function only(keyword: string): Instruction {
  const found = instructions.filter((i) => i.getKeyword() === keyword);
  expect(found.map((i) => i.getKeyword())).toEqual([keyword]);
  return found[0];
}

/** ENV values by name, from every ENV instruction. */
function envValues(): Record<string, string | null> {
  return Object.fromEntries(dockerfile.getENVs().flatMap((env) => env.getProperties().map((p) => [p.getName(), p.getValue()])));
}

describe('sample app Dockerfile', () => {
  test('passes the dockerfile-utils linter with every check an error, and is formatted as it wants', () => {
    const everyCheck: ValidatorSettings = {
      deprecatedMaintainer: ValidationSeverity.ERROR,
      directiveCasing: ValidationSeverity.ERROR,
      emptyContinuationLine: ValidationSeverity.ERROR,
      instructionCasing: ValidationSeverity.ERROR,
      instructionCmdMultiple: ValidationSeverity.ERROR,
      instructionEntrypointMultiple: ValidationSeverity.ERROR,
      instructionHealthcheckMultiple: ValidationSeverity.ERROR,
      instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
      instructionWorkdirRelative: ValidationSeverity.ERROR,
    };
    expect(validate(dockerfileText, everyCheck)).toEqual([]);
    expect(format(dockerfileText, { insertSpaces: true, tabSize: 4 })).toEqual([]);
  });

  test('the linter\'s command line passes too (npm run lint:dockerfile)', () => {
    const bin = require.resolve('dockerfile-utils/bin/dockerfile-utils');
    const result = spawnSync(process.execPath, [bin, 'lint', '--json', DOCKERFILE_PATH], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  test('one stage from the pinned Node.js image on ECR Public, not Docker Hub, for any platform', () => {
    const from = dockerfile.getFROMs();
    expect(from).toHaveLength(1);
    expect(from[0].getImage()).toBe(NODE_BASE_IMAGE);
    expect(from[0].getRegistry()).toBe('public.ecr.aws');
    // A full version, never a moving tag such as latest, 22 or lts.
    expect(from[0].getImageTag()).toMatch(/^(20|22)\.\d+\.\d+-(bookworm-slim|slim|alpine\d\.\d+)$/);
    expect(from[0].getPlatformFlag()).toBeNull();
    // A `# syntax=` directive would pull the BuildKit frontend from Docker Hub.
    expect(dockerfile.getDirectives()).toEqual([]);
  });

  test('has no step that installs, downloads or names a CPU architecture (the same file builds arm64 and amd64)', () => {
    for (const run of instructions.filter((i) => i.getKeyword() === 'RUN')) {
      expect(run.getArgumentsContent()).not.toMatch(/apt|apk|curl|wget|npm install|amd64|x86_64|arm64|aarch64/);
    }
    expect(instructions.map((i) => i.getKeyword())).not.toContain('ADD');
  });

  test('runs as the non-root user the task definition names, set before CMD', () => {
    const users = instructions.filter((i) => i.getKeyword() === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const last = users[users.length - 1];
    expect(last.getArgumentsContent()).toBe(SAMPLE_APP_USER);
    expect(last.getArgumentsContent()).not.toMatch(/^(root|0)(:|$)/);
    expect(last.getRange().start.line).toBeLessThan(only('CMD').getRange().start.line);
  });

  test('has a HEALTHCHECK that uses node (the slim image has no curl)', () => {
    const healthcheck = only('HEALTHCHECK');
    const command = /CMD\s+(\[.*\])\s*$/s.exec(healthcheck.getArgumentsContent() ?? '');
    expect(command).not.toBeNull();
    expect(JSON.parse(command![1])).toEqual(['node', 'healthcheck.js']);
    expect(healthcheck.getArgumentsContent()).not.toMatch(/curl|wget/);
  });

  test('listens where the ECS service and the load balancer expect it', () => {
    expect(only('EXPOSE').getArgumentsContent()).toBe(String(SAMPLE_APP_PORT));
    expect(envValues()).toMatchObject({ PORT: String(SAMPLE_APP_PORT), BASE_PATH: SAMPLE_APP_BASE_PATH, APP_VERSION: '${APP_VERSION}' });
    expect(JSON.parse(only('CMD').getArgumentsContent()!)).toEqual(['node', 'server.js']);
  });

  test('copies only files that exist and that .dockerignore lets into the build context', () => {
    const ignore = fs.readFileSync(path.join(SAMPLE_APP_DIR, '.dockerignore'), 'utf8')
      .split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    // Deny everything, then allow by name: nothing else can slip into an image.
    expect(ignore[0]).toBe('*');
    const allowed = ignore.slice(1).map((l) => l.replace(/^!/, ''));
    const copied = dockerfile.getCOPYs().flatMap((copy) => copy.getArguments().slice(0, -1).map((a) => a.getValue()));
    expect(copied.sort()).toEqual(allowed.sort());
    for (const file of copied) expect(fs.existsSync(path.join(SAMPLE_APP_DIR, file))).toBe(true);
  });

  test('shows the exact build command the lab uses', () => {
    expect(dockerBuildCommand()).toBe(`docker build --platform linux/arm64 -t ${SAMPLE_APP_LOCAL_IMAGE}:v1 sample-app`);
    expect(dockerfileText).toContain(`#   ${dockerBuildCommand()}\n`);
    expect(dockerfileText).toContain(`#   ${dockerBuildCommand('v2')}\n`);
    expect(fs.readFileSync(path.join(SAMPLE_APP_DIR, '..', 'README.md'), 'utf8')).toContain(dockerBuildCommand());
  });

  test('the app files are plain Node.js with no dependencies to install', () => {
    for (const file of ['server.js', 'healthcheck.js']) {
      const source = fs.readFileSync(path.join(SAMPLE_APP_DIR, file), 'utf8');
      const modules = [...source.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]);
      expect(modules.every((m) => m.startsWith('node:'))).toBe(true);
      expect(() => execFileSync(process.execPath, ['--check', path.join(SAMPLE_APP_DIR, file)])).not.toThrow();
    }
    expect(fs.existsSync(path.join(SAMPLE_APP_DIR, 'package.json'))).toBe(false);
  });
});

describe('sample app server, run for real', () => {
  const serverJs = path.join(SAMPLE_APP_DIR, 'server.js');

  describe('on Fargate (task metadata endpoint present)', () => {
    let metadata: Awaited<ReturnType<typeof fakeTaskMetadata>>;
    let app: RunningServer;
    const taskArn = 'arn:aws:ecs:us-east-1:123456789012:task/ClassLab/0123456789abcdef0123456789abcdef';

    beforeAll(async () => {
      metadata = await fakeTaskMetadata({ TaskARN: taskArn, AvailabilityZone: 'us-east-1b', Cluster: 'ClassLab' });
      app = await startNodeServer([serverJs], { APP_VERSION: 'v7', ECS_CONTAINER_METADATA_URI_V4: metadata.uri });
    });

    afterAll(async () => {
      await app?.stop();
      await metadata?.close();
    });

    test('the page under /app says which task and container answered, and the version', async () => {
      const page = await request(`${app.base}${SAMPLE_APP_BASE_PATH}`);
      expect(page.status).toBe(200);
      expect(page.type).toBe('text/html; charset=utf-8');
      expect(page.body).toContain(taskArn);
      expect(page.body).toContain('us-east-1b');
      expect(page.body).toContain(require('node:os').hostname());
      expect(page.body).toContain('v7');
      // Links keep the prefix, so they work through the load balancer.
      expect(page.body).toContain(`href="${SAMPLE_APP_BASE_PATH}/health"`);
      expect((await request(`${app.base}${SAMPLE_APP_BASE_PATH}/`)).body).toBe(page.body);
    });

    test('answers the health path the target group checks, and /health for the container check', async () => {
      expect(await request(`${app.base}${SAMPLE_APP_HEALTH_PATH}`)).toEqual({ status: 200, type: 'text/plain; charset=utf-8', body: 'ok\n' });
      expect((await request(`${app.base}/health`)).status).toBe(200);
    });

    test('serves the same page without the prefix (a host-name rule forwards every path)', async () => {
      const page = await request(`${app.base}/`);
      expect(page.status).toBe(200);
      expect(page.body).toContain(taskArn);
      expect(page.body).toContain('href="/health"');
    });

    test('gives the same facts as JSON on /app/info', async () => {
      const info = await request(`${app.base}${SAMPLE_APP_BASE_PATH}/info`);
      expect(info.type).toBe('application/json');
      expect(JSON.parse(info.body)).toMatchObject({ version: 'v7', taskArn, availabilityZone: 'us-east-1b' });
    });

    test('answers 404 for unknown paths and for look-alike prefixes, 405 for other methods', async () => {
      expect((await request(`${app.base}${SAMPLE_APP_BASE_PATH}/nothing-here`)).status).toBe(404);
      expect((await request(`${app.base}/apple`)).status).toBe(404);
      expect((await request(`${app.base}${SAMPLE_APP_BASE_PATH}`, { method: 'POST', body: 'x' })).status).toBe(405);
      const head = await request(`${app.base}${SAMPLE_APP_HEALTH_PATH}`, { method: 'HEAD' });
      expect([head.status, head.body]).toEqual([200, '']);
    });

    test('the image\'s HEALTHCHECK command passes while the app runs', () => {
      const port = new URL(app.base).port;
      const result = spawnSync(process.execPath, [path.join(SAMPLE_APP_DIR, 'healthcheck.js')], { env: { PORT: port }, timeout: 5000 });
      expect(result.status).toBe(0);
    });
  });

  test('the HEALTHCHECK command fails when nothing answers', async () => {
    const port = await closedPort();
    const result = spawnSync(process.execPath, [path.join(SAMPLE_APP_DIR, 'healthcheck.js')], { env: { PORT: String(port) }, timeout: 5000 });
    expect(result.status).toBe(1);
  });

  test('off ECS: still answers, says so, and escapes what it shows', async () => {
    const app = await startNodeServer([serverJs], { APP_VERSION: '<b>v8</b>' });
    try {
      const page = await request(`${app.base}${SAMPLE_APP_BASE_PATH}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('not running on ECS');
      expect(page.body).toContain('&#60;b&#62;v8&#60;/b&#62;');
      expect(page.body).not.toContain('<b>v8');
    } finally {
      await app.stop();
    }
  });

  test('the path prefix is configurable with BASE_PATH', async () => {
    const app = await startNodeServer([serverJs], { BASE_PATH: 'demo/' });
    try {
      expect((await request(`${app.base}/demo/health`)).status).toBe(200);
      expect((await request(`${app.base}/demo`)).body).toContain('href="/demo/info"');
      expect((await request(`${app.base}${SAMPLE_APP_BASE_PATH}`)).status).toBe(404);
      expect(app.output()).toContain('paths under "/demo"');
    } finally {
      await app.stop();
    }
  });

  test('stops at once on SIGTERM, as ECS and `docker stop` send it', async () => {
    const app = await startNodeServer([serverJs], {});
    const started = Date.now();
    expect(await app.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(app.output()).toContain('SIGTERM received');
  });
});
