/**
 * Checkpoints of the S3 module (lab-guides/s3.md): hello.txt with at least two versions, deleted
 * and put back (a delete marker under the latest version), and
 * sharing without a public bucket: a presigned link answers 200 while the plain object URL
 * answers 403. Both URLs use the bucket's regional endpoint: outside us-east-1 the global one
 * may first answer 307 with a redirect
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingRouting.html#TemporaryRedirection).
 * ListObjectVersions needs s3:ListBucketVersions; the presigned GET is signed locally with the
 * checker's credentials and needs s3:GetObject.
 */
import { DeleteMarkerEntry, GetObjectCommand, ListObjectVersionsCommand, ObjectVersion } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { withRetry } from '../aws/poller';
import { CheckContext, Checkpoint, fail, output, pass, pending } from './checkpoint';

/** The object the guide uploads (lib/app/modules/s3.ts SAMPLE_OBJECT_KEY; a test keeps them equal). */
export const SAMPLE_OBJECT_KEY = 'hello.txt';
const LINK_SECONDS = 300;

interface History { readonly versions: ObjectVersion[]; readonly deleteMarkers: DeleteMarkerEntry[] }

/** Every version and delete marker of the sample object (ListObjectVersions pages by key and version markers). */
async function history(ctx: CheckContext, bucket: string): Promise<History> {
  return ctx.memo('s3-history', () => listHistory(ctx, bucket));
}

async function listHistory(ctx: CheckContext, bucket: string): Promise<History> {
  const found: ObjectVersion[] = [];
  const markers: DeleteMarkerEntry[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await withRetry(ctx.clock, () => ctx.clients.s3.send(new ListObjectVersionsCommand({
      Bucket: bucket, Prefix: SAMPLE_OBJECT_KEY, KeyMarker: keyMarker, VersionIdMarker: versionMarker,
    })));
    found.push(...(page.Versions ?? []).filter((v) => v.Key === SAMPLE_OBJECT_KEY));
    markers.push(...(page.DeleteMarkers ?? []).filter((m) => m.Key === SAMPLE_OBJECT_KEY));
    [keyMarker, versionMarker] = page.IsTruncated ? [page.NextKeyMarker, page.NextVersionIdMarker] : [undefined, undefined];
  } while (keyMarker);
  return { versions: found, deleteMarkers: markers };
}

const versioned: Checkpoint = {
  id: 's3.versions',
  title: `${SAMPLE_OBJECT_KEY} uploaded, with at least two versions`,
  async run(ctx) {
    const bucket = output(ctx, 'BucketName');
    const all = (await history(ctx, bucket)).versions;
    if (all.length >= 2) return pass(`${all.length} versions of ${SAMPLE_OBJECT_KEY}`);
    if (all.length === 1) return pending(`1 version of ${SAMPLE_OBJECT_KEY}`, 'edit hello.txt and upload it again (BucketCopyCommand output): step 2 of lab-guides/s3.md');
    return pending(`no ${SAMPLE_OBJECT_KEY} in ${bucket}`, 'upload it with the BucketCopyCommand output: step 1 of lab-guides/s3.md');
  },
};

const restored: Checkpoint = {
  id: 's3.restore',
  title: `${SAMPLE_OBJECT_KEY} deleted, then put back (a delete marker, and a version on top of it)`,
  async run(ctx) {
    const { versions, deleteMarkers } = await history(ctx, output(ctx, 'BucketName'));
    if (deleteMarkers.length === 0) return pending('no delete marker yet', 'do step 3 of lab-guides/s3.md: delete hello.txt, list its versions, then upload it again');
    if (deleteMarkers.some((m) => m.IsLatest)) return pending(`${SAMPLE_OBJECT_KEY} is deleted (its latest entry is a delete marker)`, 'put it back: upload hello.txt again (BucketCopyCommand output)');
    return pass(`${deleteMarkers.length} delete marker${deleteMarkers.length === 1 ? '' : 's'}, ${versions.length} versions, the latest a version`);
  },
};

const shared: Checkpoint = {
  id: 's3.share',
  title: 'presigned link answers 200, plain object URL 403',
  async run(ctx) {
    const bucket = output(ctx, 'BucketName');
    // The SDK signs for the client's region, at the regional virtual-hosted endpoint.
    const link = await getSignedUrl(ctx.clients.s3, new GetObjectCommand({ Bucket: bucket, Key: SAMPLE_OBJECT_KEY }), { expiresIn: LINK_SECONDS });
    const plainUrl = link.split('?')[0];
    const [plain, signed] = [await ctx.http.get(plainUrl), await ctx.http.get(link)];
    if (signed.status === 404) return pending(`no ${SAMPLE_OBJECT_KEY} to share`, 'upload it first: step 1 of lab-guides/s3.md');
    if (plain.status === 200) return fail(`${plainUrl} answers 200 without a signature: the object is public`, 'the bucket must block public access: redeploy (npx cdk deploy ClassLabStack) and remove any bucket policy or ACL you added');
    if (plain.status !== 403) return fail(`${plainUrl} answered ${plain.status}, expected 403`, 'run check again; if it persists, the bucket is not in this region (--region)');
    if (signed.status !== 200) return fail(`the presigned link answered ${signed.status}`, 'presign with credentials that may read the object (step 4 of lab-guides/s3.md)');
    return pass(`presigned link 200 (${signed.body.length} bytes), plain URL 403`);
  },
};

export const S3_CHECKPOINTS: readonly Checkpoint[] = [versioned, restored, shared];
