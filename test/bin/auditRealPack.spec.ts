import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { realPolicyEngine } from "../../bin/lib/policyEngine";
import { stackExport } from "./exports";
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

    describe('a rule at the level "remediate"', () => {
        const SVC = "urn:pulumi:prod::shop::aws:ecs/service:Service::svc";
        const REPO = "urn:pulumi:prod::shop::aws:ecr/repository:Repository::repo";
        const stdin = JSON.stringify(
            stackExport("shop", "prod", [
                { type: "aws:ecs/service:Service", name: "svc", inputs: { enableExecuteCommand: true } },
                // IMMUTABLE_WITH_EXCLUSION without filters: the remediation declines (the filters are the team's).
                {
                    type: "aws:ecr/repository:Repository",
                    name: "repo",
                    inputs: { imageTagMutability: "IMMUTABLE_WITH_EXCLUSION" },
                },
            ]),
        );
        let config: string;
        before(() => {
            config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "immutable-remediate-")), "remediate.json");
            fs.writeFileSync(
                config,
                JSON.stringify({ "ecs-exec-forbid": "remediate", "registry-tag-immutability-require": "remediate" }),
            );
        });
        after(() => fs.rmSync(path.dirname(config), { recursive: true, force: true }));
        const run = (format: string) =>
            runCli(["audit", "-", "--format", format, "--policy-pack-config", config], {
                engine: realPolicyEngine,
                stdin,
            });

        it("lists what the deploy remediates apart from the violations, and keeps a declined one mandatory (exit 1)", async () => {
            const json = await run("json");
            assert.equal(json.exitCode, 1, json.stderr);
            const result = JSON.parse(json.stdout);
            assert.deepEqual(result.remediated, [{ policy: "ecs-exec-forbid", urn: SVC }]);
            assert.deepEqual(
                result.violations.map((v: any) => [v.policy, v.urn, v.enforcementLevel]),
                [["registry-tag-immutability-require", REPO, "mandatory"]],
            );
            const table = await run("table");
            assert.match(table.stdout, /Remediated at deploy .*│ Rule .*│ Sets/);
            assert.match(
                table.stdout,
                /aws:ecs\/service:Service::svc\s+│ ecs-exec-forbid\s+│ enableExecuteCommand false/,
            );
        });

        it("gives a remediated resource a SARIF note, never silence", async () => {
            const sarif = JSON.parse((await run("sarif")).stdout);
            assertValidSarif(sarif);
            const notes = sarif.runs[0].results.filter((r: any) => r.level === "note");
            assert.deepEqual(
                notes.map((r: any) => [r.ruleId, r.properties.urn, r.properties.enforcementLevel]),
                [["ecs-exec-forbid", SVC, "remediate"]],
            );
            assert.match(
                notes[0].message.text,
                /^fixed at deploy by the level "remediate": enableExecuteCommand false/,
            );
        });
    });
});
