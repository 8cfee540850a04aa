/**
 * The args every container service shares (AWS ECS, Cloud Run, Container Apps): the slots, the port and
 * health path, plain environment, secret references, scaling, labels. Each cloud's component adds its
 * specifics beside these. Also the checks they share: environment values must not be secrets (secrets are
 * references, resolved by the runtime at boot, never baked into a task definition or revision).
 */
import * as pulumi from "@pulumi/pulumi";
import type { SlotsArgs } from "./slots";
import { plaintextSecret, SecretKind } from "./secrets";
import { dnsLabelWithin, isKnown } from "./slots";
import { Validator } from "./validation";

/** A reference to a secret held by the cloud's secret store. The value itself never passes through Pulumi. */
export interface SecretRefArgs {
    /**
     * The secret: AWS a Secrets Manager secret ARN or an SSM parameter ARN; GCP a Secret Manager secret id or
     * `projects/<p>/secrets/<id>`; Azure a Key Vault secret URL (`https://<vault>.vault.azure.net/secrets/<name>`).
     */
    ref: pulumi.Input<string>;
    /**
     * The secret version to pin. Required on GCP (not `latest`); on Azure appended to the Key Vault URL; on AWS
     * the Secrets Manager version id.
     */
    version?: pulumi.Input<string>;
}

/** Instance counts of each slot. */
export interface ScalingArgs {
    /** Instances each slot keeps running (the idle slot stays warm so a flip is instant). Default 1. */
    minInstances?: pulumi.Input<number>;
    /** Most instances a slot scales out to. Default: minInstances + 1. */
    maxInstances?: pulumi.Input<number>;
}

/** The args shape common to every cloud's container service. */
export interface ContainerServiceArgs extends SlotsArgs {
    /** The port the container listens on; also passed to it as `PORT`. Default 8080. */
    port?: pulumi.Input<number>;
    /** The HTTP path load balancers, probes and smoke tests check. Default `/healthz`. */
    healthPath?: pulumi.Input<string>;
    /** Plain environment variables. Secret-looking values are refused: pass those in `secrets`. */
    env?: Record<string, pulumi.Input<string>>;
    /** Environment variables read from the cloud's secret store at boot, by reference. */
    secrets?: Record<string, SecretRefArgs>;
    /** Instance counts per slot. */
    scaling?: ScalingArgs;
    /** vCPUs per instance. Default 1. */
    cpu?: pulumi.Input<number>;
    /** Memory per instance in MiB. Default 2048. */
    memoryMiB?: pulumi.Input<number>;
    /** Writable scratch directories mounted over the read-only root filesystem. Default `["/tmp"]`. */
    tmpPaths?: pulumi.Input<string>[];
    /** Labels / tags set on every resource that takes them. */
    labels?: Record<string, pulumi.Input<string>>;
}

/** Environment names the runtime sets itself. */
export const RESERVED_ENV = ["PORT", "RELEASE_SLOT", "RELEASE_VERSION"];

/** Why a plain env entry is refused, or undefined when it is fine (the one detector: ./secrets.ts). */
export function plaintextSecretProblem(name: string, value: string): string | undefined {
    const finding = plaintextSecret(name, value);
    if (finding?.kind === SecretKind.Value) {
        return `holds a secret-looking value (${finding.reason.replace(/^holds /, "")}): pass it in \`secrets\` as a reference to the secret store, never as plaintext`;
    }
    if (finding?.kind === SecretKind.Name) {
        return "names a secret: pass it in `secrets` as a reference to the secret store (Secrets Manager ARN, Secret Manager secret + version, Key Vault secret URL), never as a plaintext value";
    }
    return undefined;
}

/**
 * Checks `env` and returns it as Outputs that refuse, when they resolve, a secret Output (its plaintext would
 * be stored in the task definition or revision) or a secret-looking value. Plain values are checked at once.
 */
export function checkedEnv(
    v: Validator,
    env: Record<string, pulumi.Input<string>> | undefined,
    secrets: Record<string, unknown> | undefined,
): Record<string, pulumi.Output<string>> {
    const result: Record<string, pulumi.Output<string>> = {};
    for (const [key, value] of Object.entries(env ?? {})) {
        const field = `env.${key}`;
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
            v.fail(field, "must be a name of letters, digits and underscores (not starting with a digit)");
        }
        if (RESERVED_ENV.includes(key)) {
            v.fail(
                field,
                "is set by the service itself (PORT from `port`, RELEASE_SLOT and RELEASE_VERSION from the slot); remove it from env",
            );
        }
        if (secrets && key in secrets) {
            v.fail(field, "is also in secrets: an environment variable comes from one place");
        }
        if (isKnown(value)) {
            if (typeof value !== "string") {
                v.fail(field, `must be a string, got ${JSON.stringify(value)}`);
            }
            const problem = plaintextSecretProblem(key, value);
            if (problem) {
                v.fail(field, problem);
            }
            result[key] = pulumi.output(value);
            continue;
        }
        const out = pulumi.output(value);
        result[key] = pulumi.all([out, pulumi.output(pulumi.isSecret(out))]).apply(([plain, secret]) => {
            if (secret) {
                v.fail(
                    field,
                    "is a secret Output: its plaintext would be stored in the service definition; pass it in `secrets` as a reference",
                );
            }
            const problem = plaintextSecretProblem(key, plain);
            if (problem) {
                v.fail(field, problem);
            }
            return plain;
        });
    }
    for (const key of Object.keys(secrets ?? {})) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
            v.fail(`secrets.${key}`, "must be a name of letters, digits and underscores (not starting with a digit)");
        }
        if (RESERVED_ENV.includes(key)) {
            v.fail(`secrets.${key}`, "is set by the service itself (PORT, RELEASE_SLOT, RELEASE_VERSION)");
        }
    }
    return result;
}

/** Plain numbers with defaults, validated when known (Outputs pass through). */
export function knownInt(
    v: Validator,
    field: string,
    value: pulumi.Input<number> | undefined,
    fallback: number,
    min: number,
    max: number,
): pulumi.Input<number> {
    if (value === undefined) {
        return fallback;
    }
    if (isKnown(value)) {
        return v.intIn(field, value, min, max);
    }
    return value;
}

/** The common defaults, resolved and checked where they are plain. */
export interface CommonSettings {
    port: pulumi.Input<number>;
    healthPath: pulumi.Input<string>;
    minInstances: pulumi.Input<number>;
    maxInstances: pulumi.Input<number>;
    cpu: pulumi.Input<number>;
    memoryMiB: pulumi.Input<number>;
    tmpPaths: pulumi.Input<string>[];
    env: Record<string, pulumi.Output<string>>;
    labels: Record<string, pulumi.Input<string>>;
}

/** Resolves the common args: defaults, ranges, env checks. */
export function commonSettings(v: Validator, args: ContainerServiceArgs): CommonSettings {
    const port = knownInt(v, "port", args.port, 8080, 1, 65535);
    const healthPath = args.healthPath ?? "/healthz";
    if (isKnown(healthPath) && (typeof healthPath !== "string" || !healthPath.startsWith("/"))) {
        v.fail("healthPath", `must be a path starting with "/", got ${JSON.stringify(healthPath)}`);
    }
    const minInstances = knownInt(v, "scaling.minInstances", args.scaling?.minInstances, 1, 0, 1000);
    const maxDefault = typeof minInstances === "number" ? Math.max(minInstances + 1, 1) : 2;
    const maxInstances = knownInt(v, "scaling.maxInstances", args.scaling?.maxInstances, maxDefault, 1, 1000);
    if (typeof minInstances === "number" && typeof maxInstances === "number" && maxInstances < minInstances) {
        v.fail("scaling.maxInstances", `(${maxInstances}) must be at least scaling.minInstances (${minInstances})`);
    }
    const cpu = args.cpu ?? 1;
    if (isKnown(cpu) && (typeof cpu !== "number" || !(cpu > 0 && cpu <= 16))) {
        v.fail("cpu", `must be a number of vCPUs above 0 and at most 16, got ${JSON.stringify(cpu)}`);
    }
    const memoryMiB = knownInt(v, "memoryMiB", args.memoryMiB, 2048, 128, 131072);
    const tmpPaths = args.tmpPaths ?? ["/tmp"];
    tmpPaths.forEach((p, i) => {
        if (isKnown(p) && (typeof p !== "string" || !p.startsWith("/") || p === "/")) {
            v.fail(`tmpPaths[${i}]`, `must be an absolute directory other than "/", got ${JSON.stringify(p)}`);
        }
    });
    return {
        port,
        healthPath,
        minInstances,
        maxInstances,
        cpu,
        memoryMiB,
        tmpPaths,
        env: checkedEnv(v, args.env, args.secrets),
        labels: args.labels ?? {},
    };
}

/** How a component names its cloud resource: the field that overrides the name, its longest default, its rule. */
export interface NameRule {
    field: string;
    /** The longest name derived from the component's name. */
    max: number;
    pattern: RegExp;
    /** The pattern in words (`1-30 lowercase letters, ...`). */
    rule: string;
}

/** The resource name: `given`, else the component's name as a DNS label within `max`; refused unless it matches. */
export function checkedName(v: Validator, rule: NameRule, given: string | undefined, name: string): string {
    const value = given ?? dnsLabelWithin(name, rule.max);
    if (!rule.pattern.test(value)) {
        v.fail(rule.field, `must be ${rule.rule}, got ${JSON.stringify(value)}`);
    }
    return value;
}

/**
 * Refuses a cpu / memory pair the runtime does not take, when both are known: `problem` is the runtime's rule
 * and answers `cpu ...` or `memoryMiB ...` (the field it blames) or nothing.
 */
export function checkSize(
    v: Validator,
    common: Pick<CommonSettings, "cpu" | "memoryMiB">,
    problem: (cpu: number, memoryMiB: number) => string | undefined,
): void {
    if (typeof common.cpu !== "number" || typeof common.memoryMiB !== "number") {
        return;
    }
    const found = problem(common.cpu, common.memoryMiB);
    if (found) {
        const [, field, rest] = /^(cpu|memoryMiB) (.*)$/s.exec(found) ?? [, "cpu", found];
        v.fail(field!, rest!);
    }
}
