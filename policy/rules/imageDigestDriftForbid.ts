import { CONTAINER_TYPES, MalformedPropsError, containers } from "../model/containers";
import { isPinnedByDigest, parseImageRef } from "../model/imageRef";
import { cloudOfType as cloudOf } from "../../components/core/clouds";
import { Family, MigrationStage, schema, type StackRule } from "../rule";

/** Config of image-digest-drift-forbid. */
export interface DigestDriftConfig {
    /** Most digests one image may run per cloud (2: the blue and the green slot). */
    maxDigestsPerCloud: number;
}

/** The image name shared by every registry's copy: the repository's last path segment. */
export function imageName(repository: string): string {
    return repository.slice(repository.lastIndexOf("/") + 1);
}

/** One digest per image and slot across every cloud of the stack. */
export const imageDigestDriftForbid: StackRule<DigestDriftConfig> = {
    kind: "stack",
    name: "image-digest-drift-forbid",
    family: Family.Stack,
    description:
        "Forbids an image running different digests on different clouds of one stack (every cloud must run the same set of release digests, at most one per blue/green slot).",
    why: "Build once, deploy identically: the release is one digest, pushed to every registry; a cloud running another digest runs an untested or stale build.",
    fix: "Deploy the refs of one release record (build stack outputs or release manifest) to every cloud; promote by changing the release, never by rebuilding per cloud.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.GoldenImages,
    resourceTypes: CONTAINER_TYPES,
    readsPropsOf: CONTAINER_TYPES,
    defaults: { maxDigestsPerCloud: 2 },
    configSchema: schema(
        {
            maxDigestsPerCloud: {
                type: "integer",
                minimum: 1,
                description: "Most digests of one image per cloud (2 = blue and green slots).",
            },
        },
        { maxDigestsPerCloud: 2 },
    ),
    validateStack(resources, config, report) {
        // image name -> cloud -> digest -> first resource urn running it
        const seen = new Map<string, Map<string, Map<string, string>>>();
        for (let i = 0; i < resources.length; i++) {
            const r = resources[i];
            const cloud = cloudOf(r.type);
            if (!cloud || !CONTAINER_TYPES.includes(r.type)) {
                continue;
            }
            let list;
            try {
                list = containers(r.type, r.props);
            } catch (err) {
                if (err instanceof MalformedPropsError) {
                    continue; // image-digest-require reports the resource itself
                }
                throw err;
            }
            for (const c of list) {
                if (!c.image || !isPinnedByDigest(c.image)) {
                    continue;
                }
                const ref = parseImageRef(c.image)!;
                const name = imageName(ref.repository);
                const byCloud = seen.get(name) ?? new Map<string, Map<string, string>>();
                seen.set(name, byCloud);
                const digests = byCloud.get(cloud) ?? new Map<string, string>();
                byCloud.set(cloud, digests);
                if (!digests.has(ref.digest!)) {
                    digests.set(ref.digest!, r.urn);
                }
            }
        }
        for (const [name, byCloud] of seen) {
            for (const [cloud, digests] of byCloud) {
                if (digests.size > config.maxDigestsPerCloud) {
                    report(
                        `image "${name}" runs ${digests.size} digests on ${cloud} (at most ${config.maxDigestsPerCloud}: one per slot)`,
                        [...digests.values()][0],
                    );
                }
            }
            const sets = [...byCloud].map(([cloud, digests]) => ({
                cloud,
                key: [...digests.keys()].sort().join(","),
                digests,
            }));
            const odd = sets.find((s) => s.key !== sets[0].key);
            if (odd) {
                const listing = sets
                    .map((s) => `${s.cloud}: ${[...s.digests.keys()].map(short).join(", ")}`)
                    .join("; ");
                report(`image "${name}" runs different digests per cloud (${listing})`, [...odd.digests.values()][0]);
            }
        }
    },
};

function short(digest: string): string {
    return digest.slice(0, 19);
}
