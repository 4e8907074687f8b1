import { BILLABLE, candidateFromArn, candidatesFromRecord } from '../../lib/tooling/leftovers';

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
    ['arn:aws:ecs:us-east-1:111122223333:cluster/class-lab', 'other', 'arn:aws:ecs:us-east-1:111122223333:cluster/class-lab'],
  ])('%s is a %s', (arn, kind, id) => {
    expect(candidateFromArn(arn)).toEqual({ kind, id, foundBy: 'tags' });
  });

  test('a deleted stack\'s Lambda function points at the log group Lambda created for it', () => {
    expect(candidatesFromRecord({ type: 'AWS::Lambda::Function', physicalId: 'ClassLabStack-ana-AutoDelete-1A2B' }))
      .toEqual([{ kind: 'log-group', id: '/aws/lambda/ClassLabStack-ana-AutoDelete-1A2B', foundBy: 'stack' }]);
    expect(candidatesFromRecord({ type: 'AWS::IAM::Role', physicalId: 'role' })).toEqual([]);
  });

  test('what keeps billing counts as billable; security groups and target groups do not', () => {
    expect([...BILLABLE].sort()).toEqual(['bucket', 'ecr-repository', 'elastic-ip', 'hosted-zone', 'instance', 'load-balancer', 'log-group', 'nat-gateway', 'snapshot', 'volume']);
  });
});
