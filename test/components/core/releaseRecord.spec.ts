import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RELEASE_MANIFEST_SCHEMA, readReleaseManifest, validateRelease } from "../../../components/core/releaseRecord";

const D = `sha256:${"ab".repeat(32)}`;
const OTHER = `sha256:${"cd".repeat(32)}`;
const GOOD = {
    version: "v42",
    gitSha: "0123456789abcdef0123456789abcdef01234567",
    digest: D,
    refs: { aws: `1.dkr.ecr.us-east-1.amazonaws.com/api@${D}`, gcp: `us-docker.pkg.dev/p/r/api@${D}` },
};

describe("the release record", () => {
    it("accepts a record with one digest and pinned refs", () => {
        assert.deepEqual(validateRelease(GOOD, "spec"), { ...GOOD, baseImages: undefined, builtAt: undefined });
    });

    const invalid: Array<[string, unknown, RegExp]> = [
        [
            "a missing version",
            { ...GOOD, version: undefined },
            /^spec: version must be a non-empty string, got undefined$/,
        ],
        ["a digest that is a tag", { ...GOOD, digest: "v42" }, /^spec: digest must be sha256:<64 hex>, got "v42"$/],
        [
            "a ref that is a tag where a digest is needed",
            { ...GOOD, refs: { aws: "1.dkr.ecr.us-east-1.amazonaws.com/api:v42" } },
            /^spec: refs\.aws must be pinned by digest \(repo@sha256:\.\.\.\), got "1\.dkr/,
        ],
        [
            "refs with two digests",
            { ...GOOD, refs: { aws: `a.io/api@${D}`, gcp: `b.io/api@${OTHER}` } },
            /^spec: refs\.gcp has digest sha256:cdcd.* but the release digest is sha256:abab.*: one release has one digest$/,
        ],
        ["no refs", { ...GOOD, refs: {} }, /^spec: refs must map each cloud or registry to a pinned reference/],
        ["not an object", "v42", /^spec: expected an object/],
    ];
    for (const [what, value, message] of invalid) {
        it(`refuses ${what}`, () =>
            assert.throws(
                () => validateRelease(value, "spec"),
                (err: Error) => (assert.match(err.message, message), true),
            ));
    }

    describe("manifest files", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "release-"));
        const write = (name: string, text: string) => {
            const file = path.join(dir, name);
            fs.writeFileSync(file, text);
            return file;
        };
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("reads a manifest written by `bin/immutable release`", () => {
            const file = write(
                "ok.json",
                JSON.stringify({ schema: RELEASE_MANIFEST_SCHEMA, ...GOOD, builtAt: "2026-11-26T12:00:00Z" }),
            );
            assert.equal(readReleaseManifest(file).builtAt, "2026-11-26T12:00:00Z");
        });
        it("names the file when it is missing", () =>
            assert.throws(
                () => readReleaseManifest(path.join(dir, "nope.json")),
                /release manifest .*nope\.json: cannot be read \(ENOENT\)/,
            ));
        it("names the file when it is not JSON", () =>
            assert.throws(
                () => readReleaseManifest(write("bad.json", "{")),
                /release manifest .*bad\.json: not valid JSON/,
            ));
        it("refuses another schema", () =>
            assert.throws(
                () =>
                    readReleaseManifest(write("v2.json", JSON.stringify({ schema: "immutable.release/v2", ...GOOD }))),
                /schema must be "immutable\.release\/v1", got "immutable\.release\/v2"/,
            ));
    });
});
