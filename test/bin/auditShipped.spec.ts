import * as assert from "node:assert/strict";
import { SECRET_SIG, SIG_KEY } from "../../policy/wire";
import { realPolicyEngine } from "../../bin/lib/policyEngine";
import { listShippedStacks, synthesizeStack } from "../../bin/lib/stacks";
import type { Synthesis } from "../../bin/lib/synthesize";
import { runCli } from "./harness";

/** What `pulumi stack export` would print after `pulumi up` of a synthesized stack (secrets encrypted). */
export function toStackExport(synthesis: Synthesis): unknown {
    const encrypt = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.map(encrypt);
        if (value && typeof value === "object") {
            const obj = value as Record<string, unknown>;
            if (obj[SIG_KEY] === SECRET_SIG)
                return { [SIG_KEY]: SECRET_SIG, ciphertext: "v1:bm9uY2U=:v1:Y2lwaGVy:dGV4dA==" };
            return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, encrypt(v)]));
        }
        return value;
    };
    return {
        version: 3,
        deployment: {
            manifest: { time: "2026-11-26T12:00:00Z", magic: "offline", version: "v3.207.0" },
            secrets_providers: { type: "passphrase", state: { salt: "v1:c2FsdA==" } },
            resources: synthesis.resources.map((r) => ({
                urn: r.urn,
                custom: r.custom,
                ...(r.custom ? { id: `${r.name}-id` } : {}),
                type: r.type,
                inputs: encrypt(r.inputs),
                outputs: encrypt(r.custom ? r.outputs : (r.registeredOutputs ?? {})),
                ...(r.parent ? { parent: r.parent } : {}),
                ...(r.provider ? { provider: r.provider } : {}),
                dependencies: r.dependencies,
                propertyDependencies: r.propertyDependencies,
            })),
        },
    };
}

describe("immutable audit of the shipped stacks, as exported after `pulumi up`", function () {
    this.timeout(60000);
    const stacks = listShippedStacks();
    // The build stack and one environment per cloud: the same verdict as `plan`.
    const chosen = [
        stacks.find((s) => s === "build"),
        ...["aws", "gcp", "azure"].map((c) => stacks.find((s) => s.startsWith("prod-") && s.endsWith(c))),
    ].filter((s): s is string => s !== undefined);
    const cache = new Map<string, Synthesis>();

    for (const name of chosen) {
        it(`finds no violation in ${name}`, async () => {
            const exported = toStackExport(await synthesizeStack(name, { cache }));
            const run = await runCli(["audit", "-", "--format", "json"], {
                stdin: JSON.stringify(exported),
                engine: realPolicyEngine,
            });
            const result = JSON.parse(run.stdout);
            assert.deepEqual(result.violations, []);
            assert.equal(run.exitCode, 0);
            assert.ok(result.resources > 0);
        });
    }
});
