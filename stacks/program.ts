/**
 * One program, two kinds of stack:
 * - `build` (kind: build): the registries and the one image build of a release;
 * - environment stacks (kind: environment): deploy the build stack's release, never build.
 * `bin/immutable plan` and the specs run this same function under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildStack } from "./build";
import { environmentStack } from "./environment";
import { machineImageBuild } from "./vmBuild";
import { Target, vmEnvironmentStack } from "./vmEnvironment";

/** The kinds of shipped stack. */
export enum StackKind {
    Build = "build",
    Environment = "environment",
}

/** Runs the stack selected by `immutable:kind` and returns its outputs. */
export async function program(): Promise<Record<string, unknown>> {
    const config = new pulumi.Config("immutable");
    const kind = config.get("kind") ?? StackKind.Environment;
    const target = config.get("target") ?? Target.Container;
    if (!(Object.values(Target) as string[]).includes(target)) {
        throw new Error(`config immutable:target must be "container" or "vm", got "${target}"`);
    }
    switch (kind) {
        // The build stack also imports the machine image when one is configured (stacks/vmBuild.ts);
        // `immutable:target: vm` selects the VM environment stacks (stacks/vmEnvironment.ts).
        case StackKind.Build:
            return { ...(await buildStack(config)), ...(await machineImageBuild(config)) };
        case StackKind.Environment:
            return target === Target.Vm ? vmEnvironmentStack(config) : environmentStack(config);
        default:
            throw new Error(`config immutable:kind must be "build" or "environment", got "${kind}"`);
    }
}
