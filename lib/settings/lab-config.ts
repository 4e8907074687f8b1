/**
 * LabConfig: every setting of the kit, typed, defaulted and validated in this one place (the
 * table of settings is ./settings-table.ts; reading one value is ./values.ts). The
 * values come from lab-settings.json, cdk.json and `-c` (lib/settings/sources.ts decides which wins).
 * Bad values stop synthesis with one message that names the key, the value given (as JSON, cut)
 * and what is allowed, before any template is written and before any AWS call.
 */
import * as fs from 'node:fs';
import { parseRoster as parseRosterText, Roster, RosterStudent } from './roster';
import {
  CLASS_MODULES, ClassModule, INSTANCE_FAMILIES, INSTANCE_SIZES, FLEET_LIMIT, STUDENT_ID_MAX_LENGTH, EXPIRY_MAX_HOURS, SANDBOXES, Sandbox, LEARNER_LAB, PRIVATE_ZONE_DOMAIN, SOLO_ZONE_LABEL, ZONE_NAME_MAX_LENGTH, FARGATE_TASK_SIZES, IMAGE_TAG_PATTERN, fargateMemoryChoices, AppTaskSize, FleetSize, LabConfig, LabZone, MODULE_SETTINGS,
  FLEET_DEFAULTS,
} from './settings-table';
import { ConfigEnvironment, ContextReader, Problems, allowedFor, isGiven, readString, parseWholeNumber } from './values';

export * from './settings-table';
export { ConfigError, shown, SHOWN_VALUE_MAX_LENGTH } from './values';
export type { ConfigEnvironment, ContextReader } from './values';

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

function parseFleet(read: ContextReader, problems: Problems): FleetSize {
  const before = problems.list.length;
  const min = parseWholeNumber(read, 'fleetMin', FLEET_DEFAULTS.min, problems);
  const desired = parseWholeNumber(read, 'fleetDesired', FLEET_DEFAULTS.desired, problems);
  const max = parseWholeNumber(read, 'fleetMax', FLEET_DEFAULTS.max, problems);
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
