/** `--smoke URL|COMMAND`: what is checked, and how a failing image is reported. */
import { strict as assert } from "node:assert";
import { SmokeFailure, SmokeKind, parseSmoke, smokeTest, splitWords } from "../../../bin/lib/release/smoke";
import { FakeEngine } from "./support/fakes";

describe("release smoke test (--smoke)", () => {
    const urls: Array<[string, number, string, string]> = [
        ["http://localhost:8080/healthz", 8080, "http:", "/healthz"],
        ["http://app/ready?deep=1", 80, "http:", "/ready?deep=1"],
        ["https://localhost:8443/", 8443, "https:", "/"],
        ["HTTPS://x/health", 443, "https:", "/health"],
    ];
    for (const [text, port, scheme, path] of urls) {
        it(`reads ${text} as GET ${path} on container port ${port}`, () => {
            assert.deepEqual(parseSmoke(text), { kind: SmokeKind.Url, text, port, scheme, path });
        });
    }

    const commands: Array<[string, string[]]> = [
        [
            "/bin/busybox wget -q -O- http://127.0.0.1:8080/healthz",
            ["/bin/busybox", "wget", "-q", "-O-", "http://127.0.0.1:8080/healthz"],
        ],
        [`sh -c 'test -f /www/healthz && echo "ok done"'`, ["sh", "-c", `test -f /www/healthz && echo "ok done"`]],
        [`echo "a \\"quoted\\" word" ''`, ["echo", `a "quoted" word`, ""]],
        ["  spaced\\ arg   two ", ["spaced arg", "two"]],
    ];
    for (const [text, argv] of commands) {
        it(`runs ${text} inside the container as ${JSON.stringify(argv)}`, () => {
            assert.deepEqual(parseSmoke(text).argv, argv);
            assert.equal(parseSmoke(text).kind, SmokeKind.Command);
        });
    }

    it("refuses an empty check and an unterminated quote", () => {
        assert.throws(() => parseSmoke("  "), /--smoke must be a URL .* or a command/);
        assert.throws(() => splitWords(`sh -c 'oops`), /unterminated ' quote/);
    });

    it("retries a failing check until the timeout, then reports the last failure and the logs", async () => {
        const engine = new FakeEngine([]);
        engine.healthy = false;
        const started = Date.now();
        await assert.rejects(
            smokeTest(engine, "sha256:x", parseSmoke("wget -q http://127.0.0.1:8080/healthz"), 250, 50),
            (err: unknown) => {
                assert.ok(err instanceof SmokeFailure);
                assert.match(
                    err.message,
                    /did not pass within 0.25s after [2-9] attempts; last: wget .* exited with status 1: wget: server returned error/,
                );
                assert.match(err.message, /--- container logs \(last lines\) ---\nhttpd: response:404/);
                return true;
            },
        );
        assert.ok(Date.now() - started < 2_000);
        assert.ok(engine.log.includes("remove"), "the container is removed after a failure");
    });

    it("passes as soon as the check succeeds and removes the container", async () => {
        const engine = new FakeEngine([]);
        assert.equal(await smokeTest(engine, "sha256:x", parseSmoke("true"), 1_000), 1);
        assert.deepEqual(
            engine.log.filter((e) => e !== "exec"),
            ["start sha256:x", "remove"],
        );
    });
});
