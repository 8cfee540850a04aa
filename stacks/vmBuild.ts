/**
 * The machine-image part of the build stack (`immutable:kind: build`): when a source is configured, it imports the
 * one golden machine image of a release into the clouds of `immutable:clouds`, once, in the one stack that may
 * build (the pack's environment-image-build-forbid). Its output `machineImage` is the machine-image release every
 * VM environment stack reads through a StackReference: {version, gitSha, sha256, provenance, identicalAcrossClouds,
 * bootModes, images: {aws, gcp, azure}}. The source is one of `immutable:bakeManifest` (the manifest of
 * `bin/immutable bake --upload`), `immutable:packerManifest` (a Packer manifest: per-cloud provenance, nothing
 * imported) or `immutable:machineImageArtifact` (the artifact's fields and uploads as JSON); none: no machine image.
 */
import * as pulumi from "@pulumi/pulumi";
import { Cloud, CLOUDS } from "../components/core/clouds";
import { MachineImage, type MachineImageArgs, type MachineImageArtifactSourceArgs } from "../components/machineImage";
import { fail, objectOf, opt } from "./config";

/** Reads `immutable:clouds` (default: all three) and checks every entry. */
function cloudsOf(config: pulumi.Config): Cloud[] {
    const clouds = config.getObject<string[]>("clouds") ?? [...CLOUDS];
    if (
        !Array.isArray(clouds) ||
        clouds.length === 0 ||
        clouds.some((c) => !(CLOUDS as readonly string[]).includes(c))
    ) {
        fail("clouds", `must list some of ${CLOUDS.join(", ")}, got ${JSON.stringify(clouds)}`);
    }
    return clouds as Cloud[];
}

/** The source of the images: at most one of the three keys (none: the build stack imports no machine image). */
function sourceOf(
    config: pulumi.Config,
): Pick<MachineImageArgs, "bakeManifestFile" | "packerManifestFile" | "artifact"> | undefined {
    const bakeManifestFile = opt(config, "bakeManifest");
    const packerManifestFile = opt(config, "packerManifest");
    const artifact = objectOf<MachineImageArtifactSourceArgs>(config, "machineImageArtifact");
    const given = [bakeManifestFile, packerManifestFile, artifact].filter((s) => s !== undefined).length;
    if (given > 1) {
        fail(
            "bakeManifest",
            `(or immutable:packerManifest, immutable:machineImageArtifact): set one source, got ${given}: the build stack imports one machine-image release`,
        );
    }
    if (given === 0) {
        return undefined;
    }
    return bakeManifestFile ? { bakeManifestFile } : packerManifestFile ? { packerManifestFile } : { artifact };
}

/** Imports the configured machine image (if any) and returns the build stack's `machineImage` output. */
export async function machineImageBuild(config: pulumi.Config): Promise<Record<string, unknown>> {
    const source = sourceOf(config);
    if (source === undefined) {
        return {};
    }
    const clouds = cloudsOf(config);
    const imageName = opt(config, "machineImageName") ?? "sample-service";
    const labels = { app: imageName, "managed-by": "immutable" };
    let azure: MachineImageArgs["azure"];
    if (clouds.includes(Cloud.Azure)) {
        const resources = require("@pulumi/azure-native/resources") as typeof import("@pulumi/azure-native/resources");
        const location = opt(config, "azureLocation") ?? "eastus";
        const group = new resources.ResourceGroup(`${imageName}-images`, { location, tags: labels });
        azure = {
            resourceGroupName: group.name,
            location,
            storageAccountId:
                opt(config, "azureImageStorageAccountId") ??
                fail("azureImageStorageAccountId", "is required with azure: the storage account of the page blob"),
        };
    }
    const image = new MachineImage(`${imageName}-machine-image`, {
        ...source,
        clouds,
        gcp: { project: opt(config, "gcpImageProject") },
        aws: { region: new pulumi.Config("aws").get("region") },
        azure,
        labels,
    });
    return {
        machineImage: {
            version: image.version,
            gitSha: image.gitSha,
            sha256: image.sha256,
            provenance: image.provenance,
            identicalAcrossClouds: image.identicalAcrossClouds,
            bootModes: image.bootModes,
            images: image.imageRefs,
        },
    };
}
