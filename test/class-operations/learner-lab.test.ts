import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, AppProps, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ClassLabStack } from '../../lib/app/class-lab-stack';
import { loadLabConfig } from '../../lib/settings/lab-config';
import { defineWithLabRole, rolePaths } from '../../lib/class-operations/learner-lab';
import { parse } from 'yaml';
import { resourcesOfType, synthLab } from '../support/synth';
import { variantAssembly, variantResourcesOfType } from '../support/variant-assembly';

/** The feature flags `cdk synth` runs with: they decide which roles some constructs create. */
const CDK_JSON_CONTEXT = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;

/** Every template of an app, nested included, by construct path. */
function templatesOf(app: App): Map<string, Record<string, any>> {
  const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  return new Map(stacks.map((s) => [s.node.path, Template.fromStack(s).toJSON()]));
}

function iamResources(templates: Map<string, Record<string, any>>): string[] {
  return [...templates.entries()].flatMap(([stackPath, t]) =>
    Object.entries<Record<string, any>>(t.Resources ?? {}).filter(([, r]) => r.Type.startsWith('AWS::IAM::')).map(([id, r]) => `${stackPath}/${id} ${r.Type}`));
}

/**
 * ClassLabStack in Learner Lab mode, plus what other class modules bring: an S3 bucket with
 * autoDeleteObjects (a custom-resource provider role), an ECR repository with emptyOnDelete and a
 * Fargate task definition pulling from it (task and execution roles), in a nested stack as the
 * modules are.
 */
function classLabWithModuleRoles(scope: App): ClassLabStack[] {
  const config = loadLabConfig((key) => ({ sandbox: 'learner-lab', expiresAfterHours: '4' } as Record<string, string>)[key]);
  const stack = new ClassLabStack(scope, 'ClassLabStack', { config });
  const modules = new NestedStack(stack, 'OtherModules');
  new s3.Bucket(modules, 'Bucket', { autoDeleteObjects: true, removalPolicy: RemovalPolicy.DESTROY });
  const repository = new ecr.Repository(modules, 'Repository', { emptyOnDelete: true, removalPolicy: RemovalPolicy.DESTROY });
  const task = new ecs.FargateTaskDefinition(modules, 'Task', { cpu: 256, memoryLimitMiB: 512 });
  task.addContainer('app', {
    image: ecs.ContainerImage.fromEcrRepository(repository, 'latest'),
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'app' }),
  });
  return [stack];
}

describe('Learner Lab role mapping is generic', () => {
  // CDK's built-in template validation (a WebAssembly engine, seconds per file) is for the
  // variants' own tests; these ad-hoc apps check the role mapping.
  const props: AppProps = { context: CDK_JSON_CONTEXT, builtinCloudFormationValidation: false };
  // The same stacks without the sandbox: the roles they would create.
  const plain = new App(props);
  classLabWithModuleRoles(plain);
  const wouldCreate = rolePaths(plain);
  const plainTemplates = templatesOf(plain);

  const app = new App(props);
  defineWithLabRole(app, props, 'LabRole', classLabWithModuleRoles);
  const assembly = app.synth();
  const templates = templatesOf(app);

  test('without the sandbox these stacks create roles of every kind: iam.Role, custom-resource provider roles', () => {
    expect(wouldCreate).toEqual(expect.arrayContaining([
      'ClassLabStack/Expiry/DeleteStackRole',
      'ClassLabStack/OtherModules/Custom::S3AutoDeleteObjectsCustomResourceProvider/Role',
      'ClassLabStack/OtherModules/Task/TaskRole',
      'ClassLabStack/OtherModules/Task/ExecutionRole',
    ]));
    expect(resourcesOfTypeIn(plainTemplates, 'AWS::IAM::Role')).toHaveLength(wouldCreate.length);
  });

  test('with it, no template creates any IAM resource, nested included', () => {
    expect([...templates.keys()]).toEqual(expect.arrayContaining(['ClassLabStack', 'ClassLabStack/Ec2Fleet', 'ClassLabStack/S3', 'ClassLabStack/EcsService', 'ClassLabStack/OtherModules']));
    expect(iamResources(templates)).toEqual([]);
  });

  test('every role the stacks would create is mapped to LabRole, as the IAM policy report says', () => {
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'iam-policy-report.json'), 'utf8'));
    const mapped = report.roles.map((r: Record<string, any>) => [r.roleConstructPath, r.roleName, r.missing]);
    expect(mapped.sort()).toEqual(wouldCreate.map((p) => [p, 'LabRole', false]).sort());
  });

  test('resources point at LabRole instead', () => {
    const everything = JSON.stringify([...templates.values()]);
    expect(everything).toContain(':role/LabRole');
    const task = Object.values<Record<string, any>>(templates.get('ClassLabStack/OtherModules')!.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition')!;
    expect(JSON.stringify([task.Properties.TaskRoleArn, task.Properties.ExecutionRoleArn])).toMatch(/:role\/LabRole.*:role\/LabRole/);
  });

  test('anything that still writes an IAM resource stops synth, named', () => {
    const withRawProfile = (scope: App) => {
      const stacks = classLabWithModuleRoles(scope);
      new iam.CfnInstanceProfile(stacks[0], 'RawProfile', { roles: ['LabRole'] });
      return stacks;
    };
    const bad = new App(props);
    defineWithLabRole(bad, props, 'LabRole', withRawProfile);
    expect(() => bad.synth()).toThrow(/sandbox=learner-lab: ClassLabStack\/RawProfile would create AWS::IAM::InstanceProfile/);
  });
});

function resourcesOfTypeIn(templates: Map<string, Record<string, any>>, type: string): Array<Record<string, any>> {
  return [...templates.values()].flatMap((t) => Object.values<Record<string, any>>(t.Resources ?? {}).filter((r) => r.Type === type));
}

/** The fleet in a sandbox whose role has another name and a path (labRoleArn), built once for the tests that read it. */
let renamed: ReturnType<typeof synthLab> | undefined;
const renamedLabRole = () => (renamed ??= synthLab({ sandbox: 'learner-lab', modules: 'ec2', labRoleArn: 'arn:aws:iam::123456789012:role/sandbox/SandboxRole' }, { guardrails: false }));

describe('the app with -c sandbox=learner-lab', () => {
  // The learner-lab variant (sandbox=learner-lab, expiresAfterHours=4) as the CLI builds it.
  const lab = variantAssembly('learner-lab');

  test('creates no IAM role, instance profile or policy in any template', () => {
    for (const type of ['AWS::IAM::Role', 'AWS::IAM::InstanceProfile', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
      expect({ type, count: variantResourcesOfType(lab, type).length }).toEqual({ type, count: 0 });
    }
  });

  test('launches the fleet with LabInstanceProfile', () => {
    const launchTemplate = variantResourcesOfType(lab, 'AWS::EC2::LaunchTemplate')[0];
    expect(launchTemplate.Properties.LaunchTemplateData.IamInstanceProfile).toEqual({
      Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':instance-profile/LabInstanceProfile']] },
    });
  });

  test('lets both expiry schedules and the expiry clock act as LabRole', () => {
    const labRole = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/LabRole']] };
    const schedules = variantResourcesOfType(lab, 'AWS::Scheduler::Schedule');
    expect(schedules.map((s) => s.Properties.Target.RoleArn)).toEqual([labRole, labRole]);
    const clock = variantResourcesOfType(lab, 'AWS::Lambda::Function').filter((f) => /^Class Lab expiry/.test(f.Properties.Description));
    expect(clock.map((f) => f.Properties.Role)).toEqual([labRole]);
  });

  test('maps to the role labRoleArn names instead, for sandboxes whose role has another name', () => {
    expect(JSON.stringify(resourcesOfType(renamedLabRole(), 'AWS::Scheduler::Schedule')[0].Properties.Target.RoleArn)).toContain(':role/sandbox/SandboxRole');
  });

  test('outside the sandbox the fleet has no instance profile and the schedules and the expiry clock their own roles', () => {
    // The module-ec2 variant: the fleet alone, expiry on (its default).
    const normal = variantAssembly('module-ec2');
    expect(variantResourcesOfType(normal, 'AWS::EC2::LaunchTemplate')[0].Properties.LaunchTemplateData.IamInstanceProfile).toBeUndefined();
    expect(variantResourcesOfType(normal, 'AWS::IAM::Role').map((r) => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service).sort())
      .toEqual(['lambda.amazonaws.com', 'scheduler.amazonaws.com']);
  });
});

describe('sandbox=learner-lab deploys without -r: the stack names LabRole for CloudFormation', () => {
  // The learner-lab variant's cloud assembly, as the CLI writes it: what `cdk deploy` reads.
  const lab = variantAssembly('learner-lab');
  const artifact = lab.stacks()[0].properties;
  /** The file assets of every asset manifest of the assembly, with their destinations. */
  const assetFiles = (): Array<Record<string, any>> => Object.values(lab.manifest.artifacts)
    .filter((a) => a.type === 'cdk:asset-manifest')
    .flatMap((a) => Object.values<any>(JSON.parse(fs.readFileSync(path.join(lab.outdir, a.properties!.file), 'utf8')).files ?? {}));
  /** What the CDK CLI fills in from the deploy credentials (the same placeholders it replaces). */
  const atDeploy = (text: string): string => text
    .replace(/\$\{AWS::Partition\}/g, 'aws').replace(/\$\{AWS::AccountId\}/g, '123456789012').replace(/\$\{AWS::Region\}/g, 'us-east-1');
  const bootstrap = parse(fs.readFileSync(path.join(__dirname, '..', '..', 'learner-lab', 'bootstrap-template.yaml'), 'utf8'), { version: '1.1' });

  test('CloudFormation\'s execution role is LabRole of the deploy account (what -r used to pass)', () => {
    expect(artifact.cloudFormationExecutionRoleArn).toBe('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/LabRole');
    expect(atDeploy(artifact.cloudFormationExecutionRoleArn)).toBe('arn:aws:iam::123456789012:role/LabRole');
  });

  test('the CLI assumes none of the bootstrap roles, which the role-less bootstrap stack does not have', () => {
    const roles = Object.values<any>(bootstrap.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles).toEqual([]);
    expect(artifact.assumeRoleArn).toBeUndefined();
    expect(artifact.lookupRole).toBeUndefined();
    // No bootstrap-version rule: the CLI would read its SSM parameter through the lookup role.
    expect(artifact.requiresBootstrapStackVersion).toBeUndefined();
    expect(lab.root().toJSON().Rules).toBeUndefined();
    const files = assetFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const d of files.flatMap((f) => Object.values<any>(f.destinations))) expect(d.assumeRoleArn).toBeUndefined();
  });

  test('file assets go to the bucket the Learner Lab bootstrap template creates', () => {
    const bucketName = bootstrap.Resources.StagingBucket.Properties.BucketName['Fn::If'][2]['Fn::Sub'] as string;
    const qualifier = bootstrap.Parameters.Qualifier.Default as string;
    const expected = atDeploy(bucketName.replace('${Qualifier}', qualifier));
    const files = assetFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      for (const d of Object.values<any>(file.destinations)) expect(atDeploy(d.bucketName)).toBe(expected);
    }
  });

  test('a renamed lab role (labRoleArn) is the one CloudFormation acts as', () => {
    const other = renamedLabRole();
    expect(other.app.synth().getStackByName(other.stack.stackName).cloudFormationExecutionRoleArn)
      .toBe('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/sandbox/SandboxRole');
  });

  test('outside the sandbox the default synthesizer and its bootstrap roles stay as they are', () => {
    const normal = variantAssembly('module-ec2').stacks()[0].properties;
    expect(normal.cloudFormationExecutionRoleArn).toContain('cdk-hnb659fds-cfn-exec-role');
    expect(normal.assumeRoleArn).toContain('cdk-hnb659fds-deploy-role');
    expect(normal.lookupRole).toEqual(expect.objectContaining({ arn: expect.stringContaining('cdk-hnb659fds-lookup-role') }));
  });
});
