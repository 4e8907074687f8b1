/**
 * Literal physical names in a CloudFormation template: what two students' stacks in one account
 * must never share. Found by shape, not by a list of resource types: every top-level resource
 * property named `Name` or ending in `Name` (BucketName, RoleName, Name of a hosted zone or DNS
 * record, ...) whose value is a plain string, and every output export name. Inline IAM policy
 * names are left out: they only need to be unique on their role.
 */
export interface LiteralName {
  /** Where: `<logical id>.<property>` or `Outputs.<id>.Export.Name`. */
  readonly where: string;
  readonly value: string;
}

export function literalNames(template: Record<string, any>): LiteralName[] {
  const names: LiteralName[] = [];
  for (const [logicalId, resource] of Object.entries<Record<string, any>>(template.Resources ?? {})) {
    for (const [key, value] of Object.entries<unknown>(resource.Properties ?? {})) {
      // An inline policy's name is scoped to the role it belongs to, not to the account.
      if (resource.Type === 'AWS::IAM::Policy' && key === 'PolicyName') continue;
      if (/Name$/.test(key) && typeof value === 'string') names.push({ where: `${logicalId}.${key}`, value });
    }
  }
  for (const [outputId, output] of Object.entries<Record<string, any>>(template.Outputs ?? {})) {
    const exportName = output.Export?.Name;
    if (typeof exportName === 'string') names.push({ where: `Outputs.${outputId}.Export.Name`, value: exportName });
  }
  return names;
}

/** The names two sets of templates share, with where each side uses it. */
export function sharedNames(a: Iterable<Record<string, any>>, b: Iterable<Record<string, any>>): Array<{ value: string; a: string[]; b: string[] }> {
  const index = (templates: Iterable<Record<string, any>>) => {
    const byValue = new Map<string, string[]>();
    for (const t of templates) for (const n of literalNames(t)) byValue.set(n.value, [...(byValue.get(n.value) ?? []), n.where]);
    return byValue;
  };
  const left = index(a);
  const right = index(b);
  return [...left.keys()].filter((v) => right.has(v)).map((value) => ({ value, a: left.get(value)!, b: right.get(value)! }));
}
