/**
 * The release record: what "build once" produces and every environment deploys. The build stack exports it
 * (read through a StackReference) and `bin/immutable release` writes it as a manifest file; both carry the
 * same fields and pass the same validation.
 */
import * as fs from "node:fs";
import { SHA256_DIGEST, parseImageRef } from "./imageRef";
import { readRecord } from "./record";
import { describeVersionProblem, versionProblem } from "./version";

/** One release: one version, one digest, one pinned reference per registry. */
export interface ReleaseRecord {
    /** The release version (git SHA by default, or a semver). Tags are never moved. */
    version: string;
    /** The git commit the image was built from. */
    gitSha: string;
    /** The image digest, identical in every registry (`sha256:<64 hex>`). */
    digest: string;
    /** Pinned references `<repo>@<digest>`, keyed by cloud (`aws`, `gcp`, `azure`) or registry name. */
    refs: Record<string, string>;
    /** Pinned base images (`FROM ...@sha256:...`) of the build, when known. */
    baseImages?: string[];
    /** When the image was built (ISO 8601), when known. */
    builtAt?: string;
}

/** The manifest file format written by `bin/immutable release`. */
export const RELEASE_MANIFEST_SCHEMA = "immutable.release/v1";

/**
 * Checks a release record (from a StackReference, a manifest file or config) and returns it typed.
 * `where` names the source in error messages (`release manifest release.json`, `StackReference build`).
 */
export function validateRelease(value: unknown, where: string): ReleaseRecord {
    const { fields: r, fail } = readRecord(value, where, "version, gitSha, digest and refs");
    for (const key of ["version", "gitSha", "digest"]) {
        if (typeof r[key] !== "string" || (r[key] as string).trim() === "") {
            fail(`${key} must be a non-empty string, got ${JSON.stringify(r[key])}`);
        }
    }
    const problem = versionProblem(r.version);
    if (problem) {
        fail(`version ${describeVersionProblem(problem)}, got ${JSON.stringify(r.version)}`);
    }
    const digest = r.digest as string;
    if (!SHA256_DIGEST.test(digest)) {
        fail(`digest must be sha256:<64 hex>, got ${JSON.stringify(digest)}`);
    }
    if (typeof r.refs !== "object" || r.refs === null || Array.isArray(r.refs) || Object.keys(r.refs).length === 0) {
        fail(`refs must map each cloud or registry to a pinned reference, got ${JSON.stringify(r.refs)}`);
    }
    const refs: Record<string, string> = {};
    for (const [key, ref] of Object.entries(r.refs as Record<string, unknown>)) {
        const parsed = typeof ref === "string" ? parseImageRef(ref) : undefined;
        if (!parsed || parsed.digest === undefined) {
            fail(`refs.${key} must be pinned by digest (repo@sha256:...), got ${JSON.stringify(ref)}`);
        }
        if (parsed!.digest !== digest) {
            fail(
                `refs.${key} has digest ${parsed!.digest}, but the release digest is ${digest}: one release has one digest`,
            );
        }
        refs[key] = ref as string;
    }
    return {
        version: r.version as string,
        gitSha: r.gitSha as string,
        digest,
        refs,
        baseImages: Array.isArray(r.baseImages) ? (r.baseImages as string[]) : undefined,
        builtAt: typeof r.builtAt === "string" ? r.builtAt : undefined,
    };
}

/** Reads and validates a release manifest file written by `bin/immutable release`. */
export function readReleaseManifest(file: string): ReleaseRecord {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err: any) {
        throw new Error(`release manifest ${file}: cannot be read (${err.code ?? err.message})`);
    }
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (err: any) {
        throw new Error(`release manifest ${file}: not valid JSON (${err.message})`);
    }
    const schema = (doc as any)?.schema;
    if (schema !== undefined && schema !== RELEASE_MANIFEST_SCHEMA) {
        throw new Error(
            `release manifest ${file}: schema must be "${RELEASE_MANIFEST_SCHEMA}", got ${JSON.stringify(schema)}`,
        );
    }
    return validateRelease(doc, `release manifest ${file}`);
}
