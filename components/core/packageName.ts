/**
 * The package's name, as npm and Pulumi know it. Pulumi's component provider host takes the Pulumi package name
 * from package.json `name` (run-plugin: the scope becomes the namespace, other characters become `-`), so one
 * name serves both: `npm install immutable-infra`, type tokens `immutable-infra:index:<Class>`, the Python
 * module `pulumi_immutable_infra`. Pure, no imports: the policy pack vendors this file (policy/publish.sh).
 * `test/components/schema.spec.ts` checks it against package.json.
 */

/** The npm package name, which is also the Pulumi package name. */
export const PACKAGE_NAME = "immutable-infra";

/** The type token of one of our components: `immutable-infra:index:ContainerService`. */
export function componentType(className: string): string {
    return `${PACKAGE_NAME}:index:${className}`;
}
