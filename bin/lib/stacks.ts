/**
 * The shipped stacks: this repository's own Pulumi project (Pulumi.yaml at the root: `main: stacks/`,
 * `stackConfigDir: stacks`), planned like any other project (bin/lib/plan/): its program under mocks with each
 * `stacks/Pulumi.<stack>.yaml`, and an environment stack's StackReference to the build stack answered from the
 * build stack's own synthesis (a stack of the same project). The specs and benchmarks use these helpers.
 */
import * as path from "node:path";
import type { Synthesis } from "./synthesize";
import { Planner } from "./plan/planner";
import {
    findProjectDir,
    listStacks,
    readProject,
    stackConfig,
    type PulumiProject,
    type StackConfig,
} from "./plan/project";

/** The repository root (where Pulumi.yaml is), from the sources or from their compiled copy in dist/. */
export const REPO_ROOT = findProjectDir(path.resolve(__dirname, "..", "..")) ?? path.resolve(__dirname, "..", "..");
/** Where the stack config files live (Pulumi.yaml `stackConfigDir`). */
export const STACKS_DIR = path.join(REPO_ROOT, "stacks");

/** Pulumi.yaml of this repository. */
export function loadProject(): PulumiProject {
    return readProject(REPO_ROOT);
}

/** The shipped stacks, alphabetically (the build stack's name sorts first). */
export function listShippedStacks(): string[] {
    return listStacks(loadProject());
}

/** Reads `stacks/Pulumi.<name>.yaml` over the project defaults, then the overrides. */
export function loadStackConfig(
    name: string,
    overrides: Record<string, string> = {},
): Pick<StackConfig, "config" | "secretKeys"> {
    const shipped = listShippedStacks();
    if (!shipped.includes(name)) {
        throw new Error(`stack "${name}": no stacks/Pulumi.${name}.yaml (shipped stacks: ${shipped.join(", ")})`);
    }
    const { config, secretKeys } = stackConfig(loadProject(), name, overrides);
    return { config, secretKeys };
}

/** Options of {@link synthesizeStack}. */
export interface SynthesizeStackOptions {
    /** Config overrides, `key` or `project:key` to string value (as `--config KEY=VALUE`). */
    config?: Record<string, string>;
    /** Synthesize as a preview. */
    preview?: boolean;
    /** Receives the synthesis (by `name`, `name (preview)`) when made without overrides. */
    cache?: Map<string, Synthesis>;
}

/** One planner per mode for the whole process: a referenced stack (the build stack) is synthesized once. */
const planners = new Map<boolean, Planner>();

/** Synthesizes a shipped stack under mocks. */
export async function synthesizeStack(name: string, options: SynthesizeStackOptions = {}): Promise<Synthesis> {
    loadStackConfig(name); // an unknown stack is an error, as before
    const preview = options.preview ?? false;
    let planner = planners.get(preview);
    if (!planner) {
        planner = new Planner({ preview });
        planners.set(preview, planner);
    }
    const result = await planner.synthesize(loadProject(), name, options.config ?? {});
    if (!options.config || Object.keys(options.config).length === 0) {
        options.cache?.set(`${name}${preview ? " (preview)" : ""}`, result);
    }
    return result;
}
