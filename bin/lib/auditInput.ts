/**
 * Reads what `bin/immutable audit` judges: a `pulumi stack export` (checkpoint version 3), a raw checkpoint
 * (the state file), or a `pulumi preview --json` document, from a file or standard input (`-`).
 *
 * Every defect of the input is an {@link InputError} whose message is one line naming the file, what is
 * wrong and where (a JSON path such as `deployment.resources[3].type`, or a line and column).
 *
 * Secret values in an export are encrypted (`ciphertext`): the engine would decrypt them, we cannot, so they
 * become secret unknowns in the wire format, as in a preview. `--show-secrets` exports (`plaintext`) are
 * decoded. A preview document prints secrets as the string "[secret]": those become secret unknowns too.
 * Computed values are already in the wire format's unknown form (`04da6b54-...`) in both documents.
 *
 * A large document (from {@link STREAM_FROM_BYTES}) is never held whole as text when it is well formed: it is
 * read in chunks and its resources (or a preview's steps) are parsed one at a time ({@link splitDocument}), so an
 * audit's peak memory is the parsed resources and a chunk, not the text (twice: bytes and string) as well.
 * Anything unusual (not UTF-8, a syntax error, a duplicate key on the way to the resources, a resource that is
 * not an object) falls back to the whole text and `JSON.parse`, whose result and errors define the behaviour.
 */
import * as fs from "node:fs";
import { isUtf8 } from "node:buffer";
import { InputError } from "../../components/core/validation";
import { SECRET_SIG, SIG_KEY, UNKNOWN } from "../../policy/wire";
import type { EvaluatedResource } from "./policyEngine";

/** The checkpoint versions we read. */
export const SUPPORTED_CHECKPOINT_VERSIONS = [3];

/** The kinds of document `audit` reads. */
export type AuditSource = "stack-export" | "checkpoint" | "preview";

/** A document read for auditing. */
export interface AuditDocument {
    source: AuditSource;
    /** The stack name, from the first URN. */
    stack?: string;
    /** The resources the new state holds, in document order (pending deletions and deletes excluded). */
    resources: EvaluatedResource[];
    /** Resources in the document the pack will not see, with the reason (pending deletions, deletes). */
    skipped: Array<{ urn: string; reason: string }>;
}

/** Reads and parses `file` (`-` for standard input). */
export function readAuditInput(
    file: string,
    readStdin: () => Buffer = () => fs.readFileSync(0),
    options: { streamFromBytes?: number } = {},
): AuditDocument {
    const label = file === "-" ? "<stdin>" : file;
    const streamFrom = options.streamFromBytes ?? STREAM_FROM_BYTES;
    let input: Buffer | string;
    let split: SplitDocument | undefined;
    try {
        if (file === "-") {
            input = readStdin();
            split = input.length >= streamFrom ? splitDocument([input]) : undefined;
        } else {
            split = fs.statSync(file).size >= streamFrom ? splitDocument(fileChunks(file)) : undefined;
            // Otherwise the whole text, which also decides (and words) every defect; its bytes are re-read only to
            // diagnose a binary file.
            input = split ? "" : fs.readFileSync(file, "utf8");
        }
    } catch (err: any) {
        const reasons: Record<string, string> = {
            ENOENT: "no such file",
            EISDIR: "is a directory, not a file",
            EACCES: "permission denied",
            EPERM: "permission denied",
        };
        throw new InputError(`${label}: cannot read: ${reasons[err?.code] ?? err?.message ?? String(err)}`);
    }
    if (split) {
        return fromSplit(split, label);
    }
    return parseAuditDocument(input, label, file === "-" ? undefined : () => fs.readFileSync(file));
}

/**
 * From this size on, a document is parsed a resource at a time ({@link splitDocument}): it keeps the peak memory
 * of a 100k-resource audit (94 MB) at about 3.4x the file instead of 4.5x. Below it, reading the whole text is
 * faster (one `JSON.parse`), and its memory is small anyway.
 */
export const STREAM_FROM_BYTES = 16 * 1024 * 1024;

/** A file's bytes, a chunk at a time (the buffer is reused: a consumer copies what it keeps). */
function* fileChunks(file: string, size = 1 << 20): Generator<Buffer> {
    const fd = fs.openSync(file, "r");
    try {
        const buffer = Buffer.allocUnsafe(size);
        for (;;) {
            const n = fs.readSync(fd, buffer, 0, size, null);
            if (n === 0) {
                return;
            }
            yield buffer.subarray(0, n);
        }
    } finally {
        fs.closeSync(fd);
    }
}

/** A document parsed by {@link splitDocument}, with what the secrets scan needs to know of its text. */
export interface SplitDocument {
    doc: unknown;
    /** The text holds the signature key (secrets, assets...) somewhere. */
    signature: boolean;
    /** The text holds the masked secret `"[secret]"` somewhere. */
    masked: boolean;
}

function fromSplit(split: SplitDocument, label: string): AuditDocument {
    const doc = split.doc;
    const preview = isObject(doc) && !("deployment" in doc || "checkpoint" in doc) && "steps" in doc;
    return fromJson(doc, label, { secrets: split.signature, masked: preview && split.masked });
}

/** The arrays whose elements are parsed one at a time: an export's or a checkpoint's resources, a preview's steps. */
const STREAMED_PATHS = [["deployment", "resources"], ["checkpoint", "latest", "resources"], ["steps"]].map((p) =>
    p.join("\0"),
);

/** One open container of the document's skeleton (the document but the streamed arrays' elements). */
interface Frame {
    object: boolean;
    /** Keys from the root, NUL-joined; undefined under an array (no streamed array lies there). */
    path: string | undefined;
    /** The key of the member being read (objects). */
    key: string | undefined;
    /** The next string is a key. */
    expectKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

function isSpace(c: number): boolean {
    return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Parses a JSON document from its chunks, each element of the streamed arrays on its own, so its text is never
 * one string. Returns undefined when the document is anything but plainly well formed (a NUL byte near the start,
 * text that is not UTF-8, a syntax error, a key on the way to a streamed array seen twice, an element that is not
 * an object): the caller then parses the whole text, which words the defect. A document it returns is the one
 * `JSON.parse` returns for the same text (test/bin/auditStream.spec.ts compares them).
 */
export function splitDocument(chunks: Iterable<Buffer>): SplitDocument | undefined {
    const skeleton: Buffer[] = [];
    const frames: Frame[] = [];
    const arrays = new Map<string, unknown[]>();
    let signature = false;
    let masked = false;
    /** Notes what the secrets scan needs; false for text that did not decode as UTF-8. */
    const scan = (text: string): boolean => {
        if (text.includes("\uFFFD")) {
            return false;
        }
        signature ||= text.includes(SIG_KEY);
        masked ||= text.includes(`"${MASKED_SECRET}"`);
        return true;
    };
    // Where the scan is: in the skeleton, or in a streamed array: before its first element, in an element,
    // after an element, after a comma.
    let mode: "skeleton" | "open" | "element" | "after" | "comma" = "skeleton";
    let target: unknown[] = [];
    let inString = false;
    let escaped = false;
    const scanState: ElementScan = { depth: 0, inString: false, escaped: false };
    let key: number[] | undefined;
    let element: Buffer[] = [];
    let first = true;
    for (const chunk of chunks) {
        const n = chunk.length;
        let i = 0;
        if (first) {
            first = false;
            if (chunk.subarray(0, 8192).includes(0)) {
                return undefined;
            }
            if (n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
                i = 3; // a byte order mark
            }
        }
        let skeletonFrom = i;
        let elementFrom = i;
        while (i < n) {
            if (mode === "element") {
                // Inside an element: only its end is sought, then the element alone is parsed.
                const stop = elementEnd(chunk, i, scanState);
                if (stop < 0) {
                    i = n;
                    continue;
                }
                i = stop;
                element.push(chunk.subarray(elementFrom, i));
                const text = (element.length === 1 ? element[0]! : Buffer.concat(element)).toString("utf8");
                element = [];
                if (!scan(text)) return undefined;
                try {
                    target.push(JSON.parse(text));
                } catch {
                    return undefined;
                }
                mode = "after";
                continue;
            }
            const c = chunk[i++]!;
            if (mode !== "skeleton") {
                // Between the elements of a streamed array: whitespace, a comma between two elements, the end.
                if (isSpace(c)) continue;
                if (c === LBRACE && mode !== "after") {
                    mode = "element";
                    scanState.depth = 1;
                    elementFrom = i - 1;
                } else if (c === COMMA && mode === "after") {
                    mode = "comma";
                } else if (c === RBRACKET && mode !== "comma") {
                    mode = "skeleton";
                    skeletonFrom = i - 1; // the skeleton keeps the array's brackets: "[" ... "]" is "[]"
                } else {
                    return undefined;
                }
                continue;
            }
            // The skeleton: kept as text, the keys on the way to a streamed array followed.
            const frame = frames[frames.length - 1];
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c === BACKSLASH) {
                    escaped = true;
                } else if (c === QUOTE) {
                    inString = false;
                    if (key && frame) {
                        frame.key = decodeKey(key);
                        key = undefined;
                        if (frame.key === undefined) return undefined;
                    }
                    continue;
                }
                key?.push(c);
                continue;
            }
            if (c === QUOTE) {
                inString = true;
                if (frame?.object && frame.expectKey && frame.path !== undefined) {
                    key = [];
                }
            } else if (c === COLON && frame?.object) {
                frame.expectKey = false;
            } else if (c === COMMA && frame?.object) {
                frame.expectKey = true;
                frame.key = undefined;
            } else if (c === LBRACE || c === LBRACKET) {
                const path =
                    frame === undefined
                        ? ""
                        : frame.object && frame.path !== undefined && frame.key !== undefined && !frame.expectKey
                          ? frame.path === ""
                              ? frame.key
                              : `${frame.path}\0${frame.key}`
                          : undefined;
                if (c === LBRACKET && path !== undefined && STREAMED_PATHS.includes(path)) {
                    if (arrays.has(path)) return undefined; // a duplicate key: JSON.parse keeps the last one
                    skeleton.push(Buffer.from(chunk.subarray(skeletonFrom, i)));
                    target = [];
                    arrays.set(path, target);
                    mode = "open";
                    continue;
                }
                frames.push({ object: c === LBRACE, path, key: undefined, expectKey: c === LBRACE });
            } else if (c === RBRACE || c === RBRACKET) {
                frames.pop();
            }
        }
        if (mode === "skeleton") {
            skeleton.push(Buffer.from(chunk.subarray(skeletonFrom, n)));
        } else if (mode === "element") {
            element.push(Buffer.from(chunk.subarray(elementFrom, n)));
            elementFrom = 0;
        }
    }
    if (mode !== "skeleton") {
        return undefined; // the document ends inside a streamed array
    }
    const text = Buffer.concat(skeleton).toString("utf8");
    if (!scan(text)) return undefined;
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch {
        return undefined;
    }
    for (const [path, elements] of arrays) {
        let node: unknown = doc;
        const keys = path.split("\0");
        for (const k of keys.slice(0, -1)) {
            node = isObject(node) ? node[k] : undefined;
        }
        const last = keys[keys.length - 1]!;
        const holder = isObject(node) ? node : undefined;
        const slot = holder?.[last];
        // A document whose later duplicate of a parent key replaced the array: JSON.parse's answer differs.
        if (!holder || !Array.isArray(slot) || slot.length !== 0) {
            return undefined;
        }
        holder[last] = elements;
    }
    return { doc, signature, masked };
}

/** Where the scan of an element is: nesting depth, inside a string, after a backslash there. */
interface ElementScan {
    depth: number;
    inString: boolean;
    escaped: boolean;
}

/** The index just past the end of the element being scanned, or -1 when it goes on past this chunk. */
function elementEnd(chunk: Buffer, from: number, state: ElementScan): number {
    let { depth, inString, escaped } = state;
    const n = chunk.length;
    for (let i = from; i < n; i++) {
        const c = chunk[i]!;
        if (inString) {
            if (escaped) escaped = false;
            else if (c === BACKSLASH) escaped = true;
            else if (c === QUOTE) inString = false;
        } else if (c === QUOTE) {
            inString = true;
        } else if (c === LBRACE || c === LBRACKET) {
            depth++;
        } else if ((c === RBRACE || c === RBRACKET) && --depth === 0) {
            state.depth = 0;
            state.inString = false;
            state.escaped = false;
            return i + 1;
        }
    }
    state.depth = depth;
    state.inString = inString;
    state.escaped = escaped;
    return -1;
}

/** A key's text from its raw bytes (escapes decoded as JSON does); undefined when it is not a valid string. */
function decodeKey(bytes: number[]): string | undefined {
    const raw = Buffer.from(bytes).toString("utf8");
    if (!raw.includes("\\")) {
        return raw;
    }
    try {
        return JSON.parse(`"${raw}"`) as string;
    } catch {
        return undefined;
    }
}

/**
 * Decodes and parses a document; `label` names it in errors. Text that shows a NUL near its start or a
 * replacement character is checked again from its bytes (`rawBytes`), which tell a binary file exactly.
 */
export function parseAuditDocument(input: Buffer | string, label: string, rawBytes?: () => Buffer): AuditDocument {
    let text: string;
    if (typeof input === "string") {
        const head = input.length > 8192 ? input.slice(0, 8192) : input;
        text =
            head.includes("\0") || input.includes("\uFFFD")
                ? decodeText(rawBytes ? rawBytes() : Buffer.from(input, "utf8"), label)
                : stripBom(input);
    } else {
        text = decodeText(input, label);
    }
    if (!/\S/.test(text)) {
        throw new InputError(
            `${label}: empty file: expected a \`pulumi stack export\` or \`pulumi preview --json\` document`,
        );
    }
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (err: any) {
        throw new InputError(`${label}: ${describeJsonError(text, err)}`);
    }
    // Secrets in the signature form exist only when the signature key does: otherwise skip the walk. Masked
    // secrets ("[secret]") exist only in previews: the text is searched for them only then.
    const preview = isObject(doc) && !("deployment" in doc || "checkpoint" in doc) && "steps" in doc;
    return fromJson(doc, label, {
        secrets: text.includes(SIG_KEY),
        masked: preview && text.includes(`"${MASKED_SECRET}"`),
    });
}

function decodeText(bytes: Buffer, label: string): string {
    const head = bytes.subarray(0, Math.min(bytes.length, 8192));
    if (head.includes(0)) {
        throw new InputError(`${label}: binary file (NUL byte at offset ${head.indexOf(0)}): expected JSON text`);
    }
    if (!isUtf8(bytes)) {
        throw new InputError(`${label}: binary file (not UTF-8 text): expected JSON text`);
    }
    return stripBom(bytes.toString("utf8"));
}

function stripBom(text: string): string {
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Turns JSON.parse's message into "what, where" with a line and column. */
export function describeJsonError(text: string, err: Error): string {
    const message = String(err?.message ?? err);
    const position = /at position (\d+)/.exec(message);
    if (/Unexpected end of JSON input|Unterminated string/.test(message) && !position) {
        const { line, column } = lineColumn(text, text.length);
        return `truncated JSON: the document ends early (line ${line}, column ${column})`;
    }
    const what = message
        .replace(/\s*in JSON at position \d+.*$/, "")
        .replace(/, ".*" is not valid JSON$/s, "")
        .replace(/\s+/g, " ");
    if (position) {
        const at = Number(position[1]);
        const { line, column } = lineColumn(text, at);
        if (at >= text.trimEnd().length) {
            return `truncated JSON: the document ends early (line ${line}, column ${column})`;
        }
        return `malformed JSON: ${what} at line ${line}, column ${column}`;
    }
    return `malformed JSON: ${what}`;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset && i < text.length; i++) {
        if (text.charCodeAt(i) === 10) {
            line++;
            lineStart = i + 1;
        }
    }
    return { line, column: offset - lineStart + 1 };
}

function kindOf(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "object") return "an object";
    return `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Recognizes the document's shape and reads its resources. */
export function fromJson(
    doc: unknown,
    label: string,
    scan: { secrets: boolean; masked: boolean } = { secrets: true, masked: true },
): AuditDocument {
    const fail = (what: string, where?: string): never => {
        throw new InputError(`${label}: ${what}${where ? ` at ${where}` : ""}`);
    };
    const o: ReadOptions = { fail, secrets: scan.secrets, masked: false };
    if (!isObject(doc)) {
        return fail(
            `expected a JSON object (a \`pulumi stack export\` or \`pulumi preview --json\` document), got ${kindOf(doc)}`,
        );
    }
    if ("deployment" in doc || "checkpoint" in doc) {
        const version = doc.version;
        if (version === undefined) {
            fail("missing the checkpoint version", "version");
        }
        if (typeof version !== "number") {
            fail(`checkpoint version must be a number, got ${kindOf(version)}`, "version");
        }
        if (!SUPPORTED_CHECKPOINT_VERSIONS.includes(version as number)) {
            fail(
                `unsupported checkpoint version ${version} (supported: ${SUPPORTED_CHECKPOINT_VERSIONS.join(", ")})`,
                "version",
            );
        }
        if ("deployment" in doc) {
            return readDeployment(doc.deployment, "deployment", "stack-export", o);
        }
        const checkpoint = doc.checkpoint;
        if (!isObject(checkpoint)) {
            return fail(`expected an object, got ${kindOf(checkpoint)}`, "checkpoint");
        }
        if (checkpoint.latest === undefined || checkpoint.latest === null) {
            return {
                source: "checkpoint",
                stack: typeof checkpoint.stack === "string" ? checkpoint.stack : undefined,
                resources: [],
                skipped: [],
            };
        }
        return readDeployment(checkpoint.latest, "checkpoint.latest", "checkpoint", o);
    }
    if ("steps" in doc) {
        return readPreview(doc.steps, { ...o, masked: scan.masked });
    }
    const keys = Object.keys(doc)
        .slice(0, 5)
        .map((k) => JSON.stringify(k))
        .join(", ");
    return fail(
        `unknown document shape: expected a \`pulumi stack export\` (version, deployment), a checkpoint (version, checkpoint) or \`pulumi preview --json\` (steps); found keys ${keys || "none"}`,
    );
}

type Fail = (what: string, where?: string) => never;

function readDeployment(deployment: unknown, where: string, source: AuditSource, o: ReadOptions): AuditDocument {
    const fail = o.fail;
    if (!isObject(deployment)) {
        return fail(`expected an object, got ${kindOf(deployment)}`, where);
    }
    const list = deployment.resources;
    // An empty stack's export omits `resources`.
    if (list === undefined || list === null) {
        return { source, resources: [], skipped: [] };
    }
    if (!Array.isArray(list)) {
        return fail(`expected an array of resources, got ${kindOf(list)}`, `${where}.resources`);
    }
    const resources: EvaluatedResource[] = [];
    const skipped: AuditDocument["skipped"] = [];
    for (let i = 0; i < list.length; i++) {
        const at = () => `${where}.resources[${i}]`;
        const state = list[i];
        if (!isObject(state)) {
            fail(`expected a resource object, got ${kindOf(state)}`, at());
        }
        const resource = readState(state as Record<string, unknown>, at, o);
        if ((state as Record<string, unknown>).delete === true) {
            skipped.push({ urn: resource.urn, reason: "pending deletion (replaced), not part of the new state" });
        } else {
            resources.push(resource);
        }
    }
    return { source, stack: stackOf(resources), resources, skipped };
}

/** Operations whose newState is not part of the stack after the update. */
const GOING_AWAY = new Set([
    "delete",
    "delete-replaced",
    "discard",
    "discard-replaced",
    "read-discard",
    "remove-pending-replace",
]);

function readPreview(steps: unknown, o: ReadOptions): AuditDocument {
    const fail = o.fail;
    if (!Array.isArray(steps)) {
        return fail(`expected an array of steps, got ${kindOf(steps)}`, "steps");
    }
    const byUrn = new Map<string, EvaluatedResource>();
    const skipped: AuditDocument["skipped"] = [];
    for (let i = 0; i < steps.length; i++) {
        const at = `steps[${i}]`;
        const step = steps[i];
        if (!isObject(step)) {
            fail(`expected a step object, got ${kindOf(step)}`, at);
        }
        const s = step as Record<string, unknown>;
        if (typeof s.op !== "string") {
            fail(s.op === undefined ? "missing field op" : `op must be a string, got ${kindOf(s.op)}`, `${at}.op`);
        }
        if (GOING_AWAY.has(s.op as string) || s.newState === undefined || s.newState === null) {
            if (typeof s.urn === "string" && !byUrn.has(s.urn)) {
                skipped.push({ urn: s.urn, reason: `step "${s.op}": no new state` });
            }
            continue;
        }
        if (!isObject(s.newState)) {
            fail(`expected an object, got ${kindOf(s.newState)}`, `${at}.newState`);
        }
        const resource = readState(s.newState as Record<string, unknown>, () => `${at}.newState`, o);
        byUrn.set(resource.urn, resource);
    }
    const resources = [...byUrn.values()];
    return {
        source: "preview",
        stack: stackOf(resources),
        resources,
        skipped: skipped.filter((s) => !byUrn.has(s.urn)),
    };
}

/** `pulumi preview --json` prints secret values as this string (unless --show-secrets). */
export const MASKED_SECRET = "[secret]";

/** How to read resources: the failure reporter and which secret encodings to look for. */
interface ReadOptions {
    fail: Fail;
    /** The document may hold secrets in the signature form (false skips the walk: nothing to rewrite). */
    secrets: boolean;
    /** Preview documents print secrets as "[secret]". */
    masked: boolean;
}

function optionalString(state: Record<string, unknown>, key: string, at: () => string, fail: Fail): string | undefined {
    const v = state[key];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") fail(`${key} must be a string, got ${kindOf(v)}`, `${at()}.${key}`);
    return v as string;
}

/**
 * A property map, its secrets rewritten to the wire format. When the map is walked (the document may hold
 * secrets), the walk also tells whether the map is plain JSON for the evaluator (see {@link Walk}).
 */
function propertyMap(
    state: Record<string, unknown>,
    key: string,
    at: () => string,
    o: ReadOptions,
    walk: Walk,
): Record<string, unknown> {
    const v = state[key];
    if (v === undefined || v === null) return {};
    if (!isObject(v)) o.fail(`${key} must be an object, got ${kindOf(v)}`, `${at()}.${key}`);
    if (!(o.secrets || o.masked)) {
        walk.walked = false;
        return v as Record<string, unknown>;
    }
    walk.key = key;
    return decodeSecrets(v, o.fail, o.masked, walk) as Record<string, unknown>;
}

/** A list of URNs; `at()` + `suffix` names it in errors. */
function urnList(v: unknown, at: () => string, suffix: string, fail: Fail): string[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) fail(`expected an array of URNs, got ${kindOf(v)}`, `${at()}${suffix}`);
    const list = v as unknown[];
    for (let j = 0; j < list.length; j++) {
        if (typeof list[j] !== "string")
            fail(`expected a URN string, got ${kindOf(list[j])}`, `${at()}${suffix}[${j}]`);
    }
    return list as string[];
}

/** The name part of a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`; a name may contain `::`). */
function urnName(urn: string): string | undefined {
    if (!urn.startsWith("urn:pulumi:")) return undefined;
    let at = 0;
    for (let n = 0; n < 3; n++) {
        at = urn.indexOf("::", at);
        if (at < 0) return undefined;
        at += 2;
    }
    return at < urn.length ? urn.slice(at) : undefined;
}

function readState(state: Record<string, unknown>, at: () => string, o: ReadOptions): EvaluatedResource {
    const fail = o.fail;
    const urn = state.urn;
    if (typeof urn !== "string") {
        fail(urn === undefined ? "missing field urn" : `urn must be a string, got ${kindOf(urn)}`, `${at()}.urn`);
    }
    const name = urnName(urn as string);
    if (name === undefined) {
        fail(
            `not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>): ${JSON.stringify(String(urn).slice(0, 80))}`,
            `${at()}.urn`,
        );
    }
    const type = state.type;
    if (typeof type !== "string" || type.length === 0) {
        fail(
            type === undefined ? "missing field type" : `type must be a non-empty string, got ${kindOf(type)}`,
            `${at()}.type`,
        );
    }
    const custom = state.custom;
    if (custom !== undefined && typeof custom !== "boolean") {
        fail(`custom must be a boolean, got ${kindOf(custom)}`, `${at()}.custom`);
    }
    const propDepsRaw = state.propertyDependencies;
    const propertyDependencies: Record<string, string[]> = {};
    if (propDepsRaw !== undefined && propDepsRaw !== null) {
        if (!isObject(propDepsRaw))
            fail(`propertyDependencies must be an object, got ${kindOf(propDepsRaw)}`, `${at()}.propertyDependencies`);
        for (const k in propDepsRaw as Record<string, unknown>) {
            propertyDependencies[k] = urnList(
                (propDepsRaw as Record<string, unknown>)[k],
                at,
                `.propertyDependencies.${k}`,
                fail,
            );
        }
    }
    // Read in the order of the fields below (the first defect found is the one reported).
    const parent = optionalString(state, "parent", at, fail);
    const provider = optionalString(state, "provider", at, fail);
    const walk: Walk = { walked: true, special: false, at, key: "" };
    const inputs = propertyMap(state, "inputs", at, o, walk);
    const outputs = propertyMap(state, "outputs", at, o, walk);
    return {
        urn: urn as string,
        type: type as string,
        name: name as string,
        custom:
            custom === undefined
                ? !(type as string).startsWith("pulumi:pulumi:") && state.id !== undefined
                : (custom as boolean),
        parent,
        provider,
        inputs,
        outputs,
        dependencies: urnList(state.dependencies, at, ".dependencies", fail),
        propertyDependencies,
        // Both maps were walked value by value and hold nothing but plain JSON: the evaluator need not walk them again.
        plainJson: walk.walked && !walk.special,
    };
}

/**
 * What the secrets walk saw in a resource's property maps. `special`: a signature object (secret, asset,
 * archive, resource reference) or a string shaped like the engine's unknown sentinels (a UUID; conservative:
 * any UUID counts). `walked`: false when a map was not walked (the document holds no signature key).
 */
interface Walk {
    walked: boolean;
    special: boolean;
    /** Where the resource is, and the key of the map being walked (for errors). */
    at: () => string;
    key: string;
}

/** True for a string shaped like a UUID (`8-4-4-4-12`): the engine's unknown sentinels are such strings. */
function uuidShaped(s: string): boolean {
    return (
        s.length === 36 &&
        s.charCodeAt(8) === 45 &&
        s.charCodeAt(13) === 45 &&
        s.charCodeAt(18) === 45 &&
        s.charCodeAt(23) === 45
    );
}

/**
 * Rewrites the export's secret encodings into the wire format the evaluator reads (in place: the parsed
 * document is ours). `ciphertext` becomes a secret unknown; `plaintext` (a JSON text) is decoded. Notes in
 * `walk` whether anything but plain JSON was seen.
 */
function decodeSecrets(value: unknown, fail: Fail, masked: boolean, walk: Walk): unknown {
    if (typeof value === "string") {
        if (masked && value === MASKED_SECRET) {
            walk.special = true;
            return { [SIG_KEY]: SECRET_SIG, value: UNKNOWN };
        }
        if (uuidShaped(value)) walk.special = true;
        return value;
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            if (needsDecoding(value[i], masked)) {
                value[i] = decodeSecrets(value[i], fail, masked, walk);
            }
        }
        return value;
    }
    const obj = value as Record<string, unknown>;
    if (SIG_KEY in obj) {
        walk.special = true;
        if (obj[SIG_KEY] !== SECRET_SIG) {
            // An asset, archive or resource reference: left as it is (the evaluator's analyzer path reads it).
            return decodeFields(obj, fail, masked, walk);
        }
        if ("value" in obj) {
            return { [SIG_KEY]: SECRET_SIG, value: decodeSecrets(obj.value, fail, masked, walk) };
        }
        if (typeof obj.plaintext === "string") {
            let plain: unknown;
            try {
                plain = JSON.parse(obj.plaintext);
            } catch {
                return fail("a secret's plaintext is not JSON", `${walk.at()}.${walk.key}`);
            }
            return { [SIG_KEY]: SECRET_SIG, value: decodeSecrets(plain, fail, false, walk) };
        }
        // `ciphertext` (or nothing readable): the engine would decrypt it, we cannot.
        return { [SIG_KEY]: SECRET_SIG, value: UNKNOWN };
    }
    return decodeFields(obj, fail, masked, walk);
}

function decodeFields(obj: Record<string, unknown>, fail: Fail, masked: boolean, walk: Walk): Record<string, unknown> {
    for (const key in obj) {
        if (needsDecoding(obj[key], masked)) {
            obj[key] = decodeSecrets(obj[key], fail, masked, walk);
        }
    }
    return obj;
}

/** True when {@link decodeSecrets} has work in a child value: an object, a masked secret or a UUID-shaped string. */
function needsDecoding(v: unknown, masked: boolean): boolean {
    return typeof v === "object"
        ? v !== null
        : typeof v === "string" && ((masked && v === MASKED_SECRET) || uuidShaped(v));
}

function stackOf(resources: EvaluatedResource[]): string | undefined {
    const urn = resources[0]?.urn;
    return urn ? urn.slice("urn:pulumi:".length).split("::")[0] : undefined;
}

/** Resource types the pack never judges: the stack itself and providers (the engine does not either). */
export function isUnjudgedType(type: string): boolean {
    return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}
