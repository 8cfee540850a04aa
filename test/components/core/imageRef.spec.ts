import * as assert from "node:assert/strict";
import { isLatest, isPinnedByDigest, parseImageRef, pinnedRef } from "../../../components/core/imageRef";

const D = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("image references", () => {
    const cases: Array<
        [string, { repository: string; registry?: string; tag?: string; digest?: string } | undefined, boolean, boolean]
    > = [
        // [ref, parsed, pinned, latest]
        ["nginx", { repository: "nginx" }, false, true],
        ["nginx:latest", { repository: "nginx", tag: "latest" }, false, true],
        ["nginx:LATEST", { repository: "nginx", tag: "LATEST" }, false, true],
        ["nginx:1.27", { repository: "nginx", tag: "1.27" }, false, false],
        [`nginx@${D}`, { repository: "nginx", digest: D }, true, false],
        [`nginx:1.27@${D}`, { repository: "nginx", tag: "1.27", digest: D }, true, false],
        [
            `localhost:5000/app@${D}`,
            { repository: "localhost:5000/app", registry: "localhost:5000", digest: D },
            true,
            false,
        ],
        [
            "127.0.0.1:5001/app:v1",
            { repository: "127.0.0.1:5001/app", registry: "127.0.0.1:5001", tag: "v1" },
            false,
            false,
        ],
        [
            `123456789012.dkr.ecr.us-east-1.amazonaws.com/api@${D}`,
            {
                repository: "123456789012.dkr.ecr.us-east-1.amazonaws.com/api",
                registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                digest: D,
            },
            true,
            false,
        ],
        ["library/nginx:1", { repository: "library/nginx", tag: "1" }, false, false],
        ["nginx@sha256:abc", { repository: "nginx", digest: "sha256:abc" }, false, false],
        [`nginx@sha512:${"a".repeat(128)}`, { repository: "nginx", digest: `sha512:${"a".repeat(128)}` }, false, false],
        ["", undefined, false, false],
        ["has space:1", undefined, false, false],
        ["/leading", undefined, false, false],
    ];
    for (const [ref, parsed, pinned, latest] of cases) {
        it(`reads ${JSON.stringify(ref)}: ${pinned ? "pinned" : "not pinned"}${latest ? ", latest" : ""}`, () => {
            const got = parseImageRef(ref);
            assert.deepEqual(got && Object.fromEntries(Object.entries(got).filter(([, v]) => v !== undefined)), parsed);
            assert.equal(isPinnedByDigest(ref), pinned);
            assert.equal(isLatest(ref), latest);
        });
    }

    it("pins a repository to a digest, dropping a tag", () => {
        assert.equal(pinnedRef("r.example.com/api", D), `r.example.com/api@${D}`);
        assert.equal(pinnedRef("r.example.com:443/api:v1", D), `r.example.com:443/api@${D}`);
        assert.throws(() => pinnedRef("r.example.com/api", "sha256:short"), /digest must be sha256:<64 hex>/);
    });
});
