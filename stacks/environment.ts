/**
 * The environment stacks (`immutable:kind: environment`), one per environment and cloud:
 * `dev-aws`, `staging-gcp`, `prod-azure`... Each deploys a release of the build stack, never builds
 * (./release.ts says where the release comes from).
 *
 * Slots: `immutable:blue` / `immutable:green` are each `current` (the release) or pinned
 * `{"version": "...", "digest": "sha256:..."[, "revision": "..."]}` (the image repository per cloud comes from
 * the release's refs; the digest from the slot). Every slot's digest is looked up in its registry before
 * anything is deployed (./imageCheck.ts). `immutable:live` names the slot taking the traffic.
 *   deploy v43  = pin the idle slot to v43 and set `immutable:lastDeployed` to it (stacks/deploy.sh)
 *   switch      = `pulumi config set immutable:live green`
 *   rollback    = `pulumi config set immutable:live blue`
 */
import * as pulumi from "@pulumi/pulumi";
import { ContainerService, type ContainerServiceFacadeArgs } from "../components/containerService";
import { Cloud } from "../components/core/clouds";
import type { ContainerServiceArgs, SecretRefArgs } from "../components/core/serviceArgs";
import type { SlotOutputs } from "../components/core/slotOutputs";
import { Slot, SLOTS, type SlotReleaseArgs } from "../components/core/slots";
import { objectOf, oneOf, opt } from "./config";
import { verifiedSlots } from "./imageCheck";
import { awsSpecifics, azureSpecifics, gcpSpecifics } from "./platforms";
import { CURRENT, readRelease, slotRelease, slotsOf } from "./release";

export { CURRENT, readRelease, slotRelease } from "./release";

/** The environments the shipped stacks cover. */
export enum Environment {
    Dev = "dev",
    Staging = "staging",
    Prod = "prod",
}

/** The slot deployed last: config, else the one slot following `current` (the component asks otherwise). */
function lastDeployedOf(config: pulumi.Config): Slot | undefined {
    const given = opt(config, "lastDeployed");
    if (given !== undefined) {
        return given as Slot;
    }
    const following = SLOTS.filter((s) => config.get(s) === CURRENT);
    return following.length === 1 ? following[0] : undefined;
}

/** Who an environment stack is: its cloud and environment, its service, its component's name and its labels. */
export interface StackIdentity {
    cloud: Cloud;
    environment: Environment;
    serviceName: string;
    /** `<service>-<environment>`, the name of the stack's component. */
    name: string;
    labels: Record<string, string>;
}

/**
 * The stack's identity: the environment and the cloud from the stack name (`<environment>-<cloud>`,
 * `<environment>-vm-<cloud>`: the cloud is the part at `cloudPart`), explicit config winning; the service from
 * `immutable:serviceName` (default `sample`).
 */
export function stackIdentity(config: pulumi.Config, cloudPart: number): StackIdentity {
    const parts = pulumi.getStack().split("-");
    const cloud = oneOf("cloud", opt(config, "cloud") ?? parts.at(cloudPart), Object.values(Cloud));
    const environment = oneOf("environment", opt(config, "environment") ?? parts[0], Object.values(Environment));
    const serviceName = opt(config, "serviceName") ?? "sample";
    const labels = { app: serviceName, environment, "managed-by": "immutable" };
    return { cloud, environment, serviceName, name: `${serviceName}-${environment}`, labels };
}

/** The settings every environment stack reads the same way, container or VM. */
export type ServiceSettings = Pick<
    ContainerServiceArgs,
    "live" | "canaryWeight" | "lastDeployed" | "port" | "healthPath" | "env" | "secrets" | "scaling"
>;

/** The live slot, a canary weight, the slot deployed last, the port, the health path, env, secrets, scaling. */
export function serviceSettings(config: pulumi.Config): ServiceSettings {
    return {
        live: oneOf("live", opt(config, "live") ?? Slot.Blue, SLOTS) as Slot,
        canaryWeight: config.getNumber("canaryWeight") ?? 0,
        lastDeployed: lastDeployedOf(config),
        port: config.getNumber("port") ?? 8080,
        healthPath: config.get("healthPath") ?? "/healthz",
        env: objectOf<Record<string, string>>(config, "env") ?? {},
        secrets: objectOf<Record<string, SecretRefArgs>>(config, "secrets") ?? {},
        scaling: {
            minInstances: config.getNumber("minInstances") ?? 1,
            maxInstances: config.getNumber("maxInstances") ?? 2,
        },
    };
}

/** What every environment stack outputs about its slots and the traffic between them. */
export function slotStackOutputs(
    slots: Partial<Record<Slot, SlotReleaseArgs>>,
    service: SlotOutputs,
): Record<string, unknown> {
    return {
        slots: Object.fromEntries(Object.entries(slots).map(([s, r]) => [s, { version: r!.version, image: r!.image }])),
        live: service.liveSlot,
        trafficWeights: service.trafficWeights,
        url: service.url,
        smokeTestUrls: service.smokeTestUrls,
    };
}

/** Registers an environment stack and returns its outputs. */
export async function environmentStack(config: pulumi.Config): Promise<Record<string, unknown>> {
    // Stack names are <environment>-<cloud>; explicit config wins.
    const { cloud, environment, name, labels } = stackIdentity(config, 1);
    const { release, source } = await readRelease(config);
    const slots = slotsOf(config, (slot, raw) => slotRelease(slot, raw, release, cloud));
    const checked = verifiedSlots(cloud, slots);
    const common: ContainerServiceArgs = {
        blue: checked[Slot.Blue],
        green: checked[Slot.Green],
        ...serviceSettings(config),
        cpu: config.getNumber("cpu") ?? 1,
        memoryMiB: config.getNumber("memoryMiB") ?? 2048,
        labels,
    };
    const platform: ContainerServiceFacadeArgs =
        cloud === Cloud.Aws
            ? { ...common, cloud, aws: awsSpecifics(config) }
            : cloud === Cloud.Gcp
              ? { ...common, cloud, gcp: gcpSpecifics(config) }
              : { ...common, cloud, azure: azureSpecifics(config, name, labels, release) };
    const service = new ContainerService(name, platform);
    const { slots: slotSummary, ...traffic } = slotStackOutputs(slots, service);
    return {
        cloud,
        environment,
        releaseSource: source,
        release: { version: release.version, gitSha: release.gitSha, digest: release.digest },
        slots: slotSummary,
        revisionNames: service.revisionNames,
        ...traffic,
        runtimeIdentity: service.runtimeIdentity,
        healthPath: common.healthPath,
    };
}
