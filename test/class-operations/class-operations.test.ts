import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack, Token } from 'aws-cdk-lib';
import { literalNames, sharedNames } from '../support/names';
import { synthLab, SynthesizedLab } from '../support/synth';

/** A roster file in a temporary directory; returns its path. */
function writeRoster(content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-lab-roster-'));
  const file = path.join(dir, 'roster.json');
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

/** Templates of one ClassLabStack and its nested stacks. */
function templatesOf(lab: SynthesizedLab, stack: Stack): Array<Record<string, any>> {
  return [...lab.allTemplates().entries()].filter(([p]) => p === stack.node.path || p.startsWith(`${stack.node.path}/`)).map(([, t]) => t);
}

describe('literal name finder (the check below relies on it)', () => {
  test('finds top-level *Name and Name properties and export names, and skips tokens and nested names', () => {
    const template = {
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'lab-ana' } },
        Zone: { Type: 'AWS::Route53::HostedZone', Properties: { Name: 'ana.class.internal.' } },
        Group: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::Join': ['', ['x', { Ref: 'AWS::StackName' }]] } } },
        Template: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { BlockDeviceMappings: [{ DeviceName: '/dev/xvda' }] } } },
      },
      Outputs: { Url: { Value: 'x', Export: { Name: 'ana-url' } } },
    };
    expect(literalNames(template)).toEqual([
      { where: 'Bucket.BucketName', value: 'lab-ana' },
      { where: 'Zone.Name', value: 'ana.class.internal.' },
      { where: 'Outputs.Url.Export.Name', value: 'ana-url' },
    ]);
    expect(sharedNames([template], [template]).map((s) => s.value)).toEqual(['lab-ana', 'ana.class.internal.', 'ana-url']);
  });
});

describe('several students in one account', () => {
  // Every module and the expiry schedule on: whatever a module names, it must not collide.
  const solo = synthLab({ expiresAfterHours: '4' }, { guardrails: false });
  const ana = synthLab({ student: 'ana', expiresAfterHours: '4' }, { guardrails: false });
  const ben = synthLab({ student: 'ben', expiresAfterHours: '4' }, { guardrails: false });

  test('each gets a stack of their own: the same name to type (what the CLI selects the stack by), a different stack name', () => {
    expect([solo, ana, ben].map((l) => l.app.synth().getStackArtifact(l.stack.artifactId).hierarchicalId)).toEqual(['ClassLabStack', 'ClassLabStack', 'ClassLabStack']);
    expect([solo, ana, ben].map((l) => l.stack.stackName)).toEqual(['ClassLabStack', 'ClassLabStack-ana', 'ClassLabStack-ben']);
  });

  test.each([
    ['solo', 'ana'],
    ['solo', 'ben'],
    ['ana', 'ben'],
  ])('%s and %s share no physical name, export name or DNS name in any template, nested included', (a, b) => {
    const labs: Record<string, SynthesizedLab> = { solo, ana, ben };
    expect(sharedNames(labs[a].allTemplates().values(), labs[b].allTemplates().values())).toEqual([]);
  });

  test('tags say whose resources they are', () => {
    const studentTag = (lab: SynthesizedLab) =>
      Object.values(lab.root.findResources('AWS::EC2::VPC'))[0].Properties.Tags.find((t: { Key: string }) => t.Key === 'student').Value;
    expect([solo, ana, ben].map(studentTag)).toEqual(['solo', 'ana', 'ben']);
  });
});

describe('a class roster', () => {
  const rosterFile = writeRoster({
    students: ['ana', { id: 'ben', region: 'us-west-2' }, { id: 'cleo', account: '123456789012', region: 'us-east-1' }],
  });
  const lab = synthLab({ roster: rosterFile, expiresAfterHours: '4' }, { guardrails: false });
  const stacks = lab.stacks;

  test('defines one stack per student, with the construct id and stack name ClassLabStack-<id>', () => {
    expect(stacks.map((s) => [s.node.id, s.stackName])).toEqual([
      ['ClassLabStack-ana', 'ClassLabStack-ana'],
      ['ClassLabStack-ben', 'ClassLabStack-ben'],
      ['ClassLabStack-cleo', 'ClassLabStack-cleo'],
    ]);
    expect(lab.app.synth().stacks.map((s) => s.stackName).sort()).toEqual(['ClassLabStack-ana', 'ClassLabStack-ben', 'ClassLabStack-cleo']);
  });

  test('sends each stack to the roster account and region, else where the CLI profile points (unknown here)', () => {
    const cliDefault = (value: string) => (Token.isUnresolved(value) ? '(CLI default)' : value);
    expect(stacks.map((s) => [cliDefault(s.account), cliDefault(s.region)])).toEqual([
      ['(CLI default)', '(CLI default)'],
      ['(CLI default)', 'us-west-2'],
      ['123456789012', 'us-east-1'],
    ]);
  });

  test('gives each stack its student tag and its own expiry schedules (the expiry and the second attempt)', () => {
    for (const stack of stacks) {
      const template = lab.template(stack).toJSON();
      const vpc = Object.values<Record<string, any>>(template.Resources).find((r) => r.Type === 'AWS::EC2::VPC')!;
      expect(vpc.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'student', Value: stack.stackName.replace('ClassLabStack-', '') }]));
      expect(Object.values<Record<string, any>>(template.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule')).toHaveLength(2);
    }
  });

  test('no two students share a physical name, export name or DNS name', () => {
    for (const [i, a] of stacks.entries()) {
      for (const b of stacks.slice(i + 1)) {
        expect({ pair: [a.stackName, b.stackName], shared: sharedNames(templatesOf(lab, a), templatesOf(lab, b)) }).toEqual({ pair: [a.stackName, b.stackName], shared: [] });
      }
    }
  });

  test('has no single stack: `stack` says to use `stacks`', () => {
    expect(() => lab.stack).toThrow('The app has 3 stacks (a roster); use stacks, not stack');
  });
});
