import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as fc from "fast-check";
import { realPolicyEngine } from "../../bin/lib/policyEngine";
import { runCli } from "./harness";

const EXPORT_TEXT = fs.readFileSync(path.join(__dirname, "fixtures", "legacy-stack-export.json"), "utf8");

/** Every path (list of keys / indexes) in a JSON value. */
function paths(
    value: unknown,
    prefix: Array<string | number> = [],
    into: Array<Array<string | number>> = [],
): Array<Array<string | number>> {
    into.push(prefix);
    if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], into));
    else if (value && typeof value === "object")
        for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], into);
    return into;
}

/** Replaces (or deletes, when `replacement` is undefined) the node at `at`. */
function mutate(doc: any, at: Array<string | number>, replacement: unknown): unknown {
    if (at.length === 0) return replacement;
    let node = doc;
    for (const key of at.slice(0, -1)) node = node[key];
    const last = at[at.length - 1];
    if (replacement === undefined && !Array.isArray(node)) delete node[last];
    else node[last] = replacement;
    return doc;
}

/** The outcome every input must have: a verdict in the documented shape, or exit 2 with one line. */
function assertWellBehaved(run: { stdout: string; stderr: string; exitCode: number }): void {
    if (run.exitCode === 2) {
        assert.equal(run.stdout, "");
        assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
        assert.match(run.stderr, /^immutable audit: <stdin>: /);
        return;
    }
    assert.ok(run.exitCode === 0 || run.exitCode === 1, `exit ${run.exitCode}: ${run.stderr}`);
    const result = JSON.parse(run.stdout);
    assert.equal(typeof result.resources, "number");
    assert.ok(Array.isArray(result.violations) && Array.isArray(result.notJudged));
    assert.equal(run.exitCode, result.violations.some((v: any) => v.enforcementLevel === "mandatory") ? 1 : 0);
}

const audit = (stdin: string | Buffer) => runCli(["audit", "-", "--format", "json"], { stdin });
const settings = { seed: 20261126, numRuns: 150 };

describe("immutable audit on mangled exports (fast-check, fixed seed)", () => {
    it("answers a replaced or deleted node anywhere in the document with a verdict or one line and exit 2", async () => {
        const all = paths(JSON.parse(EXPORT_TEXT));
        await fc.assert(
            fc.asyncProperty(
                fc.nat(all.length - 1),
                fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
                async (i, replacement) => {
                    const doc = mutate(JSON.parse(EXPORT_TEXT), all[i], replacement);
                    assertWellBehaved(await audit(JSON.stringify(doc) ?? ""));
                },
            ),
            settings,
        );
    });

    it("never makes the real pack throw: a mangled export gets a verdict or one line and exit 2", async () => {
        const all = paths(JSON.parse(EXPORT_TEXT));
        await fc.assert(
            fc.asyncProperty(
                fc.nat(all.length - 1),
                fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
                async (i, replacement) => {
                    const doc = mutate(JSON.parse(EXPORT_TEXT), all[i], replacement);
                    const run = await runCli(["audit", "-", "--format", "json"], {
                        stdin: JSON.stringify(doc) ?? "",
                        engine: realPolicyEngine,
                    });
                    assertWellBehaved(run);
                },
            ),
            { seed: 7, numRuns: 100 },
        );
    });

    it("answers a truncated document with one line and exit 2", async () => {
        await fc.assert(
            fc.asyncProperty(fc.nat(EXPORT_TEXT.length - 2), async (cut) => {
                const run = await audit(EXPORT_TEXT.slice(0, cut));
                assertWellBehaved(run);
                assert.equal(run.exitCode, 2);
            }),
            settings,
        );
    });

    it("answers flipped bytes with a verdict or one line and exit 2", async () => {
        const bytes = Buffer.from(EXPORT_TEXT);
        await fc.assert(
            fc.asyncProperty(
                fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), {
                    minLength: 1,
                    maxLength: 4,
                }),
                async (flips) => {
                    const copy = Buffer.from(bytes);
                    for (const [at, byte] of flips) copy[at] = byte;
                    assertWellBehaved(await audit(copy));
                },
            ),
            settings,
        );
    });
});
