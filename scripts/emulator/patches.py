"""Narrow corrections to moto 5.2 where it differs from AWS in what the Class Lab Kit deploys.

Each patch is one function that monkeypatches moto at start-up (never moto's installed files),
listed in PATCHES; docs/emulator-gaps.md says, for each, what AWS does (cited) and what stock moto
does instead, and test_patches.py shows the stock behaviour and the corrected one.
"""
import re
from typing import Any, Callable

PATCHES: dict[str, Callable[[], None]] = {}


def patch(fn: Callable[[], None]) -> Callable[[], None]:
    PATCHES[fn.__name__] = fn
    return fn


def tag_filters_match(tags: dict[str, str], tag_filters: Any) -> bool:
    """GetResources' TagFilters: every key present, with one of its values when values are given."""
    return all(f.get("Key") in tags and (not f.get("Values") or tags[f["Key"]] in f["Values"]) for f in tag_filters or [])


GONE = re.compile(r"NotFound|NoSuch|not found|does not exist", re.IGNORECASE)


def already_gone(error: Exception) -> bool:
    """Whether a delete failed because the resource (or what holds it: a record's zone) is no
    longer there, which CloudFormation takes for deleted: moto's NotFound/NoSuch errors, its
    ValidationError "AutoScalingGroup name not found", its "does not exist"."""
    return bool(GONE.search(f"{type(error).__name__} {getattr(error, 'code', '')} {error}"))


@patch
def ecr_generated_names_lowercase() -> None:
    """CloudFormation names an ECR repository without RepositoryName in lower case (ECR accepts
    nothing else); moto generates `<Stack>-<LogicalId>-<suffix>` and its own ECR rejects it."""
    from moto.cloudformation import parsing

    original = parsing.generate_resource_name

    def generate_resource_name(resource_type: str, stack_name: str, logical_id: str) -> str:
        name = original(resource_type, stack_name, logical_id)
        return name.lower() if resource_type == "AWS::ECR::Repository" else name

    parsing.generate_resource_name = generate_resource_name


@patch
def custom_resources_answer_at_once() -> None:
    """CloudFormation sends a `Custom::` resource's event to its Lambda function, which answers at
    the response URL. Stock moto runs the function in a Docker container (none here, and it
    could not reach a loopback-only server), so the resource and its stack stay
    CREATE_IN_PROGRESS forever. Here each custom resource answers SUCCESS at once, with no data:
    what the function itself does is not emulated (docs/emulator-gaps.md)."""
    from moto.cloudformation import custom_model
    from moto.cloudformation import cloudformation_backends

    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
        from moto.moto_api._internal import mock_random

        resource = custom_model.CustomModel(region_name, str(mock_random.uuid4()), kwargs["LogicalId"], resource_name)
        cloudformation_backends[account_id][region_name].get_stack(kwargs["StackId"]).add_custom_resource(resource)
        resource.set_data({})
        return resource

    custom_model.CustomModel.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]


@patch
def change_set_outputs() -> None:
    """A stack created or updated through a change set (as the CDK CLI deploys) has the outputs
    of its new template; stock moto keeps the outputs of the template the stack had before (none
    for a new stack)."""
    from moto.cloudformation.models import CloudFormationBackend

    original = CloudFormationBackend.execute_change_set

    def execute_change_set(self, change_set_name, stack_name=None):  # type: ignore[no-untyped-def]
        original(self, change_set_name, stack_name)
        change_set = self.change_sets.get(change_set_name) or next(
            c for c in self.change_sets.values() if c.change_set_name == change_set_name
        )
        stack = self.stacks[change_set.stack_id]
        stack._parse_template()
        stack.output_map = stack._create_output_map()

    CloudFormationBackend.execute_change_set = execute_change_set  # type: ignore[method-assign]


@patch
def nested_stack_output_attributes() -> None:
    """`Fn::GetAtt [NestedStack, Outputs.Name]` is the nested stack's output value; stock moto's
    stack model has no attributes, so every output and parameter built from one is dropped."""
    from moto.cloudformation.models import Stack

    def get_cfn_attribute(self, attribute_name):  # type: ignore[no-untyped-def]
        if attribute_name.startswith("Outputs."):
            key = attribute_name[len("Outputs."):]
            for output in self.output_map.values():
                if output and output.key == key:
                    return output.value
        raise NotImplementedError(f'"Fn::GetAtt" : [ "{{0}}" , "{attribute_name}" ]"')

    Stack.get_cfn_attribute = get_cfn_attribute  # type: ignore[attr-defined]


@patch
def ecs_cluster_without_tags() -> None:
    """An ECS cluster created without tags has an empty tag list (ListTagsForResource returns
    `tags: []`); stock moto keeps None, and the Resource Groups Tagging API's GetResources then
    fails with an internal error for the whole account."""
    from moto.ecs.models import Cluster

    original = Cluster.__init__

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        if self.tags is None:
            self.tags = []

    Cluster.__init__ = __init__  # type: ignore[method-assign]


@patch
def nested_stacks_know_their_root() -> None:
    """A nested stack names its parent and root stack (DescribeStacks ParentId, RootId) and carries
    the root's stack tags; stock moto creates it as a stack of its own, without either."""
    from moto.cloudformation import models
    from moto.cloudformation.utils import get_stack_from_s3_url
    from moto.utilities.utils import get_partition

    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
        backend = models.cloudformation_backends[account_id][region_name]
        parent = backend.get_stack(kwargs["StackId"])
        properties = cloudformation_json["Properties"]
        template = get_stack_from_s3_url(properties["TemplateURL"], account_id=account_id, partition=get_partition(region_name))
        stack = backend.create_stack(
            name=resource_name, template=template, parameters=properties.get("Parameters", {}), tags=dict(parent.tags),
        )
        stack.parent_id = parent.stack_id
        stack.root_id = getattr(parent, "root_id", None) or parent.stack_id
        return stack

    models.Stack.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]


@patch
def failed_delete_is_delete_failed() -> None:
    """A stack whose delete fails stays, as DELETE_FAILED, with a DELETE_FAILED event for each
    resource that failed (its logical and physical id, type and reason), and a nested stack that
    failed fails its resource in the parent (AWS: DeleteStack, stack status codes, stack events).
    Stock moto drops the stack from the account, so it looks deleted while its resources remain,
    and a nested stack's failure never reaches its parent."""
    from moto.cloudformation.models import CloudFormationBackend, Event, Stack

    def delete_resources(stack: Any) -> dict[str, tuple[Any, Exception]]:
        # moto's ResourceMap.delete, keeping which resource failed and why.
        resources = stack.resource_map
        remaining = {k for k, v in resources._resource_json_map.items() if v.get("DeletionPolicy") != "Retain"}
        failed: dict[str, tuple[Any, Exception]] = {}
        before = dict(resources._parsed_resources)
        previous = len(remaining) + 1
        while remaining and len(remaining) < previous:
            previous = len(remaining)
            for key in list(remaining):
                parsed = resources._parsed_resources.get(key)
                try:
                    if not isinstance(parsed, str) and parsed is not None:
                        resources._delete_resource(parsed, resources._resource_json_map[parsed.logical_resource_id])
                        resources._parsed_resources.pop(parsed.logical_resource_id)
                except Exception as error:
                    # CloudFormation takes a resource already gone for deleted.
                    if not already_gone(error):
                        failed[key] = (parsed, error)
                        continue
                    resources._parsed_resources.pop(key, None)
                    remaining.discard(key)
                    failed.pop(key, None)
                else:
                    remaining.discard(key)
                    failed.pop(key, None)
        remember_deleted(resources, before)
        return {k: v for k, v in failed.items() if k in remaining}

    def physical_id(resource: Any) -> str:
        return resource.stack_id if isinstance(resource, Stack) else str(getattr(resource, "physical_resource_id", "") or "")

    def delete_stack(self, name_or_stack_id):  # type: ignore[no-untyped-def]
        stack = self.stacks.get(name_or_stack_id) or next(
            (s for s in self.stacks.values() if s.name == name_or_stack_id), None
        )
        if stack is None:
            return
        stack._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
        failed = delete_resources(stack)
        if failed:
            for logical_id, (resource, error) in failed.items():
                stack.events.append(Event(
                    stack_id=stack.stack_id, stack_name=stack.name, logical_resource_id=logical_id,
                    physical_resource_id=physical_id(resource), resource_type=stack.resource_map._resource_json_map[logical_id]["Type"],
                    resource_status="DELETE_FAILED", resource_status_reason=str(error), resource_properties=None,
                ))
            reason = f"The following resource(s) failed to delete: [{', '.join(sorted(failed))}]. "
            stack.status = "DELETE_FAILED"
            stack.status_reason = stack.stack_status_reason = reason
            stack._add_stack_event("DELETE_FAILED", resource_status_reason=reason)
            return
        export_names = [export.name for export in stack.exports]
        stack._add_stack_event("DELETE_COMPLETE")
        stack.status = "DELETE_COMPLETE"
        self.stacks.pop(stack.stack_id, None)
        self.deleted_stacks[stack.stack_id] = stack
        for export_name in export_names:
            self.exports.pop(export_name, None)

    CloudFormationBackend.delete_stack = delete_stack  # type: ignore[method-assign]

    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def]
        from moto.cloudformation.models import cloudformation_backends

        backend = cloudformation_backends[account_id][region_name]
        backend.delete_stack(resource_name)
        nested = next((s for s in backend.stacks.values() if s.name == resource_name), None)
        if nested is not None and nested.status == "DELETE_FAILED":
            raise RuntimeError(f"Embedded stack {nested.stack_id} was not successfully deleted: {nested.status_reason}")

    Stack.delete_from_cloudformation_json = classmethod(delete_from_cloudformation_json)  # type: ignore[method-assign,assignment]


def remember_deleted(resources: Any, before: dict[str, Any]) -> None:
    """Keeps the record of each resource a stack delete removed from `resources` (a moto
    ResourceMap) since `before`: see `deleted_resources_stay_deleted`."""
    deleted = resources.__dict__.setdefault("_deleted_resources", {})
    for key, resource in before.items():
        if key in resources._resource_json_map and key not in resources._parsed_resources and resource is not None:
            deleted[key] = resource


@patch
def deleted_resources_stay_deleted() -> None:
    """A resource a stack delete removed is never created again. Stock moto creates a stack's
    resources lazily, on the first lookup of each logical id, and its delete forgets each
    resource it deletes: any later lookup creates it anew. DescribeStacks of the deleted (or
    DELETE_FAILED) stack evaluates an output not evaluated before (the expiry clock's
    ExpiresAt, which has no value here) and so creates the clock's custom resource, function,
    role and log group again; ListStackResources of it creates every resource of the stack,
    nested stacks included. Here a deleted resource's lookup gives its record (its physical id,
    as ListStackResources shows for up to 90 days) and creates nothing."""
    from moto.cloudformation.parsing import ResourceMap

    original_getitem = ResourceMap.__getitem__

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        # The records are kept by the stack delete of failed_delete_is_delete_failed, which
        # replaces moto's (remember_deleted).
        deleted = self.__dict__.get("_deleted_resources", {})
        if key in deleted and key not in self._parsed_resources:
            return deleted[key]
        return original_getitem(self, key)

    ResourceMap.__getitem__ = __getitem__  # type: ignore[method-assign]


@patch
def cloudformation_deletes_what_it_created() -> None:
    """Deleting a stack deletes every resource CloudFormation created for it (unless retained).
    Stock moto has no CloudFormation delete for these types and leaves them behind while the
    stack reads DELETE_COMPLETE: ECS clusters, services and task definitions, ELBv2 target
    groups, listeners and listener rules, Route 53 hosted zones, route tables, routes, subnet
    route table associations, internet gateways and their VPC attachments. The leftover route
    tables then keep the VPC from being deleted."""
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.internet_gateways import InternetGateway
    from moto.ec2.models.route_tables import Route, RouteTable
    from moto.ec2.models.subnets import SubnetRouteTableAssociation
    from moto.ec2.models.vpn_gateway import VPCGatewayAttachment
    from moto.ecs.models import Cluster, Service, TaskDefinition, ecs_backends
    from moto.elbv2.models import FakeListener, FakeListenerRule, FakeTargetGroup, elbv2_backends
    from moto.route53.models import FakeZone, route53_backends
    from moto.utilities.utils import get_partition

    def ec2(account_id: str, region: str) -> Any:
        return ec2_backends[account_id][region]

    def disassociate(self: Any, account_id: str, region: str) -> None:
        route_table = ec2(account_id, region).get_route_table(self.route_table_id)
        for association_id, subnet_id in list(route_table._associations.items()):
            if subnet_id == self.subnet_id:
                ec2(account_id, region).disassociate_route_table(association_id)

    deleters: dict[type, Callable[[Any, str, str], None]] = {
        Cluster: lambda self, a, r: ecs_backends[a][r].delete_cluster(self.name),
        Service: lambda self, a, r: ecs_backends[a][r].delete_service(self.cluster_name, self.name, force=True),
        TaskDefinition: lambda self, a, r: ecs_backends[a][r].deregister_task_definition(self.arn),
        FakeTargetGroup: lambda self, a, r: elbv2_backends[a][r].delete_target_group(self.arn),
        FakeListener: lambda self, a, r: elbv2_backends[a][r].delete_listener(self.arn),
        FakeListenerRule: lambda self, a, r: elbv2_backends[a][r].delete_rule(self.arn),
        FakeZone: lambda self, a, r: route53_backends[a][get_partition(r)].delete_hosted_zone(self.id),
        RouteTable: lambda self, a, r: ec2(a, r).delete_route_table(self.id),
        Route: lambda self, a, r: ec2(a, r).delete_route(self.route_table.id, self.destination_cidr_block),
        SubnetRouteTableAssociation: disassociate,
        InternetGateway: lambda self, a, r: ec2(a, r).delete_internet_gateway(self.id),
        VPCGatewayAttachment: lambda self, a, r: ec2(a, r).detach_internet_gateway(self.gateway_id, self.vpc_id),
    }
    def idempotent(deleter: Callable[[Any, str, str], None]) -> Callable[[Any, str, str], None]:
        # CloudFormation takes a resource already gone for deleted; moto retries a stack's
        # failed deletes, so a resource may be asked twice.
        def delete(self: Any, account_id: str, region: str) -> None:
            try:
                deleter(self, account_id, region)
            except Exception as error:
                if not (isinstance(error, KeyError) or already_gone(error)):
                    raise
        return delete

    for model, deleter in deleters.items():
        model.delete = idempotent(deleter)  # type: ignore[attr-defined]


@patch
def primary_interface_deleted_with_instance() -> None:
    """An instance's primary network interface, created at launch, is deleted when the instance
    terminates (DeleteOnTermination defaults to true for it). Stock moto keeps it unless the
    launch said DeleteOnTermination=true explicitly, so every instance the Auto Scaling group
    ever ran leaves an interface in the lab's subnets."""
    from moto.ec2.models.instances import Instance

    original = Instance.terminate

    def terminate(self: Any) -> Any:
        # The kit never launches with an existing interface or DeleteOnTermination=false.
        primary = self.nics.get(0)
        if primary is not None:
            primary.delete_on_termination = True
        return original(self)

    Instance.terminate = terminate  # type: ignore[method-assign]


@patch
def ecs_service_linked_role_name() -> None:
    """`CreateServiceLinkedRole --aws-service-name ecs.amazonaws.com` creates
    `AWSServiceRoleForECS`; stock moto derives `AWSServiceRoleForecs` from the service name, so
    `doctor` never finds the role it just created."""
    from moto.iam import models

    models.SERVICE_NAME_CONVERSION["ecs"] = "ECS"


UNAPPLIED_QUOTAS: set[tuple[str, str]] = set()
"""(service code, quota code) pairs that have no applied value in this server: GetServiceQuota
answers NoSuchResourceException for them, as AWS does for some quotas, and only
GetAWSDefaultServiceQuota gives their value (launch.py --quota-without-applied-value)."""


@patch
def service_quotas_of_the_class() -> None:
    """Service Quotas answers GetServiceQuota and GetAWSDefaultServiceQuota for every quota code
    of every service. Stock moto knows only the `vpc` quotas and has no
    GetAWSDefaultServiceQuota at all (an HTML error page). Here both answer, for the quotas
    `doctor` reads, with AWS's default values from the kit's data/quotas.json (each with its
    source): a new account's applied value is the default. A quota in UNAPPLIED_QUOTAS has no
    applied value (GetServiceQuota: NoSuchResourceException), so a server started with it
    exercises the tool's fallback to the default."""
    import json
    import os

    from moto.servicequotas import models, responses
    from moto.servicequotas.exceptions import NoSuchResource

    table = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "quotas.json")
    with open(table, encoding="utf8") as f:
        kit_quotas = [q for q in json.load(f)["quotas"] if q.get("quotaCode")]

    def default_quota(self: Any, service_code: str, quota_code: str) -> dict[str, Any]:
        for known in models.VPC_DEFAULT_QUOTAS if service_code == "vpc" else []:
            if known["QuotaCode"] == quota_code:
                return known
        for q in kit_quotas:
            if q["serviceCode"] == service_code and q["quotaCode"] == quota_code:
                return {
                    "ServiceCode": service_code, "QuotaCode": quota_code, "QuotaName": q["name"], "Value": float(q["default"]),
                    "QuotaArn": f"arn:aws:servicequotas:{self.region_name}::{service_code}/{quota_code}", "Unit": "None",
                    "Adjustable": True, "GlobalQuota": q.get("scope") == "account",
                }
        raise NoSuchResource

    def applied_quota(self: Any, service_code: str, quota_code: str) -> dict[str, Any]:
        if (service_code, quota_code) in UNAPPLIED_QUOTAS:
            raise NoSuchResource
        return default_quota(self, service_code, quota_code)

    def get_aws_default_service_quota(self: Any) -> str:
        params = json.loads(self.body)
        return json.dumps({"Quota": default_quota(self.backend, str(params.get("ServiceCode")), str(params.get("QuotaCode")))})

    models.ServiceQuotasBackend.get_service_quota = applied_quota  # type: ignore[method-assign]
    responses.ServiceQuotasResponse.get_aws_default_service_quota = get_aws_default_service_quota  # type: ignore[attr-defined]


@patch
def bucket_versioning_from_template() -> None:
    """A bucket created with `VersioningConfiguration: {Status: Enabled}` is versioned from the
    start; stock moto's CloudFormation ignores the property, so every upload replaces the object
    and the S3 lab's versions never appear."""
    from moto.s3.models import FakeBucket, s3_backends
    from moto.utilities.utils import get_partition

    original = FakeBucket.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
        bucket = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        status = cloudformation_json.get("Properties", {}).get("VersioningConfiguration", {}).get("Status")
        if status:
            s3_backends[account_id][get_partition(region_name)].put_bucket_versioning(bucket.name, status)
        return bucket

    FakeBucket.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]


@patch
def non_empty_bucket_fails_delete() -> None:
    """CloudFormation cannot delete a bucket that still has objects (or versions): the resource
    fails with "The bucket you tried to delete is not empty" and the stack goes DELETE_FAILED.
    Stock moto keeps the bucket, says nothing, and reports the resource deleted."""
    from moto.s3.models import FakeBucket, s3_backends
    from moto.utilities.utils import get_partition

    original = FakeBucket.delete_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def]
        bucket = s3_backends[account_id][get_partition(region_name)].buckets.get(resource_name)
        if bucket is not None and bucket.keys:
            raise RuntimeError(f"The bucket you tried to delete is not empty (Service: S3, Status Code: 409, Error Code: BucketNotEmpty): {resource_name}")
        original(cls, resource_name, cloudformation_json, account_id, region_name)

    FakeBucket.delete_from_cloudformation_json = classmethod(delete_from_cloudformation_json)  # type: ignore[method-assign,assignment]


@patch
def group_delete_without_its_target_groups() -> None:
    """Deleting an Auto Scaling group whose target group is already gone works: the group's
    instances are terminated and the group goes. Stock moto deregisters the instances from every
    attached target group first and fails with TargetGroupNotFound, so in a stack delete that
    removed the target group first the group (and its nested stack) stays, and a force delete
    fails the same way."""
    from moto.autoscaling.models import AutoScalingBackend
    from moto.elbv2.models import elbv2_backends

    original = AutoScalingBackend.delete_auto_scaling_group

    def delete_auto_scaling_group(self, group_name: str) -> None:  # type: ignore[no-untyped-def]
        group = self.autoscaling_groups.get(group_name)
        if group is not None:
            existing = elbv2_backends[self.account_id][self.region_name].target_groups
            group.target_group_arns = [arn for arn in group.target_group_arns if arn in existing]
        original(self, group_name)

    AutoScalingBackend.delete_auto_scaling_group = delete_auto_scaling_group  # type: ignore[method-assign]


@patch
def gateway_attachment_physical_id() -> None:
    """An `AWS::EC2::VPCGatewayAttachment`'s physical id (its Ref) is its primary identifier,
    the attachment type and the VPC joined by `|` (`IGW|vpc-...` for an internet gateway);
    stock moto gives the VPC id alone, so a tool that reads the id as AWS writes it (teardown's
    sweep) does not see an internet gateway attachment."""
    from moto.ec2.models.vpn_gateway import VPCGatewayAttachment

    def physical_resource_id(self: Any) -> str:
        kind = "IGW" if str(self.gateway_id or "").startswith("igw-") else "VPN"
        return f"{kind}|{self.vpc_id}"

    VPCGatewayAttachment.physical_resource_id = property(physical_resource_id)  # type: ignore[assignment,method-assign]


@patch
def records_made_by_cloudformation_can_be_deleted() -> None:
    """A record set CloudFormation created (`AWS::Route53::RecordSet`) can be deleted with
    ChangeResourceRecordSets, as listed. Stock moto accepts a DELETE only for a record its own
    ChangeResourceRecordSets created (it checks the zone's change journal, not its records), so
    every DELETE of a CloudFormation-made record is refused ("Expected exactly one of
    [AliasTarget, ...]"); and it lists an alias record without the `EvaluateTargetHealth` that
    AliasTarget always has (the template may leave it out: false). Here the record created from
    a template is journaled as a CREATE would be, with EvaluateTargetHealth false unless set."""
    from moto.route53.models import RecordSet, route53_backends
    from moto.utilities.utils import get_partition

    original = RecordSet.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
        properties = cloudformation_json["Properties"]
        alias = properties.get("AliasTarget")
        if alias is not None:
            properties["AliasTarget"] = {"EvaluateTargetHealth": False, **alias}
        record = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        backend = route53_backends[account_id][get_partition(region_name)]
        zone = backend.get_hosted_zone_by_name(properties["HostedZoneName"]) if properties.get("HostedZoneName") else None
        zone = zone or backend.get_hosted_zone(properties["HostedZoneId"])
        journaled: dict[str, Any] = {"Name": properties["Name"], "Type": properties["Type"]}
        if alias is not None:
            journaled["AliasTarget"] = properties["AliasTarget"]
        if "TTL" in properties:
            journaled.update(TTL=int(properties["TTL"]), ResourceRecords=[{"Value": v} for v in properties.get("ResourceRecords", [])])
        zone.rr_changes.append({"Action": "CREATE", "ResourceRecordSet": journaled})
        return record

    RecordSet.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]


@patch
def tagging_lists_launch_templates() -> None:
    """The Resource Groups Tagging API's GetResources returns EC2 launch templates with their tags
    (the fleet's, which the kit tags); stock moto's GetResources has no launch-template source, so
    a tagged template is never listed and teardown's probe of one (DescribeLaunchTemplates) never
    runs."""
    from moto.resourcegroupstaggingapi.models import ResourceGroupsTaggingAPIBackend
    from moto.utilities.utils import get_partition

    original = ResourceGroupsTaggingAPIBackend._get_resources_generator

    def generator(self, tag_filters=None, resource_type_filters=None):  # type: ignore[no-untyped-def]
        yield from original(self, tag_filters=tag_filters, resource_type_filters=resource_type_filters)
        if resource_type_filters and not {"ec2", "ec2:launch-template"} & set(resource_type_filters):
            return
        for template in self.ec2_backend.launch_templates.values():
            tags = {t["key"]: t["value"] for t in self.ec2_backend.describe_tags(filters={"resource-id": [template.id]})}
            if tags and tag_filters_match(tags, tag_filters):
                arn = f"arn:{get_partition(self.region_name)}:ec2:{self.region_name}:{self.account_id}:launch-template/{template.id}"
                yield {"ResourceARN": arn, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}

    ResourceGroupsTaggingAPIBackend._get_resources_generator = generator  # type: ignore[method-assign]


@patch
def elbv2_template_tags_listed() -> None:
    """A listener and a listener rule keep the `Tags` of their template, and the Resource Groups
    Tagging API's GetResources lists tagged listeners and rules (it answers for every resource
    type). Stock moto's CloudFormation drops both resources' Tags, and its GetResources has no
    listener or rule source, so teardown never meets a kit-tagged listener or rule left behind
    and its probes of them (DescribeListeners, DescribeRules) never run."""
    from moto.elbv2.models import FakeListener, FakeListenerRule, elbv2_backends
    from moto.resourcegroupstaggingapi.models import ResourceGroupsTaggingAPIBackend

    for model in (FakeListener, FakeListenerRule):
        original_create = model.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, _create=original_create, **kwargs):  # type: ignore[no-untyped-def]
            resource = _create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
            tags = cloudformation_json.get("Properties", {}).get("Tags")
            if tags:
                elbv2_backends[account_id][region_name].tagging_service.tag_resource(resource.arn, tags)
            return resource

        model.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign,assignment]

    original = ResourceGroupsTaggingAPIBackend._get_resources_generator

    def generator(self, tag_filters=None, resource_type_filters=None):  # type: ignore[no-untyped-def]
        yield from original(self, tag_filters=tag_filters, resource_type_filters=resource_type_filters)
        wanted = set(resource_type_filters or [])
        listeners = not wanted or bool({"elasticloadbalancing", "elasticloadbalancing:listener"} & wanted)
        rules = not wanted or bool({"elasticloadbalancing", "elasticloadbalancing:listener-rule"} & wanted)
        backend = self.elbv2_backend
        # Only what is still there: a deleted load balancer takes its listeners and rules along.
        for balancer in backend.load_balancers.values():
            for listener in balancer.listeners.values():
                found = ([listener.arn] if listeners else []) + (list(listener._non_default_rules) if rules else [])
                for arn in found:
                    tags = backend.tagging_service.get_tag_dict_for_resource(arn)
                    if tags and tag_filters_match(tags, tag_filters):
                        yield {"ResourceARN": arn, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}

    ResourceGroupsTaggingAPIBackend._get_resources_generator = generator  # type: ignore[method-assign]


def apply_all() -> list[str]:
    for fn in PATCHES.values():
        fn()
    return list(PATCHES)
