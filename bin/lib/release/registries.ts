/**
 * The registries a release is published to, from `--registry [NAME=]REPOSITORY` arguments. The name keys the
 * manifest's `refs` so environment stacks pick the ref for their cloud (`aws`, `gcp`, `azure`); without a
 * name it is inferred from well-known registry hosts (ECR, Artifact Registry / GCR, ACR).
 */
import { cloudOfRegistryHost } from "../../../components/core/clouds";
import { parseImageRef } from "../../../components/core/imageRef";

/** One destination repository. */
export interface RegistryTarget {
    /** The key in the manifest's refs: a cloud (`aws`, `gcp`, `azure`) or a name given on the command line. */
    name: string;
    /** The repository without tag or digest: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/api`. */
    repository: string;
    /** The registry host (with port), e.g. `127.0.0.1:5001`. */
    host: string;
    /** True for plain-HTTP registries: loopback hosts (as docker does) and `--insecure-registry` hosts. */
    insecure: boolean;
}

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** True for hosts docker itself treats as insecure by default: 127.0.0.0/8, localhost, ::1. */
export function isLoopbackHost(host: string): boolean {
    const h = host
        .toLowerCase()
        .replace(/:\d+$/, "")
        .replace(/^\[|\]$/g, "");
    return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Parses `--registry` values (`aws=127.0.0.1:5001/app` or `123.dkr.ecr.eu-west-1.amazonaws.com/api`).
 * Throws with the offending argument for a missing name, a tag or digest, a duplicate name or repository.
 */
export function parseRegistries(specs: string[], insecureHosts: string[] = []): RegistryTarget[] {
    if (specs.length === 0) {
        throw new Error("at least one --registry is required");
    }
    const targets: RegistryTarget[] = [];
    for (const spec of specs) {
        const eq = spec.indexOf("=");
        const explicit = eq > 0 && !spec.slice(0, eq).includes("/") ? spec.slice(0, eq) : undefined;
        const repository = explicit === undefined ? spec : spec.slice(eq + 1);
        const parsed = parseImageRef(repository);
        if (!parsed || parsed.registry === undefined) {
            throw new Error(
                `--registry ${spec}: expected [NAME=]HOST/REPOSITORY, e.g. aws=123456789012.dkr.ecr.eu-west-1.amazonaws.com/api`,
            );
        }
        if (parsed.tag !== undefined || parsed.digest !== undefined) {
            throw new Error(
                `--registry ${spec}: give the repository only; the tag is --version and the digest comes from the build`,
            );
        }
        const name = explicit ?? cloudOfRegistryHost(parsed.registry);
        if (name === undefined) {
            throw new Error(
                `--registry ${spec}: cannot tell which cloud ${parsed.registry} belongs to; name it, e.g. aws=${repository}`,
            );
        }
        if (!NAME.test(name)) {
            throw new Error(
                `--registry ${spec}: the name "${name}" must be lowercase letters, digits, - or _ (e.g. aws, gcp, azure)`,
            );
        }
        if (targets.some((t) => t.name === name)) {
            throw new Error(`--registry ${spec}: the name "${name}" is given twice; each registry needs its own name`);
        }
        if (targets.some((t) => t.repository === parsed.repository)) {
            throw new Error(`--registry ${spec}: the repository ${parsed.repository} is given twice`);
        }
        const host = parsed.registry;
        targets.push({
            name,
            repository: parsed.repository,
            host,
            insecure: isLoopbackHost(host) || insecureHosts.some((i) => i.toLowerCase() === host.toLowerCase()),
        });
    }
    return targets;
}
