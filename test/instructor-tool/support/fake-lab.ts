/**
 * A student's deployed ClassLabStack, faked faithfully enough for `check` and `grade`:
 * - the stack outputs are the kit's own synthesized root outputs, evaluated with the physical
 *   names CloudFormation would give (per student);
 * - the AWS APIs the checkpoints read answer through aws-sdk-client-mock from a LabState;
 * - HTTP goes to real servers on loopback: the EC2 page (the boot script's python web.py with a
 *   fake IMDSv2), the sample app (sample-app/server.js) or the ECS placeholder, behind a small
 *   load balancer that applies the kit's listener rules (host names, /app, the fleet catch-all),
 *   and a fake S3 that answers 403 to unsigned and 200 to presigned requests.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeServer, stopProcess } from '../../support/stop';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Activity, AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { BatchGetImageCommand, DescribeImagesCommand, GetDownloadUrlForLayerCommand } from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { privateZoneNameFor } from '../../../lib/settings/lab-config';
import { FLEET_USER_DATA_PATH } from '../../../lib/app/modules/ec2-fleet';
import { PLACEHOLDER_SERVER } from '../../../lib/app/modules/ecs';
import { NODE_BASE_IMAGE, SAMPLE_APP_DIR } from '../../../lib/app/sample-app';
import { HttpProbe } from '../../../lib/instructor-tool/checkpoints/http';
import { evaluate, FAKE_ACCOUNT } from '../../support/cfn-values';
import { defaultLabActivities, INSTANCES, SampleActivity } from '../../support/aws-samples';
import { fakeTaskMetadata, RunningServer, startNodeServer } from '../../support/node-server';
import { SynthesizedLab } from '../../support/synth';
import { accountOfClient, aws as baseAws } from './aws-mocks';
import { awsError } from './harness';

// ECS and Auto Scaling are stubbed once, in aws-mocks.ts (teardown looks them up too); a second mockClient would wrap them twice.
export const aws = { ...baseAws, cloudformation: mockClient(CloudFormationClient) };

const REGION = 'us-east-1';
export const S3_HOST = (bucket: string) => `${bucket}.s3.${REGION}.amazonaws.com`;
export const LAYER_HOST = 'prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com';

/** The physical names CloudFormation would give one student's resources. */
export function physicalNames(student: string) {
  const repo = `classlabstack-${student}-ecrrepository-abc123`;
  return {
    stackName: student === 'solo' ? 'ClassLabStack' : `ClassLabStack-${student}`,
    alb: `ClassL-Netwo-${student}-1234567890.us-east-1.elb.amazonaws.com`,
    asg: `ClassLabStack-${student}-Ec2Fleet-AutoScalingGroupASG-AbC123`,
    targetGroup: `arn:aws:elasticloadbalancing:us-east-1:${FAKE_ACCOUNT}:targetgroup/ClassL-Fleet-${student}/0123456789abcdef`,
    bucket: `classlabstack-${student}-s3nestedstack-bucket-abc123def456`,
    zoneId: `Z0${student.toUpperCase().padEnd(8, 'X')}ABCDEFGH`,
    repo,
    repoArn: `arn:aws:ecr:${REGION}:${FAKE_ACCOUNT}:repository/${repo}`,
    cluster: `ClassLabStack-${student}-EcsCluster-AbCdEf`,
    service: `ClassLabStack-${student}-EcsService-Service-XyZ`,
  };
}

/** The root stack outputs a student sees after a deploy: the synthesized ones, evaluated. */
export function deployedOutputs(lab: SynthesizedLab, student: string): Record<string, string> {
  const n = physicalNames(student);
  const resolve = (kind: 'Ref' | 'GetAtt', name: string): string | undefined => {
    if (kind === 'GetAtt' && /^NetworkLoadBalancer\w*\.DNSName$/.test(name)) return n.alb;
    if (/AutoScalingGroup\w*Ref$/.test(name)) return n.asg;
    if (/Bucket\w*Ref$/.test(name)) return n.bucket;
    if (/EcrRepository\w*Arn$/.test(name)) return n.repoArn;
    if (/EcrRepository\w*Ref$/.test(name)) return n.repo;
    if (/Cluster\w*Ref$/.test(name)) return n.cluster;
    if (/Service\w*Name$/.test(name)) return n.service;
    if (/Zone\w*Ref$/.test(name)) return n.zoneId;
    return `fake-${name}`;
  };
  // One synthesis serves every student: the zone name is the only output text the student id changes.
  const [soloZone, zone] = [privateZoneNameFor(undefined), privateZoneNameFor(student === 'solo' ? undefined : student)];
  const outputs: Record<string, string> = {};
  for (const [key, value] of Object.entries<any>(lab.root.toJSON().Outputs ?? {})) outputs[key] = evaluate(value.Value, resolve).split(soloZone).join(zone);
  return outputs;
}

export interface ImageState {
  readonly digest: string;
  /** index: an image index with the platform image and an attestation (Docker 29); manifest: one image. */
  readonly kind: 'index' | 'manifest';
  readonly architecture: string;
  readonly scan: string;
}

/** What one student's AWS resources look like right now. */
export interface LabState {
  readonly stackStatus?: string;
  readonly fleet: {
    readonly desired: number;
    readonly instances: Array<{ id: string; state?: string; health?: string; target?: string }>;
    readonly activities: Activity[];
  };
  /** Versions of hello.txt, and delete markers (the newest entry is a version unless `deleted`). */
  readonly s3: { readonly versions: number; readonly deleteMarkers?: number; readonly deleted?: boolean };
  readonly records: { readonly web: boolean; readonly app: boolean };
  readonly images: Record<string, ImageState>;
  readonly ecs: { readonly tag?: string; readonly running: number; readonly desired: number; readonly rollout: string };
  /** Versions the app's tasks answer with (the sample app run for real); undefined: the placeholder. */
  readonly appVersion?: string;
}

export function activity(description: string, cause: string, at: string, status = 'Successful'): Activity {
  return { ActivityId: `${description}-${at}`, AutoScalingGroupName: 'asg', Description: description, Cause: `At ${at} ${cause}`, StartTime: new Date(at), StatusCode: status as any, Progress: 100 };
}

/** The default lab's scaling history from test/support/aws-samples.ts, renamed onto this fake's instances. */
export function realisticActivities(samples: SampleActivity[] = defaultLabActivities()): Activity[] {
  const ids: Record<string, string> = {
    [INSTANCES.first]: 'i-0999aaaabbbbcccc0', [INSTANCES.second]: 'i-0ccc5555dddd6666e',
    [INSTANCES.replacement]: 'i-0aaa1111bbbb2222c', [INSTANCES.scaledOut]: 'i-0ddd3333eeee4444f',
  };
  const rename = (text: string) => text.replace(/i-[0-9a-f]{17}/g, (id) => ids[id] ?? id);
  return samples.map((a) => ({
    ...a, Description: rename(a.Description), Cause: rename(a.Cause), StatusCode: a.StatusCode as any,
    StartTime: new Date(a.StartTime), EndTime: a.EndTime ? new Date(a.EndTime) : undefined,
  }));
}

/** A student who did every step of every guide. */
export function finishedLab(overrides: Partial<LabState> = {}): LabState {
  return {
    fleet: {
      desired: 2,
      instances: [{ id: 'i-0aaa1111bbbb2222c' }, { id: 'i-0ddd3333eeee4444f' }],
      // AWS's own shapes (generated alarm and policy names, Cause sentences, newest first), with this fake's ids.
      activities: realisticActivities(),
    },
    s3: { versions: 3, deleteMarkers: 1 },
    records: { web: true, app: true },
    images: {
      v1: { digest: 'sha256:1111111111111111111111111111111111111111111111111111111111111111', kind: 'index', architecture: 'arm64', scan: 'COMPLETE' },
      v3: { digest: 'sha256:3333333333333333333333333333333333333333333333333333333333333333', kind: 'manifest', architecture: 'arm64', scan: 'COMPLETE' },
    },
    ecs: { tag: 'v3', running: 1, desired: 1, rollout: 'COMPLETED' },
    appVersion: 'v3',
    ...overrides,
  };
}

const platformDigest = (image: ImageState) => image.digest.replace('sha256:1', 'sha256:a');

/** Answers every read-only API call of the checkpoints for these students (keyed by their resources). */
export function mockLabAws(lab: SynthesizedLab, students: Record<string, LabState>, options: { accounts?: Readonly<Record<string, string>> } = {}): void {
  const byName = Object.entries(students).map(([student, state]) => ({ student, state, n: physicalNames(student), outputs: deployedOutputs(lab, student) }));
  const find = (test: (n: ReturnType<typeof physicalNames>) => boolean) => byName.find((s) => test(s.n));
  for (const mock of [aws.cloudformation, aws.autoscaling, aws.ecs]) mock.reset();

  // `accounts` (student -> account): a stack exists only in its own account, as CloudFormation sees it.
  aws.cloudformation.on(DescribeStacksCommand).callsFake(async (input, getClient) => {
    const found = find((n) => n.stackName === input.StackName);
    const home = found && options.accounts?.[found.student];
    const s = home && home !== await accountOfClient(getClient()) ? undefined : found;
    if (!s) throw awsError('ValidationError', `Stack with id ${input.StackName} does not exist`);
    const outputs = { ...s.outputs, AppImage: s.state.ecs.tag ? `${s.outputs.RepositoryUri}:${s.state.ecs.tag}` : NODE_BASE_IMAGE };
    return { Stacks: [{ StackName: input.StackName, StackStatus: s.state.stackStatus ?? 'UPDATE_COMPLETE', CreationTime: new Date(), Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }] };
  });
  aws.autoscaling.on(DescribeAutoScalingGroupsCommand).callsFake((input) => {
    const s = find((n) => n.asg === input.AutoScalingGroupNames?.[0]);
    if (!s) return { AutoScalingGroups: [] };
    return { AutoScalingGroups: [{
      AutoScalingGroupName: s.n.asg, DesiredCapacity: s.state.fleet.desired, MinSize: 2, MaxSize: 4, TargetGroupARNs: [s.n.targetGroup],
      Instances: s.state.fleet.instances.map((i) => ({ InstanceId: i.id, LifecycleState: (i.state ?? 'InService') as any, HealthStatus: i.health ?? 'Healthy', AvailabilityZone: 'us-east-1a', ProtectedFromScaleIn: false })),
    }] };
  });
  aws.autoscaling.on(DescribeScalingActivitiesCommand).callsFake((input) => ({ Activities: find((n) => n.asg === input.AutoScalingGroupName)?.state.fleet.activities ?? [] }));
  aws.elbv2.on(DescribeTargetHealthCommand).callsFake((input) => {
    const s = find((n) => n.targetGroup === input.TargetGroupArn);
    if (!s) throw awsError('TargetGroupNotFoundException', 'One or more target groups not found');
    return { TargetHealthDescriptions: s.state.fleet.instances.map((i) => ({ Target: { Id: i.id, Port: 80 }, TargetHealth: { State: (i.target ?? 'healthy') as any, ...(i.target === 'unhealthy' ? { Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' } : {}) } })) };
  });
  aws.s3.on(ListObjectVersionsCommand).callsFake((input) => {
    const s = find((n) => n.bucket === input.Bucket);
    if (!s) throw awsError('NoSuchBucket', 'The specified bucket does not exist');
    const { versions, deleteMarkers = 0, deleted = false } = s.state.s3;
    return {
      IsTruncated: false,
      Versions: Array.from({ length: versions }, (_, i) => ({ Key: 'hello.txt', VersionId: `v${i}`, IsLatest: i === 0 && !deleted })),
      DeleteMarkers: Array.from({ length: deleteMarkers }, (_, i) => ({ Key: 'hello.txt', VersionId: `d${i}`, IsLatest: i === 0 && deleted })),
    };
  });
  aws.route53.on(ListResourceRecordSetsCommand).callsFake((input) => {
    const s = find((n) => `/hostedzone/${n.zoneId}` === input.HostedZoneId || n.zoneId === input.HostedZoneId);
    if (!s) throw awsError('NoSuchHostedZone', 'No hosted zone found');
    const zone = s.outputs.HostedZoneName;
    const alias = { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: `dualstack.${s.n.alb.toLowerCase()}.`, EvaluateTargetHealth: false };
    const records: any[] = [{ Name: `${zone}.`, Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-0.awsdns-00.com.' }] }];
    if (s.state.records.web) records.push({ Name: `web.${zone}.`, Type: 'A', AliasTarget: alias });
    if (s.state.records.app) records.push({ Name: `app.${zone}.`, Type: 'A', AliasTarget: alias });
    // One record per page, as a zone with many records pages: the checkpoint must follow every page.
    const start = input.StartRecordName ? records.findIndex((r) => r.Name === input.StartRecordName && r.Type === input.StartRecordType) : 0;
    const next = records[start + 1];
    return { ResourceRecordSets: [records[start]], IsTruncated: Boolean(next), NextRecordName: next?.Name, NextRecordType: next?.Type, MaxItems: 1 };
  });
  const imageOf = (repositoryName: string | undefined, id: { imageTag?: string; imageDigest?: string } | undefined) => {
    const s = find((n) => n.repo === repositoryName);
    if (!s) throw awsError('RepositoryNotFoundException', 'The repository does not exist');
    for (const [tag, image] of Object.entries(s.state.images)) {
      if (id?.imageTag === tag || id?.imageDigest === image.digest) return { tag, image, child: false };
      if (image.kind === 'index' && id?.imageDigest === platformDigest(image)) return { tag, image, child: true };
    }
    throw awsError('ImageNotFoundException', `The image with imageId ${JSON.stringify(id)} does not exist within the repository`);
  };
  aws.ecr.on(DescribeImagesCommand).callsFake((input) => {
    const { tag, image, child } = imageOf(input.repositoryName, input.imageIds?.[0]);
    // An index itself is not scanned; its platform image is.
    const scan = image.kind === 'index' && !child ? 'UNSUPPORTED_IMAGE' : image.scan;
    return { imageDetails: [{ repositoryName: input.repositoryName, imageDigest: child ? platformDigest(image) : image.digest, imageTags: child ? [] : [tag], imagePushedAt: new Date('2026-03-02T09:30:00Z'),
      imageScanStatus: { status: scan as any, description: scan === 'UNSUPPORTED_IMAGE' ? 'The operating system and/or package manager are not supported.' : undefined },
      imageScanFindingsSummary: scan === 'COMPLETE' ? { findingSeverityCounts: { LOW: 2 } } : undefined }] };
  });
  aws.ecr.on(BatchGetImageCommand).callsFake((input) => {
    const { image } = imageOf(input.repositoryName, input.imageIds?.[0]);
    const manifest = image.kind === 'index'
      ? { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: platformDigest(image), size: 1000, platform: { architecture: image.architecture, os: 'linux' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:attest', size: 800, platform: { architecture: 'unknown', os: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
      ] }
      : { schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: `sha256:config-${image.architecture}`, size: 100 }, layers: [] };
    return { images: [{ repositoryName: input.repositoryName, imageId: input.imageIds?.[0], imageManifest: JSON.stringify(manifest), imageManifestMediaType: manifest.mediaType }], failures: [] };
  });
  aws.ecr.on(GetDownloadUrlForLayerCommand).callsFake((input) => ({
    layerDigest: input.layerDigest, downloadUrl: `https://${LAYER_HOST}/${input.layerDigest}?X-Amz-Signature=abc`,
  }));
  aws.ecs.on(DescribeServicesCommand).callsFake((input) => {
    const s = find((n) => n.cluster === input.cluster && n.service === input.services?.[0]);
    if (!s) return { services: [], failures: [{ arn: input.services?.[0], reason: 'MISSING' }] };
    const e = s.state.ecs;
    return { services: [{ serviceName: s.n.service, status: 'ACTIVE', desiredCount: e.desired, runningCount: e.running, taskDefinition: `arn:aws:ecs:us-east-1:${FAKE_ACCOUNT}:task-definition/${s.student}-app:${e.tag ?? 'placeholder'}`,
      deployments: [{ id: 'ecs-svc/123', status: 'PRIMARY', rolloutState: e.rollout as any, desiredCount: e.desired, runningCount: e.running,
        rolloutStateReason: e.rollout === 'FAILED' ? 'ECS deployment circuit breaker: tasks failed to start.' : undefined }] }] };
  });
  aws.ecs.on(DescribeTaskDefinitionCommand).callsFake((input) => {
    const [, student, tag] = /task-definition\/(.+)-app:(.+)$/.exec(input.taskDefinition ?? '') ?? [];
    const s = byName.find((x) => x.student === student)!;
    return { taskDefinition: { containerDefinitions: [{ name: 'app', image: tag === 'placeholder' ? NODE_BASE_IMAGE : `${s.outputs.RepositoryUri}:${tag}` }] } };
  });
}

/** The EC2 page of lib/app/modules/ec2-fleet-user-data.sh, run with python3 against a fake IMDSv2. */
async function startFleetPage(instanceId: string): Promise<{ base: string; stop(): Promise<void> }> {
  const imds = http.createServer((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.end('token');
    if (req.headers['x-aws-ec2-metadata-token'] !== 'token') return void res.writeHead(401).end();
    const values: Record<string, string> = { '/latest/meta-data/instance-id': instanceId, '/latest/meta-data/placement/availability-zone': 'us-east-1a' };
    return values[req.url ?? ''] ? void res.end(values[req.url ?? '']) : void res.writeHead(404).end();
  });
  await new Promise<void>((r) => imds.listen(0, '127.0.0.1', r));
  const source = /<<'PY'\n([\s\S]*?)\nPY\n/.exec(fs.readFileSync(FLEET_USER_DATA_PATH, 'utf8'))![1];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-check-'));
  fs.writeFileSync(path.join(dir, 'web.py'), source);
  const port = await new Promise<number>((resolve) => { const s = http.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => resolve(p)); }); });
  const child: ChildProcess = spawn('python3', [path.join(dir, 'web.py')], {
    env: { ...process.env, CLASS_LAB_PORT: String(port), CLASS_LAB_IMDS: `http://127.0.0.1:${(imds.address() as AddressInfo).port}/latest` }, stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // Stopped means gone: the page's process has exited and no socket of the metadata server is
  // left open (a keep-alive connection kept the jest worker alive after its tests).
  return { base, stop: async () => { await stopProcess(child); await closeServer(imds); } };
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function forward(req: http.IncomingMessage, res: http.ServerResponse, base: string): void {
  const up = http.request(`${base}${req.url}`, { method: req.method, headers: { 'user-agent': 'alb' } }, (r) => {
    res.writeHead(r.statusCode ?? 502, r.headers);
    r.pipe(res);
  });
  up.on('error', () => res.writeHead(502).end('502 Bad Gateway\n'));
  up.end();
}

export interface StudentServers {
  /** Instances registered and healthy in the fleet's target group (round robin). */
  fleet: string[];
  /** What the ECS target group holds: 'placeholder' or a sample app version, or nothing. */
  app?: string;
  /** Host names with a listener rule. */
  hosts: { web?: string; app?: string };
  /** The S3 object exists. */
  object: boolean;
  /** Someone made the object public (a bucket policy or ACL the kit does not write). */
  public?: boolean;
}

/** The servers on loopback; students are told apart by their load balancer's host name. */
export class FakeLabNetwork {
  /** The HTTP the checkpoints use: AWS host names of the students resolve to the servers here. */
  probe = new HttpProbe();
  /** IAM actions of the requests S3 served (presigned GETs are S3 calls made without the SDK). */
  readonly s3Actions: string[] = [];
  private readonly students = new Map<string, StudentServers>();
  private readonly cursor = new Map<string, number>();
  private readonly pages = new Map<string, string>();
  private readonly apps = new Map<string, string>();
  private readonly servers: http.Server[] = [];
  private readonly stops: Array<() => Promise<unknown>> = [];

  /** Starts the EC2 pages for these instance ids and the app in these versions ('placeholder' too). */
  static async start(instanceIds: string[], appVersions: string[], students: string[]): Promise<FakeLabNetwork> {
    const network = new FakeLabNetwork();
    for (const id of instanceIds) {
      const page = await startFleetPage(id);
      network.pages.set(id, page.base);
      network.stops.push(page.stop);
    }
    for (const version of appVersions) {
      let server: RunningServer;
      if (version === 'placeholder') {
        // The placeholder prints "placeholder listening on port N"; startNodeServer waits for "listening on port".
        server = await startNodeServer(['-e', PLACEHOLDER_SERVER], { BASE_PATH: '/app' });
      } else {
        const metadata = await fakeTaskMetadata({ TaskARN: `arn:aws:ecs:us-east-1:${FAKE_ACCOUNT}:task/cluster/${version}0123456789abcdef`, AvailabilityZone: 'us-east-1b' });
        server = await startNodeServer([path.join(SAMPLE_APP_DIR, 'server.js')], { APP_VERSION: version, BASE_PATH: '/app', ECS_CONTAINER_METADATA_URI_V4: metadata.uri });
        network.stops.push(metadata.close);
      }
      network.apps.set(version, server.base);
      network.stops.push(server.stop);
    }
    const alb = http.createServer((req, res) => network.route(req, res));
    const s3 = http.createServer((req, res) => network.s3(req, res));
    const layers = http.createServer((req, res) => {
      const arch = /config-(\w+)/.exec(req.url ?? '')?.[1];
      res.setHeader('Content-Type', 'application/octet-stream');
      res.end(JSON.stringify({ architecture: arch, os: 'linux', config: {} }));
    });
    network.servers.push(alb, s3, layers);
    const [albAt, s3At, layersAt] = [await listen(alb), await listen(s3), await listen(layers)];
    const resolve: Record<string, string> = { [LAYER_HOST]: layersAt };
    for (const student of students) {
      const n = physicalNames(student);
      resolve[n.alb.toLowerCase()] = albAt;
      resolve[n.alb] = albAt;
      resolve[S3_HOST(n.bucket)] = s3At;
    }
    network.probe = new HttpProbe({ resolve, timeoutMs: 5000 });
    return network;
  }

  set(student: string, servers: StudentServers): void {
    this.students.set(physicalNames(student).alb.toLowerCase(), servers);
    this.students.set(S3_HOST(physicalNames(student).bucket), servers);
  }

  /** The kit's listener rules: host names first (priority 10, 11), then /app, then the fleet catch-all. */
  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const [host, urlPath] = [(req.headers.host ?? '').toLowerCase(), new URL(req.url ?? '/', 'http://x').pathname];
    const entry = [...this.students].find(([alb, s]) => alb === host || s.hosts.web === host || s.hosts.app === host);
    if (!entry) return void res.writeHead(404).end('unknown load balancer\n');
    const [alb, s] = entry;
    const toApp = host === s.hosts.app || (host === alb && (urlPath === '/app' || urlPath.startsWith('/app/')));
    if (toApp) {
      const base = s.app ? this.apps.get(s.app) : undefined;
      return base ? forward(req, res, base) : void res.writeHead(503).end('503 Service Temporarily Unavailable\n');
    }
    if (host !== alb && host !== s.hosts.web) return void res.writeHead(404).end();
    if (s.fleet.length === 0) return void res.writeHead(503).end('503 Service Temporarily Unavailable\n');
    const i = this.cursor.get(alb) ?? 0;
    this.cursor.set(alb, i + 1);
    forward(req, res, this.pages.get(s.fleet[i % s.fleet.length])!);
  }

  /** A private bucket: unsigned GETs are refused, presigned ones (signed by the bucket owner) served. */
  private s3(req: http.IncomingMessage, res: http.ServerResponse): void {
    const s = this.students.get((req.headers.host ?? '').toLowerCase());
    const signed = new URL(req.url ?? '/', 'http://x').searchParams.has('X-Amz-Signature');
    res.setHeader('Content-Type', 'application/xml');
    if (!signed && s?.public && s.object) return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('hello from version 2\n');
    if (!signed) return void res.writeHead(403).end('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    this.s3Actions.push('s3:GetObject');
    if (!s?.object) return void res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
    res.setHeader('Content-Type', 'text/plain');
    res.end('hello from version 2\n');
  }

  async stop(): Promise<void> {
    for (const server of this.servers) await closeServer(server);
    for (const stop of this.stops) await stop();
  }
}
