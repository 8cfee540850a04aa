/**
 * Coverage by resource type: every type of the pinned SDKs that creates instances, templates, fleets and groups,
 * runs scripts on instances, opens firewall ports or runs containers (policy/scope.ts's kinds) is judged by a
 * rule or listed as out of scope with a reason; every type a rule names exists (in an SDK, or in a package
 * this repository does not pin, listed in NOT_IN_PINNED_SDKS).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { RULES } from "../../policy/catalog";
import { NOT_IN_PINNED_SDKS, OUT_OF_SCOPE, outOfScope, SCAN_EXCLUDED, SCANNED_KINDS } from "../../policy/scope";
import { componentType } from "../../components/core/packageName";

const SDKS = ["aws", "gcp", "azure-native", "docker-build"];
const TOKEN = /__pulumiType = '([^']+)'/g;

/** Every resource type token of the pinned SDKs (read from their JavaScript, as the SDK registers them). */
function sdkTypes(): Set<string> {
    const out = new Set<string>();
    const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) {
                if (e.name !== "node_modules" && e.name !== "types") {
                    walk(p);
                }
            } else if (e.name.endsWith(".js")) {
                const text = fs.readFileSync(p, "utf8");
                if (text.includes("__pulumiType")) {
                    for (const m of text.matchAll(TOKEN)) {
                        out.add(m[1]);
                    }
                }
            }
        }
    };
    for (const sdk of SDKS) {
        walk(path.dirname(require.resolve(`@pulumi/${sdk}/package.json`)));
    }
    return out;
}

describe("coverage by resource type (pinned SDKs)", function () {
    this.timeout(60_000);
    let types: Set<string>;
    const covered = new Set(RULES.flatMap((r) => r.resourceTypes));

    before(() => {
        types = sdkTypes();
    });

    it("reads the SDKs' type tokens", () => {
        assert.ok(types.size > 4000, `${types.size} types`);
        assert.ok(types.has("aws:ec2/instance:Instance") && types.has("azure-native:compute:VirtualMachine"));
    });

    it("judges or lists as out of scope every type that creates instances, templates, firewall rules or containers", () => {
        const scanned = [...types].filter(
            (t) => !SCAN_EXCLUDED.test(t) && SCANNED_KINDS.some((k) => k.pattern.test(t)),
        );
        assert.ok(scanned.length > 50, `${scanned.length} scanned types`);
        const missing = scanned.filter((t) => !covered.has(t) && !outOfScope(t));
        assert.deepEqual(
            missing,
            [],
            "add a rule for these types or list them in policy/scope.ts OUT_OF_SCOPE with the reason",
        );
    });

    it("covers the types the issue names: launch configurations, spot requests and fleets, EC2 fleets, instances from templates and machine images, scale-set VMs", () => {
        for (const t of [
            "aws:ec2/launchConfiguration:LaunchConfiguration",
            "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
            "aws:ec2/spotFleetRequest:SpotFleetRequest",
            "aws:ec2/fleet:Fleet",
            "gcp:compute/instanceFromTemplate:InstanceFromTemplate",
            "gcp:compute/instanceFromMachineImage:InstanceFromMachineImage",
            "azure-native:compute:VirtualMachineScaleSetVM",
        ]) {
            assert.ok(types.has(t), `${t} is in the SDKs`);
            assert.ok(
                SCANNED_KINDS.some((k) => k.pattern.test(t)),
                `${t} is scanned`,
            );
            assert.ok(covered.has(t), `${t} is judged`);
        }
    });

    it("names only types that exist", () => {
        const ours = `${componentType("X").split(":")[0]}:`;
        const unknown = [...covered].filter(
            (t) =>
                !types.has(t) && !t.startsWith(ours) && !Object.keys(NOT_IN_PINNED_SDKS).some((p) => t.startsWith(p)),
        );
        assert.deepEqual(unknown, []);
    });

    it("lists no stale out-of-scope entry, and none that a rule judges", () => {
        for (const o of OUT_OF_SCOPE) {
            const matches = [...types].filter((t) => (typeof o.types === "string" ? o.types === t : o.types.test(t)));
            assert.ok(matches.length > 0, `${String(o.types)} matches no SDK type`);
            assert.deepEqual(
                matches.filter((t) => covered.has(t)),
                [],
                `${String(o.types)} is judged by a rule`,
            );
            assert.ok(o.reason.length > 30, `${String(o.types)} says why`);
        }
    });
});
