/**
 * Guardrails at class scale. A roster gives every student the same ClassLabStack, differing
 * only in the student id (and the names, hashes and file names derived from it). Validating
 * 100 identical stacks one by one made `cdk ls` of a 100-student roster take minutes, almost
 * all of it in the validators (CDK's built-in CloudFormation validation, cdk-nag, Guard).
 *
 * Each validator here runs on one representative student's templates and on every stack that
 * is not provably the same: a stack counts as the same only when each of its templates, with
 * the student id, the derived names and the asset hashes replaced by placeholders, is equal
 * byte for byte to the representative's. Its findings are the representative's, mapped onto
 * its own templates and construct paths, so every deployed stack still gets every finding and
 * every acknowledgement. Anything that differs is validated itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  App, CloudFormationValidatePlugin, Names, IPolicyValidationContext, IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1,
  NestedStack, PolicyValidationPluginReport, PolicyValidationPluginReportBeta1, Stack,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

const STACK_PREFIX = 'ClassLabStack-';

/** The templates of one top-level stack: its own and its nested stacks', by path relative to it. */
export interface StackFiles {
  readonly stack: Stack;
  readonly student?: string;
  readonly root: string;
  /** Nested stack construct path relative to the stack -> template file. */
  readonly nested: Map<string, string>;
}

/** A representative stack and the stacks proven equal to it. */
export interface StackGroup {
  readonly representative: StackFiles;
  readonly members: StackFiles[];
}

function topLevelStackOf(stack: Stack): Stack {
  return NestedStack.isNestedStack(stack) && stack.nestedStackParent ? topLevelStackOf(stack.nestedStackParent) : stack;
}

/** Every top-level stack of the validation context with its template files. */
export function stackFiles(context: Pick<IPolicyValidationContextBeta1, 'templatePaths' | 'appConstruct'>): StackFiles[] {
  const byBase = new Map(context.templatePaths.map((p) => [path.basename(p), p]));
  const all = context.appConstruct.node.findAll();
  const stacks = all.filter((c): c is Stack => Stack.isStack(c) && !NestedStack.isNestedStack(c));
  return stacks.flatMap((stack) => {
    const root = byBase.get(stack.templateFile);
    if (!root) return [];
    const nested = new Map<string, string>();
    for (const n of all.filter((c): c is NestedStack => NestedStack.isNestedStack(c) && topLevelStackOf(c) === stack)) {
      nested.set(path.relative(stack.node.path, n.node.path), path.join(path.dirname(root), n.templateFile));
    }
    const id = stack.node.id;
    return [{ stack, root, nested, student: id.startsWith(STACK_PREFIX) ? id.slice(STACK_PREFIX.length) : undefined }];
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A template's text with everything derived from the student replaced, so that equal means same shape and values. */
const UIDS = new WeakMap<StackFiles, { byUid: Map<string, string>; pattern: RegExp }>();

function uidIndex(files: StackFiles): { byUid: Map<string, string>; pattern: RegExp } {
  let index = UIDS.get(files);
  if (!index) {
    const byUid = new Map<string, string>();
    for (const c of files.stack.node.findAll()) {
      if (c === files.stack) continue;
      byUid.set(Names.uniqueId(c), path.relative(files.stack.node.path, c.node.path));
    }
    const alternatives = [...byUid.keys()].sort((a, b) => b.length - a.length).map(escape);
    index = { byUid, pattern: new RegExp(alternatives.length > 0 ? alternatives.join('|') : '(?!)', 'g') };
    UIDS.set(files, index);
  }
  return index;
}
const uniqueIds = (files: StackFiles) => uidIndex(files).byUid;
const uniqueIdPattern = (files: StackFiles) => uidIndex(files).pattern;

export function normalized(file: string, files: StackFiles): string {
  let text = fs.readFileSync(file, 'utf8');
  // Nested template file names (and their unique-id hashes) differ per student: name them by role.
  for (const [relative, nestedFile] of files.nested) text = text.split(path.basename(nestedFile)).join(`<nested:${relative}>`);
  const id = files.student!;
  text = text.split(`${STACK_PREFIX}${id}`).join('<stack>');
  // Unique ids of the stack's constructs start with the stack id and end in a hash of the full
  // path (e.g. the parameters that pass references into nested stacks): name them by relative path.
  text = text.replace(uniqueIdPattern(files), (uid) => `<uid:${uniqueIds(files).get(uid)}>`);
  // Logical ids built from a unique id end in their own path hash (e.g. the ingress rules CDK
  // adds, TaskSecurityGroupfrom<uid>8080761B2301): spreadFindings maps them by position.
  text = text.replace(/(<uid:[^>]+>[A-Za-z0-9]*?)[0-9A-F]{8}(?=")/g, '$1<logical-hash>');
  text = text.replace(new RegExp(`(?<![A-Za-z0-9])${escape(id)}(?![A-Za-z0-9])`, 'g'), '<student>');
  // Asset hashes (nested template URLs) follow from the content compared here.
  return text.replace(/\b[a-f0-9]{64}\b/g, '<hash>');
}

function sameShape(a: StackFiles, b: StackFiles): boolean {
  if (!a.student || !b.student || a.nested.size !== b.nested.size) return false;
  if (normalized(a.root, a) !== normalized(b.root, b)) return false;
  for (const [relative, file] of a.nested) {
    const other = b.nested.get(relative);
    if (!other || normalized(file, a) !== normalized(other, b)) return false;
  }
  return true;
}

/** Groups stacks that are provably the same; a stack unlike every representative starts its own group. */
export function groupStacks(files: readonly StackFiles[]): StackGroup[] {
  const groups: StackGroup[] = [];
  for (const f of files) {
    // The first group's representative is tried (the roster case); a mismatch is validated on its own.
    const group = groups.find((g) => sameShape(g.representative, f));
    if (group) group.members.push(f);
    else groups.push({ representative: f, members: [] });
  }
  return groups;
}

/** Every template file of these stacks. */
export function templatesOf(files: readonly StackFiles[]): string[] {
  return files.flatMap((f) => [f.root, ...f.nested.values()]);
}

type Report = PolicyValidationPluginReportBeta1;

const RESOURCE_IDS = new Map<string, string[]>();
function resourceIds(file: string): string[] {
  if (!RESOURCE_IDS.has(file)) RESOURCE_IDS.set(file, Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).Resources ?? {}));
  return RESOURCE_IDS.get(file)!;
}

/** The logical id in `to` of the resource `logicalId` of `from`: same position, the templates being equal up to names. */
function sameResourceIn(from: string, logicalId: string, to: string): string {
  const index = resourceIds(from).indexOf(logicalId);
  return index >= 0 ? resourceIds(to)[index] ?? logicalId : logicalId;
}

/** The representative's findings, once more for each member: its template file and construct path. */
export function spreadFindings(report: Report, groups: readonly StackGroup[]): Report {
  const violations = report.violations.flatMap((violation) => [violation, ...groups.flatMap((g) => g.members.map((member) => {
    const rep = g.representative;
    const fileMap = new Map<string, string>([[rep.root, member.root], ...[...rep.nested].map(([rel, f]) => [f, member.nested.get(rel)!] as [string, string])]);
    const resources = violation.violatingResources
      .filter((r) => fileMap.has(r.templatePath))
      .map((r) => ({
        ...r,
        templatePath: fileMap.get(r.templatePath)!,
        resourceLogicalId: r.resourceLogicalId === undefined ? r.resourceLogicalId : sameResourceIn(r.templatePath, r.resourceLogicalId, fileMap.get(r.templatePath)!),
        ...((r as { constructPath?: string }).constructPath
          ? { constructPath: (r as { constructPath?: string }).constructPath!.replace(rep.stack.node.path, member.stack.node.path) }
          : {}),
      }));
    return resources.length > 0 ? [{ ...violation, violatingResources: resources }] : [];
  }).flat())]);
  return { ...report, violations, success: report.success };
}

/** The validation context narrowed to these templates (top-level ones in stackTemplates). */
export function narrowed<C extends IPolicyValidationContextBeta1>(context: C, templatePaths: string[]): C {
  const keep = new Set(templatePaths);
  const stackTemplates = (context as unknown as IPolicyValidationContext).stackTemplates?.filter((s) => keep.has(s.templatePath));
  return { ...context, templatePaths: context.templatePaths.filter((p) => keep.has(p)), ...(stackTemplates ? { stackTemplates } : {}) };
}

/** Runs `validate` on the representatives (and any stack unlike them) and spreads the findings. */
export function validateOncePerShape(context: IPolicyValidationContextBeta1, validate: (validated: StackFiles[]) => Report): Report {
  const groups = groupStacks(stackFiles(context));
  const report = validate(groups.map((g) => g.representative));
  return spreadFindings(report, groups);
}

/**
 * CDK's built-in CloudFormation validation, once per stack shape. Registering an instance of
 * CloudFormationValidatePlugin replaces CDK's own default instance, which would otherwise
 * validate every stack.
 */
export class RosterCloudFormationValidate extends CloudFormationValidatePlugin {
  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    return validateOncePerShape(context, (validated) => {
      // Nested templates are not in templatePaths: the engine reads only the top-level ones it is given.
      const roots = validated.map((f) => f.root);
      return super.validate(narrowed(context, roots)) as unknown as Report;
    }) as unknown as PolicyValidationPluginReport;
  }
}

/** Whether CDK would run its built-in validation for this app (`--no-validation`, CDK_VALIDATION=false turn it off). */
export function builtinValidationEnabled(app: App): boolean {
  return (app as unknown as { _builtinCloudFormationValidation?: boolean })._builtinCloudFormationValidation !== false && process.env.CDK_VALIDATION !== 'false';
}

/** The Guard validator, run on the representatives' templates (root and nested). */
export class TemplateValidatorOncePerShape implements IPolicyValidationPluginBeta1 {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];

  constructor(private readonly inner: IPolicyValidationPluginBeta1 & { validateTemplates(context: IPolicyValidationContextBeta1, templatePaths: string[]): Report }) {
    this.name = inner.name;
    this.version = inner.version;
    this.ruleIds = inner.ruleIds;
  }

  validate(context: IPolicyValidationContextBeta1): Report {
    return validateOncePerShape(context, (validated) => this.inner.validateTemplates(context, templatesOf(validated)));
  }
}

/** A validator that walks constructs (cdk-nag), run on the representatives' subtrees only. */
export class ConstructValidatorOncePerShape implements IPolicyValidationPluginBeta1 {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];

  // cdk-nag's report uses the newer (non-Beta1) types, structurally the same for what is read here.
  constructor(private readonly inner: { readonly name: string; readonly version?: string; readonly ruleIds?: string[]; validateScope(scope: IConstruct): unknown }) {
    this.name = inner.name;
    this.version = inner.version;
    this.ruleIds = inner.ruleIds;
  }

  validate(context: IPolicyValidationContextBeta1): Report {
    return validateOncePerShape(context, (validated) => {
      const reports = validated.map((f) => this.inner.validateScope(f.stack) as Report);
      const byRule = new Map<string, Report['violations'][number]>();
      for (const v of reports.flatMap((r) => r.violations)) {
        const seen = byRule.get(v.ruleName);
        if (seen) seen.violatingResources.push(...v.violatingResources);
        else byRule.set(v.ruleName, { ...v, violatingResources: [...v.violatingResources] });
      }
      return { success: reports.every((r) => r.success), violations: [...byRule.values()] };
    });
  }
}
