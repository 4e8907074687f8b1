/**
 * What stops CloudFormation from deleting a lab, and how the tool clears it. These are the
 * DELETE_FAILED causes labs really hit: a bucket with objects (or versions and delete
 * markers), an ECR repository with images, a hosted zone with records the stack did not
 * create, and network interfaces still held by tasks or instances. Each function is safe to
 * run again: something already gone counts as cleared.
 */
import {
  DeleteNetworkInterfaceCommand, DescribeNetworkInterfacesCommand, DetachNetworkInterfaceCommand, NetworkInterface,
} from '@aws-sdk/client-ec2';
import { BatchDeleteImageCommand, ImageIdentifier, ListImagesCommand } from '@aws-sdk/client-ecr';
import { Change, ChangeResourceRecordSetsCommand, GetHostedZoneCommand, ListResourceRecordSetsCommand, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { DeleteObjectsCommand, ListObjectVersionsCommand, ObjectIdentifier } from '@aws-sdk/client-s3';
import { formatDuration } from '../core/clock';
import { isGone } from '../core/errors';
import { withRetry } from '../aws/poller';
import { backoff, deleteAutoScalingGroup, deleteEcsCluster, deleteEcsService } from './compute-blockers';
import { BlockerContext, StuckResource } from './context';

/** Documented batch limits: DeleteObjects 1000 keys, BatchDeleteImage 100 ids, ChangeResourceRecordSets 1000 changes (we send 100). */
export const S3_BATCH = 1000;
export const ECR_BATCH = 100;
export const ROUTE53_BATCH = 100;

/** Runs a call; something already gone counts as done (undefined). */
export async function ignoringGone<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

/** Deletes every object version and delete marker, so a versioned bucket can be deleted. */
export async function emptyBucket(ctx: BlockerContext, bucket: string): Promise<string> {
  const s3 = ctx.clients.s3;
  let versions = 0;
  let markers = 0;
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const page = await ignoringGone(() => withRetry(ctx.clock, () => s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }))));
    if (!page) return `bucket ${bucket} is already gone`;
    const objects: ObjectIdentifier[] = [
      ...(page.Versions ?? []).map((v) => ({ Key: v.Key!, VersionId: v.VersionId })),
      ...(page.DeleteMarkers ?? []).map((m) => ({ Key: m.Key!, VersionId: m.VersionId })),
    ];
    // DeleteObjects takes at most 1000 keys and reports per-key failures in `Errors` of a
    // successful response: https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
    for (let i = 0; i < objects.length; i += S3_BATCH) {
      const out = await withRetry(ctx.clock, () => s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects.slice(i, i + S3_BATCH), Quiet: true } })));
      if (out.Errors?.length) throw new Error(`could not delete ${out.Errors.length} object(s) from ${bucket}: ${out.Errors[0].Code} ${out.Errors[0].Message}`);
    }
    versions += page.Versions?.length ?? 0;
    markers += page.DeleteMarkers?.length ?? 0;
    if (!page.IsTruncated) break;
    keyMarker = page.NextKeyMarker;
    versionMarker = page.NextVersionIdMarker;
  }
  return `emptied bucket ${bucket} (${versions} object version(s), ${markers} delete marker(s))`;
}

/**
 * A failure that goes away once another image is deleted: an image an image index (manifest
 * list) still references fails with ImageReferencedByManifestList until the index is gone.
 * Docker 29 and Docker Desktop push an index with every build (the containerd image store), so
 * a student's repository holds indexes and their children.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageFailure.html
 */
const REFERENCED_BY_INDEX = 'ImageReferencedByManifestList';

/**
 * Deletes every image of a repository (what ECR emptyOnDelete would have done). Indexes go
 * before their children: each pass deletes what it can, and the images an index still held are
 * tried again in the next pass, for as long as a pass deletes something.
 */
export async function deleteImages(ctx: BlockerContext, repositoryName: string): Promise<string> {
  const ecr = ctx.clients.ecr;
  let ids: ImageIdentifier[] = [];
  let token: string | undefined;
  do {
    const page = await ignoringGone(() => withRetry(ctx.clock, () => ecr.send(new ListImagesCommand({ repositoryName, nextToken: token }))));
    if (!page) return `repository ${repositoryName} is already gone`;
    ids.push(...(page.imageIds ?? []));
    token = page.nextToken;
  } while (token);
  const total = ids.length;
  let passes = 0;
  // BatchDeleteImage takes at most 100 image ids and answers per-image failures inside a
  // successful response: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
  for (;;) {
    passes++;
    const failures: string[] = [];
    const referenced: ImageIdentifier[] = [];
    for (let i = 0; i < ids.length; i += ECR_BATCH) {
      const out = await withRetry(ctx.clock, () => ecr.send(new BatchDeleteImageCommand({ repositoryName, imageIds: ids.slice(i, i + ECR_BATCH) })));
      for (const f of out.failures ?? []) {
        // An image already gone is what we wanted.
        if (f.failureCode === 'ImageNotFound') continue;
        if (f.failureCode === REFERENCED_BY_INDEX && f.imageId) referenced.push(f.imageId);
        else failures.push(`${f.imageId?.imageDigest ?? f.imageId?.imageTag ?? '?'}: ${f.failureCode} ${f.failureReason ?? ''}`.trim());
      }
    }
    if (failures.length) throw new Error(`could not delete ${failures.length} image(s) from repository ${repositoryName}: ${failures[0]}`);
    if (referenced.length === 0) break;
    // No progress: the index that holds them is not in this repository's list (or is failing itself).
    if (referenced.length === ids.length) {
      throw new Error(`could not delete ${referenced.length} image(s) from repository ${repositoryName}: ${referenced[0].imageDigest ?? referenced[0].imageTag}: ${REFERENCED_BY_INDEX} (an image index that is not deleted still references them)`);
    }
    ids = referenced;
  }
  return `deleted ${total} image(s) from repository ${repositoryName}${passes > 1 ? ` (image indexes first, then the ${passes - 1} later pass(es) for the images they referenced)` : ''}`;
}

/** The records Route 53 requires: the zone apex SOA and NS. Everything else blocks deletion. */
function isRequiredRecord(record: ResourceRecordSet, zoneName: string): boolean {
  const name = (record.Name ?? '').replace(/\.$/, '').toLowerCase();
  const apex = zoneName.replace(/\.$/, '').toLowerCase();
  return name === apex && (record.Type === 'SOA' || record.Type === 'NS');
}

/** Deletes every record of a hosted zone except the apex SOA and NS. */
export async function deleteExtraRecords(ctx: BlockerContext, zoneId: string): Promise<string> {
  const r53 = ctx.clients.route53;
  const zone = await ignoringGone(() => withRetry(ctx.clock, () => r53.send(new GetHostedZoneCommand({ Id: zoneId }))));
  if (!zone) return `hosted zone ${zoneId} is already gone`;
  const zoneName = zone.HostedZone?.Name ?? '';
  const extra: ResourceRecordSet[] = [];
  let start: { StartRecordName?: string; StartRecordType?: ResourceRecordSet['Type']; StartRecordIdentifier?: string } = {};
  for (;;) {
    const page = await withRetry(ctx.clock, () => r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...start })));
    extra.push(...(page.ResourceRecordSets ?? []).filter((r) => !isRequiredRecord(r, zoneName)));
    if (!page.IsTruncated) break;
    start = { StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType, StartRecordIdentifier: page.NextRecordIdentifier };
  }
  const changes: Change[] = extra.map((r) => ({ Action: 'DELETE', ResourceRecordSet: r }));
  // A batch either applies whole or fails with InvalidChangeBatch (thrown, so never taken for done):
  // https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
  for (let i = 0; i < changes.length; i += ROUTE53_BATCH) {
    await withRetry(ctx.clock, () => r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes.slice(i, i + ROUTE53_BATCH), Comment: 'class-lab-admin teardown' } })));
  }
  return `deleted ${extra.length} record(s) from hosted zone ${zoneName || zoneId}`;
}

/** An ENI that AWS itself will release (tasks, load balancers, Lambda): wait, never force. */
function releasedByAws(eni: NetworkInterface): boolean {
  return eni.RequesterManaged === true || eni.InterfaceType !== 'interface' || !eni.Attachment?.InstanceId;
}

/**
 * Frees network interfaces that keep a security group, subnet or VPC from deleting:
 * deletes the available ones, detaches secondary ENIs the account attached to instances,
 * and waits (bounded) for the ones ECS tasks, load balancers or Lambda still hold.
 */
export async function clearNetworkInterfaces(ctx: BlockerContext, filter: { Name: string; Values: string[] }): Promise<string> {
  const ec2 = ctx.clients.ec2;
  const start = ctx.clock.now();
  let deleted = 0;
  let detached = 0;
  for (let round = 0; ; round++) {
    const enis = await describeInterfaces(ctx, [filter]);
    if (enis.length === 0) break;
    for (const eni of enis) {
      if (eni.Status === 'available') {
        await ignoringGone(() => withRetry(ctx.clock, () => ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId }))));
        deleted++;
      } else if (eni.Status === 'in-use' && !releasedByAws(eni) && (eni.Attachment?.DeviceIndex ?? 0) > 0 && eni.Attachment?.AttachmentId) {
        await ignoringGone(() => withRetry(ctx.clock, () => ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: eni.Attachment!.AttachmentId, Force: true }))));
        detached++;
      }
    }
    // Every round sleeps, also after deletes: DescribeNetworkInterfaces is eventually
    // consistent, and a loop without a pause would hammer it while AWS catches up.
    const elapsed = ctx.clock.now() - start;
    const pause = backoff(ctx.eniPollMs, round);
    if (elapsed + pause > ctx.eniWaitMs) {
      const waiting = enis.filter((e) => e.Status !== 'available');
      return `${enis.length} network interface(s) still there after ${formatDuration(elapsed)}: ${(waiting.length ? waiting : enis).map((e) => `${e.NetworkInterfaceId} (${e.Description ?? e.InterfaceType})`).join(', ')}`;
    }
    ctx.progress(`  waiting for ${enis.length} network interface(s) (${filter.Name} ${filter.Values.join(',')}) to be released (${formatDuration(elapsed)})`);
    await ctx.clock.sleep(pause);
  }
  return `freed network interfaces of ${filter.Values.join(',')} (${deleted} deleted, ${detached} detached)`;
}

/** Every network interface that matches, following NextToken. */
async function describeInterfaces(ctx: BlockerContext, filters: Array<{ Name: string; Values: string[] }>): Promise<NetworkInterface[]> {
  const found: NetworkInterface[] = [];
  let token: string | undefined;
  do {
    const out = await withRetry(ctx.clock, () => ctx.clients.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: filters, NextToken: token })));
    found.push(...(out.NetworkInterfaces ?? []));
    token = out.NextToken;
  } while (token);
  return found;
}

/** "Network vpc-0abc has some mapped public address(es)": the VPC named in the reason. */
export function vpcInReason(reason: string): string | undefined {
  return /\b(vpc-[0-9a-f]+)\b/.exec(reason)?.[1];
}

/**
 * Detaching an internet gateway fails while any interface in the VPC still has a public
 * IPv4 address mapped ("has some mapped public address(es)"); Fargate task and load
 * balancer interfaces keep theirs for minutes after the service and load balancer are
 * gone. Wait (bounded backoff) until no interface of the VPC has a public address.
 */
export async function waitForPublicAddresses(ctx: BlockerContext, vpcId: string): Promise<string> {
  const start = ctx.clock.now();
  for (let round = 0; ; round++) {
    const mapped = (await describeInterfaces(ctx, [{ Name: 'vpc-id', Values: [vpcId] }])).filter((e) => e.Association?.PublicIp);
    const elapsed = ctx.clock.now() - start;
    if (mapped.length === 0) return `no public addresses left in ${vpcId} (waited ${formatDuration(elapsed)})`;
    const pause = backoff(ctx.eniPollMs, round);
    if (elapsed + pause > ctx.eniWaitMs) {
      return `${mapped.length} network interface(s) in ${vpcId} still have a public address after ${formatDuration(elapsed)}: ${mapped.map((e) => `${e.NetworkInterfaceId} ${e.Association!.PublicIp} (${e.Description ?? e.InterfaceType})`).join(', ')}`;
    }
    ctx.progress(`  waiting for ${mapped.length} public address(es) in ${vpcId} to be released (${formatDuration(elapsed)})`);
    await ctx.clock.sleep(pause);
  }
}

/** ENI filter for the resource types that fail with "has dependencies" / "dependent object". */
function eniFilterFor(type: string, physicalId: string): { Name: string; Values: string[] } | undefined {
  if (type === 'AWS::EC2::SecurityGroup') return { Name: 'group-id', Values: [physicalId] };
  if (type === 'AWS::EC2::Subnet') return { Name: 'subnet-id', Values: [physicalId] };
  if (type === 'AWS::EC2::VPC') return { Name: 'vpc-id', Values: [physicalId] };
  return undefined;
}

/** A resource of the same stack, as recorded before the delete. */
export interface SiblingResource {
  readonly stackId: string;
  readonly type: string;
  readonly physicalId: string;
}

/**
 * Clears what keeps one resource from deleting; undefined when the tool knows no remedy.
 * `siblings` are the resources the stacks held before the delete (a failed custom resource
 * names no bucket; its stack's buckets are what it was meant to empty).
 */
export async function clearBlocker(ctx: BlockerContext, stuck: StuckResource, siblings: readonly SiblingResource[] = []): Promise<string | undefined> {
  if (stuck.type === 'Custom::S3AutoDeleteObjects') {
    const buckets = siblings.filter((r) => r.stackId === stuck.stackId && r.type === 'AWS::S3::Bucket' && r.physicalId);
    if (buckets.length === 0) return undefined;
    const done: string[] = [];
    for (const b of buckets) done.push(await emptyBucket(ctx, b.physicalId));
    return `${done.join('; ')} (its auto-delete custom resource failed)`;
  }
  if (stuck.type === 'AWS::EC2::VPCGatewayAttachment' && /mapped public address/i.test(stuck.reason)) {
    const vpc = vpcInReason(stuck.reason) ?? siblings.find((r) => r.type === 'AWS::EC2::VPC' && r.physicalId)?.physicalId;
    return vpc ? waitForPublicAddresses(ctx, vpc) : undefined;
  }
  if (!stuck.physicalId) return undefined;
  switch (stuck.type) {
    case 'AWS::S3::Bucket': return emptyBucket(ctx, stuck.physicalId);
    case 'AWS::ECR::Repository': return deleteImages(ctx, stuck.physicalId);
    case 'AWS::Route53::HostedZone': return deleteExtraRecords(ctx, stuck.physicalId);
    // A service CloudFormation could not stabilize, a cluster that still has services, a group with instances.
    case 'AWS::ECS::Service': return deleteEcsService(ctx, stuck.physicalId);
    case 'AWS::ECS::Cluster': return deleteEcsCluster(ctx, stuck.physicalId);
    case 'AWS::AutoScaling::AutoScalingGroup': return deleteAutoScalingGroup(ctx, stuck.physicalId);
    default: {
      const filter = eniFilterFor(stuck.type, stuck.physicalId);
      return filter ? clearNetworkInterfaces(ctx, filter) : undefined;
    }
  }
}
