/**
 * Reading the shipped stacks' config: every error names the key (`config immutable:live must be one of ...`).
 * Object-valued keys are strings holding JSON, because project config cannot declare object types
 * (pulumi/pulumi#11321).
 */
import * as pulumi from "@pulumi/pulumi";

/** Throws the error of one config key. */
export function fail(key: string, problem: string): never {
    throw new Error(`config immutable:${key} ${problem}`);
}

/** A config string, where "" (the Pulumi.yaml default of optional keys) means unset. */
export function opt(config: pulumi.Config, key: string): string | undefined {
    const value = config.get(key);
    return value === undefined || value.trim() === "" ? undefined : value;
}

/** A list of strings, where [] means unset. */
export function optList(config: pulumi.Config, key: string): string[] | undefined {
    const value = config.getObject<unknown>(key);
    if (value === undefined) {
        return undefined;
    }
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v.trim() === "")) {
        fail(key, `must be a list of non-empty strings, got ${JSON.stringify(value)}`);
    }
    return value.length > 0 ? (value as string[]) : undefined;
}

/** Parses a JSON config value. */
export function parseJson(key: string, raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return fail(key, `must be a JSON / YAML object, got ${JSON.stringify(raw)}`);
    }
}

/** A JSON object config key. */
export function objectOf<T>(config: pulumi.Config, key: string): T | undefined {
    const raw = opt(config, key);
    return raw === undefined ? undefined : parseObject<T>(key, raw);
}

/** The JSON object a config key's value holds. */
export function parseObject<T>(key: string, raw: string): T {
    const value = parseJson(key, raw);
    if (!value || typeof value !== "object" || Array.isArray(value)) {
        fail(key, `must be a JSON object, got ${raw}`);
    }
    return value as T;
}

/** One of the allowed values. */
export function oneOf<T extends string>(key: string, value: string | undefined, allowed: readonly T[]): T {
    if (value === undefined || !(allowed as readonly string[]).includes(value)) {
        fail(key, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${JSON.stringify(value)}`);
    }
    return value as T;
}

/** Refuses a key that was replaced, naming what replaced it. */
export function refuseReplaced(config: pulumi.Config, key: string, instead: string): void {
    const value = config.get(key);
    if (value !== undefined && value.trim() !== "" && value.trim() !== "[]") {
        fail(key, `was replaced: ${instead}`);
    }
}
