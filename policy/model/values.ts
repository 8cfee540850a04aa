/**
 * Small readers over policy props (plain JSON as the analyzer hands it to a policy: secrets unwrapped,
 * unknowns guarded by the analyzer's proxy). Every normalizer reads through these, so a malformed value
 * (a number where a list belongs) is treated as absent instead of throwing deep inside a rule.
 */

/**
 * The value as a plain list: arrays copied element by element, absent as [], anything else as a one-element
 * list. Copying by index matters: the analyzer hands policies proxies (to catch unknown values), and array
 * methods on a proxied array go through the proxy for `constructor` and `Symbol.species` on every call.
 */
export function list(value: unknown): unknown[] {
    if (value === undefined || value === null) {
        return [];
    }
    if (!Array.isArray(value)) {
        return [value];
    }
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < out.length; i++) {
        out[i] = value[i];
    }
    return out;
}

/** The value as an object, or undefined. */
export function record(value: unknown): Record<string, any> | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, any>)
        : undefined;
}

/** The value as a string (numbers are printed), or undefined. */
export function str(value: unknown): string | undefined {
    if (typeof value === "string") {
        return value;
    }
    return typeof value === "number" ? String(value) : undefined;
}

/** The value as a number (numeric strings are parsed), or undefined. */
export function num(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) {
        return value;
    }
    if (typeof value === "string" && /^\s*-?\d+\s*$/.test(value)) {
        return Number(value);
    }
    return undefined;
}

/** True for `true`, "true", "TRUE", "1", "yes", "on" (GCP metadata values are strings). */
export function truthy(value: unknown): boolean {
    if (value === true) {
        return true;
    }
    return typeof value === "string" && /^(true|1|yes|on)$/i.test(value.trim());
}

/** Case-insensitive equality of a value with one of the expected strings. */
export function isOneOf(value: unknown, ...expected: string[]): boolean {
    const s = str(value)?.trim().toLowerCase();
    return s !== undefined && expected.some((e) => e.toLowerCase() === s);
}

/** Decodes base64 text when the API wants base64 (user data of launch templates, Azure customData). */
export function decodeBase64(text: string): string {
    const compact = text.replace(/\s+/g, "");
    if (compact.length === 0 || compact.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
        return text;
    }
    const decoded = Buffer.from(compact, "base64").toString("utf8");
    // Binary (gzip, random bytes) is not a script we can read: keep the original text.
    return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(decoded) ? text : decoded;
}

/** A label/tag map from AWS `tags`, GCP `labels` or Azure `tags`. */
export function tagMap(value: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(record(value) ?? {})) {
        const s = str(v);
        if (s !== undefined) {
            out[k] = s;
        }
    }
    return out;
}

/**
 * Memoizes a normalizer per props object. Several rules judge the same resource in turn; when they are
 * handed the same props object (the offline evaluator's plain-JSON path), the shape is built once. The
 * analyzer hands each policy its own copy, so there the cache simply misses. Shapes are read-only.
 *
 * The cache holds the last props object only: the rules of one resource run one after another, and a
 * shape kept per props object for the whole evaluation would only add to the garbage collector's work.
 */
export function memoByProps<T>(
    normalize: (type: string, props: Record<string, any>) => T,
): (type: string, props: Record<string, any>) => T {
    let lastProps: object | undefined;
    let lastType: string | undefined;
    let lastShape: T | undefined;
    return (type, props) => {
        if (props === null || typeof props !== "object") {
            return normalize(type, props);
        }
        if (props === lastProps && type === lastType) {
            return lastShape as T;
        }
        const shape = normalize(type, props);
        lastProps = props;
        lastType = type;
        lastShape = shape;
        return shape;
    };
}

/** A boolean as the APIs take it: `true`/`false` or their text (any case); undefined for anything else. */
export function bool(value: unknown): boolean | undefined {
    if (typeof value === "boolean") {
        return value;
    }
    const s = typeof value === "string" ? value.trim().toLowerCase() : undefined;
    return s === "true" ? true : s === "false" ? false : undefined;
}

/**
 * A GCP metadata boolean as the guest environment reads it (Go's strconv.ParseBool: 1, t, true / 0, f, false,
 * any case); undefined for anything else.
 */
export function metadataBool(value: unknown): boolean | undefined {
    if (typeof value === "boolean") {
        return value;
    }
    const s = typeof value === "string" ? value.trim().toLowerCase() : undefined;
    if (s === "1" || s === "t" || s === "true") {
        return true;
    }
    if (s === "0" || s === "f" || s === "false") {
        return false;
    }
    return undefined;
}
