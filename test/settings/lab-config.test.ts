import { CLASS_MODULES, ConfigError, DNS_NAME_MAX_LENGTH, FARGATE_TASK_SIZES, HOST_HEADER_MAX_LENGTH, loadLabConfig, SETTINGS, ZONE_NAME_MAX_LENGTH } from '../../lib/settings/lab-config';

function load(context: Record<string, unknown>) {
  return loadLabConfig((key) => context[key]);
}

function problemsOf(context: Record<string, unknown>): readonly string[] {
  try {
    load(context);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(context)}`);
}

describe('LabConfig defaults', () => {
  test('give the documented lab: every module, two t4g.nano instances scaling between one and two (a new account\'s 5 vCPUs), open to all', () => {
    const config = load({});
    expect(config.student).toBeUndefined();
    expect([...config.modules]).toEqual([...CLASS_MODULES]);
    expect(config.instanceType).toBe('t4g.nano');
    expect(config.architecture).toBe('arm64');
    expect(config.fleet).toEqual({ min: 1, desired: 2, max: 2 });
    expect(config.allowedCidr).toBe('0.0.0.0/0');
    expect(config.amiId).toBeUndefined();
    expect(config.zone).toEqual({ name: 'lab.class.internal', publicZoneId: undefined });
    expect(config.imageTag).toBeUndefined();
    expect(config.appTask).toEqual({ cpu: 256, memoryMiB: 512 });
  });

  test('name the private zone after the student', () => {
    expect(load({ student: 'ana-02' }).zone).toEqual({ name: 'ana-02.class.internal', publicZoneId: undefined });
  });

  test('every setting the code reads is documented in SETTINGS', () => {
    const read: string[] = [];
    loadLabConfig((key) => {
      read.push(key);
      return undefined;
    });
    expect(new Set(read)).toEqual(new Set(SETTINGS.map((s) => s.key)));
  });
});

describe('LabConfig accepts', () => {
  test.each([
    ['t3.micro', 'x86_64'],
    ['t3a.small', 'x86_64'],
    ['t4g.large', 'arm64'],
  ])('instanceType %s with the %s AMI', (instanceType, architecture) => {
    expect(load({ instanceType }).architecture).toBe(architecture);
  });

  test('numbers given as strings (-c) or numbers (cdk.json)', () => {
    expect(load({ fleetMin: '1', fleetDesired: 3, fleetMax: '9' }).fleet).toEqual({ min: 1, desired: 3, max: 9 });
  });

  test('a module subset, trimmed', () => {
    expect([...load({ modules: 'ec2, s3' }).modules]).toEqual(['ec2', 's3']);
  });

  test('a student id, an AMI id and a CIDR', () => {
    const config = load({ student: 'ana-02', amiId: 'ami-0123456789abcdef0', allowedCidr: '203.0.113.0/24' });
    expect(config).toMatchObject({ student: 'ana-02', amiId: 'ami-0123456789abcdef0', allowedCidr: '203.0.113.0/24' });
  });

  test('a zone name, case and trailing dot normalized (DNS names are case-insensitive)', () => {
    expect(load({ zoneName: 'Lab.Example.COM.' }).zone).toEqual({ name: 'lab.example.com', publicZoneId: undefined });
    expect(load({ zoneName: 'x-1.lab.example.com' }).zone.name).toBe('x-1.lab.example.com');
  });

  test('the longest zone name that still fits web.<zone> and app.<zone> in an ALB host-header condition', () => {
    const name = `${'a'.repeat(63)}.${'b'.repeat(56)}.ccc`;
    expect(name).toHaveLength(ZONE_NAME_MAX_LENGTH);
    expect(`web.${name}`).toHaveLength(HOST_HEADER_MAX_LENGTH);
    expect(HOST_HEADER_MAX_LENGTH).toBeLessThan(DNS_NAME_MAX_LENGTH);
    expect(load({ zoneName: name }).zone.name).toBe(name);
  });

  test('a public zone id with its name, bare or as list-hosted-zones prints it', () => {
    expect(load({ publicZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }).zone)
      .toEqual({ name: 'example.com', publicZoneId: 'Z0123456789ABCDEFGHIJ' });
    expect(load({ publicZoneId: '/hostedzone/Z1D633PJN98FT9', zoneName: 'example.com' }).zone.publicZoneId).toBe('Z1D633PJN98FT9');
  });
});

describe('LabConfig accepts container settings', () => {
  test.each(['v1', 'v2.1.0', 'latest', '_build-7', 'a'.repeat(128)])('imageTag %s', (imageTag) => {
    expect(load({ imageTag }).imageTag).toBe(imageTag);
  });

  test('imageTag with exactly the modules it needs', () => {
    expect(load({ modules: 'ecr,ecs', imageTag: 'v1' }).imageTag).toBe('v1');
  });

  test('every CPU and memory pair Fargate accepts', () => {
    const pairs = Object.entries(FARGATE_TASK_SIZES).flatMap(([cpu, sizes]) => sizes.map((memory) => [Number(cpu), memory]));
    expect(pairs).toHaveLength(3 + 4 + 7 + 13 + 23 + 12 + 12);
    for (const [cpu, memory] of pairs) {
      expect(load({ appCpu: String(cpu), appMemory: memory }).appTask).toEqual({ cpu, memoryMiB: memory });
    }
  });

  test('appCpu alone gets the smallest memory Fargate accepts with it', () => {
    expect(load({ appCpu: '1024' }).appTask).toEqual({ cpu: 1024, memoryMiB: 2048 });
    expect(load({ appCpu: 4096 }).appTask).toEqual({ cpu: 4096, memoryMiB: 8192 });
  });
});

describe('LabConfig rejects, naming the key, the value and what is allowed', () => {
  test.each<[string, Record<string, unknown>, RegExp]>([
    ['an upper-case student id', { student: 'Ana' }, /^student: got "Ana"; allowed: lowercase letters/],
    ['a student id with a space', { student: 'ana b' }, /^student: got "ana b"/],
    ['a student id ending in a hyphen', { student: 'ana-' }, /^student: got "ana-"/],
    ['a student id too long for the names it feeds', { student: 'a'.repeat(21) }, /^student: got "a{21}"; allowed: .*at most 20 characters/],
    ['an unknown module', { modules: 'ec2,lambda' }, /^modules: got "ec2,lambda"; allowed: a comma list of ec2, s3, route53, ecr, ecs/],
    ['an empty module list', { modules: ',' }, /^modules: got ","/],
    ['an unknown instance family', { instanceType: 'x9.nano' }, /^instanceType: got "x9.nano"; allowed: <family>.<size>/],
    ['a too-large instance', { instanceType: 't3.xlarge' }, /^instanceType: got "t3.xlarge"/],
    ['a non-numeric fleet size', { fleetMax: 'four' }, /^fleetMax: got "four"; allowed: a whole number/],
    ['a negative fleet size', { fleetMin: '-1' }, /^fleetMin: got "-1"/],
    ['a zero minimum', { fleetMin: '0', fleetDesired: '0' }, /^fleetMin: got 0; allowed: a whole number, 1 <= fleetMin/],
    ['desired below min', { fleetMin: '3', fleetDesired: '2' }, /^fleetDesired: got {"fleetMin":3,"fleetDesired":2,"fleetMax":2}/],
    ['max below desired', { fleetDesired: '3', fleetMax: '2' }, /^fleetMax: got .*fleetDesired <= fleetMax <= 9/],
    ['max above the sandbox limit', { fleetMax: '10' }, /^fleetMax: got .*"fleetMax":10/],
    ['a CIDR that is not one', { allowedCidr: 'my-office' }, /^allowedCidr: got "my-office"; allowed: an IPv4 CIDR/],
    ['an octet over 255', { allowedCidr: '10.0.0.256/32' }, /^allowedCidr: got "10.0.0.256\/32"/],
    ['a prefix over 32', { allowedCidr: '10.0.0.0/33' }, /^allowedCidr: got "10.0.0.0\/33"/],
    ['host bits set', { allowedCidr: '203.0.113.7/24' }, /^allowedCidr: got "203.0.113.7\/24"; allowed: a network address; did you mean 203.0.113.0\/24\?/],
    ['a malformed AMI id', { amiId: 'ami-xyz' }, /^amiId: got "ami-xyz"; allowed: an AMI id/],
    ['a zone name with an underscore', { zoneName: 'my_lab.example.com' }, /^zoneName: got "my_lab.example.com"; allowed: a DNS name/],
    ['a zone name of one label', { zoneName: 'lab' }, /^zoneName: got "lab"; allowed: .*at least two dot-separated labels/],
    ['a zone name with an empty label', { zoneName: 'lab..example.com' }, /^zoneName: got "lab..example.com"/],
    ['a zone name label starting with a hyphen', { zoneName: '-lab.example.com' }, /^zoneName: got "-lab.example.com"/],
    ['a zone name label over 63 characters', { zoneName: `${'a'.repeat(64)}.com` }, /^zoneName: got "a{64}.com"; allowed: .*each 1-63 characters/],
    ['a zone name ending in a number (an IP address, not a zone)', { zoneName: '10.0.0.1' }, /^zoneName: got "10.0.0.1"; allowed: .*the last one letters only/],
    ['a zone name so long that web.<zone> would not fit a host-header condition', { zoneName: `${'a'.repeat(63)}.${'b'.repeat(57)}.ccc` },
      /^zoneName: got "a{63}\.b{15}… \(127 characters\); allowed: .*at most 124 characters so that web.<zoneName> and app.<zoneName> fit the 128 characters of a load balancer host-header condition/],
    ['a public zone id without its zone name', { publicZoneId: 'Z0123456789ABCDEFGHIJ' }, /^zoneName: got nothing; allowed: the name of the public hosted zone that publicZoneId names .*; required with publicZoneId/],
    ['a malformed public zone id', { publicZoneId: 'example.com', zoneName: 'example.com' }, /^publicZoneId: got "example.com"; allowed: the id of an existing public hosted zone, such as Z0123456789ABCDEFGHIJ/],
    ['a public zone id in lower case', { publicZoneId: 'z0123456789abcdefghij', zoneName: 'example.com' }, /^publicZoneId: got "z0123456789abcdefghij"/],
    ['an image tag starting with a hyphen', { imageTag: '-v1' }, /^imageTag: got "-v1"; allowed: a Docker image tag pushed to the kit's ECR repository \(letters, digits, _ \. -, at most 128 characters, not starting with \. or -\), with ecr and ecs in modules$/],
    ['an image tag starting with a dot', { imageTag: '.v1' }, /^imageTag: got ".v1"/],
    ['an image tag with a space', { imageTag: 'v 1' }, /^imageTag: got "v 1"/],
    ['a whole image name instead of a tag', { imageTag: 'class-lab-app:v1' }, /^imageTag: got "class-lab-app:v1"/],
    ['an image tag over 128 characters', { imageTag: 'v'.repeat(129) }, /^imageTag: got "v{79}… \(131 characters\)/],
    ['an image tag without the ecr module', { modules: 'ec2,ecs', imageTag: 'v1' }, /^imageTag: got "v1"; allowed: only with the ecr and ecs modules: add ecr to modules \(now "ec2,ecs"\), or leave imageTag out to run the public placeholder image$/],
    ['an image tag without the ecs module', { modules: 'ecr', imageTag: 'v1' }, /^imageTag: got "v1"; allowed: only with the ecr and ecs modules: add ecs to modules \(now "ecr"\)/],
    ['an image tag with neither', { modules: 'ec2', imageTag: 'v1' }, /add ecr and ecs to modules/],
    ['a CPU size Fargate does not offer', { appCpu: '300' }, /^appCpu: got 300; allowed: Fargate CPU units, one of 256, 512, 1024, 2048, 4096, 8192, 16384 \(256 = 0.25 vCPU\)$/],
    ['a CPU size in vCPU instead of units', { appCpu: '0.25' }, /^appCpu: got "0.25"; allowed: Fargate CPU units/],
    ['too much memory for the CPU', { appMemory: '4096' }, /^appMemory: got {"appCpu":256,"appMemory":4096}; allowed: with appCpu 256, Fargate accepts appMemory 512, 1024, 2048 \(MiB\)$/],
    ['too little memory for the CPU', { appCpu: '2048', appMemory: '2048' }, /^appMemory: got {"appCpu":2048,"appMemory":2048}; allowed: with appCpu 2048, Fargate accepts appMemory 4096 to 16384 in steps of 1024 \(MiB\)$/],
    ['memory off the step', { appCpu: '8192', appMemory: '17000' }, /appMemory 16384 to 61440 in steps of 4096/],
    ['memory in GB instead of MiB', { appMemory: '0.5' }, /^appMemory: got "0.5"; allowed: MiB that Fargate accepts with appCpu: with 256: 512, 1024, 2048; with 512: 1024 to 4096 in steps of 1024;/],
  ])('%s', (_name, context, message) => {
    const problems = problemsOf(context);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('a bad modules list is reported once, not again through imageTag', () => {
    expect(problemsOf({ modules: 'ecs,lambda', imageTag: 'v1' })).toEqual([
      'modules: got "ecs,lambda"; allowed: a comma list of ec2, s3, route53, ecr, ecs',
    ]);
  });

  test('every problem at once, in one message', () => {
    const error = (() => {
      try {
        load({ student: 'A', instanceType: 'm5.24xlarge' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('no error');
    })();
    expect(error.problems).toHaveLength(2);
    expect(error.message).toBe(
      'Invalid Class Lab settings:\n' +
        `  - ${error.problems[0]}\n` +
        `  - ${error.problems[1]}`,
    );
  });
});

describe('Class operations settings', () => {
  test('are off by default: no roster, no expiry, no sandbox', () => {
    const config = load({});
    expect(config.roster).toBeUndefined();
    expect(config.expiresAfterHours).toBeUndefined();
    expect(config.sandbox).toBe('none');
    expect(config.labRoleName).toBeUndefined();
  });

  test('expiresAfterHours takes whole hours from 1 to a week', () => {
    expect(load({ expiresAfterHours: '4' }).expiresAfterHours).toBe(4);
    expect(load({ expiresAfterHours: 168 }).expiresAfterHours).toBe(168);
  });

  test('sandbox=learner-lab maps roles to LabRole, or to the role labRoleArn names', () => {
    expect(load({ sandbox: 'learner-lab' }).labRoleName).toBe('LabRole');
    expect(load({ sandbox: 'learner-lab', labRoleArn: 'arn:aws:iam::123456789012:role/SandboxRole' }).labRoleName).toBe('SandboxRole');
    expect(load({ sandbox: 'learner-lab', labRoleArn: 'arn:aws:iam::123456789012:role/class/LabRole' }).labRoleName).toBe('class/LabRole');
  });

  test('sandbox=learner-lab accepts its regions and an account that matches labRoleArn', () => {
    const env = { account: '123456789012', region: 'us-west-2' };
    const config = loadLabConfig((key) => ({ sandbox: 'learner-lab', labRoleArn: 'arn:aws:iam::123456789012:role/LabRole' } as Record<string, string>)[key], env);
    expect(config.sandbox).toBe('learner-lab');
  });
});

describe('Class operations settings reject, naming the key, the value and what is allowed', () => {
  test.each<[string, Record<string, unknown>, RegExp]>([
    ['zero hours', { expiresAfterHours: '0' }, /^expiresAfterHours: got "0"; allowed: a whole number of hours, 1 to 168/],
    ['more than a week', { expiresAfterHours: '169' }, /^expiresAfterHours: got "169"/],
    ['hours that are not a number', { expiresAfterHours: '4h' }, /^expiresAfterHours: got "4h"/],
    ['fractional hours', { expiresAfterHours: '1.5' }, /^expiresAfterHours: got "1.5"/],
    ['an unknown sandbox', { sandbox: 'academy' }, /^sandbox: got "academy"; allowed: none or learner-lab/],
    ['labRoleArn without the sandbox', { labRoleArn: 'arn:aws:iam::123456789012:role/LabRole' }, /^labRoleArn: got .*only with sandbox=learner-lab \(add -c sandbox=learner-lab\)/],
    ['labRoleArn that is no role ARN', { sandbox: 'learner-lab', labRoleArn: 'LabRole' }, /^labRoleArn: got "LabRole"; allowed: an IAM role ARN/],
    ['labRoleArn of a user', { sandbox: 'learner-lab', labRoleArn: 'arn:aws:iam::123456789012:user/ana' }, /^labRoleArn: got "arn:aws:iam::123456789012:user\/ana"/],
  ])('%s', (_name, context, message) => {
    const problems = problemsOf(context);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});

describe('Learner Lab limits', () => {
  function learnerLabProblems(context: Record<string, unknown>, env: { account?: string; region?: string }): readonly string[] {
    try {
      loadLabConfig((key) => ({ sandbox: 'learner-lab', ...context })[key], env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  }

  test('a region outside us-east-1 and us-west-2, when the CLI profile says it', () => {
    expect(learnerLabProblems({}, { region: 'eu-west-1' })).toEqual([
      'sandbox: got "learner-lab"; allowed: only with the region us-east-1 or us-west-2, the Learner Lab regions; the AWS CLI profile gives eu-west-1 (set AWS_REGION or --profile)',
    ]);
    expect(learnerLabProblems({}, { region: 'us-east-1' })).toEqual([]);
    // Unknown at synth (no profile): the deploy's own region check is CloudFormation's.
    expect(learnerLabProblems({}, {})).toEqual([]);
  });

  test('an instance larger than large', () => {
    expect(learnerLabProblems({ instanceType: 't3.xlarge' }, {})).toEqual([expect.stringMatching(/^instanceType: got "t3.xlarge"/)]);
  });

  test('a fleet over 9 instances', () => {
    expect(learnerLabProblems({ fleetMax: '10' }, {})).toEqual([expect.stringMatching(/^fleetMax: got .*"fleetMax":10/)]);
  });

  test('labRoleArn of another account than the one deployed to', () => {
    expect(learnerLabProblems({ labRoleArn: 'arn:aws:iam::111111111111:role/LabRole' }, { account: '222222222222' })).toEqual([
      'labRoleArn: got "arn:aws:iam::111111111111:role/LabRole"; allowed: a role of the account you deploy to, 222222222222',
    ]);
  });
});
