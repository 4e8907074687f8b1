"""The emulated tier's own inventory of the emulated account: list calls over every service the
kit deploys to, with boto3 (not the instructor tool's code), printed as one JSON object of what
is there beside the CDK bootstrap stack's own resources and what an account has by default.

    AWS_ENDPOINT_URL=http://127.0.0.1:<port> python3 inventory.py
"""
import json
import os

import boto3

BOOTSTRAP_PREFIX = "cdk-hnb659fds-"


def client(name: str):  # type: ignore[no-untyped-def]
    return boto3.client(name, endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name=os.environ.get("AWS_REGION", "us-east-1"),
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def pages(c, operation: str, key: str, **kwargs):  # type: ignore[no-untyped-def]
    for page in c.get_paginator(operation).paginate(**kwargs):
        yield from page.get(key, [])


def inventory() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    cfn = client("cloudformation")
    found["stacks"] = [f"{s['StackName']} {s['StackStatus']}" for s in pages(cfn, "list_stacks", "StackSummaries")
                       if s["StackStatus"] != "DELETE_COMPLETE" and s["StackName"] != "CDKToolkit"]
    ec2 = client("ec2")
    vpcs = [v["VpcId"] for v in pages(ec2, "describe_vpcs", "Vpcs") if not v.get("IsDefault")]
    found["vpcs"] = vpcs
    in_lab = [{"Name": "vpc-id", "Values": vpcs}] if vpcs else None
    found["subnets"] = [s["SubnetId"] for s in pages(ec2, "describe_subnets", "Subnets") if not s.get("DefaultForAz")]
    found["security-groups"] = [g["GroupId"] for g in pages(ec2, "describe_security_groups", "SecurityGroups", Filters=in_lab)] if in_lab else []
    found["network-interfaces"] = [n["NetworkInterfaceId"] for n in pages(ec2, "describe_network_interfaces", "NetworkInterfaces")]
    default_vpcs = [v["VpcId"] for v in pages(ec2, "describe_vpcs", "Vpcs") if v.get("IsDefault")]
    found["internet-gateways"] = [g["InternetGatewayId"] for g in pages(ec2, "describe_internet_gateways", "InternetGateways")
                                  if not any(a.get("VpcId") in default_vpcs for a in g.get("Attachments", []))]
    found["route-tables"] = [r["RouteTableId"] for r in pages(ec2, "describe_route_tables", "RouteTables", Filters=in_lab)] if in_lab else []
    found["instances"] = [i["InstanceId"] for r in pages(ec2, "describe_instances", "Reservations") for i in r["Instances"]
                          if i["State"]["Name"] not in ("terminated", "shutting-down")]
    found["volumes"] = [v["VolumeId"] for v in pages(ec2, "describe_volumes", "Volumes")]
    found["launch-templates"] = [t["LaunchTemplateName"] for t in pages(ec2, "describe_launch_templates", "LaunchTemplates")]
    found["elastic-ips"] = [a.get("AllocationId", "") for a in ec2.describe_addresses().get("Addresses", [])]
    found["nat-gateways"] = [g["NatGatewayId"] for g in pages(ec2, "describe_nat_gateways", "NatGateways") if g["State"] not in ("deleted", "deleting")]
    elbv2 = client("elbv2")
    found["load-balancers"] = [lb["LoadBalancerArn"] for lb in pages(elbv2, "describe_load_balancers", "LoadBalancers")]
    found["target-groups"] = [tg["TargetGroupArn"] for tg in pages(elbv2, "describe_target_groups", "TargetGroups")]
    found["auto-scaling-groups"] = [g["AutoScalingGroupName"] for g in pages(client("autoscaling"), "describe_auto_scaling_groups", "AutoScalingGroups")]
    ecs = client("ecs")
    clusters = list(pages(ecs, "list_clusters", "clusterArns"))
    described = ecs.describe_clusters(clusters=clusters)["clusters"] if clusters else []
    # A deleted cluster or service stays visible as INACTIVE for a while, in AWS as in moto.
    found["ecs-clusters"] = [c["clusterArn"] for c in described if c["status"] != "INACTIVE"]
    services: list[str] = []
    for arn in clusters:
        names = list(pages(ecs, "list_services", "serviceArns", cluster=arn))
        if names:
            services += [s["serviceArn"] for s in ecs.describe_services(cluster=arn, services=names)["services"] if s["status"] != "INACTIVE"]
    found["ecs-services"] = services
    found["ecs-task-definitions"] = list(pages(ecs, "list_task_definitions", "taskDefinitionArns", status="ACTIVE"))
    found["ecr-repositories"] = [r["repositoryName"] for r in pages(client("ecr"), "describe_repositories", "repositories")
                                 if not r["repositoryName"].startswith(BOOTSTRAP_PREFIX)]
    found["buckets"] = [b["Name"] for b in client("s3").list_buckets().get("Buckets", []) if not b["Name"].startswith(BOOTSTRAP_PREFIX)]
    found["hosted-zones"] = [z["Id"] for z in pages(client("route53"), "list_hosted_zones", "HostedZones")]
    found["log-groups"] = [g["logGroupName"] for g in pages(client("logs"), "describe_log_groups", "logGroups")]
    found["lambda-functions"] = [f["FunctionName"] for f in pages(client("lambda"), "list_functions", "Functions")]
    iam = client("iam")
    found["iam-roles"] = [r["RoleName"] for r in pages(iam, "list_roles", "Roles")
                          if not r["RoleName"].startswith(BOOTSTRAP_PREFIX) and not r["Path"].startswith("/aws-service-role/") and r["RoleName"] != "LabRole"]
    found["iam-instance-profiles"] = [p["InstanceProfileName"] for p in pages(iam, "list_instance_profiles", "InstanceProfiles") if p["InstanceProfileName"] != "LabInstanceProfile"]
    found["iam-policies"] = [p["PolicyName"] for p in pages(iam, "list_policies", "Policies", Scope="Local")]
    found["sqs-queues"] = client("sqs").list_queues().get("QueueUrls", [])
    found["schedules"] = [s["Name"] for s in pages(client("scheduler"), "list_schedules", "Schedules")]
    found["ssm-parameters"] = [p["Name"] for p in pages(client("ssm"), "describe_parameters", "Parameters") if not p["Name"].startswith(("/cdk-bootstrap/", "/aws/service/"))]
    return {kind: ids for kind, ids in found.items() if ids}


if __name__ == "__main__":
    print(json.dumps(inventory()))
