/**
 * The scaling checkpoints read the Auto Scaling group's whole activity history: every page of
 * DescribeScalingActivities, sorted newest first by start time (Auto Scaling lists activities
 * still in progress first). The fake lab answers as Auto Scaling does, two activities a page.
 */
import { DescribeScalingActivitiesCommand } from '@aws-sdk/client-auto-scaling';
import { synthLab } from '../../support/synth';
import { activity, aws, FakeLabNetwork, finishedLab, LabState, mockLabAws } from '../support/fake-lab';
import { runCli } from '../support/harness';
import { resetAws } from '../support/aws-mocks';

const lab = synthLab({}, { guardrails: false });
const [I1, I2] = ['i-0aaa1111bbbb2222c', 'i-0ddd3333eeee4444f'];
let network: FakeLabNetwork;

beforeAll(async () => {
  network = await FakeLabNetwork.start([I1, I2], ['v3'], ['solo']);
}, 60_000);
afterAll(() => network.stop());

async function check(state: LabState) {
  resetAws();
  mockLabAws(lab, { solo: state });
  network.set('solo', { fleet: [I1, I2], app: 'v3', hosts: { web: 'web.lab.class.internal', app: 'app.lab.class.internal' }, object: true });
  return runCli(['check', 'ec2', '--json'], { http: network.probe });
}

const statusOf = (run: { json(): any }, id: string) => run.json().results.find((r: any) => r.id === id)?.status;

describe('the EC2 scaling checkpoints', () => {
  test('a finished lab whose history spans pages: replaced, scaled out and in', async () => {
    const run = await check(finishedLab());
    expect(['ec2.replace', 'ec2.scale-out', 'ec2.scale-in'].map((id) => statusOf(run, id))).toEqual(['pass', 'pass', 'pass']);
    // The history spans pages (the fake answers two activities a page): every page was read.
    expect(aws.autoscaling.commandCalls(DescribeScalingActivitiesCommand).length).toBeGreaterThan(1);
  });

  test('EC2: activities on several pages, one still in progress listed first though older: the newest health-check kill is the one replaced', async () => {
    const state = finishedLab({ fleet: { desired: 2, instances: [{ id: I1 }, { id: I2 }], activities: [
      activity('Terminating EC2 instance: i-0stale', 'an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.', '2026-03-02T09:00:00Z', 'InProgress'),
      activity('Launching a new EC2 instance: i-0first', 'an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2.', '2026-03-02T09:05:00Z'),
      activity('Terminating EC2 instance: i-0killed', 'an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.', '2026-03-02T10:00:00Z'),
      activity('Launching a new EC2 instance: i-0replacement', 'an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2.', '2026-03-02T10:01:00Z'),
      activity('Launching a new EC2 instance: i-0out', 'a monitor alarm TargetTracking-asg-AlarmHigh in state ALARM triggered policy CpuTarget changing the desired capacity from 2 to 3.', '2026-03-02T10:10:00Z'),
      activity('Terminating EC2 instance: i-0out', 'a monitor alarm TargetTracking-asg-AlarmLow in state ALARM triggered policy CpuTarget changing the desired capacity from 3 to 2.', '2026-03-02T10:40:00Z'),
    ] } });
    const run = await check(state);
    const detail = (id: string) => run.json().results.find((r: any) => r.id === id).detail;
    expect(statusOf(run, 'ec2.replace')).toBe('pass');
    expect(detail('ec2.replace')).toBe('i-0killed replaced by i-0replacement');
    expect(statusOf(run, 'ec2.scale-out')).toBe('pass');
    expect(statusOf(run, 'ec2.scale-in')).toBe('pass');
    expect(aws.autoscaling.commandCalls(DescribeScalingActivitiesCommand).length).toBeGreaterThanOrEqual(3);
  });

});
