import * as assert from "node:assert/strict";
import * as path from "node:path";
import { realPolicyEngine } from "../../bin/lib/policyEngine";
import { assertValidSarif } from "./sarifShape";
import { runCli } from "./harness";

const EXPORT = path.join(__dirname, "fixtures", "legacy-stack-export.json");
const SG = "urn:pulumi:prod::legacy-web::acme:web:Service$aws:ec2/securityGroup:SecurityGroup::web-sg";
const TASK = "urn:pulumi:prod::legacy-web::acme:web:Service$aws:ecs/taskDefinition:TaskDefinition::web-task";

describe("immutable audit with the real pack (policy/)", () => {
    it("rejects the legacy export's open SSH and :latest image with the pack's rule names, exit 1", async () => {
        const run = await runCli(["audit", EXPORT, "--format", "json"], { engine: realPolicyEngine });
        assert.equal(run.exitCode, 1, run.stderr);
        const found = JSON.parse(run.stdout).violations.map((v: any) => [v.policy, v.urn, v.enforcementLevel]);
        assert.deepEqual(
            found.filter((f: string[]) => f[0] === "admin-ingress-forbid" || f[0] === "image-digest-require"),
            [
                ["admin-ingress-forbid", SG, "mandatory"],
                ["image-digest-require", TASK, "mandatory"],
            ],
        );
    });

    it("writes valid SARIF with one rule entry per rule of the catalogue", async () => {
        const run = await runCli(["audit", EXPORT, "--format", "sarif"], { engine: realPolicyEngine });
        const sarif = JSON.parse(run.stdout);
        assertValidSarif(sarif);
        const rules = realPolicyEngine.rules();
        assert.ok(rules.length > 0, "the catalogue lists the pack's rules");
        assert.deepEqual(
            sarif.runs[0].tool.driver.rules.map((r: any) => r.id),
            rules.map((r) => r.name),
        );
        assert.ok(sarif.runs[0].tool.driver.rules.every((r: any) => r.help.text.startsWith("Fix: ")));
    });

    it("passes the pack config through: everything advisory exits 0 with the same findings", async () => {
        const config = path.join(__dirname, "fixtures", "all-advisory.json");
        const run = await runCli(["audit", EXPORT, "--format", "json", "--policy-pack-config", config], {
            engine: realPolicyEngine,
        });
        assert.equal(run.exitCode, 0, run.stderr);
        const violations = JSON.parse(run.stdout).violations;
        assert.ok(violations.length >= 2);
        assert.ok(violations.every((v: any) => v.enforcementLevel === "advisory"));
    });
});
