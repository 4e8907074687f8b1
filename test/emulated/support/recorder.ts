/**
 * Which AWS SDK commands of the instructor tool reached the emulator: the tier builds the tool's
 * clients (`AwsClients`, as the CLI does, path-style S3 for a loopback endpoint) and adds one SDK
 * middleware to each that notes the command and the HTTP status moto answered with. Nothing in
 * the tool's code changes; clients of assumed roles are recorded too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsClients, AwsTarget } from '../../../lib/instructor-tool/aws/clients';
import { REPO_ROOT } from '../../support/project';

export interface Sent {
  readonly command: string;
  /** The HTTP status moto answered with; undefined when the request never reached it. */
  readonly status?: number;
  /** The service error's name (e.g. NoSuchResourceException) when moto refused the request. */
  readonly error?: string;
}

const CLIENT_GETTERS = ['autoscaling', 'cloudformation', 'ec2', 'ecr', 'ecs', 'elbv2', 'iam', 'lambda', 'logs', 'route53', 's3', 'serviceQuotas', 'sqs', 'ssm', 'sts', 'tagging'];

function record(client: any, sent: Sent[]): void {
  if (client.__classLabTier) return;
  client.__classLabTier = true;
  // Around the SDK's deserializer: a refused request arrives as the service error it parsed
  // (its name and HTTP status), not as a raw 4xx response.
  client.middlewareStack.addRelativeTo((next: any, context: any) => async (args: any) => {
    try {
      const result = await next(args);
      sent.push({ command: context.commandName, status: result.response?.statusCode });
      return result;
    } catch (error: any) {
      sent.push({ command: context.commandName, status: error?.$metadata?.httpStatusCode, error: error?.name });
      throw error;
    }
  }, { relation: 'before', toMiddleware: 'deserializerMiddleware', name: 'classLabTierRecorder' });
}

function recording(clients: AwsClients, sent: Sent[]): AwsClients {
  return new Proxy(clients, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property === 'string' && CLIENT_GETTERS.includes(property)) record(value, sent);
      if (property === 'assumeRole') return (...args: Parameters<AwsClients['assumeRole']>) => recording(target.assumeRole.apply(receiver, args), sent);
      return value;
    },
  });
}

/** The CLI's client factory, recording into `sent`. */
export function recordingClients(sent: Sent[]): (target: AwsTarget) => AwsClients {
  return (target) => recording(new AwsClients(target, { forcePathStyle: true }), sent);
}

/** Every SDK command the instructor tool's source sends (`new XCommand(` of an @aws-sdk client). */
export function commandsInToolSource(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts')) files.push(file);
    }
  };
  walk(path.join(REPO_ROOT, 'lib', 'instructor-tool'));
  const commands = new Set<string>();
  for (const file of files) {
    const source = fs.readFileSync(file, 'utf8');
    const imported = new Set([...source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-[a-z0-9-]+'/g)]
      .flatMap((m) => m[1].split(',').map((name) => name.trim().split(/\s+as\s+/)[0])));
    for (const m of source.matchAll(/new\s+([A-Z][A-Za-z0-9]*Command)\s*\(/g)) if (imported.has(m[1])) commands.add(m[1]);
  }
  return [...commands].sort();
}
