/**
 * Containers, one shape for the three container platforms: ECS task definitions (`containerDefinitions`
 * is JSON text), Cloud Run v2 services and jobs, Cloud Run v1 services, Container Apps and Container Apps
 * jobs. The shape carries what the image, runtime and secret rules judge.
 */
import { T } from "./types";
import { list, memoByProps, record, str } from "./values";

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
    /** True where the platform lets the spec choose the root filesystem mode / user (ECS). */
    exposesRuntime: boolean;
}

/** The resource types this normalizer reads. */
export const CONTAINER_TYPES: readonly string[] = [
    T.awsEcsTaskDefinition,
    T.gcpCloudRunV2Service,
    T.gcpCloudRunV2Job,
    T.gcpCloudRunService,
    T.azureContainerApp,
    T.azureContainerAppJob,
];

/** Thrown for props the pack cannot read (ECS containerDefinitions that are not JSON). */
export class MalformedPropsError extends Error {}

function envList(value: unknown, nameKey = "name"): EnvVar[] {
    const items = list(value);
    const out: EnvVar[] = [];
    for (let i = 0; i < items.length; i++) {
        const e = record(items[i]);
        const name = e ? str(e[nameKey]) : undefined;
        if (e && name !== undefined) {
            out.push({ name, value: str(e.value) });
        }
    }
    return out;
}

function genericContainers(prefix: string, value: unknown, envKey: string, out: Container[] = []): Container[] {
    const items = list(value);
    for (let i = 0; i < items.length; i++) {
        const c = record(items[i]);
        if (c) {
            out.push({
                path: `${prefix}[${i}]${c.name ? ` (${c.name})` : ""}`,
                image: str(c.image),
                env: envList(c[envKey]),
                exposesRuntime: false,
            });
        }
    }
    return out;
}

let lastText: string | undefined;
let lastDefs: Record<string, any>[] = [];

/** Parses ECS `containerDefinitions` (JSON text; tolerated as an already-parsed list). Read-only result. */
export function ecsContainerDefinitions(value: unknown): Record<string, any>[] {
    // Several rules read the same task definition in turn: parse its text once.
    if (typeof value === "string" && value === lastText) {
        return lastDefs;
    }
    const defs = parseDefinitions(value);
    if (typeof value === "string") {
        lastText = value;
        lastDefs = defs;
    }
    return defs;
}

function parseDefinitions(value: unknown): Record<string, any>[] {
    let defs: unknown = value;
    if (typeof value === "string") {
        try {
            defs = JSON.parse(value);
        } catch (err) {
            throw new MalformedPropsError(`containerDefinitions is not JSON: ${(err as Error).message}`);
        }
    }
    if (defs === undefined || defs === null) {
        return [];
    }
    if (!Array.isArray(defs)) {
        throw new MalformedPropsError("containerDefinitions is not a JSON list of containers");
    }
    return defs.map(record).filter((d): d is Record<string, any> => d !== undefined);
}

/** The containers a resource runs (empty for other types). */
export const containers = memoByProps(containersOf);

function containersOf(type: string, props: Record<string, any>): Container[] {
    switch (type) {
        case T.awsEcsTaskDefinition:
            return ecsContainerDefinitions(props.containerDefinitions).map((d, i) => ({
                path: `containerDefinitions[${i}]${d.name ? ` (${d.name})` : ""}`,
                image: str(d.image),
                env: envList(d.environment),
                readonlyRootFilesystem: d.readonlyRootFilesystem === true,
                privileged: d.privileged === true,
                user: str(d.user),
                exposesRuntime: true,
            }));
        case T.gcpCloudRunV2Service:
            return genericContainers("template.containers", record(props.template)?.containers, "envs");
        case T.gcpCloudRunV2Job:
            return genericContainers(
                "template.template.containers",
                record(record(props.template)?.template)?.containers,
                "envs",
            );
        case T.gcpCloudRunService:
            return genericContainers(
                "template.spec.containers",
                record(record(props.template)?.spec)?.containers,
                "envs",
            );
        case T.azureContainerApp:
        case T.azureContainerAppJob: {
            const template = record(props.template);
            return genericContainers(
                "template.containers",
                template?.containers,
                "env",
                genericContainers("template.initContainers", template?.initContainers, "env"),
            );
        }
        default:
            return [];
    }
}
