import { DeleteNetworkInterfaceCommand, DescribeNetworkInterfacesCommand, DetachNetworkInterfaceCommand, Filter, NetworkInterface } from '@aws-sdk/client-ec2';
import { BatchDeleteImageCommand, ListImagesCommand } from '@aws-sdk/client-ecr';
import { DeleteClusterCommand } from '@aws-sdk/client-ecs';
import { ChangeResourceRecordSetsCommand, GetHostedZoneCommand, ListResourceRecordSetsCommand, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { DeleteObjectsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { clearBlocker, clearNetworkInterfaces, deleteExtraRecords, deleteImages, emptyBucket, vpcInReason, waitForPublicAddresses } from '../../../lib/instructor-tool/teardown/blockers';
import { backoff } from '../../../lib/instructor-tool/teardown/compute-blockers';
import { BlockerContext, StuckResource } from '../../../lib/instructor-tool/teardown/context';
import { aws, resetAws } from '../support/aws-mocks';
import { awsError, testClients, VirtualClock } from '../support/harness';

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

/** The message of the error a call fails with (exactly, not a substring). */
async function failureOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the call to fail');
}

/**
 * Network interfaces as EC2 keeps them: DescribeNetworkInterfaces answers the ones every filter
 * matches (no filter: all of them), an unknown filter name is refused, and a deleted interface is
 * gone from later describes.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNetworkInterfaces.html
 */
function interfacesAre(enis: NetworkInterface[]): NetworkInterface[] {
  const live = [...enis];
  const matches = (e: NetworkInterface, f: Filter): boolean => {
    switch (f.Name) {
      case 'vpc-id': return f.Values!.includes(e.VpcId!);
      case 'subnet-id': return f.Values!.includes(e.SubnetId!);
      case 'group-id': return (e.Groups ?? []).some((g) => f.Values!.includes(g.GroupId!));
      default: throw awsError('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
    }
  };
  aws.ec2.on(DescribeNetworkInterfacesCommand).callsFake(async (input: { Filters?: Filter[] }) => ({
    NetworkInterfaces: live.filter((e) => (input.Filters ?? []).every((f) => matches(e, f))),
  }));
  aws.ec2.on(DeleteNetworkInterfaceCommand).callsFake(async (input: { NetworkInterfaceId: string }) => {
    const i = live.findIndex((e) => e.NetworkInterfaceId === input.NetworkInterfaceId);
    if (i < 0) throw awsError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${input.NetworkInterfaceId}' does not exist`);
    live.splice(i, 1);
    return {};
  });
  return live;
}

const STACK = 'arn:aws:cloudformation:us-east-1:111122223333:stack/lab-alice/1';
const OTHER_STACK = 'arn:aws:cloudformation:us-east-1:111122223333:stack/lab-bob/2';
const stuck = (type: string, physicalId: string, reason = 'Resource handler returned message: "has dependencies"'): StuckResource => ({ stackId: STACK, logicalId: 'Thing', physicalId, type, reason });

describe('something already gone counts as cleared', () => {
  test('a bucket, a repository and a hosted zone that no longer exist', async () => {
    aws.s3.on(ListObjectVersionsCommand).rejects(awsError('NoSuchBucket', 'The specified bucket does not exist'));
    aws.ecr.on(ListImagesCommand).rejects(awsError('RepositoryNotFoundException', "The repository with name 'repo' does not exist in the registry with id '111122223333'"));
    // resetAws: GetHostedZone answers NoSuchHostedZone.
    expect(await emptyBucket(ctx(), 'b')).toBe('bucket b is already gone');
    expect(await deleteImages(ctx(), 'repo')).toBe('repository repo is already gone');
    expect(await deleteExtraRecords(ctx(), 'Z1')).toBe('hosted zone Z1 is already gone');
    expect(aws.s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
    expect(aws.ecr.commandCalls(BatchDeleteImageCommand)).toHaveLength(0);
  });

  test('access denied is not taken for gone', async () => {
    aws.s3.on(ListObjectVersionsCommand).rejects(awsError('AccessDenied', 'Access Denied'));
    await expect(emptyBucket(ctx(), 'b')).rejects.toThrow('Access Denied');
  });
});

describe('S3 buckets', () => {
  test('a page with only delete markers (no Versions field): exactly the markers are deleted, in quiet mode', async () => {
    // ListObjectVersions leaves out Versions when there is none; DeleteObjects in quiet mode
    // answers only the keys that failed, the only part the tool reads:
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
    aws.s3.on(ListObjectVersionsCommand).resolves({ DeleteMarkers: [{ Key: 'a', VersionId: 'm1' }, { Key: 'b', VersionId: 'm2' }], IsTruncated: false });
    aws.s3.on(DeleteObjectsCommand).resolves({});
    expect(await emptyBucket(ctx(), 'b')).toBe('emptied bucket b (0 object version(s), 2 delete marker(s))');
    expect(aws.s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete)).toEqual([
      { Objects: [{ Key: 'a', VersionId: 'm1' }, { Key: 'b', VersionId: 'm2' }], Quiet: true },
    ]);
  });

  test('a versioned bucket listed over two pages: both pages are read (KeyMarker, VersionIdMarker) and every version sent; an empty page sends nothing', async () => {
    // ListObjectVersions pagination: IsTruncated with NextKeyMarker / NextVersionIdMarker:
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
    aws.s3.on(ListObjectVersionsCommand)
      .resolvesOnce({ Versions: [{ Key: 'a', VersionId: 'v1' }], IsTruncated: true, NextKeyMarker: 'a', NextVersionIdMarker: 'v1' })
      .resolvesOnce({ Versions: [{ Key: 'b', VersionId: 'v2' }], DeleteMarkers: [{ Key: 'c', VersionId: 'm3' }], IsTruncated: false });
    aws.s3.on(DeleteObjectsCommand).resolves({});
    expect(await emptyBucket(ctx(), 'b')).toBe('emptied bucket b (2 object version(s), 1 delete marker(s))');
    expect(aws.s3.commandCalls(ListObjectVersionsCommand).map((c) => [c.args[0].input.KeyMarker, c.args[0].input.VersionIdMarker])).toEqual([[undefined, undefined], ['a', 'v1']]);
    expect(aws.s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete!.Objects)).toEqual([
      [{ Key: 'a', VersionId: 'v1' }], [{ Key: 'b', VersionId: 'v2' }, { Key: 'c', VersionId: 'm3' }],
    ]);
    aws.s3.resetHistory();
    // DeleteObjects takes at least one key; an empty bucket needs no call.
    aws.s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false });
    expect(await emptyBucket(ctx(), 'b')).toBe('emptied bucket b (0 object version(s), 0 delete marker(s))');
    expect(aws.s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });
});

describe('ECR repositories', () => {
  test('a repository listed over two pages: every image of both pages is deleted', async () => {
    // ListImages pagination: nextToken: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListImages.html
    aws.ecr.on(ListImagesCommand).resolvesOnce({ imageIds: [{ imageDigest: 'sha256:a' }], nextToken: 't' }).resolves({ imageIds: [{ imageDigest: 'sha256:b' }] });
    aws.ecr.on(BatchDeleteImageCommand).resolves({ failures: [] });
    expect(await deleteImages(ctx(), 'repo')).toBe('deleted 2 image(s) from repository repo');
    expect(aws.ecr.commandCalls(ListImagesCommand).map((c) => c.args[0].input)).toEqual([{ repositoryName: 'repo', nextToken: undefined }, { repositoryName: 'repo', nextToken: 't' }]);
    expect(aws.ecr.commandCalls(BatchDeleteImageCommand).map((c) => c.args[0].input)).toEqual([{ repositoryName: 'repo', imageIds: [{ imageDigest: 'sha256:a' }, { imageDigest: 'sha256:b' }] }]);
  });

  test('an empty repository (no imageIds field): nothing is sent to BatchDeleteImage, which takes at least one id', async () => {
    // BatchDeleteImage imageIds: 1 to 100 items: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
    aws.ecr.on(ListImagesCommand).resolves({});
    expect(await deleteImages(ctx(), 'repo')).toBe('deleted 0 image(s) from repository repo');
    expect(aws.ecr.commandCalls(BatchDeleteImageCommand)).toHaveLength(0);
  });

  test('exactly 200 images: two full batches, no empty third one', async () => {
    aws.ecr.on(ListImagesCommand).resolves({ imageIds: Array.from({ length: 200 }, (_, i) => ({ imageDigest: `sha256:${i}` })) });
    aws.ecr.on(BatchDeleteImageCommand).resolves({ imageIds: [] });
    expect(await deleteImages(ctx(), 'repo')).toBe('deleted 200 image(s) from repository repo');
    expect(aws.ecr.commandCalls(BatchDeleteImageCommand).map((c) => c.args[0].input.imageIds!.length)).toEqual([100, 100]);
  });

  test('a response without a failures field is a full success', async () => {
    aws.ecr.on(ListImagesCommand).resolves({ imageIds: [{ imageDigest: 'sha256:a' }] });
    aws.ecr.on(BatchDeleteImageCommand).resolves({ imageIds: [{ imageDigest: 'sha256:a' }] });
    expect(await deleteImages(ctx(), 'repo')).toBe('deleted 1 image(s) from repository repo');
    expect(aws.ecr.commandCalls(BatchDeleteImageCommand)).toHaveLength(1);
  });

  // Failure codes and optional fields of ImageFailure: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageFailure.html
  test.each([
    ['digest and reason', { imageId: { imageDigest: 'sha256:a', imageTag: 'v1' }, failureCode: 'KmsError', failureReason: 'KMS key disabled' }, 'sha256:a: KmsError KMS key disabled'],
    ['tag only', { imageId: { imageTag: 'v1' }, failureCode: 'InvalidImageTag', failureReason: 'bad tag' }, 'v1: InvalidImageTag bad tag'],
    ['no image id, no reason', { failureCode: 'MissingDigestAndTag' }, '?: MissingDigestAndTag'],
    ['digest, no reason', { imageId: { imageDigest: 'sha256:a' }, failureCode: 'KmsError' }, 'sha256:a: KmsError'],
  ])('any other per-image failure (%s) fails the repository at once, naming the image and the cause', async (_name, failure, named) => {
    aws.ecr.on(ListImagesCommand).resolves({ imageIds: [{ imageDigest: 'sha256:a', imageTag: 'v1' }, { imageDigest: 'sha256:b' }] });
    aws.ecr.on(BatchDeleteImageCommand).resolves({ imageIds: [{ imageDigest: 'sha256:b' }], failures: [failure as any] });
    expect(await failureOf(deleteImages(ctx(), 'repo'))).toBe(`could not delete 1 image(s) from repository repo: ${named}`);
    // Not retried as if an index held it.
    expect(aws.ecr.commandCalls(BatchDeleteImageCommand)).toHaveLength(1);
  });
});

describe('Route 53 hosted zones', () => {
  const zone = (records: ResourceRecordSet[]) => {
    aws.route53.on(GetHostedZoneCommand).resolves({ HostedZone: { Id: '/hostedzone/Z1', Name: 'example.com.', CallerReference: 'r' } });
    aws.route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: records, IsTruncated: false });
    aws.route53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: 'c', Status: 'PENDING', SubmittedAt: new Date() } });
  };
  const deletedRecords = () => aws.route53.commandCalls(ChangeResourceRecordSetsCommand).flatMap((c) => c.args[0].input.ChangeBatch!.Changes!.map((ch) => `${ch.Action} ${ch.ResourceRecordSet!.Name} ${ch.ResourceRecordSet!.Type}`));

  test('only the apex SOA and NS stay: apex A, MX and TXT records block the delete and go', async () => {
    // Route 53 refuses DeleteHostedZone while any record but the apex SOA and NS is left:
    // https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteHostedZone.html
    zone([
      { Name: 'example.com.', Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: 'ns-1.awsdns-1.com. hostmaster 1 7200 900 1209600 86400' }] },
      { Name: 'example.com.', Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-1.com.' }] },
      { Name: 'example.com.', Type: 'A', AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'lab-123.us-east-1.elb.amazonaws.com.', EvaluateTargetHealth: false } },
      { Name: 'example.com.', Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"verify"' }] },
      { Name: 'www.example.com.', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'example.com' }] },
    ]);
    expect(await deleteExtraRecords(ctx(), 'Z1')).toBe('deleted 3 record(s) from hosted zone example.com.');
    expect(deletedRecords()).toEqual(['DELETE example.com. A', 'DELETE example.com. TXT', 'DELETE www.example.com. CNAME']);
    // The change is labelled as the tool's in the zone's change record.
    expect(aws.route53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch!.Comment).toMatch(/class-lab-admin/);
  });

  test('a zone with only its SOA and NS (or a page without ResourceRecordSets): no change batch, which takes at least one change', async () => {
    // ChangeBatch.Changes: minimum 1 item: https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeBatch.html
    zone([{ Name: 'example.com.', Type: 'SOA' }, { Name: 'example.com.', Type: 'NS' }]);
    expect(await deleteExtraRecords(ctx(), 'Z1')).toBe('deleted 0 record(s) from hosted zone example.com.');
    aws.route53.on(ListResourceRecordSetsCommand).resolves({ IsTruncated: false } as any);
    expect(await deleteExtraRecords(ctx(), 'Z1')).toBe('deleted 0 record(s) from hosted zone example.com.');
    expect(aws.route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  test('150 extra records: batches of 100 then 50, every record deleted once', async () => {
    const records = Array.from({ length: 150 }, (_, i) => ({ Name: `h${i}.example.com.`, Type: 'A' as const, TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] }));
    zone(records);
    expect(await deleteExtraRecords(ctx(), 'Z1')).toBe('deleted 150 record(s) from hosted zone example.com.');
    expect(aws.route53.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input.ChangeBatch!.Changes!.length)).toEqual([100, 50]);
    expect(deletedRecords()).toEqual(records.map((r) => `DELETE ${r.Name} A`));
  });

  test('records over two pages are all read; an NS record delegating a subdomain is not the apex NS and goes', async () => {
    // ListResourceRecordSets pagination: IsTruncated with NextRecordName / NextRecordType / NextRecordIdentifier:
    // https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListResourceRecordSets.html
    aws.route53.on(GetHostedZoneCommand).resolves({ HostedZone: { Id: '/hostedzone/Z1', Name: 'Example.com.', CallerReference: 'r' } });
    aws.route53.on(ListResourceRecordSetsCommand)
      .resolvesOnce({ ResourceRecordSets: [{ Name: 'example.com.', Type: 'NS' }, { Name: 'example.com.', Type: 'SOA' }], IsTruncated: true, NextRecordName: 'lab.example.com.', NextRecordType: 'NS', NextRecordIdentifier: 'id-1' })
      .resolves({ ResourceRecordSets: [{ Name: 'lab.example.com.', Type: 'NS' }, { Name: 'www.example.com.', Type: 'A' }], IsTruncated: false });
    aws.route53.on(ChangeResourceRecordSetsCommand).resolves({});
    expect(await deleteExtraRecords(ctx(), 'Z1')).toBe('deleted 2 record(s) from hosted zone Example.com.');
    expect(deletedRecords()).toEqual(['DELETE lab.example.com. NS', 'DELETE www.example.com. A']);
    expect(aws.route53.commandCalls(GetHostedZoneCommand).map((c) => c.args[0].input)).toEqual([{ Id: 'Z1' }]);
    expect(aws.route53.commandCalls(ListResourceRecordSetsCommand).map((c) => c.args[0].input)).toEqual([
      { HostedZoneId: 'Z1' },
      { HostedZoneId: 'Z1', StartRecordName: 'lab.example.com.', StartRecordType: 'NS', StartRecordIdentifier: 'id-1' },
    ]);
    expect(aws.route53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.HostedZoneId).toBe('Z1');
  });

  test('a GetHostedZone answer without the zone: the report names the zone id', async () => {
    aws.route53.on(GetHostedZoneCommand).resolves({} as any);
    aws.route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [{ Name: 'www.example.com.', Type: 'A' }], IsTruncated: false });
    aws.route53.on(ChangeResourceRecordSetsCommand).resolves({});
    expect(await deleteExtraRecords(ctx(), 'Z1')).toBe('deleted 1 record(s) from hosted zone Z1');
  });
});

describe('network interfaces', () => {
  const sg = [{ GroupId: 'sg-1' }];
  const base = { VpcId: 'vpc-1', SubnetId: 'subnet-1', Groups: sg, RequesterManaged: false, InterfaceType: 'interface' as const };

  test('a secondary interface the account attached to an instance is force-detached once, then deleted once available', async () => {
    const attached = { ...base, NetworkInterfaceId: 'eni-2', Status: 'in-use' as const, Description: 'secondary', Attachment: { AttachmentId: 'eni-attach-2', InstanceId: 'i-1', DeviceIndex: 1 } };
    aws.ec2.on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [attached] })
      // Detaching takes a while: the interface is "detaching", then "available".
      .resolvesOnce({ NetworkInterfaces: [{ ...attached, Status: 'detaching' }] })
      .resolvesOnce({ NetworkInterfaces: [{ ...attached, Status: 'available', Attachment: undefined }] })
      .resolves({ NetworkInterfaces: [] });
    aws.ec2.on(DetachNetworkInterfaceCommand).resolves({});
    aws.ec2.on(DeleteNetworkInterfaceCommand).resolves({});
    expect(await clearNetworkInterfaces(ctx(), { Name: 'group-id', Values: ['sg-1'] })).toBe('freed network interfaces of sg-1 (1 deleted, 1 detached)');
    expect(aws.ec2.commandCalls(DetachNetworkInterfaceCommand).map((c) => c.args[0].input)).toEqual([{ AttachmentId: 'eni-attach-2', Force: true }]);
    expect(aws.ec2.commandCalls(DeleteNetworkInterfaceCommand).map((c) => c.args[0].input)).toEqual([{ NetworkInterfaceId: 'eni-2' }]);
  });

  // You can't detach a requester-managed interface: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/requester-managed-eni.html
  // The primary interface (device index 0) of an instance cannot be detached; trunk interfaces belong to ECS:
  // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html
  test.each([
    ['requester-managed', { RequesterManaged: true }],
    ['an ECS trunk interface', { InterfaceType: 'trunk' }],
    ['the primary interface of an instance', { Attachment: { AttachmentId: 'eni-attach-3', InstanceId: 'i-1', DeviceIndex: 0 } }],
    ['in use without an attachment', { Attachment: undefined }],
    ['attaching', { Status: 'attaching' }],
  ])('never detached: %s (waited for instead, within the bound)', async (_name, override) => {
    interfacesAre([{ ...base, NetworkInterfaceId: 'eni-3', Status: 'in-use', Description: 'held', Attachment: { AttachmentId: 'eni-attach-3', InstanceId: 'i-1', DeviceIndex: 1 }, ...(override as any) }]);
    aws.ec2.on(DetachNetworkInterfaceCommand).resolves({});
    expect(await clearNetworkInterfaces(ctx(), { Name: 'group-id', Values: ['sg-1'] })).toBe('1 network interface(s) still there after 9m45s: eni-3 (held)');
    expect(aws.ec2.commandCalls(DetachNetworkInterfaceCommand)).toHaveLength(0);
  });

  test('the report at the bound names the interfaces still held, not the ones already being deleted', async () => {
    // DescribeNetworkInterfaces is eventually consistent: a deleted interface can still be listed as available.
    aws.ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [
      { ...base, NetworkInterfaceId: 'eni-a', Status: 'available', Description: 'leftover' },
      { ...base, NetworkInterfaceId: 'eni-b', Status: 'in-use', RequesterManaged: true, Description: 'ECS task' },
      { ...base, NetworkInterfaceId: 'eni-c', Status: 'in-use', RequesterManaged: true, InterfaceType: 'network_load_balancer' },
    ] });
    aws.ec2.on(DeleteNetworkInterfaceCommand).resolves({});
    expect(await clearNetworkInterfaces(ctx(), { Name: 'group-id', Values: ['sg-1'] })).toBe('3 network interface(s) still there after 9m45s: eni-b (ECS task), eni-c (network_load_balancer)');
  });

  test('only available interfaces left at the bound: they are the ones named', async () => {
    aws.ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [{ ...base, NetworkInterfaceId: 'eni-a', Status: 'available', Description: 'leftover' }] });
    aws.ec2.on(DeleteNetworkInterfaceCommand).resolves({});
    expect(await clearNetworkInterfaces(ctx(), { Name: 'group-id', Values: ['sg-1'] })).toBe('1 network interface(s) still there after 9m45s: eni-a (leftover)');
  });

  test('an interface released by the last poll the bound allows counts as released', async () => {
    // Polls at 0s, 15s, 45s and 1m45s (backoff 15s, 30s, 60s): the last one lands exactly on a 1m45s bound.
    aws.ec2.on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [{ ...base, NetworkInterfaceId: 'eni-b', Status: 'in-use', RequesterManaged: true }] })
      .resolvesOnce({ NetworkInterfaces: [{ ...base, NetworkInterfaceId: 'eni-b', Status: 'in-use', RequesterManaged: true }] })
      .resolvesOnce({ NetworkInterfaces: [{ ...base, NetworkInterfaceId: 'eni-b', Status: 'in-use', RequesterManaged: true }] })
      .resolves({ NetworkInterfaces: [] });
    expect(await clearNetworkInterfaces({ ...ctx(), eniWaitMs: 105_000 }, { Name: 'group-id', Values: ['sg-1'] })).toBe('freed network interfaces of sg-1 (0 deleted, 0 detached)');
    expect(clock.elapsed()).toBe(105_000);
  });

  test('a describe answer without NetworkInterfaces means none are left', async () => {
    // resetAws: DescribeNetworkInterfaces answers {}.
    expect(await clearNetworkInterfaces(ctx(), { Name: 'group-id', Values: ['sg-1'] })).toBe('freed network interfaces of sg-1 (0 deleted, 0 detached)');
    expect(clock.sleeps).toEqual([]);
  });

  test('a filter with several values is named whole in the progress and the report', async () => {
    const live = interfacesAre([{ ...base, NetworkInterfaceId: 'eni-a', Status: 'available' }, { ...base, NetworkInterfaceId: 'eni-b', Groups: [{ GroupId: 'sg-2' }], Status: 'available' }]);
    expect(await clearNetworkInterfaces(ctx(), { Name: 'group-id', Values: ['sg-1', 'sg-2'] })).toBe('freed network interfaces of sg-1,sg-2 (2 deleted, 0 detached)');
    expect(progress).toEqual(['  waiting for 2 network interface(s) (group-id sg-1,sg-2) to be released (0s)']);
    expect(live).toEqual([]);
  });
});

describe('public addresses of a VPC', () => {
  test('only the interfaces of that VPC that still have a public address are waited for', async () => {
    // The task's interface has lost its address; another interface of the VPC never had one; another VPC's still has one.
    interfacesAre([
      { NetworkInterfaceId: 'eni-1', VpcId: 'vpc-1', Description: 'ECS task' },
      { NetworkInterfaceId: 'eni-2', VpcId: 'vpc-1', Association: {} },
      { NetworkInterfaceId: 'eni-9', VpcId: 'vpc-9', Association: { PublicIp: '198.51.100.9' } },
    ]);
    expect(await waitForPublicAddresses(ctx(), 'vpc-1')).toBe('no public addresses left in vpc-1 (waited 0s)');
    expect(aws.ec2.commandCalls(DescribeNetworkInterfacesCommand).map((c) => c.args[0].input.Filters)).toEqual([[{ Name: 'vpc-id', Values: ['vpc-1'] }]]);
  });

  test('addresses that are never released: the wait ends within its bound, naming each interface and address', async () => {
    interfacesAre([
      { NetworkInterfaceId: 'eni-1', VpcId: 'vpc-1', Association: { PublicIp: '198.51.100.1' }, Description: 'ELB app/lab/123', InterfaceType: 'interface' },
      { NetworkInterfaceId: 'eni-2', VpcId: 'vpc-1', Association: { PublicIp: '198.51.100.2' }, InterfaceType: 'natGateway' },
      { NetworkInterfaceId: 'eni-3', VpcId: 'vpc-1' },
    ]);
    expect(await waitForPublicAddresses(ctx(), 'vpc-1')).toBe('2 network interface(s) in vpc-1 still have a public address after 9m45s: eni-1 198.51.100.1 (ELB app/lab/123), eni-2 198.51.100.2 (natGateway)');
    expect(clock.elapsed()).toBeLessThanOrEqual(10 * 60_000);
  });

  test('an address released by the last poll the bound allows counts as released', async () => {
    const mapped = { NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', Association: { PublicIp: '198.51.100.1' } }] };
    aws.ec2.on(DescribeNetworkInterfacesCommand).resolvesOnce(mapped).resolvesOnce(mapped).resolvesOnce(mapped).resolves({ NetworkInterfaces: [] });
    expect(await waitForPublicAddresses({ ...ctx(), eniWaitMs: 105_000 }, 'vpc-1')).toBe('no public addresses left in vpc-1 (waited 1m45s)');
  });
});

describe('clearBlocker: the remedy for each stuck resource', () => {
  test('a security group, a subnet and a VPC: the interfaces of that resource only are cleared', async () => {
    const live = interfacesAre([
      { NetworkInterfaceId: 'eni-sg', VpcId: 'vpc-2', SubnetId: 'subnet-2', Groups: [{ GroupId: 'sg-1' }], Status: 'available' },
      { NetworkInterfaceId: 'eni-subnet', VpcId: 'vpc-3', SubnetId: 'subnet-1', Groups: [{ GroupId: 'sg-3' }], Status: 'available' },
      { NetworkInterfaceId: 'eni-vpc', VpcId: 'vpc-1', SubnetId: 'subnet-4', Groups: [{ GroupId: 'sg-4' }], Status: 'available' },
      { NetworkInterfaceId: 'eni-other', VpcId: 'vpc-9', SubnetId: 'subnet-9', Groups: [{ GroupId: 'sg-9' }], Status: 'available' },
    ]);
    expect(await clearBlocker(ctx(), stuck('AWS::EC2::Subnet', 'subnet-1'))).toBe('freed network interfaces of subnet-1 (1 deleted, 0 detached)');
    expect(await clearBlocker(ctx(), stuck('AWS::EC2::VPC', 'vpc-1'))).toBe('freed network interfaces of vpc-1 (1 deleted, 0 detached)');
    expect(await clearBlocker(ctx(), stuck('AWS::EC2::SecurityGroup', 'sg-1'))).toBe('freed network interfaces of sg-1 (1 deleted, 0 detached)');
    expect(live.map((e) => e.NetworkInterfaceId)).toEqual(['eni-other']);
  });

  test('each stuck type gets its own remedy', async () => {
    aws.s3.on(ListObjectVersionsCommand).rejects(awsError('NoSuchBucket', 'The specified bucket does not exist'));
    aws.ecr.on(ListImagesCommand).rejects(awsError('RepositoryNotFoundException', "The repository with name 'repo' does not exist"));
    // resetAws: no hosted zone, no ECS service (DescribeServices answers nothing), no Auto Scaling group.
    expect(await clearBlocker(ctx(), stuck('AWS::S3::Bucket', 'site'))).toBe('bucket site is already gone');
    expect(await clearBlocker(ctx(), stuck('AWS::ECR::Repository', 'repo'))).toBe('repository repo is already gone');
    expect(await clearBlocker(ctx(), stuck('AWS::Route53::HostedZone', 'Z1'))).toBe('hosted zone Z1 is already gone');
    expect(await clearBlocker(ctx(), stuck('AWS::ECS::Service', 'arn:aws:ecs:us-east-1:111122223333:service/lab/app'))).toBe('deleted ECS service app (scaled to 0, force delete; 0s)');
    expect(await clearBlocker(ctx(), stuck('AWS::AutoScaling::AutoScalingGroup', 'fleet'))).toBe('deleted Auto Scaling group fleet and its instances (force delete; 0s)');
  });

  test('a type the tool knows no remedy for, or a resource never created (no physical id): undefined, nothing touched', async () => {
    expect(await clearBlocker(ctx(), stuck('AWS::EC2::InternetGateway', 'igw-1'))).toBeUndefined();
    expect(await clearBlocker(ctx(), stuck('AWS::Lambda::Function', 'fn'))).toBeUndefined();
    expect(await clearBlocker(ctx(), stuck('AWS::S3::Bucket', ''))).toBeUndefined();
    expect(aws.ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(0);
    expect(aws.s3.calls()).toHaveLength(0);
  });

  test('a failed auto-delete custom resource: the buckets of its own stack are emptied, not another stack\'s', async () => {
    aws.s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: 'k', VersionId: 'v' }], IsTruncated: false });
    aws.s3.on(DeleteObjectsCommand).resolves({});
    const siblings = [
      { stackId: STACK, type: 'AWS::S3::Bucket', physicalId: 'alice-site' },
      { stackId: OTHER_STACK, type: 'AWS::S3::Bucket', physicalId: 'bob-site' },
      { stackId: STACK, type: 'AWS::S3::Bucket', physicalId: 'alice-logs' },
      { stackId: STACK, type: 'AWS::ECR::Repository', physicalId: 'alice-repo' },
    ];
    expect(await clearBlocker(ctx(), stuck('Custom::S3AutoDeleteObjects', 'custom-1', 'Received response status [FAILED]'), siblings))
      .toBe('emptied bucket alice-site (1 object version(s), 0 delete marker(s)); emptied bucket alice-logs (1 object version(s), 0 delete marker(s)) (its auto-delete custom resource failed)');
    expect(aws.s3.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input.Bucket)).toEqual(['alice-site', 'alice-logs']);
  });

  test('a failed auto-delete custom resource whose stack has no bucket: no remedy', async () => {
    expect(await clearBlocker(ctx(), stuck('Custom::S3AutoDeleteObjects', 'custom-1'), [{ stackId: OTHER_STACK, type: 'AWS::S3::Bucket', physicalId: 'bob-site' }])).toBeUndefined();
    expect(await clearBlocker(ctx(), stuck('Custom::S3AutoDeleteObjects', 'custom-1'))).toBeUndefined();
    expect(aws.s3.calls()).toHaveLength(0);
  });

  const MAPPED = 'Network vpc-0abc12 has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.';
  test('the gateway attachment blocked by mapped public addresses: waits on the VPC the error names', async () => {
    expect(await clearBlocker(ctx(), stuck('AWS::EC2::VPCGatewayAttachment', 'IGW|vpc-0abc12', MAPPED))).toBe('no public addresses left in vpc-0abc12 (waited 0s)');
    expect(aws.ec2.commandCalls(DescribeNetworkInterfacesCommand)[0].args[0].input.Filters).toEqual([{ Name: 'vpc-id', Values: ['vpc-0abc12'] }]);
  });

  test('a reason that names no VPC: the stack\'s VPC is waited on; without one, no remedy', async () => {
    const reason = 'has some mapped public address(es)';
    const siblings = [
      { stackId: STACK, type: 'AWS::EC2::Subnet', physicalId: 'subnet-1' },
      { stackId: STACK, type: 'AWS::EC2::VPC', physicalId: '' },
      { stackId: STACK, type: 'AWS::EC2::VPC', physicalId: 'vpc-2' },
    ];
    expect(await clearBlocker(ctx(), stuck('AWS::EC2::VPCGatewayAttachment', 'IGW|vpc-2', reason), siblings)).toBe('no public addresses left in vpc-2 (waited 0s)');
    expect(aws.ec2.commandCalls(DescribeNetworkInterfacesCommand).map((c) => c.args[0].input.Filters)).toEqual([[{ Name: 'vpc-id', Values: ['vpc-2'] }]]);
    expect(await clearBlocker(ctx(), stuck('AWS::EC2::VPCGatewayAttachment', 'IGW|vpc-2', reason), siblings.slice(0, 1))).toBeUndefined();
    expect(await clearBlocker(ctx(), stuck('AWS::EC2::VPCGatewayAttachment', 'IGW|vpc-2', reason))).toBeUndefined();
  });

  test('a gateway attachment failing for another reason: no remedy, no wait', async () => {
    const siblings = [{ stackId: STACK, type: 'AWS::EC2::VPC', physicalId: 'vpc-2' }];
    expect(await clearBlocker(ctx(), stuck('AWS::EC2::VPCGatewayAttachment', 'IGW|vpc-2', 'Internal Failure'), siblings)).toBeUndefined();
    expect(aws.ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(0);
  });

  test('an ECS cluster is deleted by the cluster remedy (not left without one)', async () => {
    aws.ecs.on(DeleteClusterCommand).resolves({});
    expect(await clearBlocker(ctx(), stuck('AWS::ECS::Cluster', 'lab'))).toBe('deleted ECS cluster lab');
    expect(aws.ecs.commandCalls(DeleteClusterCommand).map((c) => c.args[0].input)).toEqual([{ cluster: 'lab' }]);
  });
});
