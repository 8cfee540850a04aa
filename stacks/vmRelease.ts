/**
 * Where a VM environment stack's machine-image release comes from, and what each slot holds. The release is read
 * from, in order: `immutable:machineImage` (a machine-image release in config, e.g. `pulumi stack output
 * machineImage -s build --json`), or the build stack's `machineImage` output through a StackReference
 * (`immutable:buildStack`, default `<org>/<project>/build`). Never an import: only the build stack imports images
 * (the pack's environment-image-build-forbid), so a bake manifest goes to the build stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { BootMode } from "../components/core/bakeManifest";
import type { Cloud } from "../components/core/clouds";
import type { MachineImageSlotArgs } from "../components/core/instanceGroupArgs";
import {
    machineImageRefProblem,
    type MachineImageRelease,
    validateMachineImageRelease,
} from "../components/core/machineImageRelease";
import type { Slot } from "../components/core/slots";
import { fail, opt, parseJson, parseObject } from "./config";
import { buildStackName, CURRENT } from "./release";

/** Reads the machine-image release of a VM environment stack. */
export async function readMachineImageRelease(
    config: pulumi.Config,
): Promise<{ release: MachineImageRelease; source: string }> {
    const inline = opt(config, "machineImage");
    if (inline !== undefined) {
        return {
            release: validateMachineImageRelease(parseJson("machineImage", inline), "config immutable:machineImage"),
            source: "config immutable:machineImage",
        };
    }
    const stack = buildStackName(config);
    const ref = new pulumi.StackReference("build-machine-image", { name: stack });
    const details = await ref.getOutputDetails("machineImage");
    const where = `StackReference ${stack}`;
    const value = details.value ?? details.secretValue;
    if (value === undefined) {
        throw new Error(
            `${where}: has no machineImage output: configure the build stack's machine image (immutable:bakeManifest, immutable:machineImageArtifact or immutable:packerManifest) and run it`,
        );
    }
    return { release: validateMachineImageRelease(value, `${where} machineImage`), source: where };
}

/**
 * The release a slot key's value names on `cloud`: `current` (the stack's machine-image release), or a pin
 * `{"version": "v42", "image": "<the cloud's image reference>"[, "sha256": ..., "gitSha": ...]}`.
 */
export function vmSlotRelease(
    slot: Slot,
    raw: string,
    release: MachineImageRelease,
    cloud: Cloud,
): MachineImageSlotArgs {
    if (raw === CURRENT) {
        const image = release.images[cloud];
        if (image === undefined) {
            throw new Error(
                `the machine-image release ${release.version} has no image for ${cloud} (images: ${Object.keys(release.images).join(", ")})`,
            );
        }
        return { version: release.version, image, sha256: release.sha256, gitSha: release.gitSha };
    }
    const pin = parseObject<Record<string, unknown>>(slot, raw);
    if (!pin || typeof pin.version !== "string" || pin.version.trim() === "") {
        fail(slot, `must be "${CURRENT}", "none" or {"version": "...", "image": "<${cloud} image>"}, got ${raw}`);
    }
    const problem = machineImageRefProblem(cloud, pin.image);
    if (problem) {
        fail(`${slot}.image`, problem);
    }
    return {
        version: pin.version as string,
        image: pin.image as string,
        sha256: typeof pin.sha256 === "string" ? pin.sha256 : undefined,
        gitSha: typeof pin.gitSha === "string" ? pin.gitSha : undefined,
    };
}

/** Secure Boot when the image was boot-tested with it. */
export function secureBootOf(release: MachineImageRelease): boolean {
    return release.bootModes.includes(BootMode.UefiSecureBoot);
}
