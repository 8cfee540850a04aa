/**
 * The environment stacks (`immutable:kind: environment`), one per environment and cloud:
 * `dev-aws`, `staging-gcp`, `prod-azure`... Each deploys a release of the build stack, never builds.
 *
 * The release comes from (first match): `immutable:release` (a release record in config), the release
 * manifest file `immutable:releaseManifest` (written by `bin/immutable release`), or the build stack's
 * outputs through a StackReference (`immutable:buildStack`, default `<org>/<project>/build`).
 *
 * Slots: `immutable:blue` / `immutable:green` are each `current` (the release above) or pinned
 * `{"version": "...", "digest": "sha256:..."}` (the image repository per cloud comes from the release's
 * refs; the digest from the slot). `immutable:live` names the slot taking the traffic.
 *   deploy v43  = pin the idle slot to v43 and set `immutable:lastDeployed` to it (stacks/deploy.sh)
 *   switch      = `pulumi config set immutable:live green`
 *   rollback    = `pulumi config set immutable:live blue`
 */
import * as aws from "@pulumi/aws";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { ContainerService, type ContainerServiceFacadeArgs } from "../components/containerService";
import { parseImageRef, pinnedRef, SHA256_DIGEST } from "../components/core/imageRef";
import { Cloud } from "../components/core/clouds";
import { readReleaseManifest, type ReleaseRecord, validateRelease } from "../components/core/releaseRecord";
import type { ContainerServiceArgs, SecretRefArgs } from "../components/core/serviceArgs";
import { Slot, SLOTS, type SlotReleaseArgs } from "../components/core/slots";

/** The value of a slot key that follows the stack's release source. */
export const CURRENT = "current";

/** The environments the shipped stacks cover. */
export enum Environment {
    Dev = "dev",
    Staging = "staging",
    Prod = "prod",
}

/** A config string, where "" (the Pulumi.yaml default of optional keys) means unset. */
function opt(config: pulumi.Config, key: string): string | undefined {
    const value = config.get(key);
    return value === undefined || value.trim() === "" ? undefined : value;
}

/** A JSON object config key (Pulumi.yaml declares them as strings: project config cannot type objects). */
function objectOf<T>(config: pulumi.Config, key: string): T | undefined {
    const raw = opt(config, key);
    if (raw === undefined) {
        return undefined;
    }
    const value = parseJson(key, raw);
    if (!value || typeof value !== "object" || Array.isArray(value)) {
        fail(key, `must be a JSON object, got ${raw}`);
    }
    return value as T;
}

function fail(key: string, problem: string): never {
    throw new Error(`config immutable:${key} ${problem}`);
}

function oneOf<T extends string>(key: string, value: string | undefined, allowed: readonly T[]): T {
    if (value === undefined || !(allowed as readonly string[]).includes(value)) {
        fail(key, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${JSON.stringify(value)}`);
    }
    return value as T;
}

function parseJson(key: string, raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return fail(key, `must be a JSON / YAML object, got ${JSON.stringify(raw)}`);
    }
}

/** Reads the release record from config, a manifest file, or the build stack. Never builds. */
export async function readRelease(config: pulumi.Config): Promise<{ release: ReleaseRecord; source: string }> {
    const inline = opt(config, "release");
    if (inline !== undefined) {
        return {
            release: validateRelease(parseJson("release", inline), "config immutable:release"),
            source: "config immutable:release",
        };
    }
    const manifest = opt(config, "releaseManifest");
    if (manifest !== undefined) {
        return { release: readReleaseManifest(manifest), source: `release manifest ${manifest}` };
    }
    const buildStack = opt(config, "buildStack") ?? `${pulumi.getOrganization()}/${pulumi.getProject()}/build`;
    const ref = new pulumi.StackReference(`build-release`, { name: buildStack });
    const record: Record<string, unknown> = {};
    for (const key of ["version", "gitSha", "digest", "refs"]) {
        const details = await ref.getOutputDetails(key);
        record[key] = details.value ?? details.secretValue;
    }
    const where = `StackReference ${buildStack}`;
    return { release: validateRelease(record, where), source: where };
}

/** The release a slot key names: `current`, a pinned {version, digest}, or nothing (the slot is empty). */
export function slotRelease(
    config: pulumi.Config,
    slot: Slot,
    release: ReleaseRecord,
    cloud: Cloud,
): SlotReleaseArgs | undefined {
    const raw = opt(config, slot);
    if (raw === undefined || raw === "none") {
        return undefined;
    }
    const ref = release.refs[cloud];
    if (ref === undefined) {
        throw new Error(
            `the release ${release.version} has no image reference for ${cloud} (refs: ${Object.keys(release.refs).join(", ")})`,
        );
    }
    if (raw === CURRENT) {
        return { version: release.version, image: ref };
    }
    const pin = (raw.trim().startsWith("{") ? parseJson(slot, raw) : undefined) as
        { version?: unknown; digest?: unknown } | null | undefined;
    if (!pin || typeof pin !== "object" || Array.isArray(pin)) {
        fail(slot, `must be "${CURRENT}" or {"version": "...", "digest": "sha256:..."}, got ${raw}`);
    }
    if (typeof pin.version !== "string" || pin.version.trim() === "") {
        fail(`${slot}.version`, `must be a non-empty string, got ${JSON.stringify(pin.version)}`);
    }
    if (typeof pin.digest !== "string" || !SHA256_DIGEST.test(pin.digest)) {
        fail(`${slot}.digest`, `must be sha256:<64 hex>, got ${JSON.stringify(pin.digest)}`);
    }
    return { version: pin.version, image: pinnedRef(parseImageRef(ref)!.repository, pin.digest) };
}

/** Registers an environment stack and returns its outputs. */
export async function environmentStack(config: pulumi.Config): Promise<Record<string, unknown>> {
    // Stack names are <environment>-<cloud>; explicit config wins.
    const [envPart, cloudPart] = pulumi.getStack().split("-");
    const cloud = oneOf("cloud", opt(config, "cloud") ?? cloudPart, Object.values(Cloud));
    const environment = oneOf("environment", opt(config, "environment") ?? envPart, Object.values(Environment));
    const serviceName = opt(config, "serviceName") ?? "sample";
    const { release, source } = await readRelease(config);

    const blue = slotRelease(config, Slot.Blue, release, cloud);
    const green = slotRelease(config, Slot.Green, release, cloud);
    const live = oneOf("live", opt(config, "live") ?? Slot.Blue, SLOTS) as Slot;
    let lastDeployed = opt(config, "lastDeployed") as Slot | undefined;
    if (lastDeployed === undefined) {
        // One slot following `current` is the one deployed last; otherwise the component asks for it.
        const following = SLOTS.filter((s) => config.get(s) === CURRENT);
        lastDeployed = following.length === 1 ? following[0] : undefined;
    }
    const name = `${serviceName}-${environment}`;
    const labels = { app: serviceName, environment, "managed-by": "immutable" };
    const common: ContainerServiceArgs = {
        blue,
        green,
        live,
        canaryWeight: config.getNumber("canaryWeight") ?? 0,
        lastDeployed,
        port: config.getNumber("port") ?? 8080,
        healthPath: config.get("healthPath") ?? "/healthz",
        env: objectOf<Record<string, string>>(config, "env") ?? {},
        secrets: objectOf<Record<string, SecretRefArgs>>(config, "secrets") ?? {},
        scaling: {
            minInstances: config.getNumber("minInstances") ?? 1,
            maxInstances: config.getNumber("maxInstances") ?? 2,
        },
        cpu: config.getNumber("cpu") ?? 1,
        memoryMiB: config.getNumber("memoryMiB") ?? 2048,
        labels,
    };

    let platform: ContainerServiceFacadeArgs;
    switch (cloud) {
        case Cloud.Aws: {
            const listed = config.getObject<string[]>("awsSubnetIds") ?? [];
            const subnetIds = listed.length > 0 ? listed : undefined;
            const vpcId = opt(config, "awsVpcId") ?? aws.ec2.getVpcOutput({ default: true }).id;
            platform = {
                ...common,
                cloud,
                aws: {
                    vpcId,
                    subnetIds:
                        subnetIds ?? aws.ec2.getSubnetsOutput({ filters: [{ name: "vpc-id", values: [vpcId] }] }).ids,
                    // The default VPC has public subnets only: tasks need a public IP to reach the registry.
                    assignPublicIp: subnetIds === undefined,
                    certificateArn: opt(config, "awsCertificateArn"),
                },
            };
            break;
        }
        case Cloud.Gcp:
            platform = {
                ...common,
                cloud,
                gcp: {
                    region: opt(config, "gcpRegion") ?? "us-central1",
                    allowUnauthenticated: config.getBoolean("public") ?? true,
                    deletionProtection: config.getBoolean("deletionProtection") ?? true,
                },
            };
            break;
        case Cloud.Azure: {
            const location = opt(config, "azureLocation") ?? "eastus";
            const group = new resources.ResourceGroup(`${name}-rg`, { location, tags: labels });
            platform = { ...common, cloud, azure: { resourceGroupName: group.name, location } };
            break;
        }
    }
    const service = new ContainerService(name, platform);
    const slots: Record<string, { version: pulumi.Input<string>; image: pulumi.Input<string> }> = {};
    for (const [slot, r] of [
        [Slot.Blue, blue],
        [Slot.Green, green],
    ] as const) {
        if (r) {
            slots[slot] = { version: r.version, image: r.image };
        }
    }
    return {
        cloud,
        environment,
        releaseSource: source,
        release: { version: release.version, gitSha: release.gitSha, digest: release.digest },
        slots,
        live: service.liveSlot,
        trafficWeights: service.trafficWeights,
        url: service.url,
        smokeTestUrls: service.smokeTestUrls,
        healthPath: common.healthPath,
    };
}
