/**
 * What AWS answers for the kit's default lab, in AWS's own shapes: the names CloudFormation
 * and target tracking generate, the sentences EC2 Auto Scaling writes into a scaling
 * activity's Cause, and the order DescribeScalingActivities returns (newest first, activities
 * still in progress first). The kit's checkpoints and the guides' proof commands are tested
 * against these, not against short made-up names.
 *
 * Sources for the shapes:
 * - target tracking alarm names `TargetTracking-<group>-AlarmHigh-<uuid>` / `-AlarmLow-<uuid>`, and
 *   a Cause "At <t> a monitor alarm TargetTracking-my-asg-AlarmHigh-1bd75141-14b2-4f14-ad2b-6d26ea7c94a8
 *   in state ALARM triggered policy my-asg-asgWorkerScalingPolicy-crdTF9lGieul changing the desired
 *   capacity from 2 to 3.  At <t> an instance was started in response to a difference between desired
 *   and actual capacity, increasing the capacity from 2 to 3." (EC2 Auto Scaling event reference,
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-event-reference.html);
 * - the Cause of a policy's change, "At <t> a monitor alarm <alarm> in state ALARM triggered policy
 *   <policy> changing the desired capacity from 4 to 3.", and of a user request, "At <t> a user
 *   request update of AutoScalingGroup constraints to min: …, max: …, desired: … changing the
 *   desired capacity from 14 to 13." (https://repost.aws/knowledge-center/auto-scaling-scale-down);
 * - a killed instance: "an instance was taken out of service in response to an EC2 health check
 *   indicating it has been terminated or stopped" (https://repost.aws/knowledge-center/auto-scaling-instance-how-terminated);
 * - ordering: "Activities are sorted by start time. Activities still in progress are described
 *   first." (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeScalingActivities.html);
 * - physical names CloudFormation generates: `<stack name>-<logical id>-<12 to 13 random characters>`,
 *   nested stacks `<parent>-<logical id of the nested stack resource>-<random>`
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html).
 */

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';

/** The fleet's nested stack, as CloudFormation names it under ClassLabStack. */
export const FLEET_STACK = 'ClassLabStack-Ec2FleetNestedStackEc2FleetNestedStackResourceD0BB52B3-1U8XJ9Q4V2KLM';
/** The Auto Scaling group (logical id AutoScalingGroupASG804C35BE in the kit's template). */
export const ASG_NAME = `${FLEET_STACK}-AutoScalingGroupASG804C35BE-kG7eT2bYq1Xw`;
/** The target tracking policy (logical id AutoScalingGroupScalingPolicyRequestsPerInstance12271BD3). */
export const POLICY_NAME = `${FLEET_STACK}-AutoScalingGroupScalingPolicyRequestsPerInstance12271BD3-Vb0ZkP3mQd8r`;
export const ALARM_HIGH = `TargetTracking-${ASG_NAME}-AlarmHigh-3f1c9a52-8e4b-4d7a-9c61-0b2e5d7f4a18`;
export const ALARM_LOW = `TargetTracking-${ASG_NAME}-AlarmLow-b84d2e07-5a39-4c1f-a6e2-91d7c3f05b6e`;

/** The instances of the story, in the order they appear. */
export const INSTANCES = {
  first: 'i-0a1b2c3d4e5f60718',
  second: 'i-0f1e2d3c4b5a69788',
  replacement: 'i-0c2d3e4f5a6b7c8d9',
  scaledOut: 'i-05a6b7c8d9e0f1a2b',
} as const;

export interface SampleActivity {
  readonly ActivityId: string;
  readonly AutoScalingGroupName: string;
  readonly Description: string;
  readonly Cause: string;
  readonly StartTime: string;
  readonly EndTime?: string;
  readonly StatusCode: string;
  readonly Progress: number;
  readonly Details: string;
}

function activity(n: number, description: string, cause: string, start: string, end: string | undefined, status = 'Successful'): SampleActivity {
  return {
    ActivityId: `${n.toString(16).padStart(8, '0')}-5d1c-4e8a-9b3f-2c7d6e1f0a${n.toString(16).padStart(2, '0')}`,
    AutoScalingGroupName: ASG_NAME,
    Description: description,
    Cause: cause,
    StartTime: start,
    ...(end ? { EndTime: end } : {}),
    StatusCode: status,
    Progress: end ? 100 : 30,
    Details: JSON.stringify({ 'Subnet ID': 'subnet-0b1c2d3e4f5a6b7c8', 'Availability Zone': 'us-east-1a' }),
  };
}

const started = (t: string, from: number, to: number) => `At ${t} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${to}.`;
const alarm = (t: string, name: string, from: number, to: number) => `At ${t} a monitor alarm ${name} in state ALARM triggered policy ${POLICY_NAME} changing the desired capacity from ${from} to ${to}.`;

/**
 * The default lab's whole EC2 story (fleetMin 1, desired 2, max 2): the deploy launches two
 * instances; step 4 kills one and the group replaces it; step 6's trickle scales in 2 -> 1,
 * its burst scales out 1 -> 2. Newest first, as AWS returns them.
 */
export function defaultLabActivities(): SampleActivity[] {
  const oldestFirst = [
    activity(1, `Launching a new EC2 instance: ${INSTANCES.first}`, `At 2026-03-05T09:12:41Z a user request created an AutoScalingGroup changing the desired capacity from 0 to 2.  ${started('2026-03-05T09:12:47Z', 0, 2)}`, '2026-03-05T09:12:49.402000+00:00', '2026-03-05T09:13:55.117000+00:00'),
    activity(2, `Launching a new EC2 instance: ${INSTANCES.second}`, `At 2026-03-05T09:12:41Z a user request created an AutoScalingGroup changing the desired capacity from 0 to 2.  ${started('2026-03-05T09:12:47Z', 0, 2)}`, '2026-03-05T09:12:49.388000+00:00', '2026-03-05T09:13:54.902000+00:00'),
    activity(3, `Terminating EC2 instance: ${INSTANCES.first}`, `At 2026-03-05T09:41:07Z an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`, '2026-03-05T09:41:07.521000+00:00', '2026-03-05T09:42:13.030000+00:00'),
    activity(4, `Launching a new EC2 instance: ${INSTANCES.replacement}`, started('2026-03-05T09:41:19Z', 1, 2), '2026-03-05T09:41:21.664000+00:00', '2026-03-05T09:42:27.195000+00:00'),
    activity(5, `Terminating EC2 instance: ${INSTANCES.second}`, `${alarm('2026-03-05T10:18:05Z', ALARM_LOW, 2, 1)}  At 2026-03-05T10:18:13Z an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 2 to 1.  At 2026-03-05T10:18:13Z instance ${INSTANCES.second} was selected for termination.`, '2026-03-05T10:18:13.412000+00:00', '2026-03-05T10:19:25.883000+00:00'),
    activity(6, `Launching a new EC2 instance: ${INSTANCES.scaledOut}`, `${alarm('2026-03-05T10:23:42Z', ALARM_HIGH, 1, 2)}  ${started('2026-03-05T10:23:48Z', 1, 2)}`, '2026-03-05T10:23:50.102000+00:00', '2026-03-05T10:24:56.611000+00:00'),
  ];
  return [...oldestFirst].sort((a, b) => b.StartTime.localeCompare(a.StartTime));
}

/**
 * The exercise's part 2 after the whole EC2 guide: a second kill (the first instance of the
 * group now, the replacement of step 4), its replacement still starting, so it is listed first.
 */
export function exerciseKillActivities(inProgress = false): SampleActivity[] {
  const victim = INSTANCES.replacement;
  const kill = activity(7, `Terminating EC2 instance: ${victim}`, `At 2026-03-05T13:05:31Z an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`, '2026-03-05T13:05:31.208000+00:00', '2026-03-05T13:06:37.930000+00:00');
  const launch = activity(8, 'Launching a new EC2 instance: i-0e1f2a3b4c5d6e7f8', started('2026-03-05T13:05:43Z', 1, 2), '2026-03-05T13:05:45.311000+00:00', inProgress ? undefined : '2026-03-05T13:06:51.240000+00:00', inProgress ? 'InProgress' : 'Successful');
  return [launch, kill, ...defaultLabActivities()];
}

/** describe-alarms for the prefix TargetTracking-<group>: CloudWatch lists alarms by name. */
export function targetTrackingAlarms(highState = 'OK', lowState = 'ALARM'): unknown {
  const metric = { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCountPerTarget', Statistic: 'Sum', Period: 60 };
  return {
    MetricAlarms: [
      { AlarmName: ALARM_HIGH, StateValue: highState, EvaluationPeriods: 3, DatapointsToAlarm: 3, Threshold: 120, ComparisonOperator: 'GreaterThanThreshold', ...metric },
      { AlarmName: ALARM_LOW, StateValue: lowState, EvaluationPeriods: 15, DatapointsToAlarm: 15, Threshold: 108, ComparisonOperator: 'LessThanThreshold', ...metric },
    ].sort((a, b) => a.AlarmName.localeCompare(b.AlarmName)),
    CompositeAlarms: [],
  };
}
