/**
 * What a release version is: one name for one build (a git SHA or a semver such as `v1.4.2`) that tags the
 * image in every registry and names the slot's revisions, so it must be a valid image tag and never the moving
 * tag `latest`. The one check the components, the environment stacks and `bin/immutable release` share. Pure,
 * no Pulumi import (the policy pack may vendor it).
 */

/** An image tag: letters, digits, `_`, `.` and `-`, at most 128 characters, not starting with `.` or `-`. */
export const VERSION_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** How a version can be wrong. */
export enum VersionProblem {
    /** Not a string, empty, or characters a tag cannot hold. */
    NotATag = "not-a-tag",
    /** `latest` (any case): the tag everyone expects to move. */
    Latest = "latest",
}

/** What is wrong with `version`, or undefined when it is a valid release version. */
export function versionProblem(version: unknown): VersionProblem | undefined {
    if (typeof version !== "string" || !VERSION_TAG.test(version)) {
        return VersionProblem.NotATag;
    }
    return version.toLowerCase() === "latest" ? VersionProblem.Latest : undefined;
}

/** The problem in words, after "version " in a message: `must be a valid image tag (...)`. */
export function describeVersionProblem(problem: VersionProblem): string {
    return problem === VersionProblem.Latest
        ? 'must name one release (a git SHA or a semver), not the moving tag "latest"'
        : 'must be a valid image tag: letters, digits, "_", "." or "-", at most 128, not starting with "." or "-"';
}
