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
        config?: Record<string, unknown>;
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
            it: "accepts blue and green slots on two releases when every cloud runs both",
            resources: () => [aws(DIGEST), aws(DIGEST2), gcp(DIGEST2), gcp(DIGEST)],
            expect: [],
        },
        {
            it: "rejects a cloud that lacks one of the slot releases",
            resources: () => [aws(DIGEST), aws(DIGEST2), gcp(DIGEST)],
            expect: ["different digests per cloud"],
        },
        {
            it: "rejects a third digest on one cloud (more than one per slot)",
            resources: () => [aws(DIGEST), aws(DIGEST2), aws(DIGEST3)],
            expect: ["runs 3 digests on aws (at most 2: one per slot)"],
        },
        {
            it: "accepts three digests when the team allows three",
            resources: () => [aws(DIGEST), aws(DIGEST2), aws(DIGEST3)],
            config: { maxDigestsPerCloud: 3 },
            expect: [],
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
            const got = await stackMessages("image-digest-drift-forbid", c.resources(), c.config);
            assert.equal(got.length, c.expect.length, JSON.stringify(got));
            c.expect.forEach((sub, i) =>
                assert.ok(got[i].message.includes(sub), `${got[i].message} should include ${sub}`),
            );
        });
    }

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
