import {
  DefaultStackSynthesizer, DockerImageAssetLocation, DockerImageAssetSource, FileAssetLocation, FileAssetSource, ISynthesisSession, IStackSynthesizer, Stack,
} from 'aws-cdk-lib';

/**
 * Gives a stack the name the CDK CLI selects it by (`npx cdk deploy ClassLabStack`), apart from
 * its construct id.
 *
 * Why: CDK derives names and ids inside the templates from the construct path (nested-stack
 * parameter and output names, security-group rule ids, the ECS task family, `Name` tags, the
 * nested template files, `aws:cdk:path`), so a student's own stack and the roster's stack for
 * that student are one template only when they have one construct id: the stack name,
 * `ClassLabStack-<student>`. The CLI, though, selects stacks by the artifact's `displayName`
 * (its "hierarchical id"; the pinned aws-cdk CLI's `selectMatchingStacks` matches patterns
 * against it), which CDK sets to the construct path. This synthesizer delegates everything to
 * the stack's own synthesizer and only renames the stack's artifact for the CLI.
 */
export class CliNamedStackSynthesizer implements IStackSynthesizer {
  constructor(private readonly inner: IStackSynthesizer, private readonly cliName: string) {}

  get bootstrapQualifier(): string | undefined {
    return this.inner.bootstrapQualifier;
  }

  get lookupRole(): string | undefined {
    return this.inner.lookupRole;
  }

  get cloudFormationExecutionRole(): string | undefined {
    return this.inner.cloudFormationExecutionRole;
  }

  private stack?: Stack;

  bind(stack: Stack): void {
    this.stack = stack;
    this.inner.bind(stack);
  }

  addFileAsset(asset: FileAssetSource): FileAssetLocation {
    return this.inner.addFileAsset(asset);
  }

  addDockerImageAsset(asset: DockerImageAssetSource): DockerImageAssetLocation {
    return this.inner.addDockerImageAsset(asset);
  }

  synthesize(session: ISynthesisSession): void {
    const artifactId = this.stack!.artifactId;
    const assembly = session.assembly;
    const renaming = Object.create(assembly) as typeof assembly;
    renaming.addArtifact = (id, manifest) => assembly.addArtifact(id, id === artifactId ? { ...manifest, displayName: this.cliName } : manifest);
    this.inner.synthesize({ ...session, assembly: renaming });
  }
}

/** The stack's synthesizer, renamed for the CLI when its construct id is not the name the CLI should know it by. */
export function synthesizerNamed(id: string, cliName: string, synthesizer: IStackSynthesizer | undefined): IStackSynthesizer | undefined {
  if (id === cliName) return synthesizer;
  return new CliNamedStackSynthesizer(synthesizer ?? new DefaultStackSynthesizer(), cliName);
}
