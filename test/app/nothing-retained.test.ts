/**
 * Nothing outlives a delete, in any variant as the real CLI synthesizes it (cdk.json's feature
 * flags in force): no resource is retained or snapshotted, and every Lambda function writes to
 * exactly one log group, its own, which the stack deletes (lib/class-operations/owned-log-groups.ts;
 * `@aws-cdk/aws-lambda:useCdkManagedLogGroup` would add a retained `/aws/lambda/<function>` group).
 */
import { cliAssembly } from '../support/cli-synth';
import { VARIANT_NAMES } from '../support/variants';

type Resource = { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string; Properties?: Record<string, any> };

describe.each(VARIANT_NAMES)('the %s variant', (name) => {
  const templates = [...cliAssembly(name).templates()];

  test('retains and snapshots nothing on delete or replacement', () => {
    const kept = templates.flatMap(([file, t]) => Object.entries<Resource>(t.Resources ?? {})
      .filter(([, r]) => [r.DeletionPolicy, r.UpdateReplacePolicy].some((p) => p !== undefined && p !== 'Delete'))
      .map(([id, r]) => `${file} ${id} (${r.Type}): DeletionPolicy ${r.DeletionPolicy}, UpdateReplacePolicy ${r.UpdateReplacePolicy}`));
    expect(kept).toEqual([]);
  });

  test('gives every function one log group of its own, deleted with the stack, and no other log group', () => {
    for (const [file, t] of templates) {
      const resources = Object.entries<Resource>(t.Resources ?? {});
      const functions = resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function');
      const owned = functions.map(([id, r]) => [id, r.Properties?.LoggingConfig?.LogGroup?.Ref] as const);
      for (const [id, ref] of owned) {
        expect({ file, id, logGroup: t.Resources[ref]?.Type, deletion: t.Resources[ref]?.DeletionPolicy }).toEqual({ file, id, logGroup: 'AWS::Logs::LogGroup', deletion: 'Delete' });
      }
      expect(new Set(owned.map(([, ref]) => ref)).size).toBe(functions.length);
      // Every log group of the template is some function's, or one the kit names on purpose (the ECS app's).
      const unowned = resources.filter(([id, r]) => r.Type === 'AWS::Logs::LogGroup' && !owned.some(([, ref]) => ref === id))
        .filter(([, r]) => JSON.stringify(r.Properties?.LogGroupName ?? '').includes('/aws/lambda/'));
      expect(unowned.map(([id]) => `${file} ${id}`)).toEqual([]);
    }
  });
});
