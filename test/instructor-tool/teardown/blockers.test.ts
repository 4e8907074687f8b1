import { DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import { BatchDeleteImageCommand, ListImagesCommand } from '@aws-sdk/client-ecr';
import { DeleteObjectsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { clearNetworkInterfaces, deleteImages, emptyBucket, vpcInReason, waitForPublicAddresses } from '../../../lib/instructor-tool/teardown/blockers';
import { backoff } from '../../../lib/instructor-tool/teardown/compute-blockers';
import { BlockerContext } from '../../../lib/instructor-tool/teardown/context';
import { aws, resetAws } from '../support/aws-mocks';
import { testClients, VirtualClock } from '../support/harness';

let clock: VirtualClock;
let progress: string[];
const ctx = (): BlockerContext => ({ clients: testClients(), clock, eniWaitMs: 10 * 60_000, eniPollMs: 15_000, progress: (t) => progress.push(t) });

beforeEach(() => {
  resetAws();
  clock = new VirtualClock();
  progress = [];
});

describe('per-item failures inside successful responses are failures', () => {
  test('BatchDeleteImage failures: the repository is not reported as emptied; an image already gone is fine', async () => {
    aws.ecr.on(ListImagesCommand).resolves({ imageIds: [{ imageDigest: 'sha256:a' }, { imageDigest: 'sha256:b' }, { imageDigest: 'sha256:c' }] });
    aws.ecr.on(BatchDeleteImageCommand).resolves({
      imageIds: [{ imageDigest: 'sha256:a' }],
      failures: [
        { imageId: { imageDigest: 'sha256:b' }, failureCode: 'ImageNotFound', failureReason: 'gone' },
        { imageId: { imageDigest: 'sha256:c' }, failureCode: 'ImageReferencedByManifestList', failureReason: 'in a manifest list' },
      ],
    });
    // The image an index still references is tried again alone; it fails again (no index left to go first): a failure.
    await expect(deleteImages(ctx(), 'repo')).rejects.toThrow('could not delete 1 image(s) from repository repo: sha256:c: ImageReferencedByManifestList (an image index that is not deleted still references them)');
    expect(aws.ecr.commandCalls(BatchDeleteImageCommand).map((c) => c.args[0].input.imageIds)).toEqual([
      [{ imageDigest: 'sha256:a' }, { imageDigest: 'sha256:b' }, { imageDigest: 'sha256:c' }], [{ imageDigest: 'sha256:c' }],
    ]);
  });

  test('ImageReferencedByManifestList: the images an index held are deleted in the next pass, once the index is gone', async () => {
    aws.ecr.on(ListImagesCommand).resolves({ imageIds: [{ imageDigest: 'sha256:child' }, { imageDigest: 'sha256:index', imageTag: 'v1' }] });
    aws.ecr.on(BatchDeleteImageCommand)
      .resolvesOnce({ imageIds: [{ imageDigest: 'sha256:index' }], failures: [{ imageId: { imageDigest: 'sha256:child' }, failureCode: 'ImageReferencedByManifestList', failureReason: 'Requested image referenced by manifest list' }] })
      .resolves({ imageIds: [{ imageDigest: 'sha256:child' }], failures: [] });
    expect(await deleteImages(ctx(), 'repo')).toBe('deleted 2 image(s) from repository repo (image indexes first, then the 1 later pass(es) for the images they referenced)');
  });

  test('at most 100 image ids per BatchDeleteImage', async () => {
    aws.ecr.on(ListImagesCommand).resolves({ imageIds: Array.from({ length: 250 }, (_, i) => ({ imageDigest: `sha256:${i}` })) });
    aws.ecr.on(BatchDeleteImageCommand).resolves({ failures: [] });
    expect(await deleteImages(ctx(), 'repo')).toBe('deleted 250 image(s) from repository repo');
    expect(aws.ecr.commandCalls(BatchDeleteImageCommand).map((c) => c.args[0].input.imageIds!.length)).toEqual([100, 100, 50]);
  });

  test('DeleteObjects Errors: the bucket is not reported as emptied; at most 1000 keys per call', async () => {
    aws.s3.on(ListObjectVersionsCommand).resolves({ Versions: Array.from({ length: 1500 }, (_, i) => ({ Key: `k${i}`, VersionId: 'v' })), IsTruncated: false });
    aws.s3.on(DeleteObjectsCommand).resolvesOnce({}).resolves({ Errors: [{ Key: 'k1001', Code: 'AccessDenied', Message: 'Access Denied' }] });
    await expect(emptyBucket(ctx(), 'b')).rejects.toThrow('could not delete 1 object(s) from b: AccessDenied Access Denied');
    expect(aws.s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete!.Objects!.length)).toEqual([1000, 500]);
  });
});

describe('every wait is bounded and sleeps', () => {
  test('backoff doubles twice, then stays', () => {
    expect([0, 1, 2, 3, 7].map((r) => backoff(15_000, r))).toEqual([15_000, 30_000, 60_000, 60_000, 60_000]);
  });

  test('interfaces that never go: every describe is followed by a sleep, and the wait ends within its bound', async () => {
    aws.ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', Status: 'in-use', InterfaceType: 'interface', RequesterManaged: true, Description: 'ECS task' }] });
    const text = await clearNetworkInterfaces(ctx(), { Name: 'group-id', Values: ['sg-1'] });
    expect(text).toMatch(/^1 network interface\(s\) still there after \d+m\d+s: eni-1 \(ECS task\)$/);
    const describes = aws.ec2.commandCalls(DescribeNetworkInterfacesCommand).length;
    expect(clock.sleeps.length).toBe(describes - 1);
    expect(clock.elapsed()).toBeLessThanOrEqual(10 * 60_000);
    expect(describes).toBeLessThan(20);
  });

  test('follows NextToken of DescribeNetworkInterfaces', async () => {
    aws.ec2.on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', Association: { PublicIp: '198.51.100.1' } }], NextToken: 't' })
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-2', Association: { PublicIp: '198.51.100.2' } }] })
      .resolves({ NetworkInterfaces: [] });
    expect(await waitForPublicAddresses(ctx(), 'vpc-1')).toBe('no public addresses left in vpc-1 (waited 15s)');
    expect(progress).toEqual(['  waiting for 2 public address(es) in vpc-1 to be released (0s)']);
  });

  test('the VPC named in the gateway error', () => {
    expect(vpcInReason('Network vpc-0abc12 has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.')).toBe('vpc-0abc12');
    expect(vpcInReason('no vpc here')).toBeUndefined();
  });
});
