/**
 * The values fakes are made of, each a pure function of what it is given, so two plans of one program are
 * identical: hashes, UUIDs, base64, addresses, Pulumi's auto-names, a fixed time and secret outputs.
 */
import { createHash } from "node:crypto";
import { SECRET_SIG, SIG_KEY } from "../../../../policy/wire";

/** A stable hex hash of anything JSON-serializable. */
export function stableHash(value: unknown, length = 64): string {
    return createHash("sha256")
        .update(JSON.stringify(value ?? null))
        .digest("hex")
        .slice(0, length);
}

/** A stable UUID-shaped string. */
export function stableUuid(value: unknown): string {
    return stableHash(value, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
}

/** A stable base64 string of `bytes` bytes. */
export function stableBase64(value: unknown, bytes: number): string {
    let hex = "";
    for (let i = 0; hex.length < bytes * 2; i++) hex += stableHash([value, i]);
    return Buffer.from(hex.slice(0, bytes * 2), "hex").toString("base64");
}

/** A stable private IPv4 address in 10.0.0.0/8. */
export function privateIp(value: unknown): string {
    const h = stableHash(value, 6);
    return `10.${parseInt(h.slice(0, 2), 16)}.${parseInt(h.slice(2, 4), 16)}.${(parseInt(h.slice(4, 6), 16) % 250) + 4}`;
}

/** A stable public IPv4 address in the documentation range 203.0.113.0/24 (RFC 5737). */
export function publicIp(value: unknown): string {
    return `203.0.113.${(parseInt(stableHash(value, 2), 16) % 250) + 4}`;
}

/** Pulumi's auto-name: the logical name and a stable 7-hex suffix (the engine's is random). */
export function autoName(name: string, separator = "-"): string {
    return `${name}${separator}${stableHash(`autoname:${name}`, 7)}`;
}

/** A value in the engine's wire format for a secret (the provider marks the output secret, as the real one does). */
export function secret(value: unknown): Record<string, unknown> {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/** A fixed timestamp (fakes are deterministic). */
export const FAKE_TIME = "2026-01-01T00:00:00Z";
