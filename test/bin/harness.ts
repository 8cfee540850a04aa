/**
 * Runs `bin/immutable` in-process for the specs: captured standard output and error, a given standard input,
 * a chosen policy pack (a small fake by default, so these specs do not depend on the pack's rules) and the
 * exit status the command set.
 */
import { main } from "../../bin/cli";
import { withIo } from "../../bin/lib/io";
import {
    withPolicyEngine,
    type EvaluatedResource,
    type PolicyEngine,
    type RuleInfo,
    type Violation,
} from "../../bin/lib/policyEngine";

/** What one run printed and returned. */
export interface CliRun {
    stdout: string;
    stderr: string;
    exitCode: number;
}

/** Options of one in-process run. */
export interface RunOptions {
    stdin?: Buffer | string;
    engine?: PolicyEngine;
    /** Pretend standard output and error are terminals. */
    tty?: boolean;
}

/** Runs `immutable <args>` in-process. */
export async function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
    let stdout = "";
    let stderr = "";
    const saved = process.exitCode;
    process.exitCode = undefined;
    try {
        await withPolicyEngine(options.engine ?? fakeEngine(), () =>
            withIo(
                {
                    out: (t) => void (stdout += t),
                    err: (t) => void (stderr += t),
                    stdoutIsTTY: options.tty ?? false,
                    stderrIsTTY: options.tty ?? false,
                    readStdin: () => Buffer.from(options.stdin ?? ""),
                },
                () => main(["node", "immutable", ...args]),
            ),
        );
        return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
    } finally {
        process.exitCode = saved;
    }
}

/** The fake pack's rules. */
export const FAKE_RULES: RuleInfo[] = [
    {
        name: "fake-no-latest",
        description: "Images are pinned by digest.",
        enforcementLevel: "mandatory",
        fix: "Pin the image as repo@sha256:<digest>.",
    },
    {
        name: "fake-no-ssh",
        description: "SSH is not open to the internet.",
        enforcementLevel: "advisory",
        fix: "Remove the ingress rule; use a session manager.",
    },
    {
        name: "fake-unused",
        description: "A rule nothing violates.",
        enforcementLevel: "advisory",
        fix: "Nothing to fix.",
    },
];

/**
 * A pack that judges custom resources: `fake-no-latest` for any input text containing `:latest`,
 * `fake-no-ssh` for an input `ingress` rule on port 22 from 0.0.0.0/0. Types under `unjudgeable:` are
 * reported as not judged; the stack and providers are skipped, as by the engine. Records what it was given.
 */
export function fakeEngine(calls: Array<{ resources: EvaluatedResource[]; options: unknown }> = []): PolicyEngine {
    return {
        async evaluate(resources, options) {
            calls.push({ resources, options });
            const violations: Violation[] = [];
            const notJudged: Array<{ urn: string; reason: string }> = [];
            let judged = 0;
            for (const r of resources) {
                if (r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:") || r.custom === false)
                    continue;
                if (r.type.startsWith("unjudgeable:")) {
                    notJudged.push({ urn: r.urn, reason: "no adapter for this type" });
                    continue;
                }
                judged++;
                if (JSON.stringify(r.inputs).includes(":latest")) {
                    violations.push({
                        policy: "fake-no-latest",
                        urn: r.urn,
                        enforcementLevel: levelOf("fake-no-latest", options?.config),
                        message: `${r.name} uses a :latest image`,
                    });
                }
                const ingress = r.inputs.ingress;
                if (
                    Array.isArray(ingress) &&
                    ingress.some(
                        (i: any) => i?.fromPort <= 22 && i?.toPort >= 22 && (i?.cidrBlocks ?? []).includes("0.0.0.0/0"),
                    )
                ) {
                    violations.push({
                        policy: "fake-no-ssh",
                        urn: r.urn,
                        enforcementLevel: levelOf("fake-no-ssh", options?.config),
                        message: `${r.name} opens SSH to 0.0.0.0/0`,
                    });
                }
            }
            return { judged, violations, remediated: [], notJudged };
        },
        rules: () => FAKE_RULES,
    };
}

function levelOf(policy: string, config: Record<string, unknown> | undefined): "advisory" | "mandatory" {
    const configured = config?.[policy] ?? config?.all;
    if (configured === "advisory" || configured === "mandatory") return configured;
    return FAKE_RULES.find((r) => r.name === policy)!.enforcementLevel as "advisory" | "mandatory";
}
