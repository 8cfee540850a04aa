/** Step progress: live lines with durations on a terminal, plain lines in CI logs, durations kept. */
import { strict as assert } from "node:assert";
import { StepError } from "../../../bin/lib/release/errors";
import { StepProgress, formatDuration, stepRunner } from "../../../bin/lib/release/progress";

function clock(...ticks: number[]) {
    let i = 0;
    return () => ticks[Math.min(i++, ticks.length - 1)];
}

describe("release progress", () => {
    it("prints one plain line when a step starts and one with its duration when it ends", async () => {
        const out: string[] = [];
        const progress = new StepProgress("release", (t) => void out.push(t), false, clock(0, 1234));
        await progress.step(
            "build",
            async () => "sha256:abc",
            (id) => id,
        );
        assert.deepEqual(out, ["release: build ...\n", "release: build done in 1.23s  sha256:abc\n"]);
        assert.deepEqual(progress.durations(), { build: 1234 });
    });

    it("marks a failed step with its duration and the first line of the reason, and rethrows", async () => {
        const out: string[] = [];
        const progress = new StepProgress("release", (t) => void out.push(t), false, clock(0, 65_000));
        await assert.rejects(
            progress.step("push aws", async () => {
                throw new Error("connection refused\nmore detail");
            }),
            /connection refused/,
        );
        assert.equal(out[1], "release: push aws FAILED in 1m05s  connection refused\n");
        assert.deepEqual(progress.timings, [{ name: "push aws", ms: 65_000, ok: false }]);
    });

    it("labels its plain lines and notes with the command it reports for", async () => {
        const out: string[] = [];
        const progress = new StepProgress("bake", (t) => void out.push(t), false, clock(0, 500));
        await progress.step("bootstrap", async () => undefined);
        progress.note("from the cache");
        assert.deepEqual(out, ["bake: bootstrap ...\n", "bake: bootstrap done in 0.50s\n", "bake: from the cache\n"]);
    });

    it("turns a step's error into a StepError of that step, and keeps one a step already named", async () => {
        const step = stepRunner(new StepProgress("bake", () => undefined, false));
        await assert.rejects(
            step("assemble", async () => {
                throw new Error("sfdisk: no space left");
            }),
            (err: unknown) =>
                err instanceof StepError && err.step === "assemble" && err.reason === "sfdisk: no space left",
        );
        await assert.rejects(
            step("formats", async () => {
                throw new StepError("check", "refused");
            }),
            (err: unknown) => err instanceof StepError && err.step === "check",
        );
    });

    it("redraws one line in place on a terminal and ends it with a tick and the duration", async () => {
        const out: string[] = [];
        const progress = new StepProgress("release", (t) => void out.push(t), true, clock(0, 0, 420));
        await progress.step("smoke", async () => 1);
        assert.match(out[0], /^\r\x1b\[2K⠋ smoke 0\.00s$/);
        assert.equal(out[out.length - 1], "\r\x1b[2K✓ smoke 0.42s\n");
        assert.ok(out.every((line) => !line.includes("release:")));
    });

    it("lists concurrent steps on the live line and gives each its own line when it ends", async () => {
        const out: string[] = [];
        const progress = new StepProgress(
            "release",
            (t) => void out.push(t),
            true,
            () => 0,
        );
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const slow = progress.step("copy gcp", () => gate);
        const fast = progress.step("copy azure", async () => undefined);
        await fast;
        assert.ok(
            out.some((l) => /copy gcp 0\.00s · copy azure 0\.00s/.test(l)),
            out.join("|"),
        );
        assert.ok(out.includes("\r\x1b[2K✓ copy azure 0.00s\n"));
        release();
        await slow;
        assert.equal(out[out.length - 1], "\r\x1b[2K✓ copy gcp 0.00s\n");
        assert.deepEqual(
            progress.timings.map((t) => t.name),
            ["copy azure", "copy gcp"],
        );
    });

    const durations: Array<[number, string]> = [
        [0, "0.00s"],
        [999, "1.00s"],
        [12_345, "12.3s"],
        [125_000, "2m05s"],
    ];
    for (const [ms, text] of durations) {
        it(`shows ${ms} ms as ${text}`, () => assert.equal(formatDuration(ms), text));
    }
});
