/** The cloud-neutral ContainerService facade: one args shape, the cloud chosen by the `cloud` enum. */
import * as assert from "node:assert/strict";
import { synthesize } from "../../bin/lib/synthesize";
import { ContainerService, type ContainerServiceFacadeArgs } from "../../components/containerService";
import { Cloud } from "../../components/core/clouds";
import { Slot } from "../../components/core/slots";
import { CLOUDS } from "./support/clouds";
import { digestOf, REPOS } from "./support/fixtures";

const SPECIFICS = {
    aws: { vpcId: "vpc-0spec", subnetIds: ["subnet-0a", "subnet-0b"] },
    gcp: { region: "us-central1" },
    azure: { resourceGroupName: "rg-spec" },
};

function facade(cloud: Cloud, extra: Partial<ContainerServiceFacadeArgs> = {}) {
    return synthesize(
        () => {
            const svc = new ContainerService("api", {
                cloud,
                blue: { version: "v42", image: `${REPOS[cloud]}@${digestOf("v42")}` },
                live: Slot.Blue,
                [cloud]: SPECIFICS[cloud],
                ...extra,
            });
            return { url: svc.url, smokeTestUrls: svc.smokeTestUrls, trafficWeights: svc.trafficWeights };
        },
        { project: "immutable", stack: "spec" },
    );
}

describe("ContainerService facade", () => {
    for (const adapter of CLOUDS) {
        it(`creates the ${adapter.component} under itself when cloud is ${adapter.cloud}, with its outputs`, async () => {
            const s = await facade(adapter.cloud);
            const outer = s.resources.find((r) => r.type === "immutable-infra:index:ContainerService")!;
            const inner = s.resources.filter((r) => r.type.startsWith("immutable-infra:index:") && r !== outer);
            assert.deepEqual(
                inner.map((r) => [r.type, r.parent]),
                [[`immutable-infra:index:${adapter.component}`, outer.urn]],
            );
            assert.deepEqual(s.outputs.trafficWeights, { blue: 100 });
            assert.match((s.outputs.smokeTestUrls as Record<string, string>).blue, adapter.smokeUrl(Slot.Blue));
        });

        it(`refuses cloud ${adapter.cloud} without its specifics`, async () => {
            await assert.rejects(
                facade(adapter.cloud, { [adapter.cloud]: undefined }),
                new RegExp(`ContainerService "api": ${adapter.cloud} is required when cloud is ${adapter.cloud}`),
            );
        });
    }
});
