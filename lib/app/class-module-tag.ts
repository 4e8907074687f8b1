import { NestedStack, Tags } from 'aws-cdk-lib';
import { ClassModule } from '../settings/settings-table';

/** The tag the instructor tool reads a resource's class module from (cost, status, teardown). */
export const CLASS_MODULE_TAG = 'class-module';

/**
 * Tags a module's nested stack with its class module: every resource in it, and the nested stack
 * resource in the parent template, which CloudFormation tags the nested stack with. cdk.json's
 * `@aws-cdk/core:explicitStackTags` keeps `Tags.of(stack)` off stacks, nested ones included, so
 * the nested stack resource gets the tag of its own; the tool attributes a nested stack's
 * untaggable resources to the nested stack's module.
 */
export function tagClassModule(module: NestedStack, name: ClassModule): void {
  Tags.of(module).add(CLASS_MODULE_TAG, name);
  Tags.of(module.nestedStackResource!).add(CLASS_MODULE_TAG, name);
}
