/** Synthesizes the shipped environment stacks with slot overrides, from a fixture release (no build stack). */
import { synthesizeStack } from "../../../bin/lib/stacks";
import type { Synthesis } from "../../../bin/lib/synthesize";
import type { Cloud } from "../../../components/core/clouds";
import { AZURE_PLACE } from "./clouds";
import { digestOf, releaseRecord } from "./fixtures";

/** A pinned slot value as `pulumi config set immutable:<slot> ...` takes it. */
export function pin(version: string): string {
    return JSON.stringify({ version, digest: digestOf(version) });
}

/** Config keys of an environment stack the specs vary: the slots, the canary weight, secrets. */
export interface SlotConfig {
    blue?: string;
    green?: string;
    live?: string;
    lastDeployed?: string;
    canaryWeight?: number;
    /** Secret references as JSON (immutable:secrets). */
    secrets?: string;
    /** Plain environment as JSON (immutable:env). */
    env?: string;
}

/** The build stack's synthesis, made once for every environment synthesis of the specs. */
export const BUILD_CACHE = new Map<string, Synthesis>();

/**
 * Synthesizes `prod-<cloud>` (its shipped config) with `release` as the current release (config
 * immutable:release) and the given slot keys. Memoized by arguments unless `fresh` (a spec that compares two
 * syntheses of the same config must make two).
 */
export function synthEnvironment(
    cloud: Cloud,
    release: string,
    slots: SlotConfig,
    env = "prod",
    fresh = false,
): Promise<Synthesis> {
    const sorted = Object.fromEntries(
        Object.entries(slots)
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => a.localeCompare(b)),
    );
    const key = JSON.stringify([cloud, release, sorted, env]);
    if (!fresh && MEMO.has(key)) {
        return MEMO.get(key)!;
    }
    const result = synthesizeFresh(cloud, release, slots, env);
    if (!fresh) {
        MEMO.set(key, result);
    }
    return result;
}

const MEMO = new Map<string, Promise<Synthesis>>();

function synthesizeFresh(cloud: Cloud, release: string, slots: SlotConfig, env: string): Promise<Synthesis> {
    const config: Record<string, string> = { release: JSON.stringify(releaseRecord(release)) };
    if (slots.secrets !== undefined && cloud === "azure") {
        // The vault of the fixtures' Key Vault references: the app's identity is granted on it first.
        config.azureKeyVaultId = AZURE_PLACE.keyVaultId;
    }
    for (const [key, value] of Object.entries(slots)) {
        if (value !== undefined) {
            config[key] = String(value);
        }
    }
    return synthesizeStack(`${env}-${cloud}`, { config, cache: BUILD_CACHE });
}
