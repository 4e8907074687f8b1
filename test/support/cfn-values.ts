/**
 * Evaluates the CloudFormation functions CDK writes into outputs (Fn::Join, Fn::Select,
 * Fn::Split, Ref, Fn::GetAtt) the way CloudFormation would at deploy time, with made-up
 * values for what only a deploy knows. Tests use it to compare a whole output with the exact
 * text a student will see, e.g. a `docker push` command.
 */
export const FAKE_ACCOUNT = '123456789012';
export const FAKE_REGION = 'us-east-1';

export type Resolver = (kind: 'Ref' | 'GetAtt', name: string) => string | undefined;

export function evaluate(value: unknown, resolve: Resolver): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const node = value as Record<string, any>;
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'];
    return (parts as unknown[]).map((p) => evaluate(p, resolve)).join(separator);
  }
  if ('Fn::Select' in node) {
    const [index, list] = node['Fn::Select'];
    return evaluateList(list, resolve)[Number(index)];
  }
  if ('Ref' in node) return pseudo(node.Ref) ?? known(resolve('Ref', node.Ref), `Ref ${node.Ref}`);
  if ('Fn::GetAtt' in node) {
    const name = (node['Fn::GetAtt'] as string[]).join('.');
    return known(resolve('GetAtt', name), `Fn::GetAtt ${name}`);
  }
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
}

function evaluateList(value: unknown, resolve: Resolver): string[] {
  const node = value as Record<string, any>;
  if ('Fn::Split' in node) {
    const [separator, source] = node['Fn::Split'];
    return evaluate(source, resolve).split(separator);
  }
  throw new Error(`cannot evaluate list ${JSON.stringify(value)}`);
}

function pseudo(name: string): string | undefined {
  return ({ 'AWS::Region': FAKE_REGION, 'AWS::AccountId': FAKE_ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com', 'AWS::Partition': 'aws' } as Record<string, string>)[name];
}

function known(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`no test value for ${what}`);
  return value;
}
