/**
 * The settings table: every setting of the kit, its key, default and what it accepts, and the
 * limits and shapes they are checked against (./lab-config.ts validates; the README, the guides
 * and the tests read this table, never a copy of it).
 */
import { Roster, ROSTER_MAX_STUDENTS } from './roster';

/** The class modules, in the order the class teaches them. */
export const CLASS_MODULES = ['ec2', 's3', 'route53', 'ecr', 'ecs'] as const;
export type ClassModule = (typeof CLASS_MODULES)[number];

/** Burstable families a sandbox account accepts, with the CPU architecture of each. */
export const INSTANCE_FAMILIES: Readonly<Record<string, 'arm64' | 'x86_64'>> = {
  t4g: 'arm64',
  t3: 'x86_64',
  t3a: 'x86_64',
};
/** Sizes up to large: what AWS Academy Learner Lab and similar sandboxes allow. */
export const INSTANCE_SIZES = ['nano', 'micro', 'small', 'medium', 'large'] as const;

/** The most instances a fleet may scale to (Learner Lab deactivates accounts past 20 running). */
export const FLEET_LIMIT = 9;
/**
 * The fleet's default size. Its peak (fleetMax instances of 2 vCPUs each: an instance refresh
 * replaces instances without growing past the group's size, lib/app/modules/ec2-fleet.ts) fits a
 * brand-new account's On-Demand Standard vCPU quota, 5 in every Region (data/quotas.json), so one
 * student fits every default quota. Two instances share the load balancer's requests and keep the
 * page up while one is killed; the scaling step scales in to fleetMin and back out to fleetMax.
 * A larger fleetMax is a setting; `plan` and `doctor` print the increase it needs.
 */
export const FLEET_DEFAULTS: FleetSize = { min: 1, desired: 2, max: 2 };
/** Longest student id: it feeds stack names, tags and the `<student>.class.internal` zone. */
export const STUDENT_ID_MAX_LENGTH = 20;
/** Longest auto-expiry: a week covers a class and its homework; longer is a forgotten lab. */
export const EXPIRY_MAX_HOURS = 168;

/** Restricted sandbox accounts the kit knows how to deploy into. */
export const SANDBOXES = ['none', 'learner-lab'] as const;
export type Sandbox = (typeof SANDBOXES)[number];

/** What AWS Academy Learner Lab allows: its regions, its one role and instance profile, its instance cap. */
export const LEARNER_LAB = {
  regions: ['us-east-1', 'us-west-2'],
  roleName: 'LabRole',
  instanceProfileName: 'LabInstanceProfile',
  /** Running instances per account the kit stays under (Learner Lab deactivates the account at 20). */
  instanceLimit: 9,
} as const;

/** Domain under which the default private hosted zone is named: `<student>.class.internal`. */
export const PRIVATE_ZONE_DOMAIN = 'class.internal';
/** Zone label when no student is set: `lab.class.internal`. */
export const SOLO_ZONE_LABEL = 'lab';
/** Labels of the records the Route 53 module creates inside the zone: web.<zone>, app.<zone>. */
export const RECORD_LABELS = ['web', 'app'] as const;
/** Longest DNS name Route 53 accepts, in characters, without the trailing dot. */
export const DNS_NAME_MAX_LENGTH = 253;
/**
 * Longest value of an ALB host-header condition, in characters: with route53, the EC2 and ECS
 * modules match `web.<zone>` and `app.<zone>` by host name, and ELB rejects longer values (and any value with
 * something other than letters after the last dot).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#host-conditions
 */
export const HOST_HEADER_MAX_LENGTH = 128;
/** Longest zone name that still leaves room for every record label in front of it, as a DNS name and a host-header value. */
export const ZONE_NAME_MAX_LENGTH = Math.min(DNS_NAME_MAX_LENGTH, HOST_HEADER_MAX_LENGTH) - Math.max(...RECORD_LABELS.map((l) => l.length + 1));
/**
 * The task sizes Fargate accepts on Linux: CPU units (1024 = 1 vCPU) and, for each, the
 * memory sizes in MiB. Anything else fails only at deploy time, so it is checked here.
 */
export const FARGATE_TASK_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};
/** Docker's grammar for an image tag: what `docker tag` and ECR accept. */
export const IMAGE_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

/** What appMemory may be for one appCpu, for error messages and the settings table. */
export function fargateMemoryChoices(cpu: number): string {
  const sizes = FARGATE_TASK_SIZES[cpu];
  const step = sizes[1] - sizes[0];
  return sizes.length > 3 && sizes.every((m, i) => i === 0 || m - sizes[i - 1] === step)
    ? `${sizes[0]} to ${sizes[sizes.length - 1]} in steps of ${step}`
    : sizes.join(', ');
}

/** CPU size and memory of the ECS service's Fargate task. */
export interface AppTaskSize {
  /** CPU units: 256 = 0.25 vCPU. */
  readonly cpu: number;
  /** MiB. */
  readonly memoryMiB: number;
}

export interface FleetSize {
  readonly min: number;
  readonly desired: number;
  readonly max: number;
}

export interface LabConfig {
  /** Student id, when several students share one account; undefined for one student per account. */
  readonly student?: string;
  /** The class roster: one ClassLabStack per student. Never together with `student`. */
  readonly roster?: Roster;
  /** Hours after its first deploy at which a ClassLabStack deletes itself; undefined: never. */
  readonly expiresAfterHours?: number;
  /** Restricted sandbox the account is; `learner-lab` creates no IAM role or instance profile. */
  readonly sandbox: Sandbox;
  /** Existing role every role of the app maps to, under sandbox=learner-lab (LabRole by default). */
  readonly labRoleName?: string;
  /** Class modules to deploy. */
  readonly modules: ReadonlySet<ClassModule>;
  /** EC2 instance type of the fleet, e.g. t4g.nano. */
  readonly instanceType: string;
  /** CPU architecture that follows from the instance type; the AMI is chosen for it. */
  readonly architecture: 'arm64' | 'x86_64';
  readonly fleet: FleetSize;
  /** Who may reach the load balancer. */
  readonly allowedCidr: string;
  /** Fixed AMI id for accounts that cannot read the public SSM AMI parameters. */
  readonly amiId?: string;
  /** Hosted zone of the Route 53 module. */
  readonly zone: LabZone;
  /**
   * Tag of the image in the kit's ECR repository that the ECS service runs; undefined
   * runs the public placeholder image, so the first deploy is healthy before any push.
   */
  readonly imageTag?: string;
  /** Size of the ECS service's Fargate task. */
  readonly appTask: AppTaskSize;
}

/**
 * The hosted zone the Route 53 module writes its records into: a private zone the kit creates
 * (the default), or an existing public zone the kit only adds records to.
 */
export interface LabZone {
  /** Zone name without the trailing dot, lower case, e.g. `ana.class.internal`. */
  readonly name: string;
  /** Id of an existing public hosted zone (without `/hostedzone/`); undefined for the private zone. */
  readonly publicZoneId?: string;
}

/** One documented setting: its context key, default and what it accepts. */
export interface SettingSpec {
  readonly key: string;
  readonly default: string;
  readonly allowed: string;
}

/** Every context key the kit reads. Guides and tests use this list, never a copy of it. */
export const SETTINGS: readonly SettingSpec[] = [
  {
    key: 'student',
    default: '(none: one student per account)',
    allowed: `lowercase letters, digits and hyphens, starting with a letter, at most ${STUDENT_ID_MAX_LENGTH} characters`,
  },
  { key: 'modules', default: CLASS_MODULES.join(','), allowed: `a comma list of ${CLASS_MODULES.join(', ')}` },
  {
    key: 'instanceType',
    default: 't4g.nano',
    allowed: `<family>.<size> with family ${Object.keys(INSTANCE_FAMILIES).join('|')} and size ${INSTANCE_SIZES.join('|')}`,
  },
  { key: 'fleetMin', default: String(FLEET_DEFAULTS.min), allowed: `a whole number, 1 <= fleetMin <= fleetDesired` },
  { key: 'fleetDesired', default: String(FLEET_DEFAULTS.desired), allowed: `a whole number, fleetMin <= fleetDesired <= fleetMax` },
  { key: 'fleetMax', default: String(FLEET_DEFAULTS.max), allowed: `a whole number, fleetDesired <= fleetMax <= ${FLEET_LIMIT}` },
  { key: 'allowedCidr', default: '0.0.0.0/0', allowed: 'an IPv4 CIDR block in canonical form such as 203.0.113.0/24 (no leading zeros, the network address)' },
  { key: 'amiId', default: '(latest Amazon Linux 2023 from the public SSM parameter)', allowed: 'an AMI id such as ami-0123456789abcdef0' },
  {
    key: 'zoneName',
    default: `<student>.${PRIVATE_ZONE_DOMAIN} (${SOLO_ZONE_LABEL}.${PRIVATE_ZONE_DOMAIN} without a student)`,
    allowed: `a DNS name such as ana.example.com: at least two dot-separated labels of letters, digits and hyphens (each 1-63 characters, no hyphen at either end, the last one letters only), at most ${ZONE_NAME_MAX_LENGTH} characters so that ${RECORD_LABELS.map((l) => `${l}.<zoneName>`).join(' and ')} fit the ${HOST_HEADER_MAX_LENGTH} characters of a load balancer host-header condition`,
  },
  {
    key: 'publicZoneId',
    default: '(none: the kit creates a private hosted zone in the lab VPC)',
    allowed: 'the id of an existing public hosted zone, such as Z0123456789ABCDEFGHIJ (a /hostedzone/ prefix is accepted), given together with its zoneName',
  },
  {
    key: 'imageTag',
    default: '(none: the ECS service runs a public placeholder image)',
    allowed: 'a Docker image tag pushed to the kit\'s ECR repository (letters, digits, _ . -, at most 128 characters, not starting with . or -), with ecr and ecs in modules',
  },
  {
    key: 'appCpu',
    default: '256',
    allowed: `Fargate CPU units, one of ${Object.keys(FARGATE_TASK_SIZES).join(', ')} (256 = 0.25 vCPU)`,
  },
  {
    key: 'appMemory',
    default: '512 (or the smallest size Fargate accepts with appCpu)',
    allowed: `MiB that Fargate accepts with appCpu: ${Object.keys(FARGATE_TASK_SIZES).map((cpu) => `with ${cpu}: ${fargateMemoryChoices(Number(cpu))}`).join('; ')}`,
  },
  {
    key: 'roster',
    default: '(none: one stack)',
    allowed: `the path of a JSON roster file, {"students": [{"id": "ana", "account": "123456789012", "region": "us-east-1"}, ...]}, at most ${ROSTER_MAX_STUDENTS} students; one stack ClassLabStack-<id> per student`,
  },
  {
    key: 'expiresAfterHours',
    default: '(off: the stack stays until destroyed)',
    allowed: `a whole number of hours, 1 to ${EXPIRY_MAX_HOURS}, counted from the first deploy; the stack then deletes itself`,
  },
  { key: 'sandbox', default: 'none', allowed: `${SANDBOXES.join(' or ')}` },
  {
    key: 'labRoleArn',
    default: `(the ${LEARNER_LAB.roleName} role of the deploy account)`,
    allowed: `an IAM role ARN such as arn:aws:iam::123456789012:role/${LEARNER_LAB.roleName}, only with sandbox=learner-lab`,
  },
];

/**
 * Settings that only shape one class module. Given without that module they would be silently
 * unused (a student thinks they chose t3.micro, and nothing did): that is an error, as imageTag
 * without ecr and ecs always was.
 */
export const MODULE_SETTINGS: Readonly<Record<string, ClassModule>> = {
  instanceType: 'ec2',
  fleetMin: 'ec2',
  fleetDesired: 'ec2',
  fleetMax: 'ec2',
  amiId: 'ec2',
  zoneName: 'route53',
  publicZoneId: 'route53',
  appCpu: 'ecs',
  appMemory: 'ecs',
};

