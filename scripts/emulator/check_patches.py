"""What each emulator patch changes, observed in moto (in-process, `mock_aws`): one small scenario
per patch of patches.py, its outcome printed as JSON. test/emulated/patches.test.ts runs it twice,
on stock moto and with the patches, and expects stock moto's known behaviour and AWS's.

    python3 scripts/emulator/check_patches.py stock|patched
"""
import json
import os
import sys
from typing import Any, Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"})

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

CHECKS: dict[str, Callable[[], Any]] = {}


def check(fn: Callable[[], Any]) -> Callable[[], Any]:
    CHECKS[fn.__name__] = fn
    return fn


def client(name: str) -> Any:
    return boto3.client(name, region_name="us-east-1")


def stack(name: str, resources: dict[str, Any], outputs: dict[str, Any] | None = None) -> str:
    template = {"Resources": resources, **({"Outputs": outputs} if outputs else {})}
    return client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(template))["StackId"]


def status(stack_id: str) -> str:
    try:
        return client("cloudformation").describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"]
    except Exception as error:  # stock moto forgets some stacks at once
        return type(error).__name__


@check
def ecr_generated_names_lowercase() -> Any:
    stack("Names", {"Repo": {"Type": "AWS::ECR::Repository"}})
    return [r["repositoryName"] == r["repositoryName"].lower() for r in client("ecr").describe_repositories()["repositories"]]


@check
def custom_resources_answer_at_once() -> Any:
    stack_id = stack("Custom", {"Thing": {"Type": "Custom::Thing", "Properties": {"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:absent"}}})
    return status(stack_id)


@check
def change_set_outputs() -> Any:
    cfn = client("cloudformation")
    template = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}, "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}}}
    cfn.create_change_set(StackName="ChangeSet", ChangeSetName="cs", ChangeSetType="CREATE", TemplateBody=json.dumps(template))
    cfn.execute_change_set(StackName="ChangeSet", ChangeSetName="cs")
    return [o["OutputKey"] for o in cfn.describe_stacks(StackName="ChangeSet")["Stacks"][0].get("Outputs", [])]


def nested_pair() -> str:
    s3 = client("s3")
    s3.create_bucket(Bucket="templates")
    child = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}, "Outputs": {"Name": {"Value": {"Fn::GetAtt": ["Queue", "QueueName"]}}}}
    s3.put_object(Bucket="templates", Key="child.json", Body=json.dumps(child))
    return stack("Parent", {"Child": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "https://templates.s3.amazonaws.com/child.json"}}},
                 {"ChildName": {"Value": {"Fn::GetAtt": ["Child", "Outputs.Name"]}}})


@check
def nested_stack_output_attributes() -> Any:
    nested_pair()
    return [o["OutputKey"] for o in client("cloudformation").describe_stacks(StackName="Parent")["Stacks"][0].get("Outputs", [])]


@check
def nested_stacks_know_their_root() -> Any:
    parent = nested_pair()
    nested = [s for s in client("cloudformation").describe_stacks()["Stacks"] if s["StackName"] != "Parent"]
    return [s.get("ParentId") == parent and s.get("RootId") == parent for s in nested]


@check
def ecs_cluster_without_tags() -> Any:
    client("ecs").create_cluster(clusterName="untagged")
    try:
        client("resourcegroupstaggingapi").get_resources()
        return "answers"
    except Exception as error:
        return type(error).__name__


@check
def failed_delete_is_delete_failed() -> Any:
    stack_id = stack("Failing", {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}})
    ec2 = client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.0.0.0/16"]}])["Vpcs"][0]["VpcId"]
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")  # not the stack's: the VPC cannot go
    client("cloudformation").delete_stack(StackName=stack_id)
    events = client("cloudformation").describe_stack_events(StackName=stack_id)["StackEvents"]
    # A resource deleted outside the stack (as teardown's sweep does) counts as deleted.
    swept = stack("Swept", {"Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": "swept.class.internal"}}})
    route53 = client("route53")
    route53.delete_hosted_zone(Id=route53.list_hosted_zones()["HostedZones"][0]["Id"])
    client("cloudformation").delete_stack(StackName=swept)
    return [status(stack_id), [e["LogicalResourceId"] for e in events if e["ResourceStatus"] == "DELETE_FAILED" and e["LogicalResourceId"] != "Failing"], status(swept)]


@check
def deleted_resources_stay_deleted() -> Any:
    # Queue A is named by an output nobody read before the delete (as the expiry clock's
    # ExpiresAt); queue B only by the stack's resource list.
    stack_id = stack("Deleted", {"A": {"Type": "AWS::SQS::Queue"}, "B": {"Type": "AWS::SQS::Queue"}}, {"QueueA": {"Value": {"Fn::GetAtt": ["A", "QueueName"]}}})
    cfn, sqs = client("cloudformation"), client("sqs")
    cfn.delete_stack(StackName=stack_id)
    queues = lambda: len(sqs.list_queues().get("QueueUrls", []))  # noqa: E731
    seen = [queues()]
    cfn.describe_stacks(StackName=stack_id)
    seen.append(queues())
    listed = sorted(r["LogicalResourceId"] for r in cfn.list_stack_resources(StackName=stack_id)["StackResourceSummaries"])
    return [*seen, queues(), listed]


@check
def cloudformation_deletes_what_it_created() -> Any:
    stack_id = stack("Created", {
        "Cluster": {"Type": "AWS::ECS::Cluster"},
        "Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": "lab.class.internal"}},
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.1.0.0/16"}},
        "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Group": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {"Port": 80, "Protocol": "HTTP", "VpcId": {"Ref": "Vpc"}}},
    })
    client("cloudformation").delete_stack(StackName=stack_id)
    ecs = client("ecs")
    clusters = ecs.describe_clusters(clusters=ecs.list_clusters()["clusterArns"])["clusters"] if ecs.list_clusters()["clusterArns"] else []
    return {
        "clusters": len([c for c in clusters if c["status"] == "ACTIVE"]),
        "zones": len(client("route53").list_hosted_zones()["HostedZones"]),
        "vpcs": len([v for v in client("ec2").describe_vpcs()["Vpcs"] if not v["IsDefault"]]),
        "targetGroups": len(client("elbv2").describe_target_groups()["TargetGroups"]),
    }


@check
def primary_interface_deleted_with_instance() -> Any:
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.2.1.0/24")["Subnet"]["SubnetId"]
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[instance])
    return len(ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"])


@check
def ecs_service_linked_role_name() -> Any:
    return client("iam").create_service_linked_role(AWSServiceName="ecs.amazonaws.com")["Role"]["RoleName"]


@check
def service_quotas_of_the_class() -> Any:
    import patches

    quotas = client("service-quotas")
    found = []
    # The vCPU quota, then a quota without an applied value (launch.py --quota-without-applied-value):
    # stock moto has an applied value for every vpc quota it knows.
    patches.UNAPPLIED_QUOTAS.add(("vpc", "L-F678F1CE"))
    try:
        for service, code in (("ec2", "L-1216C47A"), ("vpc", "L-F678F1CE")):
            for call in (quotas.get_service_quota, quotas.get_aws_default_service_quota):
                try:
                    found.append(call(ServiceCode=service, QuotaCode=code)["Quota"]["Value"])
                except Exception as error:
                    found.append(type(error).__name__)
    finally:
        patches.UNAPPLIED_QUOTAS.discard(("vpc", "L-F678F1CE"))
    return found


@check
def bucket_versioning_from_template() -> Any:
    stack("Versioned", {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "versioned-lab", "VersioningConfiguration": {"Status": "Enabled"}}}})
    return client("s3").get_bucket_versioning(Bucket="versioned-lab").get("Status")


@check
def non_empty_bucket_fails_delete() -> Any:
    stack_id = stack("Full", {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "full-lab"}}})
    client("s3").put_object(Bucket="full-lab", Key="hello.txt", Body=b"hello")
    client("cloudformation").delete_stack(StackName=stack_id)
    return [status(stack_id), [b["Name"] for b in client("s3").list_buckets()["Buckets"]]]


@check
def group_delete_without_its_target_groups() -> Any:
    ec2, groups, elbv2 = client("ec2"), client("autoscaling"), client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.3.1.0/24")["Subnet"]["SubnetId"]
    target_group = elbv2.create_target_group(Name="fleet", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    template = ec2.create_launch_template(LaunchTemplateName="fleet", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.nano"})["LaunchTemplate"]["LaunchTemplateId"]
    groups.create_auto_scaling_group(AutoScalingGroupName="fleet", LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
                                     MinSize=1, MaxSize=1, VPCZoneIdentifier=subnet, TargetGroupARNs=[target_group])
    elbv2.delete_target_group(TargetGroupArn=target_group)
    try:
        groups.delete_auto_scaling_group(AutoScalingGroupName="fleet", ForceDelete=True)
    except Exception as error:
        return getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__)
    return [g["AutoScalingGroupName"] for g in groups.describe_auto_scaling_groups()["AutoScalingGroups"]]


@check
def gateway_attachment_physical_id() -> Any:
    stack_id = stack("Gateway", {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.4.0.0/16"}},
        "Gateway": {"Type": "AWS::EC2::InternetGateway"},
        "Attachment": {"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Gateway"}}},
    })
    resources = client("cloudformation").list_stack_resources(StackName=stack_id)["StackResourceSummaries"]
    ids = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}
    return ids["Attachment"].replace(ids["Vpc"], "<vpc>")


@check
def records_made_by_cloudformation_can_be_deleted() -> Any:
    stack("Records", {
        "Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": "records.class.internal"}},
        "Web": {"Type": "AWS::Route53::RecordSet", "Properties": {"HostedZoneId": {"Ref": "Zone"}, "Name": "web.records.class.internal.", "Type": "A",
                "AliasTarget": {"DNSName": "dualstack.lab-1.us-east-1.elb.amazonaws.com", "HostedZoneId": "Z35SXDOTRQ7X7K"}}},
    })
    route53 = client("route53")
    zone = route53.list_hosted_zones()["HostedZones"][0]["Id"]
    record = next(r for r in route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"] if r["Type"] == "A")
    listed_in_full = "EvaluateTargetHealth" in record.get("AliasTarget", {})
    # boto3 requires EvaluateTargetHealth (the SDK for JavaScript sends the record as listed): moto's own answer counts.
    record["AliasTarget"] = {"EvaluateTargetHealth": False, **record["AliasTarget"]}
    try:
        route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": record}]})
    except Exception as error:
        return [listed_in_full, getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__)]
    return [listed_in_full, [r["Type"] for r in route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]]]


@check
def tagging_lists_launch_templates() -> Any:
    client("ec2").create_launch_template(
        LaunchTemplateName="fleet", LaunchTemplateData={"InstanceType": "t3.micro"},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "course", "Value": "class-03"}]}],
    )
    listed = client("resourcegroupstaggingapi").get_resources(TagFilters=[{"Key": "course", "Values": ["class-03"]}])["ResourceTagMappingList"]
    return [m["ResourceARN"].split(":")[-1].split("/")[0] for m in listed]


@check
def elbv2_template_tags_listed() -> Any:
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.5.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"] for i, zone in enumerate("ab")]
    tags = [{"Key": "course", "Value": "class-03"}]
    answer = {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain", "MessageBody": "no lab here"}}
    stack_id = stack("Listeners", {
        "Balancer": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Subnets": subnets}},
        "Http": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
            "LoadBalancerArn": {"Ref": "Balancer"}, "Port": 80, "Protocol": "HTTP", "DefaultActions": [answer], "Tags": tags}},
        "Lab": {"Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": {
            "ListenerArn": {"Ref": "Http"}, "Priority": 1, "Actions": [answer], "Tags": tags,
            "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/lab/*"]}}]}},
    })
    ids = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in client("cloudformation").list_stack_resources(StackName=stack_id)["StackResourceSummaries"]}
    described = client("elbv2").describe_tags(ResourceArns=[ids["Http"], ids["Lab"]])["TagDescriptions"]
    listed = client("resourcegroupstaggingapi").get_resources(TagFilters=[{"Key": "course", "Values": ["class-03"]}])["ResourceTagMappingList"]
    # [the tag keys DescribeTags gives the listener and the rule, the resource types GetResources lists]
    return [[sorted(t["Key"] for t in d["Tags"]) for d in described], sorted(m["ResourceARN"].split(":")[5].split("/")[0] for m in listed)]


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode not in ("stock", "patched"):
        sys.exit("usage: check_patches.py stock|patched")
    import patches

    if mode == "patched":
        patches.apply_all()
    results: dict[str, Any] = {"patches": list(patches.PATCHES)}
    for name, fn in CHECKS.items():
        with mock_aws():
            try:
                results[name] = fn()
            except Exception as error:
                results[name] = f"error: {type(error).__name__}: {error}"[:300]
    print(json.dumps(results))


if __name__ == "__main__":
    main()
