/**
 * The Debian archive as the definition's mirror serves it: its package indexes (main, for the release, its
 * updates and its security suite), read before anything is bootstrapped so that a package name the archive does
 * not know is refused in seconds, with the names, instead of after a bootstrap.
 */
import { StepError } from "../release/errors";
import { runWithInput } from "./host";
import { aptSources, type BootstrapRequest } from "./rootfs";

/** The names an index offers: real packages and the virtual ones they provide. */
export interface PackageIndex {
    packages: Set<string>;
    provided: Set<string>;
}

/** Parses a Packages file (deb822 stanzas). */
export function parsePackagesIndex(
    text: string,
    into: PackageIndex = { packages: new Set(), provided: new Set() },
): PackageIndex {
    for (const line of text.split("\n")) {
        if (line.startsWith("Package: ")) {
            into.packages.add(line.slice(9).trim());
        } else if (line.startsWith("Provides: ")) {
            for (const item of line.slice(10).split(",")) {
                const name = item.trim().split(/[\s(]/)[0];
                if (name) {
                    into.provided.add(name);
                }
            }
        }
    }
    return into;
}

/** The requested packages the index does not know, neither as a package nor as something provided. */
export function unknownPackages(requested: string[], index: PackageIndex): string[] {
    return requested.filter((p) => !index.packages.has(p) && !index.provided.has(p));
}

/** The Packages.xz URLs of the apt sources (`deb URL SUITE main`), amd64. */
export function indexUrls(req: BootstrapRequest): string[] {
    return aptSources(req).map((line) => {
        const [, url, suite] = line.split(" ");
        return `${url}/dists/${suite}/main/binary-amd64/Packages.xz`;
    });
}

async function fetchIndex(url: string, timeoutMs: number): Promise<string> {
    let response: Response;
    try {
        response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (err: any) {
        throw new StepError("resolve", `cannot read the package index ${url}: ${err?.cause?.message ?? err.message}`);
    }
    if (!response.ok) {
        throw new StepError(
            "resolve",
            `the package index ${url} answered ${response.status} (is the mirror and release right?)`,
        );
    }
    const xz = Buffer.from(await response.arrayBuffer());
    const text = await runWithInput("xz", ["-dc"], xz, { timeoutMs });
    return text.stdout;
}

/** Reads the mirror's indexes and refuses packages none of them knows. */
export async function checkPackagesExist(req: BootstrapRequest, timeoutMs = 120_000): Promise<number> {
    const index: PackageIndex = { packages: new Set(), provided: new Set() };
    for (const text of await Promise.all(indexUrls(req).map((u) => fetchIndex(u, timeoutMs)))) {
        parsePackagesIndex(text, index);
    }
    const unknown = unknownPackages(req.packages, index);
    if (unknown.length > 0) {
        throw new StepError(
            "resolve",
            `unknown package${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}: not in ${req.release}, ${req.release}-updates or ${req.release}-security (main) at ${req.mirror}`,
        );
    }
    return index.packages.size;
}
