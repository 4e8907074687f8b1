/**
 * `class-lab-admin doctor`: will `npx cdk deploy ClassLabStack` work in this account?
 * Each check says pass, warn or fail, and how to fix what it found. Read-only, except with
 * --fix, which creates the ECS service-linked role when it is missing (service-linked-role.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { LabConfig } from '../../settings/lab-config';
import { AwsClients, Identity } from '../aws/clients';
import { Clock, formatDuration } from '../core/clock';
import { describeAwsError, errorName, EXIT } from '../core/errors';
import { StackNeeds, QuotaTable } from '../templates/capacity';
import { capacityChecks, studentsHere } from './doctor-capacity';
import { enabledRegions, listKitStacksInRegions } from '../aws/regions';
import { CheckResult } from './check-result';

export type { CheckResult, CheckStatus } from './check-result';
import { Reporter, table } from '../core/output';
import { ensureEcsServiceLinkedRole } from './service-linked-role';
import { commandSettings } from '../core/command-settings';

/** Service Quotas code of "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", in vCPUs. */
export const ON_DEMAND_STANDARD_VCPU_QUOTA = 'L-1216C47A';
export const BOOTSTRAP_VERSION_PARAMETER = '/cdk-bootstrap/hnb659fds/version';
export const TOOLKIT_STACK = 'CDKToolkit';
/** The version the pinned aws-cdk-lib's DefaultStackSynthesizer requires to deploy (MIN_BOOTSTRAP_STACK_VERSION). */
export const MIN_BOOTSTRAP_VERSION = 6;
export const ECS_SERVICE_LINKED_ROLE = 'AWSServiceRoleForECS';
/** AWS Academy Learner Lab: the roles its sessions run as, and the only regions it allows. */
const LEARNER_LAB_ROLE = /:assumed-role\/(voclabs|vocstartsoft|LabRole)\/|:role\/LabRole$/i;
export const LEARNER_LAB_REGIONS = ['us-east-1', 'us-west-2'];
/** Credentials closer than this to expiry get a warning: a deploy plus the lab take longer. */
const EXPIRY_WARNING_MS = 60 * 60 * 1000;

export interface DoctorOptions {
  /** `-c key=value` from the command line; lab-settings.json in `projectDir` fills the rest. */
  readonly context: Record<string, string>;
  /** Where lab-settings.json and cdk.json are read (default: the current directory). */
  readonly projectDir?: string;
  /** Students that will deploy into this one account, without a roster. */
  readonly students: number;
  /** Create what is missing and can be created (the ECS service-linked role). */
  readonly fix?: boolean;
  /** What one student's stack needs, counted from the synthesized templates (plan.ts). */
  readonly perStudent: StackNeeds;
  readonly quotas: QuotaTable;
}

/** The bootstrap version the pinned CDK CLI would install, read from its bootstrap template. */
export function latestBootstrapVersion(): number | undefined {
  try {
    const cli = path.dirname(require.resolve('aws-cdk/package.json'));
    const text = fs.readFileSync(path.join(cli, 'lib', 'api', 'bootstrap', 'bootstrap-template.yaml'), 'utf8');
    const match = /CdkBootstrapVersion:[\s\S]*?Value:\s*'?(\d+)'?/.exec(text);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function couldNotCheck(id: string, error: unknown, fix?: string): CheckResult {
  return { id, status: 'warn', detail: `could not check: ${describeAwsError(error).message}`, fix };
}

/** An AWS Academy Learner Lab session lasts 4 hours; its credentials end with it. */
export const LEARNER_LAB_SESSION_HOURS = 4;

async function checkCredentials(clients: AwsClients, identity: Identity, clock: Clock): Promise<CheckResult> {
  const info = await clients.credentialInfo().catch(() => ({ expiration: undefined, session: false }));
  const expiry = info.expiration;
  const who = `${identity.arn} (account ${identity.account})`;
  if (!expiry && info.session) {
    return {
      id: 'credentials', status: 'warn', detail: `${who}, session credentials with no expiry the tool can read`,
      fix: `pasted session credentials (key, secret and session token, as Learner Lab's "AWS Details" gives them) end with their session: a Learner Lab session lasts ${LEARNER_LAB_SESSION_HOURS} hours, so copy fresh ones after "Start Lab" if the deploy or teardown will run past that`,
    };
  }
  if (!expiry) return { id: 'credentials', status: 'pass', detail: `${who}, long-lived credentials` };
  const left = expiry.getTime() - clock.now();
  const refresh = 'refresh the credentials (Learner Lab: "Start Lab" again, then copy the new ones from "AWS Details"; SSO: `aws sso login`)';
  if (left <= 0) return { id: 'credentials', status: 'fail', detail: `${who}, credentials expired`, fix: refresh };
  if (left < EXPIRY_WARNING_MS) {
    return { id: 'credentials', status: 'warn', detail: `${who}, credentials expire in ${formatDuration(left)}`, fix: `a deploy takes about 5 minutes and the lab an hour or more: ${refresh}` };
  }
  return { id: 'credentials', status: 'pass', detail: `${who}, credentials expire in ${formatDuration(left)}` };
}

function isLearnerLab(identity: Identity): boolean {
  return LEARNER_LAB_ROLE.test(identity.arn);
}

function checkSandbox(identity: Identity, region: string): CheckResult {
  if (!isLearnerLab(identity)) return { id: 'sandbox', status: 'pass', detail: 'not an AWS Academy Learner Lab session' };
  // With sandbox=learner-lab the stack itself names LabRole as CloudFormation's role (lib/class-operations/learner-lab.ts): no -r.
  const advice = 'Learner Lab cannot create IAM roles: bootstrap with `npx cdk bootstrap --template learner-lab/bootstrap-template.yaml` and state the sandbox once with `npm run setup -- sandbox=learner-lab` (lab-guides/setup.md); keep to at most 9 running instances';
  if (!LEARNER_LAB_REGIONS.includes(region)) {
    return { id: 'sandbox', status: 'fail', detail: `AWS Academy Learner Lab session in ${region}, which Learner Lab does not allow`, fix: `use --region us-east-1 (or us-west-2). ${advice}` };
  }
  return { id: 'sandbox', status: 'warn', detail: 'AWS Academy Learner Lab session (restricted sandbox)', fix: advice };
}

function checkRegion(region: string): CheckResult {
  if (region === 'us-east-1') return { id: 'region', status: 'pass', detail: region };
  return { id: 'region', status: 'pass', detail: `${region} (cost estimates use us-east-1 prices; expect small differences)` };
}

async function checkZones(clients: AwsClients, region: string): Promise<CheckResult> {
  try {
    const out = await clients.ec2.send(new DescribeAvailabilityZonesCommand({
      Filters: [{ Name: 'zone-type', Values: ['availability-zone'] }, { Name: 'state', Values: ['available'] }],
    }));
    const zones = (out.AvailabilityZones ?? []).map((z) => z.ZoneName ?? '').filter((z) => z);
    if (zones.length >= 2) return { id: 'availability-zones', status: 'pass', detail: `${zones.length} available: ${zones.join(', ')}` };
    return { id: 'availability-zones', status: 'fail', detail: `${zones.length} available zone(s) in ${region}; the lab VPC spans 2`, fix: 'choose a region with at least two available zones (--region, and deploy there)' };
  } catch (error) {
    return couldNotCheck('availability-zones', error);
  }
}

async function checkBootstrap(clients: AwsClients, identity: Identity, region: string): Promise<CheckResult> {
  const bootstrap = `npx cdk bootstrap aws://${identity.account}/${region}`;
  const learnerFix = isLearnerLab(identity) ? ' (Learner Lab: the no-IAM bootstrap template in lab-guides/setup.md)' : '';
  let version: number;
  try {
    const out = await clients.ssm.send(new GetParameterCommand({ Name: BOOTSTRAP_VERSION_PARAMETER }));
    version = Number(out.Parameter?.Value);
  } catch (error) {
    if (errorName(error) === 'ParameterNotFound') {
      return { id: 'cdk-bootstrap', status: 'fail', detail: `not bootstrapped: SSM parameter ${BOOTSTRAP_VERSION_PARAMETER} is missing`, fix: `${bootstrap}${learnerFix}` };
    }
    return couldNotCheck('cdk-bootstrap', error, `if the account is not bootstrapped: ${bootstrap}${learnerFix}`);
  }
  let toolkit = '';
  try {
    const out = await clients.cloudformation.send(new DescribeStacksCommand({ StackName: TOOLKIT_STACK }));
    const status = out.Stacks?.[0]?.StackStatus ?? 'UNKNOWN';
    if (/FAILED|ROLLBACK_COMPLETE$/.test(status) && status !== 'UPDATE_ROLLBACK_COMPLETE') {
      return { id: 'cdk-bootstrap', status: 'fail', detail: `${TOOLKIT_STACK} stack is ${status}`, fix: `delete the ${TOOLKIT_STACK} stack in the CloudFormation console, then ${bootstrap}` };
    }
    toolkit = `${TOOLKIT_STACK} ${status}, `;
  } catch (error) {
    toolkit = errorName(error) === 'ValidationError' ? `no ${TOOLKIT_STACK} stack (custom toolkit name?), ` : '';
  }
  if (!(version >= MIN_BOOTSTRAP_VERSION)) {
    return { id: 'cdk-bootstrap', status: 'fail', detail: `${toolkit}bootstrap version ${version}; ClassLabStack needs at least ${MIN_BOOTSTRAP_VERSION}`, fix: `${bootstrap}${learnerFix}` };
  }
  const latest = latestBootstrapVersion();
  if (latest !== undefined && version < latest) {
    return { id: 'cdk-bootstrap', status: 'warn', detail: `${toolkit}bootstrap version ${version} works; the pinned CDK CLI installs ${latest}`, fix: `${bootstrap} to update it` };
  }
  return { id: 'cdk-bootstrap', status: 'pass', detail: `${toolkit}bootstrap version ${version}` };
}

async function checkEcsRole(clients: AwsClients, config: LabConfig, clock: Clock, fixIt: boolean): Promise<CheckResult> {
  if (!config.modules.has('ecs')) return { id: 'ecs-service-linked-role', status: 'pass', detail: 'not needed: the ecs module is not selected' };
  try {
    await clients.iam.send(new GetRoleCommand({ RoleName: ECS_SERVICE_LINKED_ROLE }));
    return { id: 'ecs-service-linked-role', status: 'pass', detail: `${ECS_SERVICE_LINKED_ROLE} exists` };
  } catch (error) {
    const fix = 'aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com (or: class-lab-admin doctor --fix)';
    if (errorName(error) === 'NoSuchEntityException' || errorName(error) === 'NoSuchEntity') {
      if (fixIt) return fixEcsRole(clients, clock);
      return { id: 'ecs-service-linked-role', status: 'fail', detail: `${ECS_SERVICE_LINKED_ROLE} does not exist yet; the first ECS cluster would fail to assume it and the deploy would roll back`, fix };
    }
    return couldNotCheck('ecs-service-linked-role', error, `if the role is missing: ${fix}`);
  }
}

async function fixEcsRole(clients: AwsClients, clock: Clock): Promise<CheckResult> {
  try {
    const outcome = await ensureEcsServiceLinkedRole(clients, clock);
    return { id: 'ecs-service-linked-role', status: 'pass', detail: outcome === 'created' ? `${ECS_SERVICE_LINKED_ROLE} created (--fix)` : `${ECS_SERVICE_LINKED_ROLE} exists` };
  } catch (error) {
    return {
      id: 'ecs-service-linked-role', status: 'fail', detail: `${ECS_SERVICE_LINKED_ROLE} is missing and --fix could not create it: ${describeAwsError(error).message}`,
      fix: 'ask someone allowed iam:CreateServiceLinkedRole to run: aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com',
    };
  }
}

/**
 * Kit stacks in a Region the class does not deploy to (a student whose CLI had another default
 * Region): they bill unseen by a one-Region status or teardown. The class's Regions are this one
 * and, with a roster, those of the roster's students in this account.
 */
async function checkOtherRegions(clients: AwsClients, clock: Clock, config: LabConfig, account: string, region: string): Promise<CheckResult> {
  const id = 'other-regions';
  const classRegions = new Set([region, ...(config.roster?.students ?? []).filter((s) => (s.account ?? account) === account && s.region).map((s) => s.region!)]);
  let others: string[];
  try {
    others = (await enabledRegions(clients, clock)).filter((r) => !classRegions.has(r));
  } catch (error) {
    return couldNotCheck(id, error, 'allow ec2:DescribeRegions, or run class-lab-admin status --all-regions where it is allowed');
  }
  const where = [...classRegions].join(', ');
  let listing;
  try {
    listing = await listKitStacksInRegions(clients, clock, others);
  } catch (error) {
    return couldNotCheck(id, error);
  }
  const notLooked = listing.unlisted.length ? `; could not look in ${listing.unlisted.map((u) => u.region).join(', ')}` : '';
  if (listing.stacks.length === 0) {
    return { id, status: listing.unlisted.length ? 'warn' : 'pass', detail: `no Class Lab stack in the ${others.length} other enabled Region(s)${notLooked}` };
  }
  const found = listing.stacks.map((s) => `${s.name} (${s.student}) in ${s.region}`).join(', ');
  const students = [...new Set(listing.stacks.map((s) => s.student))].join(',');
  return {
    id, status: 'warn', detail: `${listing.stacks.length} Class Lab stack(s) outside ${where}, where the class deploys: ${found}${notLooked}`,
    fix: `they bill there too: \`class-lab-admin status --all-regions\` lists them, \`class-lab-admin teardown --student ${students} --all-regions --delete\` removes them; students deploy to ${where} (AWS_REGION or their profile's region)`,
  };
}

/** Quota checks for the students who deploy here: the roster's in this account and Region, or --students. */
async function checkCapacity(clients: AwsClients, config: LabConfig, options: DoctorOptions, account: string, region: string): Promise<CheckResult[]> {
  const students = config.roster
    ? studentsHere(config.roster.students, account, region)
    : Array.from({ length: options.students }, (_, i) => config.student ?? `student-${i + 1}`);
  const checks = await capacityChecks(clients, { perStudent: options.perStudent, students, quotas: options.quotas, region });
  if (!config.roster) return checks;
  const roster: CheckResult = students.length > 0
    ? { id: 'roster', status: 'pass', detail: `${students.length} of ${config.roster.students.length} roster student(s) deploy in ${account} ${region}: ${students.join(', ')}` }
    : { id: 'roster', status: 'warn', detail: `no roster student deploys in ${account} ${region}`, fix: 'run doctor with the credentials and --region of the roster\'s accounts (or --assume-role-name to check them all)' };
  return [roster, ...checks];
}

/** The settings the deploy would use (lab-settings.json, `-c` over it); a bad one is an argument error of doctor. */
export function doctorConfig(context: Record<string, string>, command = 'doctor', projectDir = process.cwd()): LabConfig {
  return commandSettings(context, command, projectDir).config;
}

export interface CheckRun {
  readonly results: CheckResult[];
  readonly account?: string;
  readonly region?: string;
  /** AWS could not be used at all (no region, no or rejected credentials): exit 4. */
  readonly awsUnusable?: boolean;
}

/** Runs every check; the first two (region, credentials) gate the rest. */
export async function runChecks(clients: AwsClients, clock: Clock, options: DoctorOptions): Promise<CheckRun> {
  const config = doctorConfig(options.context, 'doctor', options.projectDir);
  let region: string;
  try {
    region = await clients.region();
  } catch (error) {
    return { awsUnusable: true, results: [{ id: 'region', status: 'fail', detail: describeAwsError(error).message, fix: 'pass --region us-east-1 or set AWS_REGION' }] };
  }
  let identity: Identity;
  try {
    identity = await clients.identity();
  } catch (error) {
    return { region, awsUnusable: true, results: [checkRegion(region), { id: 'credentials', status: 'fail', detail: describeAwsError(error).message, fix: 'configure credentials, then run doctor again' }] };
  }
  const results = [
    await checkCredentials(clients, identity, clock),
    checkRegion(region),
    checkSandbox(identity, region),
    ...(await Promise.all([
      checkBootstrap(clients, identity, region),
      checkEcsRole(clients, config, clock, options.fix === true),
      checkZones(clients, region),
      checkOtherRegions(clients, clock, config, identity.account, region),
    ])),
    ...(await checkCapacity(clients, config, options, identity.account, region)),
  ];
  return { results, account: identity.account, region };
}

export async function runDoctor(reporter: Reporter, clients: AwsClients, clock: Clock, options: DoctorOptions): Promise<number> {
  const config = doctorConfig(options.context, 'doctor', options.projectDir);
  const deploy = `npx cdk deploy ClassLabStack${config.student ? ` -c student=${config.student}` : ''}`;
  reporter.progress(`Checking whether \`${deploy}\` would work...`);
  const { results, account, region, awsUnusable } = await runChecks(clients, clock, options);
  const failed = results.filter((r) => r.status === 'fail');
  const warned = results.filter((r) => r.status === 'warn');
  const exitCode = failed.length === 0 ? EXIT.ok : awsUnusable ? EXIT.aws : EXIT.failed;
  reporter.document({ account, region, ok: failed.length === 0, exitCode, checks: results });
  reporter.line(`Class Lab doctor${account ? ` for account ${account}` : ''}${region ? ` in ${region}` : ''}:`);
  const rows = table(results.map((r) => [r.status.toUpperCase().padEnd(4), r.id, r.detail]));
  results.forEach((r, i) => {
    reporter.line(rows[i]);
    if (r.fix && r.status !== 'pass') reporter.line(`        fix: ${r.fix}`);
  });
  const summary = `${failed.length} failed, ${warned.length} warning(s), ${results.length - failed.length - warned.length} passed`;
  if (failed.length > 0) {
    reporter.line(`Result: ${summary}. Fix the failed checks before deploying.`);
    reporter.io.stderr(`class-lab-admin doctor: ${failed.length} check(s) failed: ${failed.map((r) => r.id).join(', ')}`);
    return exitCode;
  }
  reporter.line(`Result: ${summary}. \`${deploy}\` should work.`);
  return EXIT.ok;
}
