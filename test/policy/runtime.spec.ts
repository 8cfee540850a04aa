import { DIGEST, table } from "./support";

const TD = "aws:ecs/taskDefinition:TaskDefinition";
const td = (...containers: Array<Record<string, unknown>>) => ({
    family: "api",
    containerDefinitions: JSON.stringify(
        containers.map((c, i) => ({ name: `c${i}`, image: `a/api@${DIGEST}`, readonlyRootFilesystem: true, ...c })),
    ),
});

describe("container-readonly-root-require", () => {
    table("container-readonly-root-require", [
        {
            it: "rejects a container that does not set readonlyRootFilesystem",
            type: TD,
            inputs: { containerDefinitions: JSON.stringify([{ name: "web", image: `a@${DIGEST}` }]) },
            expect: ["containerDefinitions[0] (web) has a writable root filesystem"],
        },
        {
            it: "rejects readonlyRootFilesystem false on the second container only",
            type: TD,
            inputs: td({}, { readonlyRootFilesystem: false }),
            expect: ["containerDefinitions[1] (c1)"],
        },
        { it: "accepts read-only root filesystems", type: TD, inputs: td({}, {}), expect: [] },
        {
            it: "does not judge Cloud Run (the platform has no such setting)",
            type: "gcp:cloudrunv2/service:Service",
            inputs: { template: { containers: [{ image: `a/b@${DIGEST}` }] } },
            expect: [],
        },
    ]);
});

describe("container-privileged-forbid", () => {
    table("container-privileged-forbid", [
        {
            it: "rejects a privileged container",
            type: TD,
            inputs: td({ privileged: true }),
            expect: ["containerDefinitions[0] (c0) is privileged"],
        },
        { it: "accepts privileged false", type: TD, inputs: td({ privileged: false }), expect: [] },
        { it: "accepts a container that does not set it", type: TD, inputs: td({}), expect: [] },
    ]);
});

describe("container-root-user-forbid", () => {
    table("container-root-user-forbid", [
        { it: "rejects user root", type: TD, inputs: td({ user: "root" }), expect: ['runs as user "root"'] },
        { it: "rejects uid 0 with a group", type: TD, inputs: td({ user: "0:1000" }), expect: ['"0:1000"'] },
        { it: "rejects uid 0", type: TD, inputs: td({ user: "0" }), expect: ['"0"'] },
        { it: "accepts a non-root uid", type: TD, inputs: td({ user: "10001:10001" }), expect: [] },
        { it: "accepts no user override (the image's USER applies)", type: TD, inputs: td({}), expect: [] },
    ]);
});
