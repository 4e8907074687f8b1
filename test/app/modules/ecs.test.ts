import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { APP_CONTAINER_NAME, APP_PATH_PATTERNS, APP_RULE_PRIORITY, PLACEHOLDER_VERSION } from '../../../lib/app/modules/ecs';
import { FLEET_RULE_PRIORITY } from '../../../lib/app/modules/ec2-fleet';
import { HOST_RULE_PRIORITIES } from '../../../lib/app/host-names';
import { NODE_BASE_IMAGE, SAMPLE_APP_BASE_PATH, SAMPLE_APP_DIR, SAMPLE_APP_HEALTH_PATH, SAMPLE_APP_PORT, SAMPLE_APP_USER } from '../../../lib/app/sample-app';
import { evaluate, FAKE_ACCOUNT, FAKE_REGION, Resolver } from '../../support/cfn-values';
import { request, startNodeServer } from '../../support/node-server';
import { resourcesOfType, SynthesizedLab, synthLab } from '../../support/synth';
import { VariantAssembly, variantAssembly } from '../../support/variant-assembly';

const REPOSITORY_NAME = 'classlabstack-ecrrepository-abc123';
const REPOSITORY_URI = `${FAKE_ACCOUNT}.dkr.ecr.${FAKE_REGION}.amazonaws.com/${REPOSITORY_NAME}`;
const ALB_DNS = 'ClassL-Netwo-abc123-1234567890.us-east-1.elb.amazonaws.com';

/** Deploy-time values for the references in the ECS templates and the root outputs. */
const deployed: Resolver = (kind, name) => {
  if (/EcrRepository\w*Arn$/.test(name)) return `arn:aws:ecr:${FAKE_REGION}:${FAKE_ACCOUNT}:repository/${REPOSITORY_NAME}`;
  if (/EcrRepository\w*Ref$/.test(name)) return REPOSITORY_NAME;
  if (kind === 'GetAtt' && /^NetworkLoadBalancer\w+\.DNSName$/.test(name)) return ALB_DNS;
  return undefined;
};

function ecsTemplate(lab: SynthesizedLab): Template {
  return lab.template(lab.stack.ecsService!);
}

/** The ECS module's nested template in a variant's assembly. */
function nestedEcsTemplate(assembly: VariantAssembly): Template {
  const files = [...assembly.templates().keys()].filter((f) => /EcsService\w*\.nested\.template\.json$/.test(f));
  expect(files).toHaveLength(1);
  return assembly.template(files[0]);
}

function onlyResource(template: Template, type: string): Record<string, any> {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0];
}

function containerOf(template: Template): Record<string, any> {
  const definitions = onlyResource(template, 'AWS::ECS::TaskDefinition').Properties.ContainerDefinitions;
  expect(definitions).toHaveLength(1);
  return definitions[0];
}

function environmentOf(container: Record<string, any>): Record<string, string> {
  return Object.fromEntries((container.Environment ?? []).map((e: { Name: string; Value: string }) => [e.Name, e.Value]));
}

function executionPolicyStatements(template: Template): Array<Record<string, any>> {
  const taskDefinition = onlyResource(template, 'AWS::ECS::TaskDefinition');
  const roleId = taskDefinition.Properties.ExecutionRoleArn['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('ECS module: a Fargate service behind the shared load balancer', () => {
  // The default app with the guardrails on is checked once, in test/class-lab-stack.test.ts.
  const lab = synthLab({}, { guardrails: false });
  const ecs = ecsTemplate(lab);

  test('is a nested stack of ClassLabStack', () => {
    expect(lab.stack.ecsService!.nestedStackParent).toBe(lab.stack);
  });

  test('a cluster without Container Insights (cost), and no EC2 capacity at all', () => {
    ecs.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }],
    });
    expect(resourcesOfType(lab, 'AWS::ECS::CapacityProvider')).toHaveLength(0);
    expect(resourcesOfType(lab, 'AWS::ECS::ClusterCapacityProviderAssociations')).toHaveLength(0);
    ecs.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
  });

  test('one ARM64 Fargate task of 0.25 vCPU and 0.5 GB, one container with a memory limit', () => {
    ecs.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '256',
      Memory: '512',
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    expect(containerOf(ecs)).toMatchObject({ Name: APP_CONTAINER_NAME, Essential: true, Memory: 512 });
  });

  test('the container runs as the non-root user, with a read-only root filesystem, on the app port', () => {
    expect(containerOf(ecs)).toMatchObject({
      User: SAMPLE_APP_USER,
      ReadonlyRootFilesystem: true,
      PortMappings: [{ ContainerPort: SAMPLE_APP_PORT, Protocol: 'tcp' }],
    });
    expect(containerOf(ecs).Privileged).toBeUndefined();
    expect(environmentOf(containerOf(ecs))).toMatchObject({ PORT: String(SAMPLE_APP_PORT), BASE_PATH: SAMPLE_APP_BASE_PATH });
  });

  test('before anything is pushed it runs the pinned public Node.js image from ECR Public, never Docker Hub', () => {
    const container = containerOf(ecs);
    expect(container.Image).toBe(NODE_BASE_IMAGE);
    expect(container.Command.slice(0, 2)).toEqual(['node', '-e']);
    expect(environmentOf(container).APP_VERSION).toBe(PLACEHOLDER_VERSION);
    lab.root.hasOutput('AppImage', { Value: NODE_BASE_IMAGE });
  });

  test('no image anywhere comes from Docker Hub', () => {
    const images = resourcesOfType(lab, 'AWS::ECS::TaskDefinition')
      .flatMap((t) => t.Properties.ContainerDefinitions.map((c: Record<string, any>) => c.Image));
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(/^public\.ecr\.aws\//);
  });

  test('the service: one task, rolling deploys with the circuit breaker and rollback, a health check grace period', () => {
    const service = onlyResource(ecs, 'AWS::ECS::Service');
    expect(service.Properties).toMatchObject({
      DesiredCount: 1,
      LaunchType: 'FARGATE',
      PlatformVersion: 'LATEST',
      EnableExecuteCommand: false,
      PropagateTags: 'SERVICE',
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      },
    });
    expect(service.Properties.HealthCheckGracePeriodSeconds).toBeGreaterThanOrEqual(30);
    expect(service.Properties.CapacityProviderStrategy).toBeUndefined();
  });

  test('tasks sit in the public subnets with a public IP (there is no NAT gateway)', () => {
    const network = onlyResource(ecs, 'AWS::ECS::Service').Properties.NetworkConfiguration.AwsvpcConfiguration;
    expect(network.AssignPublicIp).toBe('ENABLED');
    expect(JSON.stringify(network.Subnets)).toMatch(/publicSubnet1.*publicSubnet2/);
    expect(resourcesOfType(lab, 'AWS::EC2::NatGateway')).toHaveLength(0);
  });

  test('joins the shared listener with a /app rule before the fleet\'s catch-all, and creates no load balancer', () => {
    ecs.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { Ref: Match.stringLikeRegexp('NetworkLoadBalancerHttp') },
      Priority: APP_RULE_PRIORITY,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [SAMPLE_APP_BASE_PATH, `${SAMPLE_APP_BASE_PATH}/*`] } }],
      Actions: [Match.objectLike({ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^TargetGroup') } })],
    });
    expect(APP_PATH_PATTERNS).toEqual(['/app', '/app/*']);
    expect(APP_RULE_PRIORITY).toBeGreaterThanOrEqual(100);
    expect(APP_RULE_PRIORITY).toBeLessThanOrEqual(200);
    expect(APP_RULE_PRIORITY).toBeLessThan(FLEET_RULE_PRIORITY);
    ecs.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    ecs.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 0);
    expect(resourcesOfType(lab, 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toHaveLength(1);
  });

  test('with route53, app.<zone> reaches the service by a host rule of this stack, to its own target group', () => {
    ecs.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { Ref: Match.stringLikeRegexp('NetworkLoadBalancerHttp') },
      Priority: HOST_RULE_PRIORITIES.app,
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['app.lab.class.internal'] } }],
      Actions: [Match.objectLike({ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^TargetGroup') } })],
    });
    const withoutRoute53 = synthLab({ modules: 'ecs' }, { guardrails: false });
    ecsTemplate(withoutRoute53).resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
  });

  test('its target group sends IP traffic to the app port and checks /app/health for 200', () => {
    const targetGroup = onlyResource(ecs, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(targetGroup.Properties).toMatchObject({
      TargetType: 'ip',
      Port: SAMPLE_APP_PORT,
      Protocol: 'HTTP',
      HealthCheckPath: SAMPLE_APP_HEALTH_PATH,
      Matcher: { HttpCode: '200' },
    });
    const service = onlyResource(ecs, 'AWS::ECS::Service');
    expect(service.Properties.LoadBalancers).toEqual([{
      ContainerName: APP_CONTAINER_NAME,
      ContainerPort: SAMPLE_APP_PORT,
      TargetGroupArn: { Ref: lab.stack.ecsService!.getLogicalId(lab.stack.ecsService!.targetGroup.node.defaultChild as any) },
    }]);
    // ECS refuses a target group that no listener uses yet: the service waits for the rule.
    expect(service.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ListenerRule/)]));
  });

  test('tasks accept only the load balancer, on the app port; the load balancer may reach them there', () => {
    const taskGroupId = Object.keys(ecs.findResources('AWS::EC2::SecurityGroup'))[0];
    const loadBalancerGroup = { Ref: Match.stringLikeRegexp('NetworkLoadBalancerSecurityGroup') };
    const taskGroup = onlyResource(ecs, 'AWS::EC2::SecurityGroup');
    expect(taskGroup.Properties.SecurityGroupIngress).toBeUndefined();
    expect(taskGroup.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 })]);
    const ingress = Object.values(ecs.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ingress).toHaveLength(1);
    expect(ingress[0].Properties).toMatchObject({ FromPort: SAMPLE_APP_PORT, ToPort: SAMPLE_APP_PORT, GroupId: { 'Fn::GetAtt': [taskGroupId, 'GroupId'] } });
    expect(ingress[0].Properties.CidrIp).toBeUndefined();
    // The egress rule on the parent's load balancer group lives here: no cycle between the stacks.
    ecs.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: loadBalancerGroup,
      DestinationSecurityGroupId: { 'Fn::GetAtt': [taskGroupId, 'GroupId'] },
      FromPort: SAMPLE_APP_PORT,
      ToPort: SAMPLE_APP_PORT,
    });
    ecs.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourceSecurityGroupId: loadBalancerGroup });
  });

  test('container logs go to a log group of this stack with short retention, deleted with the stack', () => {
    const logGroupId = Object.keys(ecs.findResources('AWS::Logs::LogGroup'))[0];
    ecs.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    const logGroup = onlyResource(ecs, 'AWS::Logs::LogGroup');
    expect(logGroup.Properties.LogGroupName).toBeUndefined();
    expect(logGroup.Properties.RetentionInDays).toBeLessThanOrEqual(14);
    expect(containerOf(ecs).LogConfiguration).toMatchObject({ LogDriver: 'awslogs', Options: { 'awslogs-group': { Ref: logGroupId } } });
  });

  test('with the public image the execution role only writes its logs, and the task role has no permissions', () => {
    const statements = executionPolicyStatements(ecs);
    expect(statements).toEqual([{
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [Object.keys(ecs.findResources('AWS::Logs::LogGroup'))[0], 'Arn'] },
    }]);
    const taskRoleId = onlyResource(ecs, 'AWS::ECS::TaskDefinition').Properties.TaskRoleArn['Fn::GetAtt'][0];
    const taskRolePolicies = Object.values(ecs.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(taskRoleId));
    expect(taskRolePolicies).toEqual([]);
    expect(ecs.findResources('AWS::IAM::Role')[taskRoleId].Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('root outputs: the app URL on the shared load balancer, cluster, service and image', () => {
    const outputs = lab.root.toJSON().Outputs;
    expect(evaluate(outputs.AppUrl.Value, deployed)).toBe(`http://${ALB_DNS}/app`);
    expect(JSON.stringify(outputs.EcsClusterName.Value)).toMatch(/EcsService.*Outputs\..*Cluster/);
    expect(JSON.stringify(outputs.EcsServiceName.Value)).toMatch(/EcsService.*Outputs\..*Name/);
    expect(outputs.AppImage.Value).toBe(NODE_BASE_IMAGE);
  });

  test('both the placeholder and the sample app pass the target group health check, run for real as the task definition says', async () => {
    const targetGroup = onlyResource(ecs, 'AWS::ElasticLoadBalancingV2::TargetGroup').Properties;
    const container = containerOf(ecs);
    const env = environmentOf(container);
    const candidates = {
      placeholder: container.Command.slice(1), // ['-e', <server>]: what `node` runs in the public image
      'sample app': [path.join(SAMPLE_APP_DIR, 'server.js')],
    };
    for (const [name, args] of Object.entries(candidates)) {
      const server = await startNodeServer(args, env);
      try {
        const health = await request(`${server.base}${targetGroup.HealthCheckPath}`);
        expect({ name, status: String(health.status) }).toEqual({ name, status: targetGroup.Matcher.HttpCode });
        const page = await request(`${server.base}${SAMPLE_APP_BASE_PATH}`);
        expect({ name, status: page.status }).toEqual({ name, status: 200 });
        expect(await server.stop()).toBe(0);
      } finally {
        await server.stop();
      }
    }
  });

  test('the placeholder page tells the student how to replace it', async () => {
    const container = containerOf(ecs);
    const server = await startNodeServer(container.Command.slice(1), environmentOf(container));
    try {
      const page = await request(`${server.base}${SAMPLE_APP_BASE_PATH}`);
      // The settings-once commands of lab-guides/ecs.md step 3: state the tag, then the plain deploy.
      expect(page.body).toContain('npm run setup -- imageTag=v1');
      expect(page.body).toContain('npx cdk deploy ClassLabStack');
      expect(page.type).toBe('text/html; charset=utf-8');
      expect((await request(`${server.base}/`)).status).toBe(200);
      // Only the sample app has /info: until it runs, a check of /app/info finds nothing.
      expect((await request(`${server.base}${SAMPLE_APP_BASE_PATH}/info`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});

describe('ECS module with imageTag: the kit\'s ECR image', () => {
  // Guardrails on: this is the synth the lab's exercise deploys (the image-tag variant, as the CLI synthesized it).
  const lab = variantAssembly('image-tag', { checks: true });
  const ecs = nestedEcsTemplate(lab);

  test('cdk-nag and Guard report nothing unacknowledged', () => {
    expect(lab.validationReport().pluginReports.flatMap((p) => p.violations)).toEqual([]);
  });

  test('the task runs the repository URI at that tag, with the image\'s own command and version', () => {
    const container = containerOf(ecs);
    expect(evaluate(container.Image, deployed)).toBe(`${REPOSITORY_URI}:v2`);
    expect(container.Command).toBeUndefined();
    expect(environmentOf(container).APP_VERSION).toBeUndefined();
    expect(container.User).toBe(SAMPLE_APP_USER);
    expect(evaluate(lab.root().toJSON().Outputs.AppImage.Value, deployed)).toBe(`${REPOSITORY_URI}:v2`);
  });

  test('the execution role may pull from the kit\'s repository only, and write its logs', () => {
    const statements = executionPolicyStatements(ecs);
    const repositoryArn = `arn:aws:ecr:${FAKE_REGION}:${FAKE_ACCOUNT}:repository/${REPOSITORY_NAME}`;
    const pull = statements.find((s) => JSON.stringify(s.Action).includes('ecr:BatchGetImage'))!;
    expect([...pull.Action].sort()).toEqual(['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']);
    expect(evaluate(pull.Resource, deployed)).toBe(repositoryArn);
    expect(statements.find((s) => s.Resource === '*')).toEqual({ Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' });
    expect(statements.map((s) => s.Action).flat().sort()).toEqual([
      'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer',
      'logs:CreateLogStream', 'logs:PutLogEvents',
    ]);
  });

  test('everything else stays the same: the same target group check, rule and service settings', () => {
    const placeholder = nestedEcsTemplate(variantAssembly('default'));
    for (const type of ['AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::ECS::Service']) {
      expect(ecs.findResources(type)).toEqual(placeholder.findResources(type));
    }
  });
});

describe('ECS module settings', () => {
  test('appCpu and appMemory size the task and the container', () => {
    const lab = synthLab({ modules: 'ecs', appCpu: '512', appMemory: '2048' }, { guardrails: false });
    const ecs = ecsTemplate(lab);
    ecs.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '512', Memory: '2048' });
    expect(containerOf(ecs).Memory).toBe(2048);
  });

  test('without the ecr module the service still deploys, on the public image', () => {
    const lab = synthLab({ modules: 'ecs' }, { guardrails: false });
    expect(containerOf(ecsTemplate(lab)).Image).toBe(NODE_BASE_IMAGE);
  });

  test('leaving ecs out of modules leaves out the cluster, the service, the /app rule and their outputs', () => {
    const lab = synthLab({ modules: 'ec2,ecr' }, { guardrails: false });
    expect(lab.stack.ecsService).toBeUndefined();
    expect(resourcesOfType(lab, 'AWS::ECS::Cluster')).toHaveLength(0);
    const outputs = Object.keys(lab.root.toJSON().Outputs);
    for (const name of ['AppUrl', 'EcsClusterName', 'EcsServiceName', 'AppImage']) expect(outputs).not.toContain(name);
  });
});

describe('ECS service start order', () => {
  /** The execution role's DefaultPolicy resource of the task definition, if the kit writes one. */
  function executionPolicyId(template: Template): string | undefined {
    const roleId = onlyResource(template, 'AWS::ECS::TaskDefinition').Properties.ExecutionRoleArn['Fn::GetAtt']?.[0];
    return Object.entries(template.findResources('AWS::IAM::Policy'))
      .find(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))?.[0];
  }

  test.each([
    ['the placeholder', {}],
    ['an imageTag', { imageTag: 'v1' }],
  ])('with %s, the service waits for the execution role\'s policy (the first task pulls as that role)', (_name, context) => {
    const ecs = ecsTemplate(synthLab(context, { guardrails: false }));
    const policyId = executionPolicyId(ecs);
    expect(policyId).toBeDefined();
    expect(onlyResource(ecs, 'AWS::ECS::Service').DependsOn).toContain(policyId);
  });

  test('under sandbox=learner-lab with an imageTag it synthesizes: LabRole pulls, no policy to wait for', () => {
    const lab = synthLab({ sandbox: 'learner-lab', imageTag: 'v1' }, { guardrails: false });
    const ecs = ecsTemplate(lab);
    expect(Object.keys(ecs.findResources('AWS::IAM::Policy'))).toEqual([]);
    expect(JSON.stringify(onlyResource(ecs, 'AWS::ECS::TaskDefinition').Properties.ExecutionRoleArn)).toContain(':role/LabRole');
    expect(evaluate(containerOf(ecs).Image, deployed)).toBe(`${REPOSITORY_URI}:v1`);
  });
});
