import * as assert from "node:assert/strict";
import { evaluatePack, type EvaluatedResource } from "../../policy/evaluate";
import { DIGEST, DIGEST2, res } from "./support";

const DIGEST3 = `sha256:${"a".repeat(64)}`;
const aws = (digest: string, image = "api") =>
    res("aws:ecs/taskDefinition:TaskDefinition", {
        containerDefinitions: JSON.stringify([
            {
                name: image,
                image: `1.dkr.ecr.us-east-1.amazonaws.com/${image}@${digest}`,
                readonlyRootFilesystem: true,
            },
        ]),
    });
const gcp = (digest: string, image = "api") =>
    res("gcp:cloudrunv2/service:Service", {
        template: { containers: [{ image: `us-docker.pkg.dev/p/r/${image}@${digest}` }] },
    });
const azure = (digest: string, image = "api") =>
    res("azure-native:app:ContainerApp", {
        template: { containers: [{ name: image, image: `acr.azurecr.io/${image}@${digest}` }] },
    });

/** The slot labels of the components (components/core/slotLabels.ts), on each cloud's resource. */
const awsSlot = (slot: string, digest: string, extra: Record<string, string> = {}) =>
    res("aws:ecs/taskDefinition:TaskDefinition", {
        containerDefinitions: JSON.stringify([
            { name: "api", image: `1.dkr.ecr.us-east-1.amazonaws.com/api@${digest}`, readonlyRootFilesystem: true },
        ]),
        tags: { "immutable:slot": slot, ...extra },
    });
const gcpSlot = (slot: string, digest: string, extra: Record<string, string> = {}) =>
    res("gcp:cloudrunv2/service:Service", {
        template: {
            labels: { "immutable-slot": slot, ...extra },
            containers: [{ image: `us-docker.pkg.dev/p/r/api@${digest}` }],
        },
    });
const azureSlot = (slot: string, digest: string) =>
    res("azure-native:app:ContainerApp", {
        template: {
            revisionSuffix: `${slot}-v2-${digest.slice(7, 14)}`,
            containers: [{ name: "api", image: `acr.azurecr.io/api@${digest}` }],
        },
    });

async function stackMessages(
    rule: string,
    resources: EvaluatedResource[],
    config?: Record<string, unknown>,
): Promise<Array<{ message: string; urn?: string }>> {
    const verdict = await evaluatePack(resources, { config: config ? { [rule]: config } : undefined });
    assert.deepEqual(verdict.notJudged, []);
    return verdict.violations.filter((v) => v.policy === rule).map(({ message, urn }) => ({ message, urn }));
}

describe("image-digest-drift-forbid (stack)", () => {
    const cases: Array<{
        it: string;
        resources: () => EvaluatedResource[];
        expect: string[];
    }> = [
        {
            it: "accepts one digest on all three clouds",
            resources: () => [aws(DIGEST), gcp(DIGEST), azure(DIGEST)],
            expect: [],
        },
        {
            it: "rejects a cloud that runs another digest of the same image",
            resources: () => [aws(DIGEST), gcp(DIGEST2), azure(DIGEST)],
            expect: [
                'image "api" runs different digests per cloud (aws: sha256:0123456789ab; gcp: sha256:fedcba987654; azure: sha256:0123456789ab)',
            ],
        },
        {
            it: "rejects two unlabeled digests of one image on one cloud (no slot says which release is which)",
            resources: () => [aws(DIGEST), aws(DIGEST2)],
            expect: ["runs 2 digests on aws without slot labels"],
        },
        {
            it: "compares an image only with itself (api and worker may differ)",
            resources: () => [aws(DIGEST, "api"), gcp(DIGEST, "api"), aws(DIGEST2, "worker"), gcp(DIGEST2, "worker")],
            expect: [],
        },
        {
            it: "ignores unpinned refs (image-digest-require reports them)",
            resources: () => [
                aws(DIGEST),
                res("gcp:cloudrunv2/service:Service", {
                    template: { containers: [{ image: "us-docker.pkg.dev/p/r/api:v1" }] },
                }),
            ],
            expect: [],
        },
    ];
    for (const c of cases) {
        it(c.it, async () => {
            const got = await stackMessages("image-digest-drift-forbid", c.resources());
            assert.equal(got.length, c.expect.length, JSON.stringify(got));
            c.expect.forEach((sub, i) =>
                assert.ok(got[i].message.includes(sub), `${got[i].message} should include ${sub}`),
            );
        });
    }

    const slotCases: Array<{ it: string; resources: () => EvaluatedResource[]; expect: string[] }> = [
        {
            it: "accepts a canary across AWS and GCP in one stack: blue v1 and green v2 on AWS, green v2 on Cloud Run",
            resources: () => [awsSlot("blue", DIGEST), awsSlot("green", DIGEST2), gcpSlot("green", DIGEST2)],
            expect: [],
        },
        {
            it: "accepts both releases on all three clouds, Container Apps naming the slot in the revision suffix",
            resources: () => [
                awsSlot("blue", DIGEST),
                awsSlot("green", DIGEST2),
                gcpSlot("blue", DIGEST),
                azureSlot("green", DIGEST2),
            ],
            expect: [],
        },
        {
            it: "rejects a slot that runs another digest on another cloud (green v2 on AWS, green v3 on GCP)",
            resources: () => [awsSlot("blue", DIGEST), awsSlot("green", DIGEST2), gcpSlot("green", DIGEST3)],
            expect: [
                'image "api" runs 2 digests in the green slot (aws: sha256:fedcba987654; gcp: sha256:aaaaaaaaaaaa)',
            ],
        },
        {
            it: "rejects an unlabeled container running a digest outside the release set",
            resources: () => [awsSlot("blue", DIGEST), awsSlot("green", DIGEST2), gcp(DIGEST3)],
            expect: [
                'image "api" runs sha256:aaaaaaaaaaaa on gcp, outside its release set (blue: sha256:0123456789ab, green: sha256:fedcba987654)',
            ],
        },
        {
            it: "accepts an unlabeled container running one of the release set's digests",
            resources: () => [awsSlot("blue", DIGEST), awsSlot("green", DIGEST2), gcp(DIGEST2)],
            expect: [],
        },
        {
            it: "keeps two services of one image apart by their service label",
            resources: () => [
                awsSlot("blue", DIGEST, { "immutable:service": "public-api" }),
                gcpSlot("blue", DIGEST2, { "immutable-service": "admin-api" }),
            ],
            expect: [],
        },
        {
            it: "reports a slot label it cannot read (not blue or green)",
            resources: () => [awsSlot("purple", DIGEST)],
            expect: ['cannot read tags.immutable:slot "purple": not a slot (blue or green)'],
        },
    ];
    for (const c of slotCases) {
        it(c.it, async () => {
            const got = await stackMessages("image-digest-drift-forbid", c.resources());
            assert.equal(got.length, c.expect.length, JSON.stringify(got));
            c.expect.forEach((sub, i) =>
                assert.ok(got[i].message.includes(sub), `${got[i].message} should include ${sub}`),
            );
        });
    }

    it("points a slot's violation at the resource running the odd digest", async () => {
        const odd = gcpSlot("green", DIGEST3);
        const [v] = await stackMessages("image-digest-drift-forbid", [
            awsSlot("green", DIGEST2),
            awsSlot("green", DIGEST2),
            odd,
        ]);
        assert.equal(v.urn, odd.urn);
    });

    it("points the violation at a resource of the odd cloud", async () => {
        const odd = gcp(DIGEST2);
        const [v] = await stackMessages("image-digest-drift-forbid", [aws(DIGEST), odd, azure(DIGEST)]);
        assert.equal(v.urn, odd.urn);
    });
});

describe("environment-image-build-forbid (stack)", () => {
    const cases: Array<{
        it: string;
        type: string;
        stack: string;
        config?: Record<string, unknown>;
        expect: string[];
    }> = [
        {
            it: "rejects a docker-build Image in an environment stack",
            type: "docker-build:index:Image",
            stack: "dev",
            expect: ['stack "dev" builds an image (docker-build:index:Image'],
        },
        {
            it: "rejects a docker Image in an environment stack",
            type: "docker:index/image:Image",
            stack: "prod",
            expect: ['stack "prod" builds an image'],
        },
        {
            it: "rejects our ContainerImage component in an environment stack",
            type: "immutable-infra:index:ContainerImage",
            stack: "staging",
            expect: ["immutable-infra:index:ContainerImage"],
        },
        {
            it: "accepts an image build in the build stack",
            type: "docker-build:index:Image",
            stack: "build",
            expect: [],
        },
        {
            it: "accepts the team's own build stack name",
            type: "docker-build:index:Image",
            stack: "release-ci",
            config: { buildStacks: ["release-ci"] },
            expect: [],
        },
        {
            it: "accepts an environment stack that only deploys",
            type: "aws:ecs/service:Service",
            stack: "prod",
            expect: [],
        },
    ];
    for (const c of cases) {
        it(c.it, async () => {
            const r = res(c.type, { push: true }, c.stack);
            const got = await stackMessages("environment-image-build-forbid", [r], c.config);
            assert.equal(got.length, c.expect.length, JSON.stringify(got));
            c.expect.forEach((sub, i) => {
                assert.ok(got[i].message.includes(sub), got[i].message);
                assert.equal(got[i].urn, r.urn);
            });
        });
    }
});
