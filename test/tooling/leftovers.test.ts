import { BILLABLE, candidateFromArn, candidatesFromRecord, deleteCommand } from '../../lib/tooling/leftovers';

describe('leftover candidates', () => {
  test.each([
    ['arn:aws:ec2:us-east-1:111122223333:instance/i-0abc', 'instance', 'i-0abc'],
    ['arn:aws:ec2:us-east-1:111122223333:volume/vol-0abc', 'volume', 'vol-0abc'],
    ['arn:aws:ec2:us-east-1::snapshot/snap-0abc', 'snapshot', 'snap-0abc'],
    ['arn:aws:ec2:us-east-1:111122223333:network-interface/eni-0abc', 'network-interface', 'eni-0abc'],
    ['arn:aws:ec2:us-east-1:111122223333:security-group/sg-0abc', 'security-group', 'sg-0abc'],
    ['arn:aws:ec2:us-east-1:111122223333:natgateway/nat-0abc', 'nat-gateway', 'nat-0abc'],
    ['arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/lab/0123', 'load-balancer', 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/lab/0123'],
    ['arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/fleet/0123', 'target-group', 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/fleet/0123'],
    ['arn:aws:logs:us-east-1:111122223333:log-group:/ecs/class-lab:*', 'log-group', '/ecs/class-lab'],
    ['arn:aws:ecr:us-east-1:111122223333:repository/class-lab-ana-app', 'ecr-repository', 'class-lab-ana-app'],
    ['arn:aws:s3:::class-lab-ana-bucket', 'bucket', 'class-lab-ana-bucket'],
    ['arn:aws:route53:::hostedzone/Z0ANA', 'hosted-zone', 'Z0ANA'],
    ['arn:aws:ecs:us-east-1:111122223333:cluster/class-lab', 'ecs-cluster', 'class-lab'],
    ['arn:aws:ecs:us-east-1:111122223333:service/class-lab/app', 'ecs-service', 'arn:aws:ecs:us-east-1:111122223333:service/class-lab/app'],
    ['arn:aws:ecs:us-east-1:111122223333:task/class-lab/0abc', 'ecs-task', 'arn:aws:ecs:us-east-1:111122223333:task/class-lab/0abc'],
    ['arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:1234:autoScalingGroupName/lab-fleet', 'auto-scaling-group', 'lab-fleet'],
    ['arn:aws:ec2:us-east-1:111122223333:internet-gateway/igw-0abc', 'internet-gateway', 'igw-0abc'],
    ['arn:aws:sqs:us-east-1:111122223333:queue', 'other', 'arn:aws:sqs:us-east-1:111122223333:queue'],
  ])('%s is a %s', (arn, kind, id) => {
    expect(candidateFromArn(arn)).toEqual({ kind, id, foundBy: 'tags' });
  });

  test('a deleted stack\'s Lambda function points at the log group Lambda created for it', () => {
    expect(candidatesFromRecord({ type: 'AWS::Lambda::Function', physicalId: 'ClassLabStack-ana-AutoDelete-1A2B' }))
      .toEqual([{ kind: 'log-group', id: '/aws/lambda/ClassLabStack-ana-AutoDelete-1A2B', foundBy: 'stack' }]);
    expect(candidatesFromRecord({ type: 'AWS::IAM::Role', physicalId: 'role' })).toEqual([]);
  });

  test('what keeps billing (or starts what does) counts as billable; security groups, target groups, VPCs and gateways do not', () => {
    expect([...BILLABLE].sort()).toEqual([
      'auto-scaling-group', 'bucket', 'ecr-repository', 'ecs-cluster', 'ecs-service', 'ecs-task', 'elastic-ip', 'hosted-zone', 'instance',
      'load-balancer', 'log-group', 'nat-gateway', 'other', 'record-set', 'snapshot', 'volume',
    ]);
  });

  test('a recorded resource of a kind the scan cannot look up is not a candidate (the stack deleted it)', () => {
    expect(candidatesFromRecord({ type: 'AWS::ECS::Service', physicalId: 'arn:aws:ecs:us-east-1:111122223333:service/c/s' })).toEqual([]);
    expect(candidatesFromRecord({ type: 'AWS::S3::Bucket', physicalId: 'b' })).toEqual([{ kind: 'bucket', id: 'b', foundBy: 'stack' }]);
  });

  test.each([
    ['ecs-service', 'arn:aws:ecs:us-east-1:111122223333:service/lab/app', 'aws ecs delete-service --force --cluster lab --service app'],
    ['ecs-task', 'arn:aws:ecs:us-east-1:111122223333:task/lab/0abc', 'aws ecs stop-task --task arn:aws:ecs:us-east-1:111122223333:task/lab/0abc --cluster lab'],
    ['auto-scaling-group', 'lab-fleet', 'aws autoscaling delete-auto-scaling-group --force-delete --auto-scaling-group-name lab-fleet'],
    ['elastic-ip', 'eipalloc-1', 'aws ec2 release-address --allocation-id eipalloc-1'],
    ['elastic-ip', '198.51.100.7', 'aws ec2 release-address --public-ip 198.51.100.7'],
    ['network-interface', 'eni-1', 'aws ec2 delete-network-interface --network-interface-id eni-1'],
  ] as const)('a %s leftover is named with the command that deletes it', (kind, id, command) => {
    expect(deleteCommand(kind, id)).toBe(command);
  });
});
