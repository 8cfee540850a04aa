import { MalformedPropsError, SERVICE_CONTAINER_TYPES, containers } from "../model/containers";
import { isPinnedByDigest, parseImageRef } from "../model/imageRef";
import { slotIdentity } from "../model/slots";
import { describeUnreadable } from "../model/unreadable";
import { cloudOfType as cloudOf } from "../../components/core/clouds";
import { Family, MigrationStage, type StackRule } from "../rule";

/** The image name shared by every registry's copy: the repository's last path segment. */
export function imageName(repository: string): string {
    return repository.slice(repository.lastIndexOf("/") + 1);
}

/** Where one digest runs. */
interface Run {
    cloud: string;
    urn: string;
    digest: string;
}

/** The runs of one image of one service: by slot, and without a slot label. */
interface ImageRuns {
    name: string;
    slots: Map<string, Run[]>;
    unlabeled: Run[];
}

const SERVICE_TYPES = new Set(SERVICE_CONTAINER_TYPES);

/** The release set of each service's images across the stack: at most one digest per slot, every cloud alike. */
export const imageDigestDriftForbid: StackRule = {
    kind: "stack",
    name: "image-digest-drift-forbid",
    family: Family.Stack,
    description:
        "Forbids an image running digests outside its release set in one stack: each blue/green slot of a service runs one digest on every cloud (the slot labels say which: immutable:slot / immutable-slot), and containers without a slot label run one digest per image.",
    why: "Build once, deploy identically: the release is one digest, pushed to every registry; a cloud running another digest runs an untested or stale build.",
    fix: "Deploy the refs of one release record (build stack outputs or release manifest) to every cloud and label each slot's resources (our components do); promote by changing the release, never by rebuilding per cloud.",
    enforcementLevel: "mandatory",
    stage: MigrationStage.GoldenImages,
    resourceTypes: SERVICE_CONTAINER_TYPES,
    readsPropsOf: SERVICE_CONTAINER_TYPES,
    defaults: {},
    validateStack(resources, _config, report) {
        const images = new Map<string, ImageRuns>();
        for (let i = 0; i < resources.length; i++) {
            const r = resources[i];
            const cloud = cloudOf(r.type);
            if (!cloud || !SERVICE_TYPES.has(r.type)) {
                continue;
            }
            let list;
            try {
                list = containers(r.type, r.props);
            } catch (err) {
                if (err instanceof MalformedPropsError) {
                    // The resource rules report it as not judged (the evaluator's notJudged): never clean.
                    continue;
                }
                throw err;
            }
            const identity = slotIdentity(r.type, r.props);
            if (identity.unreadable) {
                report(`${r.name}: ${describeUnreadable(identity.unreadable)}`, r.urn);
                continue;
            }
            for (const c of list) {
                c.unreadable
                    .filter((u) => u.aspect === "image")
                    .forEach((u) => report(`${r.name}: ${describeUnreadable(u)}: its digest is unknown`, r.urn));
                if (!c.image || !isPinnedByDigest(c.image)) {
                    continue;
                }
                const ref = parseImageRef(c.image)!;
                const name = imageName(ref.repository);
                const key = `${identity.service ?? ""}\u0000${name}`;
                let runs = images.get(key);
                if (!runs) {
                    runs = {
                        name: identity.service ? `${identity.service}/${name}` : name,
                        slots: new Map(),
                        unlabeled: [],
                    };
                    images.set(key, runs);
                }
                const run = { cloud, urn: r.urn, digest: ref.digest! };
                if (identity.slot) {
                    runs.slots.set(identity.slot, [...(runs.slots.get(identity.slot) ?? []), run]);
                } else {
                    runs.unlabeled.push(run);
                }
            }
        }
        for (const runs of images.values()) {
            judge(runs, report);
        }
    },
};

function judge(runs: ImageRuns, report: (message: string, urn?: string) => void): void {
    const release = new Map<string, string>(); // digest -> slot
    for (const [slot, list] of runs.slots) {
        const digests = distinct(list);
        if (digests.length > 1) {
            report(
                `image "${runs.name}" runs ${digests.length} digests in the ${slot} slot (${listing(list)}): a slot runs one release on every cloud`,
                odd(list).urn,
            );
        }
        digests.forEach((d) => release.set(d, slot));
    }
    const unlabeled = distinct(runs.unlabeled);
    if (release.size > 0) {
        const outside = runs.unlabeled.find((r) => !release.has(r.digest));
        if (outside) {
            const set = [...release].map(([d, slot]) => `${slot}: ${short(d)}`).join(", ");
            report(
                `image "${runs.name}" runs ${short(outside.digest)} on ${outside.cloud}, outside its release set (${set})`,
                outside.urn,
            );
        }
        return;
    }
    if (unlabeled.length > 1) {
        const clouds = new Set(runs.unlabeled.map((r) => r.cloud));
        report(
            clouds.size > 1
                ? `image "${runs.name}" runs different digests per cloud (${listing(runs.unlabeled)})`
                : `image "${runs.name}" runs ${unlabeled.length} digests on ${[...clouds][0]} without slot labels (${listing(runs.unlabeled)}): label the slots (immutable:slot / immutable-slot) or run one digest`,
            odd(runs.unlabeled).urn,
        );
    }
}

function distinct(list: Run[]): string[] {
    return [...new Set(list.map((r) => r.digest))];
}

/** "aws: sha256:0123456789ab; gcp: sha256:fedcba987654" (clouds in order of appearance). */
function listing(list: Run[]): string {
    const byCloud = new Map<string, string[]>();
    for (const r of list) {
        const d = byCloud.get(r.cloud) ?? [];
        if (!d.includes(r.digest)) {
            d.push(r.digest);
        }
        byCloud.set(r.cloud, d);
    }
    return [...byCloud].map(([cloud, d]) => `${cloud}: ${d.map(short).join(", ")}`).join("; ");
}

/** The first run whose digest is not the most common one. */
function odd(list: Run[]): Run {
    const counts = new Map<string, number>();
    list.forEach((r) => counts.set(r.digest, (counts.get(r.digest) ?? 0) + 1));
    const common = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    return list.find((r) => r.digest !== common) ?? list[0];
}

function short(digest: string): string {
    return digest.slice(0, 19);
}
