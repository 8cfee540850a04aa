/** The manifest `release --out` writes is a valid release record, read back by the stacks' own reader. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RELEASE_MANIFEST_SCHEMA, readReleaseManifest } from "../../../components/core/releaseRecord";
import { buildManifest, writeManifest } from "../../../bin/lib/release/manifest";
import { parseRegistries } from "../../../bin/lib/release/registries";

const digest = `sha256:${"c".repeat(64)}`;
const input = {
    version: "v7",
    gitSha: "0123456789abcdef0123456789abcdef01234567",
    digest,
    imageId: `sha256:${"d".repeat(64)}`,
    registries: parseRegistries(["aws=127.0.0.1:5001/app", "gcp=127.0.0.1:5002/app", "azure=127.0.0.1:5003/app"]),
    baseImages: [`node@sha256:${"e".repeat(64)}`],
    builtAt: new Date("2026-11-26T12:00:00Z"),
    smoke: "http://localhost:8080/healthz",
    durationsMs: { build: 812, smoke: 1100 },
};

describe("release manifest", () => {
    it("keys one pinned ref and one version tag per registry name", () => {
        const m = buildManifest(input);
        assert.equal(m.schema, RELEASE_MANIFEST_SCHEMA);
        assert.deepEqual(m.refs, {
            aws: `127.0.0.1:5001/app@${digest}`,
            gcp: `127.0.0.1:5002/app@${digest}`,
            azure: `127.0.0.1:5003/app@${digest}`,
        });
        assert.deepEqual(m.tags, {
            aws: "127.0.0.1:5001/app:v7",
            gcp: "127.0.0.1:5002/app:v7",
            azure: "127.0.0.1:5003/app:v7",
        });
        assert.equal(m.builtAt, "2026-11-26T12:00:00.000Z");
    });

    it("is written atomically and reads back through readReleaseManifest with the same record", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-manifest-"));
        const file = path.join(dir, "out", "release.json");
        const record = writeManifest(file, buildManifest(input));
        assert.deepEqual(readReleaseManifest(file), record);
        assert.equal(record.digest, digest);
        assert.deepEqual(record.baseImages, input.baseImages);
        assert.deepEqual(fs.readdirSync(path.dirname(file)), ["release.json"], "no temporary file is left");
        fs.rmSync(dir, { recursive: true, force: true });
    });
});
