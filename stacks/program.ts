/**
 * One program, two kinds of stack:
 * - `build` (kind: build): the registries and the one image build of a release;
 * - environment stacks (kind: environment): deploy the build stack's release, never build.
 * `bin/immutable plan` and the specs run this same function under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildStack } from "./build";
import { environmentStack } from "./environment";

/** The kinds of shipped stack. */
export enum StackKind {
    Build = "build",
    Environment = "environment",
}

/** Runs the stack selected by `immutable:kind` and returns its outputs. */
export async function program(): Promise<Record<string, unknown>> {
    const config = new pulumi.Config("immutable");
    const kind = config.get("kind") ?? StackKind.Environment;
    switch (kind) {
        case StackKind.Build:
            return buildStack(config);
        case StackKind.Environment:
            return environmentStack(config);
        default:
            throw new Error(`config immutable:kind must be "build" or "environment", got "${kind}"`);
    }
}
