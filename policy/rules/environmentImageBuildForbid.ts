import { RESOURCE_TYPE } from "../model/types";
import { Family, MigrationStage, schema, type StackRule } from "../rule";
import { componentType } from "../../components/core/packageName";

/** Config of environment-image-build-forbid. */
export interface EnvironmentBuildConfig {
    /** Stacks allowed to build images (the build stack). */
    buildStacks: string[];
    /** Resource types that build an image. */
    imageBuildTypes: string[];
}

const DEFAULT_BUILD_TYPES = [
    RESOURCE_TYPE.dockerBuildImage,
    RESOURCE_TYPE.dockerImage,
    componentType("ContainerImage"),
    componentType("MachineImage"),
];

/** The stack name of a URN (`urn:pulumi:<stack>::<project>::...`). */
export function stackOfUrn(urn: string): string {
    return urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

/** Environment stacks never build an image. */
export const environmentImageBuildForbid: StackRule<EnvironmentBuildConfig> = {
    kind: "stack",
    name: "environment-image-build-forbid",
    family: Family.Stack,
    description:
        "Forbids image builds (docker-build Image, docker Image, ContainerImage, MachineImage) in any stack other than the build stack.",
    why: "Build once: environment stacks deploy the release the build stack produced; a rebuild per environment ships an artifact nobody tested.",
    fix: "Read the release from the build stack (StackReference) or the release manifest and deploy its digest; build only in the build stack.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.GoldenImages,
    resourceTypes: DEFAULT_BUILD_TYPES,
    readsPropsOf: [],
    defaults: { buildStacks: ["build"], imageBuildTypes: DEFAULT_BUILD_TYPES },
    configSchema: schema(
        {
            buildStacks: {
                type: "array",
                items: { type: "string" },
                description: "Names of the stacks allowed to build images.",
            },
            imageBuildTypes: {
                type: "array",
                items: { type: "string" },
                description: "Resource types that build an image.",
            },
        },
        { buildStacks: ["build"], imageBuildTypes: DEFAULT_BUILD_TYPES },
    ),
    validateStack(resources, config, report) {
        for (let i = 0; i < resources.length; i++) {
            const r = resources[i];
            if (!config.imageBuildTypes.includes(r.type)) {
                continue;
            }
            const stack = stackOfUrn(r.urn);
            if (!config.buildStacks.includes(stack)) {
                report(
                    `stack "${stack}" builds an image (${r.type} "${r.name}"); only ${config.buildStacks.map((s) => `"${s}"`).join(", ")} may build`,
                    r.urn,
                );
            }
        }
    },
};
