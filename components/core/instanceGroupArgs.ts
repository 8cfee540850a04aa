/**
 * The args every instance group shares (AWS Auto Scaling group, GCP managed instance group, Azure scale set): the
 * blue-green slots of components/core/slots.ts, each pinned to a machine-image release; the port and health path;
 * plain environment and secret references, fetched by the boot script (components/core/bootScript.ts); scaling;
 * the phoenix lifetime and the daily rotation; chaos. Each cloud's component adds its specifics beside these.
 * Also what they share beyond the args: the checks (a slot's image must be a pinned machine image of the group's
 * cloud), and one slot's release, instance tags and boot script ({@link groupSlot}), which each cloud wires into
 * its own template.
 */
import * as pulumi from "@pulumi/pulumi";
import { type BootSecret, bootScript } from "./bootScript";
import { Cloud } from "./clouds";
import { machineImageRefProblem, Provenance, provenanceTags, sha256OfTags } from "./machineImageRelease";
import { commonSettings, type ScalingArgs, type SecretRefArgs } from "./serviceArgs";
import { AWS_SLOT_TAG, SLOT_LABEL } from "./slotLabels";
import {
    dnsLabelWithin,
    isKnown,
    resolveSlots,
    type SlotImageCheck,
    type SlotPlan,
    type SlotRelease,
    type SlotReleaseArgs,
    type SlotsArgs,
    Slot,
} from "./slots";
import { Validator } from "./validation";

/** The release one slot of an instance group runs: a machine image and where it comes from. */
export interface MachineImageSlotArgs extends SlotReleaseArgs {
    /**
     * The raw disk's sha256 (`sha256:<64 hex>`) the image was imported from (`MachineImage`'s release). Tags every
     * instance. Leave unset for an image without one (a Packer build).
     */
    sha256?: pulumi.Input<string>;
    /** The git commit the image was built from. Tags every instance. */
    gitSha?: pulumi.Input<string>;
}

/** A scheduled termination of one instance, to prove the group recovers. */
export interface ChaosArgs {
    /** Hour (UTC, 0-23) of the weekday (Monday to Friday) termination. Default 13. */
    hourUtc?: pulumi.Input<number>;
}

/** The args shape common to every cloud's instance group. */
export interface InstanceGroupArgs extends SlotsArgs {
    /**
     * The release in the blue slot: `image` is a pinned machine image of the group's cloud (an AMI id, a GCP image
     * `projects/<p>/global/images/<name>`, an Azure gallery image version id). Leave unset to retire the slot.
     */
    blue?: MachineImageSlotArgs;
    /** The release in the green slot (see `blue`). */
    green?: MachineImageSlotArgs;
    /** The port the application listens on; also passed to it as `PORT`. Default 8080. */
    port?: pulumi.Input<number>;
    /** The HTTP path of load balancer health checks, auto-healing and smoke tests. Default `/healthz`. */
    healthPath?: pulumi.Input<string>;
    /** Plain environment variables, written by the boot script. Secret-looking values are refused: use `secrets`. */
    env?: Record<string, pulumi.Input<string>>;
    /** Environment variables the boot script reads from the cloud's secret store, by reference. */
    secrets?: Record<string, SecretRefArgs>;
    /** Instance counts per slot. */
    scaling?: ScalingArgs;
    /**
     * Phoenix: hours an instance may live before it is replaced (24-8760). AWS: the group's `maxInstanceLifetime`;
     * GCP and Azure have no such setting and replace every instance daily (`rotationHourUtc`), which keeps them
     * younger. Default 36.
     */
    maxInstanceLifetimeHours?: pulumi.Input<number>;
    /** GCP and Azure: hour (UTC, 0-23) of the daily rolling replacement of every instance. Default 4. */
    rotationHourUtc?: pulumi.Input<number>;
    /** Boot with UEFI Secure Boot and a vTPM (GCP Shielded VM, Azure Trusted Launch). Needs an image tested in that mode. Default true. */
    secureBoot?: pulumi.Input<boolean>;
    /** Terminate one instance of the live slot on a schedule with the cloud's own service. Default: no chaos. */
    chaos?: ChaosArgs;
    /** The application's systemd unit in the image, which the boot script starts. Default `immutable-app.service`. */
    appUnit?: pulumi.Input<string>;
    /** Labels / tags set on every resource that takes them. */
    labels?: Record<string, pulumi.Input<string>>;
}

/** The shared settings of an instance group, resolved and checked where they are plain. */
export interface GroupSettings {
    port: pulumi.Input<number>;
    healthPath: pulumi.Input<string>;
    minInstances: pulumi.Input<number>;
    maxInstances: pulumi.Input<number>;
    env: Record<string, pulumi.Output<string>>;
    labels: Record<string, pulumi.Input<string>>;
    lifetimeHours: pulumi.Input<number>;
    rotationHourUtc: pulumi.Input<number>;
    secureBoot: pulumi.Input<boolean>;
    /** The chaos hour, when chaos is on. */
    chaosHourUtc?: pulumi.Input<number>;
    appUnit: pulumi.Input<string>;
}

/** The tag (AWS, Azure) naming the group on every resource of it; AWS chaos targets the group's instances by it. */
export const GROUP_TAG = "immutable:group";

/** Default hours an instance lives (within the pack's default bounds of 24-48 h). */
export const DEFAULT_LIFETIME_HOURS = 36;

/**
 * Resolves the shared args: the container services' common checks (port, health path, env, the secret names,
 * scaling), then ours.
 */
export function groupSettings(v: Validator, args: InstanceGroupArgs): GroupSettings {
    const common = commonSettings(v, {
        live: args.live,
        port: args.port,
        healthPath: args.healthPath,
        env: args.env,
        secrets: args.secrets,
        scaling: args.scaling,
        labels: args.labels,
    });
    const hourIn = (field: string, value: pulumi.Input<number> | undefined, fallback: number) =>
        value === undefined ? fallback : isKnown(value) ? v.intIn(field, value, 0, 23) : value;
    const lifetime = args.maxInstanceLifetimeHours ?? DEFAULT_LIFETIME_HOURS;
    const lifetimeHours = isKnown(lifetime) ? v.intIn("maxInstanceLifetimeHours", lifetime, 24, 8760) : lifetime;
    const appUnit = args.appUnit ?? "immutable-app.service";
    if (isKnown(appUnit) && !/^[A-Za-z0-9:_.@-]+\.service$/.test(String(appUnit))) {
        v.fail("appUnit", `must be a systemd service unit name (<name>.service), got ${JSON.stringify(appUnit)}`);
    }
    return {
        port: common.port,
        healthPath: common.healthPath,
        minInstances: common.minInstances,
        maxInstances: common.maxInstances,
        env: common.env,
        labels: common.labels,
        lifetimeHours,
        rotationHourUtc: hourIn("rotationHourUtc", args.rotationHourUtc, 4),
        secureBoot: args.secureBoot ?? true,
        chaosHourUtc: args.chaos ? hourIn("chaos.hourUtc", args.chaos.hourUtc, 13) : undefined,
        appUnit,
    };
}

/** The slot image check of a cloud: a pinned machine image of that cloud. */
export function machineImageCheck(cloud: Cloud): SlotImageCheck {
    return (v, field, value) => {
        const problem = machineImageRefProblem(cloud, value);
        if (problem) {
            v.fail(field, problem);
        }
        return value as string;
    };
}

/** Resolves an instance group's slots (validated like a container service's, with the cloud's image check). */
export function resolveGroupSlots(
    component: string,
    name: string,
    args: InstanceGroupArgs,
    cloud: Cloud,
): pulumi.Output<SlotPlan> {
    return resolveSlots(component, name, args, machineImageCheck(cloud));
}

/**
 * The provenance tags of one slot's instances (the same keys and encoding as the image's), plus the slot. Checks
 * the sha256 when it is plain.
 */
export function slotProvenanceTags(
    v: Validator,
    cloud: Cloud,
    slot: Slot,
    release: MachineImageSlotArgs,
): pulumi.Output<Record<string, string>> {
    if (
        isKnown(release.sha256) &&
        release.sha256 !== undefined &&
        !/^sha256:[0-9a-f]{64}$/.test(String(release.sha256))
    ) {
        v.fail(`${slot}.sha256`, `must be sha256:<64 hex>, got ${JSON.stringify(release.sha256)}`);
    }
    return pulumi.all([release.version, release.sha256, release.gitSha]).apply(([version, sha256, gitSha]) => ({
        ...provenanceTags(cloud, {
            version,
            sha256,
            gitSha,
            provenance: sha256 ? Provenance.Artifact : Provenance.PerCloud,
        }),
        // GCP label keys allow no colon; AWS and Azure instances carry the AWS form of the tag.
        [cloud === Cloud.Gcp ? SLOT_LABEL : AWS_SLOT_TAG]: slot,
    }));
}

/**
 * The weekday chaos schedule as a cron expression (`m h dom mon dow`, UTC): Monday to Friday at `hour`:30
 * (Cloud Scheduler, Logic Apps' recurrence is built from the same hour).
 */
export function chaosCron(hour: number): string {
    return `30 ${hour} * * 1-5`;
}

/** The daily rotation as a cron expression (UTC): every day at `hour`:00. */
export function rotationCron(hour: number): string {
    return `0 ${hour} * * *`;
}

/** The name prefix of a group's child resources: a DNS label of at most 40 characters. */
export function groupPrefix(name: string): string {
    return dnsLabelWithin(name, 40);
}

/** What every slot of one group shares. */
export interface GroupSlotContext {
    v: Validator;
    cloud: Cloud;
    args: InstanceGroupArgs;
    settings: GroupSettings;
    plan: pulumi.Output<SlotPlan>;
    /** The group's tags (labels on GCP), which every slot's instances carry beside their provenance. */
    tags: Record<string, pulumi.Input<string>>;
    /** How the cloud's instances read their secrets at boot: the fetch commands and the shell helpers they use. */
    secrets: pulumi.Input<BootSecret[]>;
    helpers?: string[];
}

/** One slot of an instance group: its release, the tags of its instances and their boot script. */
export interface GroupSlot {
    release: pulumi.Output<SlotRelease>;
    tags: pulumi.Output<Record<string, string>>;
    /** The boot script, as text (AWS and Azure take it base64). */
    script: pulumi.Output<string>;
}

/**
 * Resolves one slot of a group: its release, its instances' tags (the group's and the slot's provenance) and the
 * boot script, which names the release (version, image and the disk's sha256 when there is one).
 */
export function groupSlot(c: GroupSlotContext, slot: Slot): GroupSlot {
    const release = c.plan.apply((p) => p.releases[slot] as SlotRelease);
    const tags = pulumi
        .all([pulumi.output(c.tags), slotProvenanceTags(c.v, c.cloud, slot, c.args[slot]!)])
        .apply(([group, provenance]) => ({ ...group, ...provenance }));
    const s = c.settings;
    const script = pulumi
        .all([release, s.port, pulumi.all(s.env), c.secrets, s.appUnit, tags])
        .apply(([r, port, env, secrets, unit, t]) => {
            const sha256 = sha256OfTags(c.cloud, t);
            return bootScript({
                env: { ...env, PORT: String(port), RELEASE_SLOT: slot, RELEASE_VERSION: r.version },
                secrets,
                helpers: c.helpers,
                release: `${r.version} ${r.image}${sha256 ? ` ${sha256}` : ""}`,
                unit,
            });
        });
    return { release, tags, script };
}
