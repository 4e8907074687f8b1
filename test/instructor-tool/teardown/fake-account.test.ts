/**
 * Teardown end to end in a fake account deployed from the kit's own synthesized templates
 * (see support/fake-account.ts): each variant tears down to nothing with exit 0, and each
 * blocker the kit meets ends gone or with the exact leftover named.
 */
import { DeployedTemplate, FakeAccount, isModelled, Scenario } from '../support/fake-account';
import { FakeIo, runCli, testClients, VirtualClock } from '../support/harness';
import { variantAssembly } from '../../support/variant-assembly';
import { VariantName } from '../../support/variants';
import { inventory } from '../../../lib/instructor-tool/aws/stack-resources';
import { readAssembly, StackNode } from '../../../lib/instructor-tool/templates/templates';
import { Reporter } from '../../../lib/instructor-tool/core/output';
import { TeardownContext } from '../../../lib/instructor-tool/teardown/context';
import { deleteStudentStack } from '../../../lib/instructor-tool/teardown/stack-delete';

/** The variants deployed here, read from the suite's shared synth (the CLI's templates under npm test). */
const VARIANTS: VariantName[] = ['default', 'student', 'learner-lab', 'image-tag'];

/** A stack of the assembly (the tool's own reading of it) and, keyed by their logical id, its nested stacks. */
function deployedTemplate(node: StackNode, transform: (t: Record<string, any>) => Record<string, any>): DeployedTemplate {
  if (node.missing.length > 0) throw new Error(`${node.name}: no template file for nested stack(s) ${node.missing.join(', ')}`);
  return {
    template: transform(node.template as Record<string, any>),
    nested: Object.fromEntries(node.children.map((child) => [child.name, deployedTemplate(child, transform)])),
  };
}

let clock: VirtualClock;
let fake: FakeAccount | undefined;

/** Every stack of the variant deployed as the CLI deploys it: its template files and its manifest tags. */
function deploy(variant: VariantName, scenario: Scenario = {}, transform: (t: Record<string, any>) => Record<string, any> = (t) => t): FakeAccount {
  fake?.restore();
  clock = new VirtualClock();
  fake = new FakeAccount(clock, scenario);
  const assembly = variantAssembly(variant);
  // Read afresh per deploy: a transform edits its own copy.
  const roots = readAssembly(assembly.outdir);
  for (const stack of assembly.stacks()) {
    const root = roots.find((r) => r.name === stack.stackName);
    if (!root) throw new Error(`the ${variant} variant's assembly has no stack ${stack.stackName}`);
    fake.deploy(stack.stackName, deployedTemplate(root, transform), assembly.stackTags(stack.id));
  }
  return fake;
}

// The templates come from the suite's shared synth (built in-process once per tree when the CLI has
// not synthesized them, as in the quick tier); the teardowns run on virtual time.
jest.setTimeout(120_000);

const teardown = (...extra: string[]) => runCli(['teardown', '--all', '--delete', '--yes', '--json', ...extra], { clock });

afterAll(() => fake?.restore());

// A stack deployed before the repository had EmptyOnDelete: CloudFormation fails on the images.
const withoutEmptyOnDelete = (t: Record<string, any>) => {
  for (const r of Object.values<any>(t.Resources ?? {})) if (r.Type === 'AWS::ECR::Repository') delete r.Properties.EmptyOnDelete;
  return t;
};

describe('the fake account models every resource type the kit synthesizes', () => {
  test.each(VARIANTS)('%s: no type without a model (a new module must add one)', (variant) => {
    const types = new Set([...variantAssembly(variant).templates().values()].flatMap((t) => Object.values<any>(t.Resources ?? {}).map((r) => r.Type as string)));
    expect([...types].filter((t) => !isModelled(t))).toEqual([]);
  });
});

describe.each(VARIANTS)('teardown of the %s variant in the fake account', (variant) => {
  test('ends with nothing left, exit 0, after waiting out the draining interfaces', async () => {
    const account = deploy(variant);
    expect(account.remaining().length).toBeGreaterThan(0);
    const run = await teardown();
    expect({ code: run.code, outcomes: run.code === 0 ? [] : run.json().outcomes.map((o: any) => [o.result, o.reason, o.stuck, o.cleared, o.retained]), remaining: account.remaining() }).toEqual({ code: 0, outcomes: [], remaining: [] });
    expect(run.json()).toMatchObject({ ok: true, exitCode: 0 });
    // Every wait slept: no describe loop without a pause.
    const describes = account.calls.filter((c) => c === 'EC2.DescribeNetworkInterfaces').length;
    expect(describes).toBeLessThan(clock.sleeps.length + 5);
  });
});

describe('each blocker in the fake account', () => {
  test('interfaces that drain slowly: the gateway attachment and security groups fail first, the retry after the wait succeeds', async () => {
    const account = deploy('default', { drainMinutes: 6 });
    const run = await teardown();
    expect(run.code).toBe(0);
    const outcome = run.json().outcomes[0];
    expect(outcome.attempts).toBeGreaterThanOrEqual(2);
    expect(outcome.stuck.map((s: any) => s.type)).toEqual(expect.arrayContaining(['AWS::EC2::VPCGatewayAttachment']));
    expect(outcome.stuck.find((s: any) => s.type === 'AWS::EC2::VPCGatewayAttachment').reason).toContain('has some mapped public address(es)');
    expect(outcome.cleared.join('\n')).toMatch(/no public addresses left in vpc-/);
    expect(account.remaining()).toEqual([]);
  });

  test('a failed bucket auto-delete: the tool empties the bucket (every version, page by page) and the stack goes; exit 0', async () => {
    const account = deploy('default', { autoDeleteFails: true, objectVersions: 7 });
    const run = await teardown();
    expect(run.code).toBe(0);
    const outcome = run.json().outcomes[0];
    expect(outcome.stuck.map((s: any) => s.type)).toContain('Custom::S3AutoDeleteObjects');
    expect(outcome.cleared.join('\n')).toMatch(/emptied bucket .* \(6 object version\(s\), 1 delete marker\(s\)\) \(its auto-delete custom resource failed\)/);
    expect(account.calls.filter((c) => c === 'S3.ListObjectVersions').length).toBeGreaterThanOrEqual(4);
    expect(account.remaining()).toEqual([]);
  });

  test('objects S3 refuses to delete (Errors inside a 200): never "done"; the bucket is a billable leftover named with its command, exit 1', async () => {
    const account = deploy('default', { autoDeleteFails: true, objectsThatFail: 1 });
    const run = await teardown('--timeout', '60');
    expect(run.code).toBe(1);
    const doc = run.json();
    const bucket = account.remaining().find((r) => r.startsWith('bucket '))!.slice('bucket '.length);
    expect(doc.leftovers.solo).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'bucket', id: bucket, billable: true, command: expect.stringContaining(`aws s3 rb --force s3://${bucket}`) }),
    ]));
    expect(doc.outcomes[0].cleared.join('\n')).toContain('could not delete 1 object(s)');
  });

  test('extra records in the zone (one weighted, so paging needs StartRecordIdentifier): deleted, then the zone goes; exit 0', async () => {
    const account = deploy('default', { extraRecords: 5 });
    const run = await teardown();
    expect(run.code).toBe(0);
    expect(run.json().outcomes[0].cleared.join('\n')).toMatch(/deleted 5 record\(s\) from hosted zone/);
    expect(account.remaining()).toEqual([]);
  });

  test('an ECS service CloudFormation cannot stabilize: the tool scales it to 0, force-deletes it, waits for its tasks to drain; the retry deletes cluster and stack, exit 0', async () => {
    const account = deploy('default', { serviceDeleteFails: true });
    const run = await teardown();
    expect({ code: run.code, remaining: account.remaining() }).toEqual({ code: 0, remaining: [] });
    const outcome = run.json().outcomes[0];
    expect(outcome.stuck.map((s: any) => s.type)).toContain('AWS::ECS::Service');
    expect(outcome.cleared.join('\n')).toMatch(/deleted ECS service app\w+ \(scaled to 0, force delete; \d+m\d+s\)/);
    expect(account.calls).toEqual(expect.arrayContaining(['ECS.UpdateService', 'ECS.DeleteService']));
  });

  test('an Auto Scaling group with a scaling activity in progress: force-deleted (its instances terminated), the retry deletes the stack; exit 0', async () => {
    const account = deploy('default', { asgDeleteFails: true });
    const run = await teardown();
    expect({ code: run.code, remaining: account.remaining() }).toEqual({ code: 0, remaining: [] });
    expect(run.json().outcomes[0].cleared.join('\n')).toMatch(/deleted Auto Scaling group asg-\w+ and its instances \(force delete; 2m\d\ds\)/);
  });

  test('an ECS service retained and not deletable (DeleteService denied): the cluster that holds it and the service are billable leftovers named with their commands, exit 1', async () => {
    const account = deploy('default', { serviceDeleteFails: true, denied: ['DeleteService'] });
    const service = [...account.services.keys()][0];
    const cluster = account.services.get(service)!.cluster;
    const run = await teardown();
    expect(run.code).toBe(1);
    const doc = run.json();
    expect(doc).toMatchObject({ ok: false, exitCode: 1 });
    expect(doc.leftovers.solo).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'ecs-service', id: service, billable: true, command: `aws ecs delete-service --force --cluster ${cluster} --service ${service.split('/').pop()}` }),
      expect.objectContaining({ kind: 'ecs-cluster', id: cluster, billable: true, command: `aws ecs delete-cluster --cluster ${cluster}` }),
    ]));
    // The forced delete skipped the cluster (ClusterContainsServicesException) as well as the service; both were tried.
    expect(doc.outcomes[0].retained.map((r: any) => r.type)).toEqual(expect.arrayContaining(['AWS::ECS::Service', 'AWS::ECS::Cluster']));
    expect(account.calls).toContain('ECS.DeleteCluster');
    expect(account.remaining()).toEqual(expect.arrayContaining([`ECS service ${service} ACTIVE`, `ECS cluster ${cluster}`]));
  });

  test('an Auto Scaling group retained (CloudFormation keeps failing, DeleteAutoScalingGroup denied): named as a billable leftover with its force-delete command, exit 1', async () => {
    const account = deploy('default', { asgDeleteFails: true, denied: ['DeleteAutoScalingGroup'] });
    const group = [...account.asgs.keys()][0];
    const run = await teardown();
    expect(run.code).toBe(1);
    expect(run.json().leftovers.solo).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'auto-scaling-group', id: group, billable: true, command: `aws autoscaling delete-auto-scaling-group --force-delete --auto-scaling-group-name ${group}` }),
    ]));
    expect(account.remaining()).toContain(`Auto Scaling group ${group}`);
  });


  test('images ECR refuses to delete (failures inside a 200 from BatchDeleteImage): never "cleared"; the forced delete skips the repository and the sweep deletes it with force, exit 0', async () => {
    const account = deploy('default', { imagesThatFail: 1 }, withoutEmptyOnDelete);
    const repo = [...account.repositories.keys()][0];
    const run = await teardown();
    const outcome = run.json().outcomes[0];
    expect(outcome.stuck.map((x: any) => x.type)).toContain('AWS::ECR::Repository');
    expect(outcome.cleared.join('\n')).toContain(`could not delete 1 image(s) from repository ${repo}`);
    expect(outcome.cleared.join('\n')).not.toMatch(new RegExp(`deleted \\d+ image\\(s\\) from( repository)? ${repo}`));
    expect(outcome.retained).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'AWS::ECR::Repository', physicalId: repo, swept: true })]));
    expect({ code: run.code, remaining: account.remaining() }).toEqual({ code: 0, remaining: [] });
  });

  test('images ECR refuses to delete and DeleteRepository denied: the repository is the billable leftover named with its command, exit 1', async () => {
    const account = deploy('default', { imagesThatFail: 1, denied: ['DeleteRepository'] }, withoutEmptyOnDelete);
    const repo = [...account.repositories.keys()][0];
    const run = await teardown();
    expect(run.code).toBe(1);
    const doc = run.json();
    expect(doc).toMatchObject({ ok: false, exitCode: 1 });
    expect(doc.leftovers.solo.filter((l: any) => l.billable)).toEqual([
      expect.objectContaining({ kind: 'ecr-repository', id: repo, command: `aws ecr delete-repository --force --repository-name ${repo}` }),
    ]);
    expect(account.remaining()).toEqual([`repository ${repo}`]);
  });

  test('AccessDenied on DeleteObjects after a failed auto-delete: the bucket cannot be emptied; it is the billable leftover named with its command, exit 1', async () => {
    const account = deploy('default', { autoDeleteFails: true, denied: ['DeleteObjects'] });
    const bucket = [...account.buckets.keys()][0];
    const run = await teardown();
    expect(run.code).toBe(1);
    const doc = run.json();
    expect(doc.outcomes[0].cleared.join('\n')).toMatch(/could not clear: access denied/);
    expect(doc.leftovers.solo.filter((l: any) => l.billable)).toEqual([
      expect.objectContaining({ kind: 'bucket', id: bucket, command: expect.stringContaining(`aws s3 rb --force s3://${bucket}`) }),
    ]);
    expect(account.remaining()).toEqual([`bucket ${bucket}`]);
  });

  test('AccessDenied when checking a leftover (HeadBucket): "cannot tell" is never "gone"; the bucket is named as unverified, exit 1', async () => {
    const account = deploy('default', { denied: ['HeadBucket'] });
    const bucket = [...account.buckets.keys()][0];
    const run = await teardown();
    expect(account.remaining()).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.json().leftovers.solo.filter((l: any) => l.billable)).toEqual([
      expect.objectContaining({ kind: 'bucket', id: bucket, billable: true, unverified: expect.stringMatching(/access denied/i) }),
    ]);
  });

  test('a function without an owned log group (a stack deployed before the kit gave it one): Lambda creates /aws/lambda/<name>, teardown deletes it', async () => {
    const stripOwnedLogGroups = (t: Record<string, any>) => {
      for (const r of Object.values<any>(t.Resources ?? {})) if (r.Type === 'AWS::Lambda::Function') delete r.Properties.LoggingConfig;
      return t;
    };
    const account = deploy('default', {}, stripOwnedLogGroups);
    const run = await teardown();
    expect(run.code).toBe(0);
    expect(run.json().outcomes[0].cleared.join('\n')).toMatch(/deleted log group \/aws\/lambda\/\S+ that Lambda created for/);
    expect(account.remaining()).toEqual([]);
  });
});

describe('what a real account shows after the delete', () => {
  test('stale tagging results (the deleted stack, listener rules, the bucket) are confirmed gone by their own service; INACTIVE task definitions are reported free, exit 0', async () => {
    const account = deploy('default');
    const definitions = [...account.taskDefinitions.keys()];
    expect(definitions.length).toBeGreaterThan(0);
    const run = await teardown();
    expect({ code: run.code, remaining: account.remaining() }).toEqual({ code: 0, remaining: [] });
    // The tagging API still named the deleted stack and its resources; each was looked up, none reported.
    expect(account.calls).toEqual(expect.arrayContaining(['Tagging.GetResources', 'ELBv2.DescribeRules', 'ELBv2.DescribeListeners', 'EC2.DescribeSubnets', 'EC2.DescribeInternetGateways', 'ECS.DescribeTaskDefinition']));
    const leftovers = run.json().leftovers.solo;
    expect(leftovers).toEqual(definitions.map((id) => expect.objectContaining({ kind: 'ecs-task-definition', id, billable: false, note: expect.stringContaining('INACTIVE') })));
    expect([...account.taskDefinitions.values()]).toEqual(definitions.map(() => 'INACTIVE'));
  });

  test('stale tagging results for the expiry clock\'s function and dead-letter queue, the bucket-emptying function and the launch template: confirmed gone by Lambda, SQS and EC2, exit 0', async () => {
    const account = deploy('default');
    const functions = [...account.functions];
    const queues = [...account.queues];
    const templates = [...account.launchTemplates];
    // The expiry clock, the S3 auto-delete handler; the expiry dead-letter queue; the fleet's launch template.
    expect([functions.length, queues.length, templates.length]).toEqual([2, 1, 1]);
    const run = await teardown();
    expect({ code: run.code, leftovers: run.json().leftovers.solo.filter((l: any) => l.kind !== 'ecs-task-definition'), remaining: account.remaining() })
      .toEqual({ code: 0, leftovers: [], remaining: [] });
    // The tagging API still named every one of them (staleTagMinutes), so each was looked up.
    const calls = (op: string) => account.calls.filter((c) => c === op).length;
    expect([calls('Lambda.GetFunctionConfiguration'), calls('SQS.GetQueueUrl'), calls('EC2.DescribeLaunchTemplates')]).toEqual([2, 1, 1]);
  });

  test('a function, queue and launch template that outlived their stack are named, free, with their delete commands; exit 0', async () => {
    const account = deploy('default');
    const [fn] = [...account.functions];
    const [queue] = [...account.queues];
    const [template] = [...account.launchTemplates];
    expect((await teardown()).code).toBe(0);
    // Still there after the delete (retained, or put back by hand with the kit's tags): what the next run finds.
    account.functions.add(fn);
    account.queues.add(queue);
    account.launchTemplates.add(template);
    const run = await teardown();
    expect(run.code).toBe(0);
    expect(run.json().leftovers.solo.filter((l: any) => l.kind !== 'ecs-task-definition')).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'lambda-function', id: fn, billable: false, command: `aws lambda delete-function --function-name ${fn}` }),
      expect.objectContaining({ kind: 'sqs-queue', id: queue, billable: false, command: expect.stringContaining(`aws sqs get-queue-url --queue-name ${queue}`) }),
      expect.objectContaining({ kind: 'launch-template', id: template, billable: false, command: `aws ec2 delete-launch-template --launch-template-id ${template}` }),
    ]));
    expect(run.json().leftovers.solo.filter((l: any) => l.kind !== 'ecs-task-definition')).toHaveLength(3);
    expect(run.json().leftovers.solo.some((l: any) => l.unverified)).toBe(false);
  });

  test('the report says why an INACTIVE task definition is free', async () => {
    deploy('default');
    const run = await runCli(['teardown', '--all', '--delete', '--yes'], { clock });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ecs-task-definition +\S+ +free +found by tags \(INACTIVE \(deregistered\): the state CloudFormation leaves/);
    expect(run.stdout).toContain('nothing billable left');
  });

  test('a Docker 29 image index in a repository without EmptyOnDelete: the index goes first, then the images it referenced; the retry deletes the stack, exit 0', async () => {
    const account = deploy('default', { images: 4 }, withoutEmptyOnDelete);
    const repo = [...account.repositories.keys()][0];
    const run = await teardown();
    const outcome = run.json().outcomes[0];
    expect(outcome.stuck.map((x: any) => x.type)).toContain('AWS::ECR::Repository');
    expect(outcome.cleared.join('\n')).toContain(`deleted 4 image(s) from repository ${repo} (image indexes first`);
    // No last resort was needed.
    expect(outcome.retained).toEqual([]);
    expect({ code: run.code, remaining: account.remaining() }).toEqual({ code: 0, remaining: [] });
  });

  /**
   * The last resort at once (attempts: 1), while the ECS service's tasks still drain: the forced
   * delete skips the cluster, the gateway attachment, the gateway, the security groups and the VPC.
   */
  async function lastResort(scenario: Scenario, overrides: Partial<TeardownContext> = {}, before: (account: FakeAccount) => void = () => undefined) {
    const account = deploy('default', scenario);
    before(account);
    const root = account.stacks.find((s) => !s.parentId)!;
    const clients = testClients();
    const io = new FakeIo();
    const ctx: TeardownContext = {
      clients, clock, reporter: new Reporter(io, true), progress: () => undefined,
      pollMs: 10_000, timeoutMs: 60 * 60_000, attempts: 1, eniWaitMs: 10 * 60_000, eniPollMs: 15_000, ...overrides,
    };
    const recorded = await inventory(clients, clock, root.id);
    const outcome = await deleteStudentStack(ctx, { name: root.name, id: root.id, status: root.status, student: 'solo', tags: {}, outputs: {} }, recorded);
    return { account, outcome };
  }

  test('the sweep after a forced delete: the gateway from its recorded id, EC2\'s DependencyViolation retried, outside in; nothing left', async () => {
    let ids: string[] = [];
    const { account, outcome } = await lastResort({ drainMinutes: 6, ec2LagSeconds: 90 }, {}, (a) => { ids = [[...a.gateways][0], [...a.vpcs][0]]; });
    const [igw, vpc] = ids;
    expect({ result: outcome.result, remaining: account.remaining(), unswept: outcome.retained.filter((r) => !r.swept) }).toEqual({ result: 'deleted', remaining: [], unswept: [] });
    const types = outcome.retained.map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(['AWS::ECS::Cluster', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::InternetGateway', 'AWS::EC2::SecurityGroup', 'AWS::EC2::VPC']));
    expect(outcome.retained.find((r) => r.type === 'AWS::EC2::VPCGatewayAttachment')!.text).toBe(`detached ${igw} from ${vpc}`);
    // Dependency order: the cluster, then the network from the outside in, the VPC last.
    expect(types.indexOf('AWS::ECS::Cluster')).toBeLessThan(types.indexOf('AWS::EC2::VPCGatewayAttachment'));
    expect(types.indexOf('AWS::EC2::VPCGatewayAttachment')).toBeLessThan(types.indexOf('AWS::EC2::InternetGateway'));
    expect(types.lastIndexOf('AWS::EC2::SecurityGroup')).toBeLessThan(types.indexOf('AWS::EC2::VPC'));
    // EC2 refused at first (eventual consistency) and the sweep tried again.
    expect(account.calls.filter((c) => c === 'EC2.DeleteSecurityGroup').length).toBeGreaterThan(types.filter((t) => t === 'AWS::EC2::SecurityGroup').length);
  });

  test('without the retry window (EC2 lags longer than the wait), the VPC is named as retained, not swept', async () => {
    let vpc = '';
    const { account, outcome } = await lastResort({ drainMinutes: 6, ec2LagSeconds: 4 * 3600 }, {}, (a) => { vpc = [...a.vpcs][0]; });
    expect(outcome.retained.find((r) => r.type === 'AWS::EC2::VPC')).toEqual(expect.objectContaining({ swept: false, text: expect.stringContaining('DependencyViolation') }));
    expect(account.remaining()).toContain(`VPC ${vpc}`);
  });

  test('a forced delete that outlasts --timeout is waited for, not reported as "did not delete"', async () => {
    const { account, outcome } = await lastResort({ drainMinutes: 6, forceDeleteMinutes: 8 }, { timeoutMs: 3 * 60_000 });
    expect({ result: outcome.result, reason: outcome.reason, remaining: account.remaining() }).toEqual({ result: 'deleted', reason: undefined, remaining: [] });
  });
});

describe('partial teardown and its re-run', () => {
  test('credentials that expire mid-run: exit 4, nothing called "gone"; the re-run with fresh credentials finishes, exit 0', async () => {
    const account = deploy('student', { credentialsExpireAt: Date.parse('2026-03-02T09:01:30Z') });
    const first = await teardown();
    expect(first.code).toBe(4);
    expect(first.json()).toMatchObject({ ok: false, exitCode: 4 });
    expect(account.remaining().length).toBeGreaterThan(0);
    (account as any).scenario = { ...(account as any).scenario, credentialsExpireAt: undefined };
    const again = await teardown();
    expect(again.code).toBe(0);
    expect(account.remaining()).toEqual([]);
  });

  test('a nested stack left without its root (ParentId still set) is found by a re-run and deleted', async () => {
    const account = deploy('default');
    const root = account.stacks.find((s) => !s.parentId)!;
    const orphan = [...root.nested.values()].find((s) => s.name.includes('S3'))!;
    // As a RetainResources delete of the root leaves it: the root and its other nested stacks are
    // gone with everything they held; the retained nested stack is not (ParentId still set).
    for (const s of account.stacks) if (s !== orphan) account.purge(s);
    orphan.status = 'DELETE_FAILED';
    const bucket = [...orphan.resources.values()].find((r) => r.type === 'AWS::S3::Bucket')!.physicalId;
    const run = await teardown();
    expect(run.json().plan).toEqual([expect.objectContaining({ stack: orphan.name, orphan: true })]);
    expect(run.json().outcomes).toEqual([expect.objectContaining({ stack: orphan.name, result: 'deleted' })]);
    expect(orphan.status).toBe('DELETE_COMPLETE');
    expect(account.remaining()).not.toContain(`bucket ${bucket}`);
    // Nothing is left, so the re-run's verdict is exit 0.
    expect(account.remaining()).toEqual([]);
    expect(run.json()).toMatchObject({ ok: true, exitCode: 0 });
    expect(run.code).toBe(0);
  });
});
