/**
 * Rollback is one flip. The real environment stack (stacks/Pulumi.prod-<cloud>.yaml) is synthesized twice
 * under mocks, live = blue then live = green, and the registered inputs are compared by URN.
 *
 * "Not replaced" is decided from what the engine diffs: (1) the set of URNs is the same (nothing created or
 * deleted), and (2) every input that changed is a traffic weight, and none is a property whose change the
 * provider implements as a replacement (the adapters' `replaceKeys`, from the provider schemas / docs:
 * aws_lb_listener load_balancer_arn; Cloud Run v2 name, location, project; Container App name, group,
 * location, environment, kind). Weights are in-place updates on all three (ALB ModifyListener, Cloud Run
 * services.patch of traffic, Container Apps PATCH of ingress traffic).
 */
import * as assert from "node:assert/strict";
import { synthesize } from "../../bin/lib/synthesize";
import { AwsContainerService } from "../../components/aws/containerService";
import { Slot } from "../../components/core/slots";
import { AWS_NETWORK, CLOUDS } from "../components/support/clouds";
import { diffSyntheses } from "../components/support/diff";
import { digestOf, REPOS } from "../components/support/fixtures";
import { pin, synthEnvironment } from "../components/support/stacks";

describe("rollback is one flip", () => {
    for (const cloud of CLOUDS) {
        describe(`prod-${cloud.cloud} (${cloud.component})`, () => {
            // blue runs v42 and is live; green runs v43 (the current release), deployed last.
            const slots = { blue: pin("v42"), green: "current", lastDeployed: Slot.Green };

            it("changes exactly one resource when live flips from blue to green: the traffic resource, only its weights", async () => {
                const before = await synthEnvironment(cloud.cloud, "v43", { ...slots, live: Slot.Blue });
                const after = await synthEnvironment(cloud.cloud, "v43", { ...slots, live: Slot.Green });
                const diff = diffSyntheses(before, after);
                assert.deepEqual(diff.added, [], "nothing is created");
                assert.deepEqual(diff.removed, [], "nothing is deleted (no URN changes)");
                assert.equal(
                    diff.changed.length,
                    1,
                    `one resource changes, got ${diff.changed.map((c) => c.urn).join(", ")}`,
                );
                const [changed] = diff.changed;
                assert.equal(changed.type, cloud.trafficType);
                for (const p of changed.paths) {
                    assert.match(p, cloud.trafficPath, `${p} is a traffic weight`);
                    assert.ok(
                        !cloud.replaceKeys.some((k) => p === k || p.startsWith(`${k}.`) || p.startsWith(`${k}[`)),
                        `${p} does not force a replacement`,
                    );
                }
                assert.deepEqual(cloud.weights(before), { blue: 100, green: 0 });
                assert.deepEqual(cloud.weights(after), { blue: 0, green: 100 });
            });

            it("returns to exactly the registered inputs of before when live flips back (the rollback)", async () => {
                const before = await synthEnvironment(cloud.cloud, "v43", { ...slots, live: Slot.Blue });
                const rolledBack = await synthEnvironment(
                    cloud.cloud,
                    "v43",
                    { ...slots, live: Slot.Blue },
                    "prod",
                    true,
                );
                const flipped = await synthEnvironment(cloud.cloud, "v43", { ...slots, live: Slot.Green });
                assert.equal(diffSyntheses(flipped, rolledBack).changed.length, 1);
                assert.deepEqual(diffSyntheses(before, rolledBack), { added: [], removed: [], changed: [] });
            });

            it("changes only the traffic weights when a canary weight is set on the idle slot", async () => {
                const before = await synthEnvironment(cloud.cloud, "v43", { ...slots, live: Slot.Blue });
                const canary = await synthEnvironment(cloud.cloud, "v43", {
                    ...slots,
                    live: Slot.Blue,
                    canaryWeight: 10,
                });
                const diff = diffSyntheses(before, canary);
                assert.deepEqual(
                    diff.changed.map((c) => c.type),
                    [cloud.trafficType],
                );
                assert.ok(diff.changed[0].paths.every((p) => cloud.trafficPath.test(p)));
                assert.deepEqual(cloud.weights(canary), { blue: 90, green: 10 });
            });
        });
    }
});

describe("rollback is one flip behind HTTPS (AWS with a certificate)", () => {
    const synth = (live: Slot) =>
        synthesize(
            () =>
                new AwsContainerService("api", {
                    ...AWS_NETWORK,
                    domainName: "api.example.com",
                    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0000",
                    blue: { version: "v42", image: `${REPOS.aws}@${digestOf("v42")}` },
                    green: { version: "v43", image: `${REPOS.aws}@${digestOf("v43")}` },
                    live,
                    lastDeployed: Slot.Green,
                }) as unknown as Record<string, unknown>,
            { project: "immutable", stack: "spec" },
        );

    it("changes only the HTTPS listener's weights; port 80 only redirects and the ALB takes 80 and 443 only", async () => {
        const [before, after] = [await synth(Slot.Blue), await synth(Slot.Green)];
        const diff = diffSyntheses(before, after);
        assert.deepEqual(
            diff.changed.map((c) => c.name),
            ["api-https"],
        );
        assert.ok(
            diff.changed[0].paths.every((p) => /^defaultActions\[0\]\.forward\.targetGroups\[\d\]\.weight$/.test(p)),
        );
        const http = before.resources.find((r) => r.name === "api-http")!;
        assert.equal((http.inputs as any).defaultActions[0].type, "redirect");
        const albSg = before.resources.find(
            (r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && r.name === "api-alb",
        )!;
        assert.deepEqual(
            (albSg.inputs as any).ingress.map((i: any) => i.fromPort),
            [80, 443],
        );
    });
});
