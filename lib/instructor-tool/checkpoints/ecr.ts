/**
 * Checkpoints of the ECR module (lab-guides/ecr.md): the image with the expected tag is in the
 * repository, built for arm64 (the Fargate task is ARM64), and its scan on push is complete.
 *
 * Docker Engine 29 and Desktop (containerd image store) push an image index whose entries are
 * the platform image plus attestation manifests (platform unknown/unknown); older builders
 * push one image manifest, whose architecture is in its config blob, fetched here with
 * GetDownloadUrlForLayer (read-only). Scan states:
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanStatus.html.
 */
import { BatchGetImageCommand, DescribeImagesCommand, GetDownloadUrlForLayerCommand, ImageDetail } from '@aws-sdk/client-ecr';
import { withRetry } from '../aws/poller';
import { CheckContext, Checkpoint, fail, Outcome, output, pass, pending } from './checkpoint';

/** The tag of the first image, before imageTag is set (lib/app/sample-app.ts FIRST_IMAGE_TAG; a test keeps them equal). */
export const FIRST_IMAGE_TAG = 'v1';
export const ARCHITECTURE = 'arm64';

const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];
const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];

/** `<account>.dkr.ecr.<region>.amazonaws.com/<name>` -> `<name>`. */
export function repositoryName(ctx: CheckContext): string {
  return output(ctx, 'RepositoryUri').split('/').slice(1).join('/');
}

/** The tag the service runs when it runs the student's image (from the AppImage output). */
export function deployedTag(ctx: CheckContext): string | undefined {
  const image = ctx.outputs.AppImage;
  const repo = ctx.outputs.RepositoryUri;
  return image && repo && image.startsWith(`${repo}:`) ? image.slice(repo.length + 1) : undefined;
}

/** The tag to look for: the imageTag setting, else what the stack runs, else the first image's tag. */
export function expectedTag(ctx: CheckContext): string {
  return ctx.settings.imageTag ?? deployedTag(ctx) ?? FIRST_IMAGE_TAG;
}

async function describe(ctx: CheckContext, id: { imageTag?: string; imageDigest?: string }): Promise<ImageDetail | undefined> {
  return ctx.memo(`ecr-image:${id.imageTag ?? id.imageDigest}`, async () => {
    try {
      const page = await withRetry(ctx.clock, () => ctx.clients.ecr.send(new DescribeImagesCommand({ repositoryName: repositoryName(ctx), imageIds: [id] })));
      return page.imageDetails?.[0];
    } catch (error) {
      if ((error as Error).name === 'ImageNotFoundException') return undefined;
      throw error;
    }
  });
}

interface Platform { readonly architectures: string[]; readonly platformDigest?: string }

/** The architectures of the tagged image, and the digest of its arm64 image when it is an index. */
async function platform(ctx: CheckContext, tag: string): Promise<Platform | undefined> {
  return ctx.memo(`ecr-platform:${tag}`, async () => {
    const repo = repositoryName(ctx);
    const got = await withRetry(ctx.clock, () => ctx.clients.ecr.send(new BatchGetImageCommand({
      repositoryName: repo, imageIds: [{ imageTag: tag }], acceptedMediaTypes: [...INDEX_TYPES, ...MANIFEST_TYPES],
    })));
    const image = got.images?.[0];
    if (!image?.imageManifest) return undefined;
    const manifest = JSON.parse(image.imageManifest);
    if (INDEX_TYPES.includes(manifest.mediaType ?? image.imageManifestMediaType)) {
      const entries = (manifest.manifests ?? []) as Array<{ digest: string; platform?: { architecture?: string } }>;
      const real = entries.filter((m) => m.platform?.architecture && m.platform.architecture !== 'unknown');
      return { architectures: real.map((m) => m.platform!.architecture!), platformDigest: real.find((m) => m.platform?.architecture === ARCHITECTURE)?.digest };
    }
    const configDigest = manifest.config?.digest as string | undefined;
    if (!configDigest) return { architectures: [] };
    const { downloadUrl } = await withRetry(ctx.clock, () => ctx.clients.ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: repo, layerDigest: configDigest })));
    const config = await ctx.http.get(downloadUrl!);
    return { architectures: config.status === 200 ? [JSON.parse(config.body).architecture] : [] };
  });
}

const notPushed = (tag: string): Outcome => pending(`no image tagged ${tag} in the repository`,
  `build and push it with the EcrTagCommand and EcrPushCommand outputs (lab-guides/ecr.md)${tag === FIRST_IMAGE_TAG ? '' : `, or check your imageTag setting (npm run setup prints it)`}`);

const tagged: Checkpoint = {
  id: 'ecr.image',
  title: 'an image with the expected tag',
  async run(ctx) {
    const tag = expectedTag(ctx);
    const image = await describe(ctx, { imageTag: tag });
    if (!image) return notPushed(tag);
    return pass(`${tag} pushed${image.imagePushedAt ? ` at ${image.imagePushedAt.toISOString()}` : ''}, digest ${image.imageDigest?.slice(0, 19) ?? '?'}...`);
  },
};

const arm64: Checkpoint = {
  id: 'ecr.arm64',
  title: `the image built for ${ARCHITECTURE}`,
  async run(ctx) {
    const tag = expectedTag(ctx);
    if (!(await describe(ctx, { imageTag: tag }))) return notPushed(tag);
    const found = await platform(ctx, tag);
    if (!found || found.architectures.length === 0) return fail(`cannot tell the architecture of ${tag}`, 'rebuild with docker build --platform linux/arm64 and push under a new tag');
    if (found.architectures.includes(ARCHITECTURE)) return pass(`${tag}: ${found.architectures.join(', ')}`);
    return fail(`${tag} is built for ${found.architectures.join(', ')}; the Fargate task runs ${ARCHITECTURE}`,
      'rebuild with docker build --platform linux/arm64 ... and push it under a new tag (tags are immutable)');
  },
};

const scanned: Checkpoint = {
  id: 'ecr.scan',
  title: 'its scan on push complete',
  async run(ctx) {
    const tag = expectedTag(ctx);
    const image = await describe(ctx, { imageTag: tag });
    if (!image) return notPushed(tag);
    // An index is not scanned itself: its arm64 image is (pushed as its own, untagged, image).
    const digest = (await platform(ctx, tag))?.platformDigest;
    const scannedImage = digest ? (await describe(ctx, { imageDigest: digest })) ?? image : image;
    const status = scannedImage.imageScanStatus?.status;
    const counts = Object.entries(scannedImage.imageScanFindingsSummary?.findingSeverityCounts ?? {}).map(([k, v]) => `${k} ${v}`).join(', ');
    if (status === 'COMPLETE' || status === 'ACTIVE') return pass(`scan ${status}${counts ? `: ${counts}` : ': no findings'}`);
    if (status === 'IN_PROGRESS' || status === 'PENDING' || status === undefined) return pending(`scan ${status ?? 'not started'}`, 'a basic scan takes a minute or two after the push; check again soon');
    if (status === 'UNSUPPORTED_IMAGE') return fail(`scan UNSUPPORTED_IMAGE: ${scannedImage.imageScanStatus?.description ?? ''}`.trim(),
      'basic scanning cannot scan provenance attestations: rebuild with docker build --provenance=false --platform linux/arm64 and push under a new tag');
    return fail(`scan ${status}: ${scannedImage.imageScanStatus?.description ?? ''}`.trim(), 'push the image again under a new tag to scan it again');
  },
};

export const ECR_CHECKPOINTS: readonly Checkpoint[] = [tagged, arm64, scanned];
