/**
 * The variants of the app the suite tests: each is a student's (or an instructor's) settings file,
 * as `npm run setup -- key=value` writes it, plus the files it names (a roster). Every variant is
 * synthesized once per test run by the real CDK CLI (test/support/cli-synth.ts), and
 * test/app/cli-equivalence.test.ts requires the in-process build of each to give the same
 * templates and stack properties. A test that needs a variant's templates asks for it by name
 * here; a name that is not listed is an error, so no test reads a variant nobody compared.
 */

export interface Variant {
  /** lab-settings.json of the variant's project. */
  readonly settings: Readonly<Record<string, string>>;
  /** Other files of the project, by name (the roster a setting names). */
  readonly files?: Readonly<Record<string, string>>;
}

/** A roster across accounts and Regions: a local student, one in another Region, one in another account. */
export const ROSTER_FILE = {
  students: ['ana', { id: 'ben', region: 'us-west-2' }, { id: 'cleo', account: '123456789012', region: 'us-east-1' }],
};

export const VARIANTS = {
  default: { settings: {} },
  // The roster's ana with the roster's other settings: test/app/roster-vs-student.test.ts compares the two.
  student: { settings: { student: 'ana', expiresAfterHours: '4' } },
  roster: { settings: { roster: 'roster.json', expiresAfterHours: '4' }, files: { 'roster.json': JSON.stringify(ROSTER_FILE) } },
  'learner-lab': { settings: { sandbox: 'learner-lab', expiresAfterHours: '4' } },
  'image-tag': { settings: { imageTag: 'v2' } },
  expiry: { settings: { expiresAfterHours: '4' } },
  'expiry-off': { settings: { expiresAfterHours: 'off' } },
  'public-zone': { settings: { publicZoneId: '/hostedzone/Z0123456789ABCDEFGHIJ', zoneName: 'example.com' } },
  'module-ec2': { settings: { modules: 'ec2' } },
  'module-s3': { settings: { modules: 's3' } },
  'module-route53': { settings: { modules: 'route53' } },
  'module-ecr': { settings: { modules: 'ecr' } },
  'module-ecs': { settings: { modules: 'ecs' } },
} as const satisfies Record<string, Variant>;

export type VariantName = keyof typeof VARIANTS;

export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

/** The variant of that name; an unlisted name is an error naming the listed ones. */
export function variant(name: string): Variant {
  if (!Object.prototype.hasOwnProperty.call(VARIANTS, name)) {
    throw new Error(`No variant ${JSON.stringify(name)} in test/support/variants.ts (listed: ${VARIANT_NAMES.join(', ')}); add it there so the CLI and in-process builds of it are compared`);
  }
  return VARIANTS[name as VariantName];
}
