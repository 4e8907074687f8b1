/**
 * Learner Lab mode (`-c sandbox=learner-lab`): AWS Academy Learner Lab and similar sandboxes let
 * nobody create IAM roles, policies or instance profiles; they offer one existing role (LabRole)
 * and its instance profile (LabInstanceProfile). Here every role any construct of the app would
 * create is mapped to that role with `iam.Role.customizeRoles`, which makes CDK write no role at
 * all (and a report of what each role needed to cdk.out/iam-policy-report.*).
 *
 * customizeRoles must know every role's construct path before the role is constructed: a Role
 * reads the mapping in its constructor, and an unmapped role fails synth. So the stacks are
 * built twice: once in a scratch app to find every role path, whatever module created it
 * (iam.Role constructs and the raw AWS::IAM::Role of custom-resource providers alike), then
 * for real with all of them mapped. Nothing here lists module paths by hand.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, AppProps, CfnResource, CliCredentialsStackSynthesizer, ISynthesisSession, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * The ARN of the lab role in whatever account the stack is deployed to. `${AWS::Partition}` and
 * `${AWS::AccountId}` are placeholders the CDK CLI fills in from the deploy credentials, so the
 * app still synthesizes offline, without an account.
 */
export function labRoleArnPlaceholder(roleName: string): string {
  return `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${roleName}`;
}

/**
 * How `npx cdk deploy ClassLabStack` deploys in the Learner Lab, so the student passes no `-r`.
 * The bootstrap stack there (learner-lab/bootstrap-template.yaml) has the asset bucket and image
 * repository but none of the CDK's roles. CliCredentialsStackSynthesizer publishes assets and
 * calls CloudFormation with the student's own credentials and assumes no bootstrap role (no
 * deploy, file-publishing or lookup role, and no bootstrap-version check that reads SSM as one):
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.CliCredentialsStackSynthesizer.html
 * On top, the stack's manifest names the lab role as CloudFormation's execution role, which the
 * CLI uses exactly as it would `-r` (an explicit `-r` still wins).
 */
export class LabRoleStackSynthesizer extends CliCredentialsStackSynthesizer {
  /** Role CloudFormation acts as, with placeholders until deploy. */
  readonly cloudFormationExecutionRoleArn: string;

  constructor(roleName: string) {
    super();
    this.cloudFormationExecutionRoleArn = labRoleArnPlaceholder(roleName);
  }

  protected emitArtifact(session: ISynthesisSession, options: Parameters<CliCredentialsStackSynthesizer['emitArtifact']>[1] = {}): void {
    super.emitArtifact(session, { ...options, cloudFormationExecutionRoleArn: this.cloudFormationExecutionRoleArn });
  }
}

/**
 * The construct paths customizeRoles needs for every role defined under `scope`: the path of an
 * iam.Role (its CfnRole is the child `Resource`), or of the raw AWS::IAM::Role resource itself
 * (custom-resource providers create `<provider>/Role` without an iam.Role around it).
 */
export function rolePaths(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::IAM::Role')
    .map((resource) => {
      const parent = resource.node.scope;
      return parent instanceof iam.Role ? parent.node.path : resource.node.path;
    });
}

/**
 * Defines the app's stacks with `define` so that they create no IAM resource: every role maps to
 * `roleName`. `scratchProps` are the props `app` was created with (same context, so the scratch
 * build has the same construct tree). Must run before anything is added to `app`.
 */
export function defineWithLabRole<T extends Stack>(app: App, scratchProps: AppProps, roleName: string, define: (scope: App) => readonly T[]): readonly T[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-roles-'));
  let paths: string[];
  try {
    // Never synthesized: autoSynth off, and its own outdir for the assets constructors stage.
    const scratch = new App({ ...scratchProps, outdir, autoSynth: false });
    define(scratch);
    paths = rolePaths(scratch);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  iam.Role.customizeRoles(app, { usePrecreatedRoles: Object.fromEntries(paths.map((p) => [p, roleName])) });
  const stacks = define(app);
  for (const stack of stacks) forbidIamResources(stack);
  return stacks;
}

/**
 * Fails synth, naming the construct, if anything in the stack (nested stacks included) would
 * still create an IAM resource, e.g. a module writing a raw CfnInstanceProfile or CfnPolicy.
 * Runs at synth, after aspects, so late additions are caught too.
 */
export function forbidIamResources(stack: Stack): void {
  stack.node.addValidation({
    validate: () =>
      stack.node
        .findAll()
        .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType.startsWith('AWS::IAM::'))
        .filter(willBeInTemplate)
        .map((r) => `sandbox=learner-lab: ${r.node.path} would create ${r.cfnResourceType}, which the sandbox forbids; use the lab role or instance profile instead`),
  });
}

/**
 * Whether a resource will be written to its template. An iam.Policy keeps a CfnPolicy that it
 * renders only once attached to a role, and a mapped role never attaches it; CfnResource's
 * `shouldSynthesize` (protected, meant for exactly this) says so.
 */
function willBeInTemplate(resource: CfnResource): boolean {
  return (resource as unknown as { shouldSynthesize(): boolean }).shouldSynthesize();
}
