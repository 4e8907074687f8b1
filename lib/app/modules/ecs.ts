import { tagClassModule } from '../class-module-tag';
import { Duration, NestedStack, NestedStackProps, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LabConfig } from '../../settings/lab-config';
import { acknowledge } from '../../guardrails/guardrails';
import { addHostRule } from '../host-names';
import { LabNetwork } from '../lab-network';
import {
  NODE_BASE_IMAGE, SAMPLE_APP_BASE_PATH, SAMPLE_APP_HEALTH_PATH, SAMPLE_APP_PORT, SAMPLE_APP_USER,
} from '../sample-app';

/** Listener rule priority of the app: before the EC2 fleet's catch-all rule (50000). */
export const APP_RULE_PRIORITY = 100;
/** Paths the shared load balancer forwards to the service. */
export const APP_PATH_PATTERNS = [SAMPLE_APP_BASE_PATH, `${SAMPLE_APP_BASE_PATH}/*`];
/** Name of the one container of the task. */
export const APP_CONTAINER_NAME = 'app';
/** Version the placeholder reports, so the page says what runs before anything is pushed. */
export const PLACEHOLDER_VERSION = 'placeholder';

/**
 * What the service runs before anything is pushed: the stock Node.js image (the sample app's
 * own base image) with this small server as its command. It listens on the same port and
 * answers the same health path as the sample app, so one target group health check (200 on
 * /app/health) holds for both and the service is healthy from the first deploy. A stock web
 * image such as nginx would listen on 80 as root and answer 404 under /app.
 */
export const PLACEHOLDER_SERVER = `
const http = require('node:http');
const os = require('node:os');
const base = process.env.BASE_PATH;
const server = http.createServer((req, res) => {
  const path = new URL(req.url, 'http://localhost').pathname;
  if (path === base + '/health' || path === '/health') return res.end('ok\\n');
  if (![base, base + '/', '/'].includes(path)) return res.writeHead(404).end('not found\\n');
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end('<h1>Class Lab: placeholder</h1><p>Container <b>' + os.hostname() + '</b> runs the stock Node.js image from'
    + ' public.ecr.aws with a small server as its command.</p><p>Build the sample app and push it to the ECR repository,'
    + ' then run <code>npm run setup -- imageTag=v1</code> and <code>npx cdk deploy ClassLabStack</code> to run your own'
    + ' image here.</p>\\n');
});
server.keepAliveTimeout = 65000;
server.listen(Number(process.env.PORT), () => console.log('placeholder listening on port ' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`.trim();

export interface EcsServiceProps extends NestedStackProps {
  readonly config: LabConfig;
  readonly network: LabNetwork;
  /** The kit's ECR repository; required when the settings name an imageTag. */
  readonly repository?: ecr.IRepository;
}

/**
 * Class module "AWS ECS": a Fargate service (ARM64, one small task) in a cluster, behind the
 * shared load balancer on /app. It runs a public placeholder image until the settings name
 * an imageTag, then the sample app's image with that tag from the kit's ECR repository.
 */
export class EcsService extends NestedStack {
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  /** Target group of the service. */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The `app.<zone>` listener rule to the service, when route53 is among the modules. */
  readonly hostRule?: elbv2.ApplicationListenerRule;
  readonly logGroup: logs.LogGroup;
  /** The image the service runs, as `docker pull` would name it. */
  readonly imageName: string;

  constructor(scope: Construct, id: string, props: EcsServiceProps) {
    super(scope, id, props);
    const { config, network } = props;

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: network.vpc,
      containerInsightsV2: ecs.ContainerInsights.DISABLED,
    });
    const containerInsightsReason = 'Container Insights bills custom metrics per task and cluster, more than a one-task lab costs; the service\'s CloudWatch metrics and logs are enough here.';
    acknowledge(this.cluster, 'AwsSolutions-ECS4', containerInsightsReason);
    acknowledge(this.cluster, 'cdk-validator-cfnguard::ecs_container_insights_enabled_check', containerInsightsReason);

    // The task: ARM64 (Graviton, the cheaper Fargate), one non-root container with a read-only root filesystem.
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: config.appTask.cpu,
      memoryLimitMiB: config.appTask.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledge(this.logGroup, 'cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check', 'Lab container logs are only read during the class; a week keeps them cheap and they are deleted with the stack.');
    acknowledge(this.logGroup, 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check', 'CloudWatch Logs encrypts at rest by default; a customer-managed KMS key would cost $1/month per student for a sample app log.');
    const image = appImage(config, props.repository);
    this.imageName = image.name;
    const container = taskDefinition.addContainer('App', {
      containerName: APP_CONTAINER_NAME,
      image: image.image,
      command: image.command,
      user: SAMPLE_APP_USER,
      readonlyRootFilesystem: true,
      memoryLimitMiB: config.appTask.memoryMiB,
      portMappings: [{ containerPort: SAMPLE_APP_PORT, protocol: ecs.Protocol.TCP }],
      environment: {
        PORT: String(SAMPLE_APP_PORT),
        BASE_PATH: SAMPLE_APP_BASE_PATH,
        // The placeholder says what it is; a pushed image reports the APP_VERSION it was built with.
        ...(image.command ? { APP_VERSION: PLACEHOLDER_VERSION } : {}),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'app' }),
    });
    // The execution role's own policy (ECR pulls, log writes), when the kit writes one: under
    // sandbox=learner-lab the role is LabRole and there is no policy to wait for or acknowledge.
    const executionPolicy = taskDefinition.executionRole?.node.tryFindChild('DefaultPolicy');
    if (config.imageTag !== undefined && executionPolicy) {
      // fromEcrRepository granted pulls from the kit's repository only, plus the one ECR call
      // that has no resource: the registry login token.
      acknowledge(executionPolicy, 'AwsSolutions-IAM5[Resource::*]', 'ecr:GetAuthorizationToken has no resource to scope to (AWS requires "*"); image pulls are limited to the kit\'s repository.');
    }
    acknowledge(taskDefinition, 'AwsSolutions-ECS2', 'PORT, BASE_PATH and APP_VERSION are public settings that students read in the task definition; the lab has no secrets to keep in Secrets Manager.');

    // Tasks: no inbound rule here. Attaching the service to the target group below lets the
    // load balancer in on the app port, and adds the matching egress rule on its security
    // group (which otherwise reaches port 80 only) in this stack, so the parent stack does
    // not depend on this one and there is no cycle.
    const taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: network.vpc,
      description: 'Class Lab ECS tasks: the app port from the load balancer only',
      allowAllOutbound: false,
    });
    // HTTPS out: image pulls (ECR, ECR Public) and CloudWatch Logs. DNS and the task metadata
    // endpoint are not filtered by security groups.
    taskSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS for image pulls and logs');

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition,
      desiredCount: 1,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      // Public subnets with a public IP: with no NAT gateway ($0.045/h, most of the lab's
      // budget) this is how a task reaches the image registries and CloudWatch Logs.
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      assignPublicIp: true,
      securityGroups: [taskSecurityGroup],
      // A new task must be healthy before the old one stops; a task that never gets healthy
      // (a typo in imageTag, a crashing image) rolls the service back in minutes, instead of
      // holding CloudFormation for about three hours.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
      enableExecuteCommand: false,
      // Tasks carry the course and student tags too, so the instructor tooling can find them.
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });
    // The first task pulls its image as the execution role: it must not start before the role's
    // ECR pull policy exists. CDK makes the service wait for the task role (aws/aws-cdk#24880)
    // but not for the execution role's policy; this adds that wait.
    if (executionPolicy) this.service.node.addDependency(executionPolicy);
    acknowledge(this.service, 'cdk-validator-cfnguard::ecs_service_assign_public_ip_disabled_check', 'The lab VPC has no NAT gateway (it would cost more than the rest of the lab); a public IP is how the task pulls its image. Its security group admits only the load balancer.');

    // Load balancing: the shared listener forwards /app and /app/* here.
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: network.vpc,
      port: SAMPLE_APP_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(10),
      healthCheck: {
        path: SAMPLE_APP_HEALTH_PATH,
        healthyHttpCodes: '200',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    this.targetGroup.addTarget(this.service.loadBalancerTarget({
      containerName: container.containerName,
      containerPort: SAMPLE_APP_PORT,
    }));
    new elbv2.ApplicationListenerRule(this, 'ListenerRule', {
      listener: network.listener,
      priority: APP_RULE_PRIORITY,
      conditions: [elbv2.ListenerCondition.pathPatterns(APP_PATH_PATTERNS)],
      action: elbv2.ListenerAction.forward([this.targetGroup]),
    });
    // With Route 53, app.<zone> leads here; the rule lives and goes with this stack's target group.
    this.hostRule = addHostRule(this, 'app', { config, listener: network.listener, targetGroup: this.targetGroup });
    tagClassModule(this, 'ecs');
  }
}

interface AppImage {
  readonly image: ecs.ContainerImage;
  readonly name: string;
  /** Set for the placeholder, which is the stock image plus a command. */
  readonly command?: string[];
}

/**
 * The placeholder on the stock Node.js image until the settings name an imageTag, then the
 * kit's repository at that tag. Only the latter gives the execution role ECR pull rights.
 */
function appImage(config: LabConfig, repository: ecr.IRepository | undefined): AppImage {
  if (config.imageTag === undefined) {
    return {
      image: ecs.ContainerImage.fromRegistry(NODE_BASE_IMAGE),
      name: NODE_BASE_IMAGE,
      command: ['node', '-e', PLACEHOLDER_SERVER],
    };
  }
  if (!repository) {
    // lib/settings/lab-config.ts refuses imageTag without the ecr module; this guards the wiring.
    throw new Error('imageTag needs the kit\'s ECR repository: add ecr to modules');
  }
  return {
    image: ecs.ContainerImage.fromEcrRepository(repository, config.imageTag),
    name: repository.repositoryUriForTag(config.imageTag),
  };
}
