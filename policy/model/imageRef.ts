/**
 * The one image-reference parser the components, the pack and the CLI share. Re-exported here so the pack
 * has a single import of code outside policy/ (policy/publish.sh vendors this file when publishing).
 *
 * Memoized per reference text: a stack runs the same few image refs in many resources, and several rules
 * ask about each. Parsed refs are frozen (shared between callers).
 */
import * as imageRef from "../../components/core/imageRef";

export type { ParsedImageRef } from "../../components/core/imageRef";

const LIMIT = 4096;

function memo<T>(fn: (ref: string) => T): (ref: string) => T {
    const cache = new Map<string, T>();
    return (ref) => {
        if (typeof ref !== "string") {
            return fn(ref);
        }
        if (cache.has(ref)) {
            return cache.get(ref) as T;
        }
        const value = fn(ref);
        if (cache.size >= LIMIT) {
            cache.clear();
        }
        cache.set(ref, value);
        return value;
    };
}

/** {@link imageRef.parseImageRef}, memoized; the result is frozen. */
export const parseImageRef: (ref: string) => Readonly<imageRef.ParsedImageRef> | undefined = memo((ref) => {
    const parsed = imageRef.parseImageRef(ref);
    return parsed && Object.freeze(parsed);
});

/** {@link imageRef.isPinnedByDigest}, memoized. */
export const isPinnedByDigest: (ref: string) => boolean = memo(imageRef.isPinnedByDigest);

/** {@link imageRef.isLatest}, memoized. */
export const isLatest: (ref: string) => boolean = memo(imageRef.isLatest);
