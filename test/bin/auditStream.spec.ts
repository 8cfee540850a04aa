import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as fc from "fast-check";
import { readAuditInput, splitDocument } from "../../bin/lib/auditInput";
import { syntheticExport } from "../../bench/synthetic";

const EXPORT_TEXT = fs.readFileSync(path.join(__dirname, "fixtures", "legacy-stack-export.json"), "utf8");

/** The text cut into chunks of `size` bytes (the reader's chunks end anywhere, inside a character too). */
function chunked(text: string | Buffer, size: number): Buffer[] {
    const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, "utf8");
    const out: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
    return out;
}

/** JSON.parse's answer, or undefined when it throws. */
function parsed(text: string): unknown {
    try {
        return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
        return undefined;
    }
}

/** A JSON document shaped like an export, a checkpoint or a preview, with arbitrary values around the arrays. */
const documents = fc.oneof(
    fc.record({
        version: fc.jsonValue({ maxDepth: 1 }),
        deployment: fc.record({
            manifest: fc.jsonValue({ maxDepth: 2 }),
            resources: fc.array(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), { maxLength: 6 }),
        }),
    }),
    fc.record({
        version: fc.constant(3),
        checkpoint: fc.record({
            stack: fc.string(),
            latest: fc.record({ resources: fc.array(fc.object(), { maxLength: 4 }) }),
        }),
    }),
    fc.record({ steps: fc.array(fc.object(), { maxLength: 5 }), changeSummary: fc.jsonValue({ maxDepth: 1 }) }),
    fc.jsonValue({ maxDepth: 3 }),
);

describe("the audit reader's chunked parse (bin/lib/auditInput.ts splitDocument)", () => {
    it("gives JSON.parse's document for the legacy export, whatever the chunk size", () => {
        for (const size of [1, 2, 3, 7, 64, 1000, 1 << 20]) {
            const split = splitDocument(chunked(EXPORT_TEXT, size));
            assert.ok(split, `chunks of ${size}`);
            assert.deepEqual(split.doc, JSON.parse(EXPORT_TEXT), `chunks of ${size}`);
        }
    });

    it("gives JSON.parse's document for any document, pretty-printed or not, cut anywhere (fast-check, fixed seed)", () => {
        fc.assert(
            fc.property(documents, fc.boolean(), fc.integer({ min: 1, max: 97 }), (doc, pretty, size) => {
                const text = JSON.stringify(doc, null, pretty ? 2 : undefined);
                const split = splitDocument(chunked(text, size));
                // Well-formed documents are split (a streamed array may hold only objects: anything else falls back).
                if (split) assert.deepEqual(split.doc, JSON.parse(text));
                else assert.ok(hasNonObjectElement(doc), text);
            }),
            { seed: 20261129, numRuns: 400 },
        );
    });

    it("returns nothing (the whole-text path decides) for any defective text, never a different document", () => {
        fc.assert(
            fc.property(
                fc.string({ minLength: 1, maxLength: 60 }),
                fc.nat(EXPORT_TEXT.length),
                fc.nat(20),
                (insert, at, cut) => {
                    const text = EXPORT_TEXT.slice(0, at) + insert + EXPORT_TEXT.slice(at + cut);
                    const split = splitDocument(chunked(text, 13));
                    if (split) assert.deepEqual(split.doc, parsed(text), JSON.stringify(insert));
                },
            ),
            { seed: 20261129, numRuns: 300 },
        );
    });

    it("keeps JSON.parse's answer for duplicate keys on the way to the resources", () => {
        const cases = [
            '{"version":3,"deployment":{"resources":[{"urn":"a"}],"resources":[{"urn":"b"}]}}',
            '{"version":3,"deployment":{"resources":[{"urn":"a"}]},"deployment":{}}',
            '{"version":3,"deployment":{"resources":5,"resources":[{"urn":"b"}]}}',
            '{"version":3,"deployment":{"resources":[{"urn":"a"}],"resources":5}}',
            '{"version":3,"deploym\\u0065nt":{"r\\u0065sources":[{"urn":"a"}]}}',
        ];
        for (const text of cases) {
            const split = splitDocument(chunked(text, 5));
            if (split) assert.deepEqual(split.doc, JSON.parse(text), text);
        }
        assert.deepEqual(splitDocument([Buffer.from(cases[2]!)])?.doc, JSON.parse(cases[2]!));
        assert.deepEqual(splitDocument([Buffer.from(cases[4]!)])?.doc, JSON.parse(cases[4]!));
    });

    it("leaves text that is not UTF-8, or has a NUL byte, to the whole-text path", () => {
        assert.equal(splitDocument([Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])]), undefined);
        assert.equal(splitDocument([Buffer.from('{"a":\u00001}')]), undefined);
    });

    it("notes the secret signature and the masked secret wherever they are, in a resource or around them", () => {
        const text = JSON.stringify(syntheticExport(50));
        assert.equal(splitDocument(chunked(text, 4096))?.signature, true);
        const masked = '{"steps":[{"op":"create","newState":{"inputs":{"p":"[secret]"}}}]}';
        assert.deepEqual(
            [splitDocument([Buffer.from(masked)])?.masked, splitDocument([Buffer.from('{"steps":[]}')])?.masked],
            [true, false],
        );
    });

    it("reads a large file in chunks to the same audit document as its whole text", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-stream-"));
        try {
            const file = path.join(dir, "export.json");
            fs.writeFileSync(file, `\ufeff${JSON.stringify(syntheticExport(3000), null, 1)}`);
            const streamed = readAuditInput(file, undefined, { streamFromBytes: 0 });
            const whole = readAuditInput(file, undefined, { streamFromBytes: Infinity });
            assert.equal(streamed.resources.length, 3000);
            assert.deepEqual(streamed, whole);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

/** True when a streamed array of the document holds something other than objects (the chunked parse declines). */
function hasNonObjectElement(doc: unknown): boolean {
    const isObj = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
    if (!isObj(doc)) return false;
    const d = doc as Record<string, any>;
    const arrays = [d.deployment?.resources, d.checkpoint?.latest?.resources, d.steps];
    return arrays.some((a) => Array.isArray(a) && a.some((e) => !isObj(e)));
}
