/**
 * Containers, one shape for the container platforms: ECS task definitions (`containerDefinitions` is JSON
 * text) and daemon task definitions (a list), AWS Batch job definitions (`containerProperties` and
 * `ecsProperties`, JSON text), Cloud Run v2 services, jobs and worker pools, Cloud Run v1 services, Container
 * Apps and Container Apps jobs, and Azure Container Instances groups. The shape carries what the image,
 * runtime and secret rules judge; a field the pack cannot read is in `unreadable`.
 */
import { RESOURCE_TYPE } from "./types";
import type { Unreadable } from "./unreadable";
import { bool, list, memoByProps, record, str } from "./values";

/** One environment variable: a literal value, or a reference to a secret store. */
export interface EnvVar {
    name: string;
    /** The literal value, when the variable has one. */
    value?: string;
}

/** One container as the rules see it. */
export interface Container {
    /** Where it was found, for messages: `containerDefinitions[0] (web)`. */
    path: string;
    /** The image reference, when set. */
    image?: string;
    env: EnvVar[];
    /** ECS `readonlyRootFilesystem`; undefined where the platform has no such setting. */
    readonlyRootFilesystem?: boolean;
    /** ECS `privileged`. */
    privileged?: boolean;
    /** ECS `user` (`root`, `0`, `1000:1000`). */
    user?: string;
    /** True where the platform lets the spec choose the root filesystem mode / user (ECS, Batch). */
    exposesRuntime: boolean;
    /** Fields the pack cannot read; `aspect` is `image`, `env` or `runtime`. */
    unreadable: Unreadable[];
}

/** The resource types this normalizer reads. */
export const CONTAINER_TYPES: readonly string[] = [
    RESOURCE_TYPE.awsEcsTaskDefinition,
    RESOURCE_TYPE.awsEcsDaemonTaskDefinition,
    RESOURCE_TYPE.awsBatchJobDefinition,
    RESOURCE_TYPE.gcpCloudRunV2Service,
    RESOURCE_TYPE.gcpCloudRunV2Job,
    RESOURCE_TYPE.gcpCloudRunV2WorkerPool,
    RESOURCE_TYPE.gcpCloudRunService,
    RESOURCE_TYPE.azureContainerApp,
    RESOURCE_TYPE.azureContainerAppJob,
    RESOURCE_TYPE.azureContainerGroup,
];

/** The types whose runtime settings (root filesystem, privileged, user) the spec chooses. */
export const RUNTIME_TYPES: readonly string[] = [
    RESOURCE_TYPE.awsEcsTaskDefinition,
    RESOURCE_TYPE.awsEcsDaemonTaskDefinition,
    RESOURCE_TYPE.awsBatchJobDefinition,
];

/** The long-running services of the blue-green components (the digest drift rule compares these). */
export const SERVICE_CONTAINER_TYPES: readonly string[] = [
    RESOURCE_TYPE.awsEcsTaskDefinition,
    RESOURCE_TYPE.gcpCloudRunV2Service,
    RESOURCE_TYPE.gcpCloudRunV2Job,
    RESOURCE_TYPE.gcpCloudRunService,
    RESOURCE_TYPE.azureContainerApp,
    RESOURCE_TYPE.azureContainerAppJob,
];

/** Thrown for props the pack cannot read at all (ECS containerDefinitions that are not JSON). */
export class MalformedPropsError extends Error {}

function envList(value: unknown, field: string, unreadable: Unreadable[], nameKey = "name"): EnvVar[] {
    const items = list(value);
    const out: EnvVar[] = [];
    for (let i = 0; i < items.length; i++) {
        const e = record(items[i]);
        const name = e ? str(e[nameKey]) : undefined;
        if (!e || name === undefined) {
            unreadable.push({
                field: `${field}[${i}]`,
                raw: items[i],
                why: "not a {name, value} entry",
                aspect: "env",
            });
            continue;
        }
        const v = e.value;
        if (v !== undefined && v !== null && typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
            unreadable.push({ field: `${field}[${i}].value`, raw: v, why: "not text", aspect: "env" });
        }
        out.push({ name, value: typeof v === "boolean" ? String(v) : str(v) });
    }
    return out;
}

function imageOf(value: unknown, field: string, unreadable: Unreadable[]): string | undefined {
    if (value !== undefined && value !== null && typeof value !== "string") {
        unreadable.push({ field, raw: value, why: "not an image reference (text)", aspect: "image" });
        return undefined;
    }
    return value === null ? undefined : (value as string | undefined);
}

function named(prefix: string, i: number, c: Record<string, any>): string {
    const name = str(c.name);
    return `${prefix}[${i}]${name ? ` (${name})` : ""}`;
}

function genericContainers(prefix: string, value: unknown, envKey: string): Container[] {
    const items = list(value);
    const out: Container[] = [];
    for (let i = 0; i < items.length; i++) {
        const c = record(items[i]);
        const path = c ? named(prefix, i, c) : `${prefix}[${i}]`;
        const unreadable: Unreadable[] = [];
        if (!c) {
            unreadable.push({ field: path, raw: items[i], why: "not a container object", aspect: "image" });
            out.push({ path, env: [], exposesRuntime: false, unreadable });
            continue;
        }
        out.push({
            path,
            image: imageOf(c.image, `${path}.image`, unreadable),
            env: envList(c[envKey], `${path}.${envKey}`, unreadable),
            exposesRuntime: false,
            unreadable,
        });
    }
    return out;
}

/** ECS-shaped container definitions (ECS task and daemon definitions, Batch). */
function ecsShaped(prefix: string, defs: Record<string, any>[], envKey: string): Container[] {
    return defs.map((d, i) => {
        const path = named(prefix, i, d);
        const unreadable: Unreadable[] = [];
        const flag = (key: string): boolean | undefined => {
            const v = d[key];
            const b = bool(v);
            if (v !== undefined && v !== null && b === undefined) {
                unreadable.push({ field: `${path}.${key}`, raw: v, why: "not a boolean", aspect: "runtime" });
            }
            return b;
        };
        const user = d.user;
        if (user !== undefined && user !== null && typeof user !== "string" && typeof user !== "number") {
            unreadable.push({ field: `${path}.user`, raw: user, why: "not a user name or uid", aspect: "runtime" });
        }
        return {
            path,
            image: imageOf(d.image, `${path}.image`, unreadable),
            env: envList(d[envKey], `${path}.${envKey}`, unreadable),
            readonlyRootFilesystem: flag("readonlyRootFilesystem") === true,
            privileged: flag("privileged") === true,
            user: str(user),
            exposesRuntime: true,
            unreadable,
        };
    });
}

let lastText: string | undefined;
let lastDefs: Record<string, any>[] = [];

/** Parses ECS `containerDefinitions` (JSON text; tolerated as an already-parsed list). Read-only result. */
export function ecsContainerDefinitions(value: unknown, field = "containerDefinitions"): Record<string, any>[] {
    // Several rules read the same task definition in turn: parse its text once.
    if (typeof value === "string" && value === lastText) {
        return lastDefs;
    }
    const defs = parseDefinitions(value, field);
    if (typeof value === "string") {
        lastText = value;
        lastDefs = defs;
    }
    return defs;
}

function parseJson(value: unknown, field: string): unknown {
    if (typeof value !== "string") {
        return value;
    }
    try {
        return JSON.parse(value);
    } catch (err) {
        throw new MalformedPropsError(`${field} is not JSON: ${(err as Error).message}`);
    }
}

function parseDefinitions(value: unknown, field: string): Record<string, any>[] {
    const defs = parseJson(value, field);
    if (defs === undefined || defs === null) {
        return [];
    }
    if (!Array.isArray(defs)) {
        throw new MalformedPropsError(`${field} is not a JSON list of containers`);
    }
    const out: Record<string, any>[] = [];
    for (const d of defs) {
        const r = record(d);
        if (!r) {
            throw new MalformedPropsError(`${field} holds an entry that is not a container object`);
        }
        out.push(r);
    }
    return out;
}

/** AWS Batch: a single container (`containerProperties`) or ECS task properties (`ecsProperties`). */
function batchContainers(props: Record<string, any>): Container[] {
    const out: Container[] = [];
    if (props.containerProperties !== undefined && props.containerProperties !== null) {
        const single = record(parseJson(props.containerProperties, "containerProperties"));
        if (!single) {
            throw new MalformedPropsError("containerProperties is not a JSON container object");
        }
        out.push(
            ...ecsShaped("containerProperties", [single], "environment").map((c) => ({
                ...c,
                path: "containerProperties",
            })),
        );
    }
    if (props.ecsProperties !== undefined && props.ecsProperties !== null) {
        const ecs = record(parseJson(props.ecsProperties, "ecsProperties"));
        if (!ecs) {
            throw new MalformedPropsError("ecsProperties is not a JSON object");
        }
        list(ecs.taskProperties).forEach((t, i) => {
            const prefix = `ecsProperties.taskProperties[${i}].containers`;
            out.push(...ecsShaped(prefix, parseDefinitions(record(t)?.containers ?? [], prefix), "environment"));
        });
    }
    return out;
}

/** The containers a resource runs (empty for other types). */
export const containers = memoByProps(containersOf);

function containersOf(type: string, props: Record<string, any>): Container[] {
    switch (type) {
        case RESOURCE_TYPE.awsEcsTaskDefinition:
            return ecsShaped(
                "containerDefinitions",
                ecsContainerDefinitions(props.containerDefinitions),
                "environment",
            );
        case RESOURCE_TYPE.awsEcsDaemonTaskDefinition:
            return ecsShaped(
                "containerDefinitions",
                parseDefinitions(props.containerDefinitions, "containerDefinitions"),
                "environments",
            );
        case RESOURCE_TYPE.awsBatchJobDefinition:
            return batchContainers(props);
        case RESOURCE_TYPE.gcpCloudRunV2Service:
        case RESOURCE_TYPE.gcpCloudRunV2WorkerPool:
            return genericContainers("template.containers", record(props.template)?.containers, "envs");
        case RESOURCE_TYPE.gcpCloudRunV2Job:
            return genericContainers(
                "template.template.containers",
                record(record(props.template)?.template)?.containers,
                "envs",
            );
        case RESOURCE_TYPE.gcpCloudRunService:
            return genericContainers(
                "template.spec.containers",
                record(record(props.template)?.spec)?.containers,
                "envs",
            );
        case RESOURCE_TYPE.azureContainerApp:
        case RESOURCE_TYPE.azureContainerAppJob: {
            const template = record(props.template);
            return [
                ...genericContainers("template.initContainers", template?.initContainers, "env"),
                ...genericContainers("template.containers", template?.containers, "env"),
            ];
        }
        case RESOURCE_TYPE.azureContainerGroup:
            return [
                ...genericContainers("initContainers", props.initContainers, "environmentVariables"),
                ...genericContainers("containers", props.containers, "environmentVariables"),
            ];
        default:
            return [];
    }
}
