/**
 * The generated parts of docs/*.md (scripts/docs.ts: the rule table, coverage by resource type, out of scope)
 * match the code. Fix a failure with `npm run docs`.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { docsFiles, regenerate, SECTIONS } from "../scripts/docs";

describe("generated docs (scripts/docs.ts)", () => {
    const files = docsFiles();

    it("finds the generated sections of docs/policies.md", () => {
        const policies = files.find((f) => path.basename(f.file) === "policies.md");
        assert.ok(policies, "docs/policies.md has generated sections");
        for (const name of ["rules", "coverage", "out-of-scope", "scanned-kinds"]) {
            assert.ok(
                policies.current.includes(`<!-- generated:${name} -->`),
                `docs/policies.md has the ${name} section`,
            );
        }
    });

    for (const { file, current, generated } of files) {
        it(`${path.relative(path.resolve(__dirname, ".."), file)} is up to date (npm run docs)`, () => {
            assert.equal(current, generated);
        });
    }

    it("refuses a marker that names no section", () => {
        assert.throws(
            () => regenerate("<!-- generated:nope -->\n<!-- /generated:nope -->"),
            /no generated section "nope"/,
        );
        assert.ok(Object.keys(SECTIONS).length >= 4);
    });
});
