/**
 * Container image references: parsing and the one test of "pinned by digest" that the components, the
 * policy pack and the command line share. Pure functions, no Pulumi resources: the policy model may import
 * this module (docs/design.md: rules never import components, but may use the pure modules of components/core/).
 */

/** A parsed `[registry/]repository[:tag][@algorithm:hex]` reference. */
export interface ParsedImageRef {
    /** Everything before the tag and digest: `123.dkr.ecr.eu-west-1.amazonaws.com/api`. */
    repository: string;
    /** The registry host when the first path segment looks like one (`has a dot, a colon or is localhost`). */
    registry?: string;
    /** The tag, when present (`v42`, `latest`). */
    tag?: string;
    /** The digest, when present (`sha256:<64 hex>`). */
    digest?: string;
}

/** `sha256:` followed by exactly 64 lowercase hex digits. */
export const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

const REFERENCE =
    /^([^\s@]+?)(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-zA-Z=_-]+))?$/;

/** Parses an image reference; returns undefined for text that is not one (empty, spaces, bad characters). */
export function parseImageRef(ref: string): ParsedImageRef | undefined {
    if (typeof ref !== "string" || ref.length === 0 || ref.length > 4096) {
        return undefined;
    }
    const m = REFERENCE.exec(ref.trim());
    if (!m) {
        return undefined;
    }
    const [, repository, tag, digest] = m;
    if (!repository || repository.endsWith("/") || repository.startsWith("/") || repository.includes("//")) {
        return undefined;
    }
    const first = repository.split("/")[0];
    const registry =
        repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")
            ? first
            : undefined;
    return { repository, registry, tag, digest };
}

/** True when the reference names its content by a sha256 digest (`repo@sha256:<64 hex>`). */
export function isPinnedByDigest(ref: string): boolean {
    const parsed = parseImageRef(ref);
    return parsed?.digest !== undefined && SHA256_DIGEST.test(parsed.digest);
}

/** True when the reference uses the `latest` tag, or no tag and no digest (which means `latest`). */
export function isLatest(ref: string): boolean {
    const parsed = parseImageRef(ref);
    if (!parsed) {
        return false;
    }
    return parsed.digest === undefined && (parsed.tag === undefined || parsed.tag.toLowerCase() === "latest");
}

/** `<repository>@<digest>`: the form every deploy target uses. A tag on `repository` is dropped. */
export function pinnedRef(repository: string, digest: string): string {
    if (!SHA256_DIGEST.test(digest)) {
        throw new Error(`digest must be sha256:<64 hex>, got "${digest}"`);
    }
    const parsed = parseImageRef(repository);
    if (!parsed) {
        throw new Error(`"${repository}" is not an image repository`);
    }
    return `${parsed.repository}@${digest}`;
}
