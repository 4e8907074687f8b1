/**
 * The emulated-account tier: the README's class path, run with the pinned CDK CLI and the
 * instructor tool against moto (test/emulated/support/moto.ts) instead of AWS. Each variant is
 * synthesized once; deploy and destroy reuse its cloud assembly (`--app <dir>`). After every
 * teardown or destroy the tier's own inventory (support/inventory.py, boto3 list calls over every
 * service the kit uses) must find nothing of the kit. At the end, every AWS SDK command in the
 * tool's source must have reached moto at least once (moto rejects unknown parameters and wrong
 * shapes, which mocks never do).
 *
 * What moto cannot model (interface draining, service-linked role races, asynchronous deletes,
 * IAM evaluation) stays with the fake account of test/instructor-tool/support/; docs/emulator-gaps.md
 * lists every place moto differs from AWS and how the tier works around it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, DeleteFunctionCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { HttpProbe } from '../../lib/instructor-tool/checkpoints/http';
import { main } from '../../lib/instructor-tool/cli';
import { sweepResource } from '../../lib/instructor-tool/teardown/sweep-resource';
import { CloudFormationClient, CreateStackCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  AllocateAddressCommand, AttachInternetGatewayCommand, AttachNetworkInterfaceCommand, CreateInternetGatewayCommand, CreateNatGatewayCommand, CreateNetworkInterfaceCommand,
  CreateLaunchTemplateCommand, CreateRouteTableCommand, CreateSubnetCommand, DeleteLaunchTemplateCommand, CreateVpcCommand, DescribeImagesCommand, DescribeInternetGatewaysCommand, DescribeNetworkInterfacesCommand, EC2Client, RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, ECSClient, RegisterContainerInstanceCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateRuleCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { Clock } from '../../lib/instructor-tool/core/clock';
import { cdkSynth } from '../support/cdk-cli';
import { cliAssembly } from '../support/cli-synth';
import { REPO_ROOT, scratchProject, ScratchProject } from '../support/project';
import { emulatedDescribe, Emulator, emulatorEnv, EmulatorOptions, SERVER_GUARD_PREFIX, startEmulator } from './support/moto';
import { commandsInToolSource, recordingClients, Sent } from './support/recorder';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const guard = require('./support/loopback-guard.js') as { GUARD_PREFIX: string; refused: string[]; install(): void };

const CDK = path.join(REPO_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
const ACCOUNT = '123456789012'; // moto's account

/** Real time plus every wait the tool asks for, skipped: moto answers at once, no poll needs to wait. */
class SkippingClock implements Clock {
  private skipped = 0;
  now(): number { return Date.now() + this.skipped; }
  async sleep(ms: number): Promise<void> {
    this.skipped += ms;
    await new Promise((r) => setImmediate(r));
  }
}

interface ToolRun { code: number; stdout: string; stderr: string; json(): any }

emulatedDescribe('the class path against the emulated account (moto)', () => {
  const started = Date.now();
  const sent: Sent[] = [];
  const cdkErrors: string[] = [];
  let emulator: Emulator;
  let env: NodeJS.ProcessEnv;
  const savedEnv = { ...process.env };
  let standIn: http.Server;
  const standInRequests: string[] = [];
  let standInAddress = '';
  let serverLogSeen = 0;
  const projects: string[] = [];

  beforeAll(async () => {
    guard.install();
    // The load balancer's names resolve to this loopback stand-in (check's `resolve`), never outside.
    standIn = http.createServer((req, res) => {
      standInRequests.push(`${req.headers.host}${req.url}`);
      res.writeHead(503, { 'content-type': 'text/plain' }).end('no targets: the emulator runs no instances');
    });
    await new Promise<void>((r) => standIn.listen(0, '127.0.0.1', () => r()));
    standInAddress = `127.0.0.1:${(standIn.address() as net.AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((r) => (standIn ? standIn.close(() => r()) : r()));
    await emulator?.stop();
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
    for (const dir of projects) fs.rmSync(dir, { recursive: true, force: true });
    console.log(`emulated tier: ${((Date.now() - started) / 1000).toFixed(1)} s wall time`);
  }, 30_000);

  /**
   * A fresh emulated account for the variant: moto shares nothing between variants (and its
   * server is not safe for concurrent stack operations: docs/emulator-gaps.md).
   */
  function freshAccount(options: EmulatorOptions = {}): void {
    beforeAll(async () => {
      emulator = await startEmulator(options);
      serverLogSeen = 0;
      env = emulatorEnv(emulator.endpoint, savedEnv);
      // The tool runs in this process, as `main` of its CLI: same environment as a child would get.
      for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
      for (const [k, v] of Object.entries(env)) if (k !== 'NODE_OPTIONS') process.env[k] = v;
    }, 60_000);
    afterAll(async () => {
      await emulator?.stop();
    }, 30_000);
  }

  function newProject(): ScratchProject {
    const p = scratchProject();
    projects.push(p.dir);
    return p;
  }

  afterEach(() => {
    // Nothing of the tier, the CLI or moto may have tried to leave loopback.
    expect(guard.refused).toEqual([]);
    expect(cdkErrors.filter((e) => e.includes(guard.GUARD_PREFIX))).toEqual([]);
    const log = emulator.log();
    const fresh = log.slice(serverLogSeen);
    serverLogSeen = log.length;
    expect(fresh.split('\n').filter((l) => l.startsWith(SERVER_GUARD_PREFIX))).toEqual([]);
    // check's s3.share presigns GetObject with the tool's S3 client and fetches the link over HTTP:
    // the request reaches moto without the SDK middleware the recorder adds, so moto's own request
    // log (werkzeug: "GET /<bucket>/<key>?...X-Amz-Signature=... HTTP/1.1" 200) is its record.
    for (const m of fresh.matchAll(/"GET \/[^ ?]+\/[^ ?]+\?[^ ]*X-Amz-Signature=[^ ]* HTTP\/1\.1" (\d{3})/g)) sent.push({ command: 'GetObjectCommand', status: Number(m[1]) });
    guard.refused.length = 0;
    cdkErrors.length = 0;
  });

  function cdk(project: ScratchProject, args: string[]): { status: number | null; output: string } {
    const result = spawnSync(process.execPath, [CDK, ...args, '--no-notices', '--no-version-reporting'], { cwd: project.dir, env, encoding: 'utf8', timeout: 240_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    cdkErrors.push(result.stderr);
    return { status: result.status, output };
  }

  function expectCdk(project: ScratchProject, args: string[]): string {
    const { status, output } = cdk(project, args);
    expect({ args, status, output: status === 0 ? '' : output.slice(-3000) }).toEqual({ args, status: 0, output: '' });
    return output;
  }

  async function tool(project: ScratchProject, argv: string[], resolve: Record<string, string> = {}): Promise<ToolRun> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, {
      io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), prompt: async () => undefined },
      clients: recordingClients(sent),
      http: new HttpProbe({ resolve, timeoutMs: 3000 }),
      projectDir: project.dir,
      clock: new SkippingClock(),
      env: process.env,
    });
    const stdout = out.join('\n');
    return { code, stdout, stderr: err.join('\n'), json: () => JSON.parse(stdout) };
  }

  function synth(project: ScratchProject, args: string[] = []): string {
    const result = cdkSynth(project.dir, ['-o', project.outdir, ...args]);
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr.slice(-3000) }).toEqual({ status: 0, stderr: '' });
    return project.outdir;
  }

  function inventory(): Record<string, string[]> {
    const result = spawnSync('python3', [path.join(__dirname, 'support', 'inventory.py')], { env, encoding: 'utf8', timeout: 60_000 });
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
    return JSON.parse(result.stdout);
  }

  /** The load balancer's host names of the stacks' outputs, each sent to the stand-in. */
  function resolveOutputs(outputsFile: string): Record<string, string> {
    const outputs = JSON.parse(fs.readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
    const hosts = Object.values(outputs).flatMap((o) => [o.WebUrl, o.AppUrl]).filter(Boolean).map((u) => new URL(u).hostname);
    return Object.fromEntries(hosts.map((h) => [h, standInAddress]));
  }

  /** What a student does in the S3 lab: hello.txt uploaded twice (two versions). */
  async function uploadHello(bucket: string): Promise<void> {
    const s3 = new S3Client({ endpoint: emulator.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    for (const body of ['hello v1', 'hello v2']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'hello.txt', Body: body }));
    s3.destroy();
  }

  /** What a student does in the ECR lab: an image pushed with tag v1 (its manifest only). */
  async function pushImage(repositoryUri: string): Promise<void> {
    const ecr = new ECRClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const manifest = {
      schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 2, digest: `sha256:${'a'.repeat(64)}` },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 2, digest: `sha256:${'b'.repeat(64)}` }],
    };
    await ecr.send(new PutImageCommand({ repositoryName: repositoryUri.split('/').slice(1).join('/'), imageTag: 'v1', imageManifest: JSON.stringify(manifest) }));
    ecr.destroy();
  }

  // The default variant, as a student deploys it: expiry on (24 hours), so the expiry clock's
  // function, role and log group are in the stack and must go with it.
  describe('ClassLabStack (the default: expiry on), one student per account', () => {
    freshAccount();
    const project = newProject();
    let app = '';
    let resolve: Record<string, string> = {};
    const outputsFile = path.join(project.dir, 'cdk-outputs.json');

    test('the default variant, as the real CLI synthesized it for this run', () => {
      app = cliAssembly('default').project.outdir;
    }, 240_000);

    test('npx cdk bootstrap', () => {
      expectCdk(project, ['bootstrap', '--app', app]);
    }, 120_000);

    test('class-lab-admin doctor --fix: bootstrap found, the ECS service-linked role created, every quota read', async () => {
      const run = await tool(project, ['doctor', '--fix', '--json']);
      const checks = run.json().checks as Array<{ id: string; status: string; detail: string }>;
      expect(checks.find((c) => c.id === 'cdk-bootstrap')?.status).toBe('pass');
      expect(checks.find((c) => c.id === 'ecs-service-linked-role')?.status).toBe('pass');
      // Every check could read what it needs; a new account's default vCPU quota may be too small
      // for the fleet at max size (README "Class sizes"), which doctor rightly fails.
      expect(checks.filter((c) => /could not check/.test(c.detail))).toEqual([]);
      expect(checks.filter((c) => c.status !== 'pass').map((c) => c.id).filter((id) => id !== 'vcpu-quota')).toEqual([]);
      expect(run.code).toBe(checks.some((c) => c.status === 'fail') ? 1 : 0);
    }, 60_000);

    test('npx cdk deploy ClassLabStack', () => {
      expectCdk(project, ['deploy', 'ClassLabStack', '--app', app, '--require-approval', 'never', '--outputs-file', outputsFile]);
      resolve = resolveOutputs(outputsFile);
    }, 240_000);

    test('class-lab-admin status lists the stack as the solo student\'s', async () => {
      const run = await tool(project, ['status', '--json']);
      expect(run.code).toBe(0);
      expect(run.json().stacks.map((s: any) => [s.student, s.stack, s.status])).toEqual([['solo', 'ClassLabStack', 'CREATE_COMPLETE']]);
    }, 60_000);

    test('class-lab-admin check: every module of the stack checked, HTTP only to the loopback stand-in', async () => {
      const outputs = JSON.parse(fs.readFileSync(outputsFile, 'utf8')).ClassLabStack;
      await uploadHello(outputs.BucketName);
      await pushImage(outputs.RepositoryUri);
      const run = await tool(project, ['check', '--json'], resolve);
      const doc = run.json();
      expect(doc.modules).toEqual(['ec2', 's3', 'route53', 'ecr', 'ecs']);
      for (const module of doc.modules) expect(doc.results.some((r: any) => r.id.startsWith(`${module}.`))).toBe(true);
      // The uploaded versions are there; nothing the emulator cannot run (instances, tasks) passes.
      expect(doc.results.find((r: any) => r.id === 's3.versions')?.status).toBe('pass');
      expect(run.code).toBe(doc.ok ? 0 : 1);
      expect(standInRequests.length).toBeGreaterThan(0);
    }, 120_000);

    test('class-lab-admin cost of the assembly', async () => {
      const run = await tool(project, ['cost', '--cdk-out', app, '--json']);
      expect(run.code).toBe(0);
      expect(run.json().ok).toBe(true);
    }, 120_000);

    test('class-lab-admin teardown (dry run) plans the stack and deletes nothing', async () => {
      const run = await tool(project, ['teardown', '--all', '--json']);
      expect(run.code).toBe(0);
      expect(run.json()).toMatchObject({ ok: true, dryRun: true });
      expect(JSON.stringify(run.json().plan)).toContain('ClassLabStack');
      expect(inventory().stacks).toEqual(expect.arrayContaining([expect.stringMatching(/^ClassLabStack /)]));
    }, 120_000);

    test('class-lab-admin teardown --delete --yes: exit 0, and the inventory finds nothing', async () => {
      const run = await tool(project, ['teardown', '--all', '--delete', '--yes', '--json']);
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr, problems: run.code === 0 ? [] : [run.json().outcomes, run.json().leftovers, run.json().unscanned] }).toEqual({ code: 0, stderr: '', problems: [] });
      expect(inventory()).toEqual({});
    }, 240_000);

    test('npx cdk destroy ClassLabStack afterwards has nothing to do', () => {
      expectCdk(project, ['destroy', 'ClassLabStack', '--app', app, '--force']);
      expect(inventory()).toEqual({});
    }, 120_000);

    test('teardown\'s last-resort sweep deletes each kind of resource the stack has, then teardown ends clean', async () => {
      // moto ignores FORCE_DELETE_STACK, so no delete there ever skips a resource: the tier hands
      // a deployed stack's resources to the sweep itself, to send its deletes to the emulator.
      expectCdk(project, ['deploy', 'ClassLabStack', '--app', app, '--require-approval', 'never']);
      const cfn = new CloudFormationClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      // As teardown records them before its deletes: the attachment's id (`IGW|vpc-…`) names no
      // gateway, the sweep finds it among the stack's recorded resources.
      const resources: Array<{ stackId: string; type: string; physicalId: string }> = [];
      const walk = async (stack: string) => {
        const page = await cfn.send(new ListStackResourcesCommand({ StackName: stack }));
        for (const r of page.StackResourceSummaries ?? []) {
          if (r.ResourceType === 'AWS::CloudFormation::Stack') await walk(r.PhysicalResourceId!);
          else if (r.ResourceType && r.PhysicalResourceId) resources.push({ stackId: stack, type: r.ResourceType, physicalId: r.PhysicalResourceId });
        }
      };
      await walk('ClassLabStack');
      cfn.destroy();
      const order = ['AWS::ECS::Service', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::ECS::Cluster', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancingV2::TargetGroup',
        'AWS::S3::Bucket', 'AWS::ECR::Repository', 'AWS::Route53::HostedZone', 'AWS::Logs::LogGroup', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::InternetGateway',
        'AWS::EC2::SecurityGroup', 'AWS::EC2::Subnet', 'AWS::EC2::VPC'];
      const ctx = { clients: recordingClients(sent)({ region: 'us-east-1' }), clock: new SkippingClock(), eniWaitMs: 60_000, eniPollMs: 5_000, progress: () => undefined };
      const swept: string[] = [];
      const failures: Array<{ type: string; error: string }> = [];
      for (const type of order) {
        for (const r of resources.filter((x) => x.type === type)) {
          try {
            const result = await sweepResource(ctx, r.type, r.physicalId, resources, r.stackId);
            if (result.done) swept.push(type);
          } catch (error) {
            failures.push({ type, error: String(error) });
          }
        }
      }
      expect(failures).toEqual([
        // The VPC still has the route tables CloudFormation deletes (a sweep only follows a forced
        // delete that skipped the VPC, never the rest): moto refuses, as AWS would.
        { type: 'AWS::EC2::VPC', error: expect.stringMatching(/dependencies/) },
      ]);
      expect(new Set(swept)).toEqual(new Set(order.filter((t) => t !== 'AWS::EC2::VPC')));
      const run = await tool(project, ['teardown', '--all', '--delete', '--yes', '--json']);
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr, problems: run.code === 0 ? [] : [run.json().outcomes, run.json().leftovers] }).toEqual({ code: 0, stderr: '', problems: [] });
      expect(inventory()).toEqual({});
    }, 240_000);
  });

  // The kinds the kit deploys that the tagging API returns and only their own service can confirm
  // (lib/instructor-tool/aws/leftovers.ts): made here with the SDK and the kit's tags, so each
  // probe's request reaches moto, which rejects a wrong shape (moto's GetResources lists launch
  // templates through the launcher's tagging_lists_launch_templates patch: docs/emulator-gaps.md).
  describe('tagged Lambda functions, SQS queues and launch templates left in the account: leftovers while there, gone once deleted', () => {
    freshAccount();
    const project = newProject();
    const student = 'lefty';
    const tags = { 'managed-by': 'class-lab-kit', course: 'class-03', student };
    const config = () => ({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const functionName = 'ClassLabStack-lefty-ExpiryClockFunction-AbC';
    const queueName = 'ClassLabStack-lefty-ExpiryDeadLetterQueue-AbC';
    let launchTemplateId = '';
    const scan = async () => {
      // No stack is left, so --delete deletes nothing: it only scans what the kit's tags name.
      const run = await tool(project, ['teardown', '--all', '--delete', '--yes', '--json']);
      return { code: run.code, leftovers: (run.json().leftovers?.[student] ?? []).map((l: any) => [l.kind, l.id, l.billable, l.unverified ?? null]) };
    };

    test('a function, a queue and a launch template with the kit\'s tags are named as free leftovers, each confirmed by its own service; exit 0', async () => {
      const iam = new IAMClient(config());
      const role = await iam.send(new CreateRoleCommand({ RoleName: 'lefty-clock', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
      iam.destroy();
      const lambda = new LambdaClient(config());
      await lambda.send(new CreateFunctionCommand({
        FunctionName: functionName, Runtime: 'nodejs22.x', Handler: 'index.handler', Role: role.Role!.Arn!, Tags: tags,
        // An empty zip archive (its end-of-central-directory record): the function is never invoked.
        Code: { ZipFile: Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]) },
      }));
      lambda.destroy();
      const sqs = new SQSClient(config());
      await sqs.send(new CreateQueueCommand({ QueueName: queueName, tags }));
      sqs.destroy();
      const ec2 = new EC2Client(config());
      launchTemplateId = (await ec2.send(new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'ClassLabStack-lefty-fleet', LaunchTemplateData: { InstanceType: 't3.micro' },
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
      }))).LaunchTemplate!.LaunchTemplateId!;
      ec2.destroy();
      const found = await scan();
      expect(found).toEqual({ code: 0, leftovers: expect.arrayContaining([['lambda-function', functionName, false, null], ['sqs-queue', queueName, false, null], ['launch-template', launchTemplateId, false, null]]) });
      expect(found.leftovers).toHaveLength(3);
      expect(sent.filter((c) => c.status !== undefined).map((c) => c.command)).toEqual(expect.arrayContaining(['GetFunctionConfigurationCommand', 'GetQueueUrlCommand', 'DescribeLaunchTemplatesCommand']));
    }, 120_000);

    test('deleted, they are no longer reported (moto\'s tagging API drops them at once; the probes say gone)', async () => {
      const lambda = new LambdaClient(config());
      await lambda.send(new DeleteFunctionCommand({ FunctionName: functionName }));
      lambda.destroy();
      const sqs = new SQSClient(config());
      await sqs.send(new DeleteQueueCommand({ QueueUrl: (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl! }));
      sqs.destroy();
      const ec2 = new EC2Client(config());
      await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: launchTemplateId }));
      ec2.destroy();
      expect(await scan()).toEqual({ code: 0, leftovers: [] });
      // What the probes would meet in AWS while the tagging API still lists them: the errors they take for "gone".
      const gone = async (call: Promise<unknown>) => call.then(() => 'there', (error: Error) => error.name);
      const lambdaAfter = new LambdaClient(config());
      const sqsAfter = new SQSClient(config());
      expect([
        await gone(lambdaAfter.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }))),
        await gone(sqsAfter.send(new GetQueueUrlCommand({ QueueName: queueName }))),
      ]).toEqual(['ResourceNotFoundException', 'QueueDoesNotExist']);
      lambdaAfter.destroy();
      sqsAfter.destroy();
    }, 120_000);
  });

  describe('a roster: two students in one account, expiry on; the vCPU quota without an applied value', () => {
    // AWS has no applied value for some quotas (GetServiceQuota: NoSuchResourceException), and
    // doctor then reads the default (GetAWSDefaultServiceQuota): this account is one of those.
    freshAccount({ quotasWithoutAppliedValue: ['ec2/L-1216C47A'] });
    const project = newProject();
    let app = '';
    let resolve: Record<string, string> = {};
    const outputsFile = path.join(project.dir, 'cdk-outputs.json');
    project.write('roster.json', JSON.stringify({ students: ['ana', 'ben'] }));
    project.write('lab-settings.json', JSON.stringify({ roster: 'roster.json', expiresAfterHours: 4 }));
    // The same class, each student's account named: the tool enters it by a role, as for a class with an account each.
    project.write('accounts.json', JSON.stringify({ students: [{ id: 'ana', account: ACCOUNT }, { id: 'ben', account: ACCOUNT }] }));

    test('synthesizes once', () => {
      app = synth(project);
    }, 240_000);

    test('class-lab-admin doctor: the vCPU quota read from AWS\'s default (no applied value), too small for two students\' fleets', async () => {
      const run = await tool(project, ['doctor', '--json']);
      const checks = run.json().checks as Array<{ id: string; status: string; detail: string; fix?: string }>;
      const vcpu = checks.find((c) => c.id === 'vcpu-quota');
      // data/quotas.json: 5 vCPUs by default; each student's fleet at its max needs 4.
      expect(vcpu).toMatchObject({ status: 'fail', detail: expect.stringMatching(/\(L-1216C47A\) 5 \(AWS default\), 0 in use, 5 free; the class here needs 2 student\(s\) x 4 = 8/) });
      expect(vcpu?.fix).toMatch(/^aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A --desired-value 8 /);
      // The other quotas still have their applied value.
      expect(checks.find((c) => c.id === 'vpc-quota')?.detail).toMatch(/\(applied\)/);
      expect(checks.find((c) => c.id === 'roster')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^2 of 2 roster student\(s\)/) });
      expect(sent.filter((s) => /ServiceQuota/.test(s.command)).map((s) => [s.command, s.status, s.error])).toEqual(expect.arrayContaining([
        ['GetServiceQuotaCommand', 400, 'NoSuchResourceException'], ['GetAWSDefaultServiceQuotaCommand', 200, undefined],
      ]));
      expect(run.code).toBe(1);
    }, 120_000);

    test('npx cdk bootstrap, npx cdk deploy --all (one stack at a time: moto races on concurrent stack operations)', () => {
      expectCdk(project, ['bootstrap', '--app', app]);
      expectCdk(project, ['deploy', '--all', '--app', app, '--require-approval', 'never', '--outputs-file', outputsFile]);
      resolve = resolveOutputs(outputsFile);
    }, 240_000);

    test('class-lab-admin status lists every stack by student', async () => {
      const run = await tool(project, ['status', '--json']);
      expect(run.code).toBe(0);
      expect(run.json().stacks.map((s: any) => [s.student, s.stack]).sort()).toEqual([['ana', 'ClassLabStack-ana'], ['ben', 'ClassLabStack-ben']]);
    }, 60_000);

    test('class-lab-admin grade: one CSV row per student', async () => {
      const run = await tool(project, ['grade', '--format', 'csv'], resolve);
      const rows = run.stdout.trim().split('\n');
      expect(rows.slice(1).map((r) => r.split(',')[0]).sort()).toEqual(['ana', 'ben']);
      expect([0, 1]).toContain(run.code);
    }, 180_000);

    test('class-lab-admin grade and status through a role in each student\'s account', async () => {
      const grade = await tool(project, ['grade', '--roster', 'accounts.json', '--assume-role-name', 'OrganizationAccountAccessRole', '--format', 'json'], resolve);
      expect(grade.json().accounts.map((a: any) => a.account)).toEqual([ACCOUNT]);
      const status = await tool(project, ['status', '--roster', path.join(project.dir, 'accounts.json'), '--assume-role-name', 'OrganizationAccountAccessRole']);
      expect(status.code).toBe(0);
    }, 180_000);

    test('class-lab-admin teardown (dry run), then --delete --yes: exit 0, and the inventory finds nothing', async () => {
      const dry = await tool(project, ['teardown', '--all', '--json']);
      expect(dry.code).toBe(0);
      const run = await tool(project, ['teardown', '--all', '--delete', '--yes', '--json']);
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr, problems: run.code === 0 ? [] : [run.json().outcomes, run.json().leftovers] }).toEqual({ code: 0, stderr: '', problems: [] });
      expect(inventory()).toEqual({});
    }, 240_000);
  });

  describe('Learner Lab with expiry: the bootstrap without roles, deploy as LabRole', () => {
    freshAccount();
    const project = newProject();
    let app = '';
    project.write('lab-settings.json', JSON.stringify({ sandbox: 'learner-lab' }));

    test('the Learner Lab variant (expiry on), as the real CLI synthesized it for this run', () => {
      app = cliAssembly('learner-lab').project.outdir;
    }, 240_000);

    test('npx cdk bootstrap --template learner-lab/bootstrap-template.yaml, deploy, status', async () => {
      // A Learner Lab account comes with LabRole and LabInstanceProfile; the emulated one gets them here.
      const iam = new IAMClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com', 'ecs-tasks.amazonaws.com', 'lambda.amazonaws.com', 'scheduler.amazonaws.com', 'cloudformation.amazonaws.com'] }, Action: 'sts:AssumeRole' }] };
      await iam.send(new CreateRoleCommand({ RoleName: 'LabRole', AssumeRolePolicyDocument: JSON.stringify(trust) }));
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'LabInstanceProfile' }));
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'LabInstanceProfile', RoleName: 'LabRole' }));
      iam.destroy();
      expectCdk(project, ['bootstrap', '--app', app, '--template', path.join(REPO_ROOT, 'learner-lab', 'bootstrap-template.yaml')]);
      expectCdk(project, ['deploy', 'ClassLabStack', '--app', app, '--require-approval', 'never']);
      const run = await tool(project, ['status', '--json']);
      expect(run.json().stacks.map((s: any) => s.stack)).toEqual(['ClassLabStack']);
    }, 240_000);

    test('npx cdk destroy ClassLabStack: the inventory finds nothing; teardown --delete then finds nothing to do', async () => {
      expectCdk(project, ['destroy', 'ClassLabStack', '--app', app, '--force']);
      expect(inventory()).toEqual({});
      const run = await tool(project, ['teardown', '--all', '--delete', '--yes']);
      expect(run.code).toBe(0);
    }, 240_000);
  });

  // The paths only a failed or forced delete and a dirty account take: state set up here with the SDK
  // (what a student or a failed delete leaves), then the tool's own code run against it.
  describe('the paths only a forced delete or a dirty account takes: the sweep\'s detaches, leftover probes', () => {
    freshAccount();
    const project = newProject();
    const creds = { region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    const kitTags = (student: string) => [{ Key: 'managed-by', Value: 'class-lab-kit' }, { Key: 'course', Value: 'class-03' }, { Key: 'student', Value: student }];
    const sweepCtx = () => ({ clients: recordingClients(sent)({ region: 'us-east-1' }), clock: new SkippingClock(), eniWaitMs: 60_000, eniPollMs: 5_000, progress: () => undefined });

    test('sweep of a subnet frees its interfaces (detaches a secondary one from an instance, deletes the available ones), of an attachment, of a zone', async () => {
      const ec2 = new EC2Client({ endpoint: emulator.endpoint, ...creds });
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
      const subnetA = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.9.0.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
      const subnetB = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.9.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
      const image = (await ec2.send(new DescribeImagesCommand({}))).Images![0].ImageId!;
      const instance = (await ec2.send(new RunInstancesCommand({ ImageId: image, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro', SubnetId: subnetA }))).Instances![0].InstanceId!;
      // A secondary interface from subnet B, attached by the account (what the tool may detach), and a loose one.
      const attached = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetB }))).NetworkInterface!.NetworkInterfaceId!;
      await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: attached, InstanceId: instance, DeviceIndex: 1 }));
      const loose = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetB }))).NetworkInterface!.NetworkInterfaceId!;
      const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
      await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
      const r53 = new Route53Client({ endpoint: emulator.endpoint, ...creds });
      const zone = (await r53.send(new CreateHostedZoneCommand({ Name: 'sweep.class-lab.test', CallerReference: `sweep-${Date.now()}` }))).HostedZone!.Id!.replace('/hostedzone/', '');
      r53.destroy();

      const ctx = sweepCtx();
      expect(await sweepResource(ctx, 'AWS::EC2::Subnet', subnetB)).toEqual({ done: true, text: `deleted subnet ${subnetB}` });
      expect(await sweepResource(ctx, 'AWS::EC2::VPCGatewayAttachment', `IGW|${vpc}`, [{ stackId: 's', type: 'AWS::EC2::InternetGateway', physicalId: igw }], 's')).toEqual({ done: true, text: `detached ${igw} from ${vpc}` });
      expect(await sweepResource(ctx, 'AWS::Route53::HostedZone', zone)).toEqual({ done: true, text: `deleted hosted zone ${zone}` });

      const left = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'network-interface-id', Values: [attached, loose] }] }));
      expect(left.NetworkInterfaces).toEqual([]);
      expect((await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [igw] }))).InternetGateways?.[0]?.Attachments ?? []).toEqual([]);
      expect(sent.filter((s) => ['DetachNetworkInterfaceCommand', 'DeleteNetworkInterfaceCommand', 'DetachInternetGatewayCommand', 'DeleteHostedZoneCommand'].includes(s.command)).every((s) => s.status === 200)).toBe(true);
      ec2.destroy();
    }, 120_000);

    test('teardown --all --delete: a deleted stack\'s Elastic IP looked up by its address; what the account still has with the kit\'s tags is reported, each kind looked up by its own service', async () => {
      const cfn = new CloudFormationClient({ endpoint: emulator.endpoint, ...creds });
      const template = { Resources: { Address: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } } } };
      await cfn.send(new CreateStackCommand({ StackName: 'ClassLabStack-eve', TemplateBody: JSON.stringify(template), Tags: kitTags('eve') }));
      const address = (await cfn.send(new ListStackResourcesCommand({ StackName: 'ClassLabStack-eve' }))).StackResourceSummaries![0].PhysicalResourceId!;
      cfn.destroy();
      // What a failed class can leave with the kit's tags: a VPC, its subnet and route table, a NAT gateway, an ECS cluster.
      const ec2 = new EC2Client({ endpoint: emulator.endpoint, ...creds });
      const spec = (type: any) => [{ ResourceType: type, Tags: kitTags('eve') }];
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.8.0.0/16', TagSpecifications: spec('vpc') }))).Vpc!.VpcId!;
      const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.8.0.0/24', TagSpecifications: spec('subnet') }))).Subnet!.SubnetId!;
      const table = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc, TagSpecifications: spec('route-table') }))).RouteTable!.RouteTableId!;
      const allocation = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
      const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: allocation, TagSpecifications: spec('natgateway') }))).NatGateway!.NatGatewayId!;
      ec2.destroy();
      const ecs = new ECSClient({ endpoint: emulator.endpoint, ...creds });
      await ecs.send(new CreateClusterCommand({ clusterName: 'eve-cluster', tags: kitTags('eve').map((t) => ({ key: t.Key, value: t.Value })) }));
      // A task still running in it (moto runs a task only on a registered container instance, and
      // its Fargate RunTask fails: docs/emulator-gaps.md).
      const ec2ForTask = new EC2Client({ endpoint: emulator.endpoint, ...creds });
      const instance = (await ec2ForTask.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: subnet }))).Instances![0].InstanceId!;
      ec2ForTask.destroy();
      await ecs.send(new RegisterContainerInstanceCommand({ cluster: 'eve-cluster', instanceIdentityDocument: JSON.stringify({ instanceId: instance }) }));
      await ecs.send(new RegisterTaskDefinitionCommand({ family: 'eve-app', containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:stable', memory: 128 }] }));
      const task = (await ecs.send(new RunTaskCommand({ cluster: 'eve-cluster', taskDefinition: 'eve-app', count: 1 }))).tasks![0].taskArn!;
      ecs.destroy();

      const run = await tool(project, ['teardown', '--all', '--delete', '--yes', '--json']);
      const doc = run.json();
      expect(doc.outcomes.map((o: any) => [o.stack, o.result])).toEqual([['ClassLabStack-eve', 'deleted']]);
      const found = (doc.leftovers.eve as Array<{ kind: string; id: string; billable: boolean; unverified?: string }>).map((l) => [l.kind, l.id, l.billable, l.unverified]).sort();
      expect(found).toEqual([
        ['ecs-cluster', 'eve-cluster', true, undefined],
        ['ecs-task', task, true, undefined],
        // moto keeps a stack's Elastic IP after DELETE_COMPLETE (docs/emulator-gaps.md); AWS releases
        // it. The scan looks the recorded address up (DescribeAddresses) and reports it, as billable.
        ['elastic-ip', address, true, undefined],
        ['nat-gateway', nat, true, undefined],
        ['route-table', table, false, undefined],
        ['subnet', subnet, false, undefined],
        ['vpc', vpc, false, undefined],
      ].sort());
      // A NAT gateway and an address bill by the hour: the teardown is not clean.
      expect(doc.ok).toBe(false);
      expect(run.code).toBe(1);
    }, 120_000);

    test('teardown --student lee --delete: a load balancer left with its listener and rule, the kit\'s tags on each; the listener and rule found by the tagging API and confirmed by DescribeListeners and DescribeRules', async () => {
      // moto lists tagged listeners and rules through the launcher's elbv2_template_tags_listed patch (docs/emulator-gaps.md).
      const ec2 = new EC2Client({ endpoint: emulator.endpoint, ...creds });
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }))).Vpc!.VpcId!;
      const subnets = await Promise.all(['a', 'b'].map(async (zone, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.7.${i}.0/24`, AvailabilityZone: `us-east-1${zone}` }))).Subnet!.SubnetId!));
      ec2.destroy();
      const elbv2 = new ElasticLoadBalancingV2Client({ endpoint: emulator.endpoint, ...creds });
      const answer = [{ Type: 'fixed-response' as const, FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'no lab here' } }];
      const balancer = (await elbv2.send(new CreateLoadBalancerCommand({ Name: 'lee-lab', Subnets: subnets, Tags: kitTags('lee') }))).LoadBalancers![0].LoadBalancerArn!;
      const listener = (await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: balancer, Port: 80, Protocol: 'HTTP', DefaultActions: answer, Tags: kitTags('lee') }))).Listeners![0].ListenerArn!;
      const rule = (await elbv2.send(new CreateRuleCommand({
        ListenerArn: listener, Priority: 10, Actions: answer, Tags: kitTags('lee'), Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/lab/*'] } }],
      }))).Rules![0].RuleArn!;
      elbv2.destroy();

      const run = await tool(project, ['teardown', '--student', 'lee', '--delete', '--yes', '--json']);
      const doc = run.json();
      expect(doc.outcomes).toEqual([]);
      const found = (doc.leftovers.lee as Array<{ kind: string; id: string; billable: boolean; foundBy: string; unverified?: string }>).map((l) => [l.kind, l.id, l.billable, l.foundBy, l.unverified]).sort();
      expect(found).toEqual([
        // The load balancer bills by the hour; its listener and rule cost nothing of their own.
        ['listener', listener, false, 'tags', undefined],
        ['listener-rule', rule, false, 'tags', undefined],
        ['load-balancer', balancer, true, 'tags', undefined],
      ].sort());
      expect(sent.filter((s) => ['DescribeListenersCommand', 'DescribeRulesCommand'].includes(s.command)).map((s) => [s.command, s.status])).toEqual(expect.arrayContaining([['DescribeListenersCommand', 200], ['DescribeRulesCommand', 200]]));
      expect(doc.ok).toBe(false);
      expect(run.code).toBe(1);
    }, 120_000);
  });

  // Last: the tests above record what they sent. DescribeListeners and DescribeRules come from the
  // dirty account's listener and rule, GetAWSDefaultServiceQuota from the roster's doctor.
  test('every AWS SDK command in the tool\'s source reached the emulator at least once', () => {
    const reached = new Set(sent.filter((s) => s.status !== undefined).map((s) => s.command));
    const unreached = commandsInToolSource().filter((c) => !reached.has(c));
    console.log(`emulated tier: ${reached.size} SDK commands reached moto; not reached: ${unreached.join(', ') || 'none'}`);
    expect(unreached).toEqual([]);
  });
});
