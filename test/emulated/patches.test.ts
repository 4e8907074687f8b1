/**
 * Each emulator patch (scripts/emulator/patches.py) against stock moto: the same scenario
 * (scripts/emulator/check_patches.py) on moto as installed and with the patches. A stock result
 * that changes means moto fixed (or moved) the gap upstream: drop or rework that patch and its
 * row in docs/emulator-gaps.md.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/project';
import { emulatedDescribe, MOTO_INSTALLED_VERSION, MOTO_VERSION } from './support/moto';

const script = path.join(REPO_ROOT, 'scripts', 'emulator', 'check_patches.py');

function observe(mode: 'stock' | 'patched'): Record<string, any> {
  const result = spawnSync('python3', [script, mode], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`check_patches.py ${mode} failed: ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout);
}

/** Per patch: what stock moto 5.2.1 does, and what AWS does (the patched result). */
const EXPECTED: Record<string, { stock: unknown; aws: unknown }> = {
  ecr_generated_names_lowercase: { stock: expect.stringMatching(/InvalidParameterException.*repositoryName/), aws: [true] },
  custom_resources_answer_at_once: { stock: expect.stringMatching(/Function not found/), aws: 'CREATE_COMPLETE' },
  change_set_outputs: { stock: [], aws: ['QueueUrl'] },
  nested_stack_output_attributes: { stock: [], aws: ['ChildName'] },
  ecs_cluster_without_tags: { stock: 'TypeError', aws: 'answers' },
  nested_stacks_know_their_root: { stock: [false], aws: [true] },
  failed_delete_is_delete_failed: { stock: expect.stringMatching(/DependencyViolation.*DeleteStack/), aws: ['DELETE_FAILED', ['Vpc'], 'DELETE_COMPLETE'] },
  // Queues after the delete, after DescribeStacks, after ListStackResources; the deleted stack still lists both.
  deleted_resources_stay_deleted: { stock: [0, 1, 2, ['A', 'B']], aws: [0, 0, 0, ['A', 'B']] },
  cloudformation_deletes_what_it_created: { stock: expect.stringMatching(/DependencyViolation/), aws: { clusters: 0, zones: 0, vpcs: 0, targetGroups: 0 } },
  primary_interface_deleted_with_instance: { stock: 1, aws: 0 },
  ecs_service_linked_role_name: { stock: 'AWSServiceRoleForecs', aws: 'AWSServiceRoleForECS' },
  // GetServiceQuota, GetAWSDefaultServiceQuota of the vCPU quota, then of a quota without an applied value
  // (launch.py --quota-without-applied-value): AWS answers NoSuchResourceException, the default still answers.
  service_quotas_of_the_class: { stock: ['NoSuchResourceException', 'NotImplementedError', 5, 'NotImplementedError'], aws: [5, 5, 'NoSuchResourceException', 5] },
  bucket_versioning_from_template: { stock: null, aws: 'Enabled' },
  group_delete_without_its_target_groups: { stock: 'TargetGroupNotFound', aws: [] },
  gateway_attachment_physical_id: { stock: '<vpc>', aws: 'IGW|<vpc>' },
  // [the listed alias target has EvaluateTargetHealth, the DELETE of the record as listed]
  records_made_by_cloudformation_can_be_deleted: { stock: [false, 'InvalidInput'], aws: [true, ['NS', 'SOA']] },
  // The resource types GetResources lists for a tagged launch template.
  tagging_lists_launch_templates: { stock: [], aws: ['launch-template'] },
  // [DescribeTags' keys of a template's listener and rule, the resource types GetResources lists for the tag]
  elbv2_template_tags_listed: { stock: [[[], []], []], aws: [[['course'], ['course']], ['listener', 'listener-rule']] },
  non_empty_bucket_fails_delete: { stock: ['DELETE_COMPLETE', ['full-lab']], aws: ['DELETE_FAILED', ['full-lab']] },
};

emulatedDescribe('emulator patches, each against stock moto', () => {
  let stock: Record<string, any>;
  let patched: Record<string, any>;

  beforeAll(() => {
    if (MOTO_INSTALLED_VERSION !== MOTO_VERSION) throw new Error(`moto ${MOTO_VERSION} is pinned; this machine has ${MOTO_INSTALLED_VERSION}`);
    stock = observe('stock');
    patched = observe('patched');
  }, 240_000);

  test('every patch has a scenario here and a row in docs/emulator-gaps.md', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...patched.patches].sort());
    const gaps = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'emulator-gaps.md'), 'utf8');
    for (const name of patched.patches) expect(gaps).toContain(`| \`${name}\` |`);
  });

  test.each(Object.keys(EXPECTED))('%s: stock moto differs from AWS, the patch gives what AWS does', (name) => {
    expect({ stock: stock[name], aws: patched[name] }).toEqual(EXPECTED[name]);
  });
});
