"""Narrow corrections to moto 5.2 where it differs from AWS in what the Class Lab Kit deploys.

Each patch is one function that monkeypatches moto at start-up (never moto's installed files),
listed in PATCHES; docs/emulator-gaps.md says, for each, what AWS does (cited) and what stock moto
does instead, and test_patches.py shows the stock behaviour and the corrected one.
"""
from typing import Any, Callable

PATCHES: dict[str, Callable[[], None]] = {}


def patch(fn: Callable[[], None]) -> Callable[[], None]:
    PATCHES[fn.__name__] = fn
    return fn


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
    """A stack whose delete fails stays, as DELETE_FAILED with the reason (AWS: DeleteStack,
    stack status codes); stock moto drops the stack from the account, so it looks deleted
    while its resources remain."""
    from moto.cloudformation.models import CloudFormationBackend

    def delete_stack(self, name_or_stack_id):  # type: ignore[no-untyped-def]
        stack = self.stacks.get(name_or_stack_id) or next(
            (s for s in self.stacks.values() if s.name == name_or_stack_id), None
        )
        if stack is None:
            return
        stack._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
        try:
            stack.resource_map.delete()
        except Exception as error:  # moto raises what the failing resource's backend raised
            reason = f"The following resource(s) failed to delete: {error}"
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


def apply_all() -> list[str]:
    for fn in PATCHES.values():
        fn()
    return list(PATCHES)
