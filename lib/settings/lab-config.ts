/**
 * LabConfig: every setting of the kit, typed, defaulted and validated in this one place. The
 * values come from lab-settings.json, cdk.json and `-c` (lib/settings/sources.ts decides which wins).
 * Bad values stop synthesis with one message that names the key, the value given (as JSON, cut)
 * and what is allowed, before any template is written and before any AWS call.
 */
import * as fs from 'node:fs';
import { parseRoster as parseRosterText, Roster, ROSTER_MAX_STUDENTS, RosterStudent } from './roster';

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
  { key: 'fleetMin', default: '2', allowed: `a whole number, 1 <= fleetMin <= fleetDesired` },
  { key: 'fleetDesired', default: '2', allowed: `a whole number, fleetMin <= fleetDesired <= fleetMax` },
  { key: 'fleetMax', default: '4', allowed: `a whole number, fleetDesired <= fleetMax <= ${FLEET_LIMIT}` },
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
 * The live account and region, for callers that know them (`class-lab-admin doctor`); the CDK
 * app passes neither, so synthesis never depends on the AWS profile. And how to read the roster.
 */
export interface ConfigEnvironment {
  readonly account?: string;
  readonly region?: string;
  /** Reads a file as UTF-8 text; node's fs by default. */
  readonly readFile?: (path: string) => string;
}

/** A setting the user got wrong. The app prints its message alone, without a stack trace. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid Class Lab settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads one context value; `app.node.tryGetContext` in the app, a plain object in tests. */
export type ContextReader = (key: string) => unknown;

/** Collects every problem so a student fixes them all in one go. */
class Problems {
  readonly list: string[] = [];

  add(key: string, value: unknown, allowed: string): void {
    this.list.push(`${key}: got ${shown(value)}; allowed: ${allowed}`);
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}

/** Longest shown value: a 100 KB paste is cut, with its length said. */
export const SHOWN_VALUE_MAX_LENGTH = 80;

/**
 * A value as the student can read it: JSON (so `"   "`, `true` and `["ana"]` look like what they
 * are), invisible characters such as a byte-order mark escaped, cut to a readable length.
 */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = (JSON.stringify(value) ?? String(value)).replace(/[\u0080-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return json.length <= SHOWN_VALUE_MAX_LENGTH ? json : `${json.slice(0, SHOWN_VALUE_MAX_LENGTH)}… (${json.length} characters)`;
}

function allowedFor(key: string): string {
  return SETTINGS.find((s) => s.key === key)!.allowed;
}

/** Whether a setting was given at all (any value, even a bad one). */
function isGiven(read: ContextReader, key: string): boolean {
  return read(key) !== undefined;
}

/**
 * A text setting. Only a string is text: an object, array, boolean or null from cdk.json or the
 * settings file is an error, and so is an empty value (`-c roster=` from an unset shell variable
 * means a mistake, never "unset"). Numbers pass as their decimal text, as `-c` would give them.
 */
function readString(read: ContextReader, key: string, problems: Problems): string | undefined {
  const value = read(key);
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') {
    problems.add(key, value, `${allowedFor(key)} (as text, not ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`})`);
    return undefined;
  }
  const text = value.trim();
  if (text === '') {
    problems.add(key, value, `${allowedFor(key)} (an empty value is an error: leave the key out for the default)`);
    return undefined;
  }
  return text;
}

const STUDENT_ID_SHAPE = new RegExp(`^[a-z](?:[a-z0-9-]{0,${STUDENT_ID_MAX_LENGTH - 2}}[a-z0-9])?$`);

/** Whether an id can name a student's stack, tags and DNS zone (the `student` setting and roster ids). */
export function isStudentId(id: string): boolean {
  return STUDENT_ID_SHAPE.test(id) && !id.includes('--');
}

function studentIdAllowed(): string {
  return `${allowedFor('student')}, not ending in a hyphen, no double hyphens`;
}

function parseStudent(read: ContextReader, problems: Problems): string | undefined {
  const student = readString(read, 'student', problems);
  if (student === undefined) return undefined;
  if (!isStudentId(student)) {
    problems.add('student', student, studentIdAllowed());
    return undefined;
  }
  return student;
}

/** Reads the roster file; every problem names the entry (`roster roster.json students[2] ("ben").region`). */
function parseRoster(read: ContextReader, env: ConfigEnvironment, student: string | undefined, problems: Problems): Roster | undefined {
  const file = readString(read, 'roster', problems);
  if (file === undefined) return undefined;
  if (student !== undefined) {
    problems.add('roster', file, `a roster or a student, not both: the roster already gives each student a stack (drop -c student=${student})`);
    return undefined;
  }
  let text: string;
  try {
    text = (env.readFile ?? ((p: string) => fs.readFileSync(p, 'utf8')))(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    problems.add('roster', file, `the path of a readable JSON roster file (reading it failed: ${reason})`);
    return undefined;
  }
  const parsed = parseRosterText(file, text, { isStudentId, studentIdAllowed: studentIdAllowed() });
  for (const p of parsed.problems) problems.add(`roster ${p.where}`, p.value, p.allowed);
  return parsed.roster;
}

function parseExpiresAfterHours(read: ContextReader, problems: Problems): number | undefined {
  if (!isGiven(read, 'expiresAfterHours')) return undefined;
  const hours = parseWholeNumber(read, 'expiresAfterHours', NaN, problems);
  if (Number.isNaN(hours)) return undefined;
  if (!(hours >= 1 && hours <= EXPIRY_MAX_HOURS)) {
    problems.add('expiresAfterHours', read('expiresAfterHours'), allowedFor('expiresAfterHours'));
    return undefined;
  }
  return hours;
}

function parseSandbox(read: ContextReader, problems: Problems): Sandbox {
  const sandbox = readString(read, 'sandbox', problems) ?? 'none';
  if (!(SANDBOXES as readonly string[]).includes(sandbox)) {
    problems.add('sandbox', sandbox, allowedFor('sandbox'));
    return 'none';
  }
  return sandbox as Sandbox;
}

/** The role name out of labRoleArn (with its path, so the ARN the app writes is the same). */
function parseLabRole(read: ContextReader, sandbox: Sandbox, env: ConfigEnvironment, problems: Problems): string | undefined {
  const arn = readString(read, 'labRoleArn', problems);
  if (sandbox !== 'learner-lab') {
    if (arn !== undefined) problems.add('labRoleArn', arn, `${allowedFor('labRoleArn')} (add -c sandbox=learner-lab)`);
    return undefined;
  }
  if (arn === undefined) return LEARNER_LAB.roleName;
  const match = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64})$/.exec(arn);
  if (!match) {
    problems.add('labRoleArn', arn, allowedFor('labRoleArn'));
    return undefined;
  }
  if (env.account !== undefined && match[1] !== env.account) {
    problems.add('labRoleArn', arn, `a role of the account you deploy to, ${env.account}`);
  }
  return match[2];
}

/**
 * Learner Lab limits that depend on where the stacks go: its two regions (checked where the
 * roster says the region; `class-lab-admin doctor` checks the live region of the session), one
 * account per terminal, and its running-instance cap per account.
 */
function checkLearnerLabLimits(config: LabConfig, env: ConfigEnvironment, problems: Problems): void {
  const allowedRegions = `${LEARNER_LAB.regions.join(' or ')}, the Learner Lab regions`;
  const students: readonly RosterStudent[] = config.roster?.students ?? [{ id: config.student ?? 'solo' }];
  const usesCliRegion = students.some((s) => s.region === undefined);
  if (usesCliRegion && env.region !== undefined && !(LEARNER_LAB.regions as readonly string[]).includes(env.region)) {
    problems.add('sandbox', 'learner-lab', `only with the region ${allowedRegions}; the AWS CLI profile gives ${env.region} (set AWS_REGION or --profile)`);
  }
  config.roster?.students.forEach((s, index) => {
    const where = `roster ${config.roster!.file} students[${index}] ("${s.id}")`;
    if (s.region !== undefined && !(LEARNER_LAB.regions as readonly string[]).includes(s.region)) {
      problems.add(`${where}.region`, s.region, `with sandbox=learner-lab, ${allowedRegions}`);
    }
    if (s.account !== undefined) {
      problems.add(`${where}.account`, s.account, 'no account with sandbox=learner-lab: each Learner Lab account has its own session credentials, so one terminal cannot deploy to several; each student deploys in their own lab (leave account out)');
    }
  });
  // One fleet over the limit is the fleetMax check's to report; here: stacks sharing an account.
  if (!config.modules.has('ec2') || config.fleet.max > FLEET_LIMIT) return;
  const stacksPerAccount = new Map<string, number>();
  for (const s of students) {
    const account = s.account ?? env.account ?? 'the deploy account';
    stacksPerAccount.set(account, (stacksPerAccount.get(account) ?? 0) + 1);
  }
  for (const [account, stacks] of stacksPerAccount) {
    const instances = stacks * config.fleet.max;
    if (instances > LEARNER_LAB.instanceLimit) {
      problems.add(
        'fleetMax',
        { fleetMax: config.fleet.max, stacks, account, instances },
        `with sandbox=learner-lab, at most ${LEARNER_LAB.instanceLimit} instances per account over all its stacks (Learner Lab deactivates an account at 20 running instances)`,
      );
    }
  }
}

function parseModules(read: ContextReader, problems: Problems): Set<ClassModule> {
  const raw = readString(read, 'modules', problems);
  if (raw === undefined || raw === 'all') return new Set(CLASS_MODULES);
  const names = raw.split(',').map((m) => m.trim()).filter((m) => m !== '');
  const unknown = names.filter((m) => !(CLASS_MODULES as readonly string[]).includes(m));
  if (names.length === 0 || unknown.length > 0) {
    problems.add('modules', raw, allowedFor('modules'));
    return new Set();
  }
  return new Set(names as ClassModule[]);
}

function parseInstanceType(read: ContextReader, problems: Problems): { instanceType: string; architecture: 'arm64' | 'x86_64' } {
  const instanceType = readString(read, 'instanceType', problems) ?? 't4g.nano';
  const [family, size, ...rest] = instanceType.split('.');
  const architecture = INSTANCE_FAMILIES[family];
  if (!architecture || !(INSTANCE_SIZES as readonly string[]).includes(size) || rest.length > 0) {
    problems.add('instanceType', instanceType, allowedFor('instanceType'));
    return { instanceType: 't4g.nano', architecture: 'arm64' };
  }
  return { instanceType, architecture };
}

/** A whole number: a JSON number that is an integer, or its digits as text (`-c` gives text). */
function parseWholeNumber(read: ContextReader, key: string, fallback: number, problems: Problems): number {
  const value = read(key);
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined || !/^\d{1,9}$/.test(text)) {
    const empty = text === '' ? ' (an empty value is an error: leave the key out for the default)' : '';
    problems.add(key, value, `${allowedFor(key)}${empty}`);
    return fallback;
  }
  return Number(text);
}

function parseFleet(read: ContextReader, problems: Problems): FleetSize {
  const before = problems.list.length;
  const min = parseWholeNumber(read, 'fleetMin', 2, problems);
  const desired = parseWholeNumber(read, 'fleetDesired', 2, problems);
  const max = parseWholeNumber(read, 'fleetMax', 4, problems);
  if (problems.list.length === before) {
    const given = { fleetMin: min, fleetDesired: desired, fleetMax: max };
    // Blame the key the student set: fleetMin=3 alone is a fleetMin problem, not a fleetDesired one.
    const blame = (a: string, b: string) => (isGiven(read, b) ? b : a);
    if (min < 1) problems.add('fleetMin', min, allowedFor('fleetMin'));
    else if (desired < min) { const key = blame('fleetMin', 'fleetDesired'); problems.add(key, given, allowedFor(key)); }
    else if (max > FLEET_LIMIT) problems.add('fleetMax', given, allowedFor('fleetMax'));
    else if (max < desired) { const key = blame('fleetDesired', 'fleetMax'); problems.add(key, given, allowedFor(key)); }
  }
  return { min, desired, max };
}

/** Parses a.b.c.d/n and insists on the network address, so the security group says what was meant. */
function parseAllowedCidr(read: ContextReader, problems: Problems): string {
  const cidr = readString(read, 'allowedCidr', problems) ?? '0.0.0.0/0';
  // Canonical form only: no leading zeros (10.0.0.0/08 would reach the template as written).
  const match = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\/(0|[1-9]\d?)$/.exec(cidr);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : -1;
  if (!match || octets.some((o) => o > 255) || prefix > 32) {
    problems.add('allowedCidr', cidr, allowedFor('allowedCidr'));
    return cidr;
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = address - (address % size);
  if (network !== address) {
    const networkText = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
    problems.add('allowedCidr', cidr, `a network address; did you mean ${networkText}/${prefix}?`);
  }
  return cidr;
}

function parseAmiId(read: ContextReader, problems: Problems): string | undefined {
  const amiId = readString(read, 'amiId', problems);
  if (amiId !== undefined && !/^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(amiId)) {
    problems.add('amiId', amiId, allowedFor('amiId'));
  }
  return amiId;
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Whether a lower-case name without trailing dot is a zone name Route 53 accepts and the records fit in. */
function isZoneName(name: string): boolean {
  const labels = name.split('.');
  return (
    labels.length >= 2 &&
    name.length <= ZONE_NAME_MAX_LENGTH &&
    labels.every((label) => DNS_LABEL.test(label)) &&
    // ELB host conditions: "only alphabetical characters after the final '.'" (no xn-- TLDs).
    /^[a-z]+$/.test(labels[labels.length - 1])
  );
}

/** The zone id as Route 53 prints it in `list-hosted-zones` (`/hostedzone/Z…`) or bare. */
function parsePublicZoneId(read: ContextReader, problems: Problems): string | undefined {
  const raw = readString(read, 'publicZoneId', problems);
  if (raw === undefined) return undefined;
  const id = raw.replace(/^\/?hostedzone\//, '');
  if (!/^Z[A-Z0-9]{1,31}$/.test(id)) {
    problems.add('publicZoneId', raw, allowedFor('publicZoneId'));
    return undefined;
  }
  return id;
}

/** Name of the kit's private zone for a student: `<student>.class.internal`, `lab.class.internal` alone. */
export function privateZoneNameFor(student: string | undefined): string {
  return `${student ?? SOLO_ZONE_LABEL}.${PRIVATE_ZONE_DOMAIN}`;
}

/**
 * Zone name: given, or derived from the student id for the private zone. DNS names are
 * case-insensitive and may end in a dot, so `Example.COM.` means `example.com`. A public
 * zone id needs its name: records are written into the zone without looking it up.
 */
function parseZone(read: ContextReader, student: string | undefined, problems: Problems): LabZone {
  const publicZoneId = parsePublicZoneId(read, problems);
  const raw = readString(read, 'zoneName', problems);
  const fallback = privateZoneNameFor(student);
  if (raw === undefined) {
    if (publicZoneId !== undefined && !isGiven(read, 'zoneName')) {
      problems.add('zoneName', undefined, `the name of the public hosted zone that publicZoneId names (e.g. example.com); required with publicZoneId`);
    }
    return { name: fallback, publicZoneId };
  }
  const name = raw.toLowerCase().replace(/\.$/, '');
  if (!isZoneName(name)) {
    problems.add('zoneName', raw, allowedFor('zoneName'));
    return { name: fallback, publicZoneId };
  }
  return { name, publicZoneId };
}

/** A tag of the kit's ECR repository; it needs the repository (ecr) and the service that runs it (ecs). */
function parseImageTag(read: ContextReader, modules: ReadonlySet<ClassModule>, problems: Problems): string | undefined {
  const imageTag = readString(read, 'imageTag', problems);
  if (imageTag === undefined) return undefined;
  if (!IMAGE_TAG_PATTERN.test(imageTag)) {
    problems.add('imageTag', imageTag, allowedFor('imageTag'));
  } else if (modules.size > 0 && (!modules.has('ecr') || !modules.has('ecs'))) {
    // (An empty set means modules itself was wrong; that problem is already listed.)
    const missing = (['ecr', 'ecs'] as const).filter((m) => !modules.has(m)).join(' and ');
    problems.add('imageTag', imageTag, `only with the ecr and ecs modules: add ${missing} to modules (now "${[...modules].join(',')}"), or leave imageTag out to run the public placeholder image`);
  }
  return imageTag;
}

/** appCpu and appMemory together: Fargate accepts only certain pairs, and says so only at deploy time. */
function parseAppTask(read: ContextReader, problems: Problems): AppTaskSize {
  const before = problems.list.length;
  const cpu = parseWholeNumber(read, 'appCpu', 256, problems);
  const sizes = FARGATE_TASK_SIZES[cpu] as readonly number[] | undefined;
  const memoryMiB = parseWholeNumber(read, 'appMemory', sizes?.[0] ?? 512, problems);
  if (problems.list.length > before) return { cpu, memoryMiB };
  if (!sizes) {
    problems.add('appCpu', cpu, allowedFor('appCpu'));
  } else if (!sizes.includes(memoryMiB)) {
    problems.add('appMemory', { appCpu: cpu, appMemory: memoryMiB }, `with appCpu ${cpu}, Fargate accepts appMemory ${fargateMemoryChoices(cpu)} (MiB)`);
  }
  return { cpu, memoryMiB };
}

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

function checkSettingsHaveEffect(read: ContextReader, modules: ReadonlySet<ClassModule>, problems: Problems): void {
  if (modules.size === 0) return; // modules itself was wrong; that problem is already listed
  for (const [key, module] of Object.entries(MODULE_SETTINGS)) {
    if (isGiven(read, key) && !modules.has(module)) {
      problems.add(key, read(key), `only with the ${module} module, which it configures: add ${module} to modules (now "${[...modules].join(',')}"), or leave ${key} out`);
    }
  }
}

/** Reads and validates every setting; throws one ConfigError listing every problem. */
export function loadLabConfig(read: ContextReader, env: ConfigEnvironment = {}): LabConfig {
  const problems = new Problems();
  const student = parseStudent(read, problems);
  const modules = parseModules(read, problems);
  const sandbox = parseSandbox(read, problems);
  const config: LabConfig = {
    student,
    roster: parseRoster(read, env, student, problems),
    modules,
    ...parseInstanceType(read, problems),
    fleet: parseFleet(read, problems),
    allowedCidr: parseAllowedCidr(read, problems),
    amiId: parseAmiId(read, problems),
    zone: parseZone(read, student, problems),
    imageTag: parseImageTag(read, modules, problems),
    appTask: parseAppTask(read, problems),
    expiresAfterHours: parseExpiresAfterHours(read, problems),
    sandbox,
    labRoleName: parseLabRole(read, sandbox, env, problems),
  };
  if (sandbox === 'learner-lab') checkLearnerLabLimits(config, env, problems);
  checkSettingsHaveEffect(read, modules, problems);
  if (config.roster) {
    // Each roster student gets the private zone <id>.class.internal; one given zone would give
    // every student the same record names.
    for (const key of ['zoneName', 'publicZoneId']) {
      if (isGiven(read, key)) problems.add(key, read(key), 'nothing with a roster: each student gets the private zone <id>.class.internal');
    }
  }
  problems.throwIfAny();
  return config;
}
