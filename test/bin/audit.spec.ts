import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SECRET_SIG, SIG_KEY, UNKNOWN } from "../../policy/wire";
import type { EvaluatedResource } from "../../bin/lib/policyEngine";
import { FAKE_RULES, fakeEngine, runCli } from "./harness";
import { assertValidSarif } from "./sarifShape";

const EXPORT = path.join(__dirname, "fixtures", "legacy-stack-export.json");
const exportDoc = () => JSON.parse(fs.readFileSync(EXPORT, "utf8"));
const SG = "urn:pulumi:prod::legacy-web::acme:web:Service$aws:ec2/securityGroup:SecurityGroup::web-sg";
const TASK = "urn:pulumi:prod::legacy-web::acme:web:Service$aws:ecs/taskDefinition:TaskDefinition::web-task";

/** The export as `pulumi preview --json` would describe an update of it: same, replace and delete steps. */
function previewOf(doc: any): any {
    const live = doc.deployment.resources.filter((r: any) => !r.delete);
    const steps: any[] = live.map((r: any) => ({ op: "same", urn: r.urn, oldState: r, newState: r }));
    steps.push({ op: "create-replacement", urn: TASK, newState: live.find((r: any) => r.urn === TASK) });
    steps.push({ op: "delete-replaced", urn: TASK, oldState: live.find((r: any) => r.urn === TASK) });
    steps.push({ op: "delete", urn: "urn:pulumi:prod::legacy-web::aws:s3/bucket:Bucket::old", oldState: { urn: "x" } });
    return { config: {}, steps, diagnostics: [], changeSummary: { same: live.length, replace: 1, delete: 1 } };
}

describe("immutable audit", () => {
    let tmp: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-audit-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    describe("on a real-shaped `pulumi stack export`", () => {
        it("prints the documented JSON: resources judged, violations with policy, urn, level and message", async () => {
            const run = await runCli(["audit", EXPORT, "--format", "json"]);
            assert.equal(run.stderr, "");
            const result = JSON.parse(run.stdout);
            assert.deepEqual(Object.keys(result), ["resources", "violations", "remediated", "notJudged"]);
            assert.equal(
                result.resources,
                3,
                "security group, task definition and parameter are judged; stack, provider and component are not",
            );
            assert.deepEqual(
                result.violations.map((v: any) => [v.policy, v.urn, v.enforcementLevel]),
                [
                    ["fake-no-ssh", SG, "advisory"],
                    ["fake-no-latest", TASK, "mandatory"],
                ],
            );
            for (const v of result.violations) {
                assert.deepEqual(Object.keys(v).sort(), ["enforcementLevel", "message", "policy", "urn"]);
            }
        });

        it("exits 1 when a violation is mandatory and 0 when the pack config makes everything advisory", async () => {
            assert.equal((await runCli(["audit", EXPORT, "--format", "json"])).exitCode, 1);
            const config = path.join(tmp, "all-advisory.json");
            fs.writeFileSync(config, JSON.stringify({ all: "advisory" }));
            const run = await runCli(["audit", EXPORT, "--format", "json", "--policy-pack-config", config]);
            assert.equal(run.exitCode, 0);
            assert.ok(JSON.parse(run.stdout).violations.every((v: any) => v.enforcementLevel === "advisory"));
        });

        it("reports resources the pack cannot judge and pending deletions instead of dropping them", async () => {
            const result = JSON.parse((await runCli(["audit", EXPORT, "--format", "json"])).stdout);
            assert.deepEqual(
                result.notJudged.map((n: any) => [n.urn.split("::").pop(), n.reason]),
                [
                    ["widget", "no adapter for this type"],
                    ["web-task", "pending deletion (replaced), not part of the new state"],
                ],
            );
        });

        it("hands the pack inputs, outputs, parents, providers and dependencies, with ciphertext secrets as secret unknowns", async () => {
            const calls: Array<{ resources: EvaluatedResource[]; options: any }> = [];
            await runCli(["audit", EXPORT, "--format", "json"], { engine: fakeEngine(calls) });
            assert.equal(calls.length, 1);
            const { resources, options } = calls[0];
            assert.equal(options.preview, false);
            assert.equal(resources.length, 7, "every live resource, the pending deletion excluded");
            const sg = resources.find((r) => r.urn === SG)!;
            assert.equal(sg.name, "web-sg");
            assert.equal(sg.parent, "urn:pulumi:prod::legacy-web::acme:web:Service::web");
            assert.match(sg.provider!, /^urn:pulumi:prod::legacy-web::pulumi:providers:aws::default_7_48_0::/);
            assert.equal((sg.outputs as any).vpcId, "vpc-0123456789abcdef0");
            assert.deepEqual(sg.propertyDependencies, { description: [], ingress: [], name: [] });
            const param = resources.find((r) => r.type === "aws:ssm/parameter:Parameter")!;
            assert.deepEqual(param.inputs.value, { [SIG_KEY]: SECRET_SIG, value: UNKNOWN });
            assert.equal(JSON.stringify(param).includes("ciphertext"), false);
        });

        it("decodes `--show-secrets` plaintext secrets into wire-format secrets", async () => {
            const doc = exportDoc();
            const param = doc.deployment.resources.find((r: any) => r.type === "aws:ssm/parameter:Parameter");
            param.inputs.value = { [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify("hunter2") };
            const calls: Array<{ resources: EvaluatedResource[]; options: any }> = [];
            await runCli(["audit", "-", "--format", "json"], { stdin: JSON.stringify(doc), engine: fakeEngine(calls) });
            const judged = calls[0].resources.find((r) => r.type === "aws:ssm/parameter:Parameter")!;
            assert.deepEqual(judged.inputs.value, { [SIG_KEY]: SECRET_SIG, value: "hunter2" });
        });

        it("reads the same document from standard input with `-`", async () => {
            const fromFile = await runCli(["audit", EXPORT, "--format", "json"]);
            const fromStdin = await runCli(["audit", "-", "--format", "json"], { stdin: fs.readFileSync(EXPORT) });
            assert.equal(fromStdin.stdout, fromFile.stdout);
            assert.equal(fromStdin.exitCode, 1);
        });

        it("reads a raw checkpoint (the state file) like an export", async () => {
            const doc = exportDoc();
            const checkpoint = {
                version: 3,
                checkpoint: { stack: "organization/legacy-web/prod", latest: doc.deployment },
            };
            const run = await runCli(["audit", "-", "--format", "json"], { stdin: JSON.stringify(checkpoint) });
            assert.deepEqual(
                JSON.parse(run.stdout),
                JSON.parse((await runCli(["audit", EXPORT, "--format", "json"])).stdout),
            );
        });

        it("audits an empty stack (an export without resources) as clean", async () => {
            const run = await runCli(["audit", "-", "--format", "json"], {
                stdin: JSON.stringify({ version: 3, deployment: { manifest: {} } }),
            });
            assert.deepEqual(JSON.parse(run.stdout), { resources: 0, violations: [], remediated: [], notJudged: [] });
            assert.equal(run.exitCode, 0);
        });
    });

    describe("on `pulumi preview --json`", () => {
        it('reads the preview\'s masked secrets ("[secret]") and computed values as secret and plain unknowns', async () => {
            const doc = previewOf(exportDoc());
            const step = doc.steps.find((s: any) => s.newState?.type === "aws:ssm/parameter:Parameter");
            step.newState = {
                ...step.newState,
                inputs: { name: "/legacy/db-password", value: "[secret]", tags: ["[secret]"], arn: UNKNOWN },
            };
            const calls: Array<{ resources: EvaluatedResource[]; options: any }> = [];
            await runCli(["audit", "-", "--format", "json"], { stdin: JSON.stringify(doc), engine: fakeEngine(calls) });
            const judged = calls[0].resources.find((r) => r.type === "aws:ssm/parameter:Parameter")!;
            const secretUnknown = { [SIG_KEY]: SECRET_SIG, value: UNKNOWN };
            assert.deepEqual(judged.inputs, {
                name: "/legacy/db-password",
                value: secretUnknown,
                tags: [secretUnknown],
                arn: UNKNOWN,
            });
        });

        it("judges each step's new state once, as a preview, and reports deletes as not judged", async () => {
            const calls: Array<{ resources: EvaluatedResource[]; options: any }> = [];
            const run = await runCli(["audit", "-", "--format", "json"], {
                stdin: JSON.stringify(previewOf(exportDoc())),
                engine: fakeEngine(calls),
            });
            assert.equal(calls[0].options.preview, true);
            assert.equal(
                calls[0].resources.filter((r) => r.urn === TASK).length,
                1,
                "a replaced resource is judged once",
            );
            const result = JSON.parse(run.stdout);
            assert.equal(result.resources, 3);
            assert.ok(result.notJudged.some((n: any) => n.urn.endsWith("::old") && /delete/.test(n.reason)));
            assert.equal(run.exitCode, 1);
        });
    });

    describe("--format table", () => {
        it("groups violations by resource with rule, level, message and fix on one line, without colour off a terminal", async () => {
            const run = await runCli(["audit", EXPORT]);
            assert.equal(run.exitCode, 1);
            assert.doesNotMatch(run.stdout, /\u001b\[/);
            const line = run.stdout.split("\n").find((l) => l.includes("fake-no-latest"))!;
            assert.match(
                line,
                /TaskDefinition::web-task.*fake-no-latest.*mandatory.*uses a :latest image.*Pin the image/,
            );
            assert.match(run.stdout, /stack export of stack "prod", 7 resources, 3 judged/);
            assert.match(run.stdout, /Widget::widget.*no adapter for this type/);
            assert.match(run.stdout, /Violations: 1 mandatory, 1 advisory/);
        });

        it("colours the levels on a terminal", async () => {
            const run = await runCli(["audit", EXPORT], { tty: true });
            assert.match(run.stdout, /\u001b\[31mmandatory\u001b\[39m/);
            assert.match(run.stdout, /\u001b\[33madvisory\u001b\[39m/);
        });
    });

    describe("--format sarif", () => {
        it("writes SARIF 2.1.0 with a rule entry per policy and a result per violation located by URN", async () => {
            const run = await runCli(["audit", EXPORT, "--format", "sarif"]);
            assert.equal(run.exitCode, 1);
            const sarif = JSON.parse(run.stdout);
            assertValidSarif(sarif);
            const driver = sarif.runs[0].tool.driver;
            assert.deepEqual(
                driver.rules.map((r: any) => r.id),
                FAKE_RULES.map((r) => r.name),
            );
            assert.equal(driver.rules[0].name, "FakeNoLatest");
            assert.equal(driver.informationUri, "https://www.npmjs.com/package/immutable-infra");
            assert.equal(driver.rules[0].help.text, "Fix: Pin the image as repo@sha256:<digest>.");
            assert.equal(driver.rules[0].defaultConfiguration.level, "error");
            const results = sarif.runs[0].results;
            assert.deepEqual(
                results.map((r: any) => [r.ruleId, r.level, r.locations[0].logicalLocations[0].fullyQualifiedName]),
                [
                    ["fake-no-ssh", "warning", SG],
                    ["fake-no-latest", "error", TASK],
                ],
            );
            assert.equal(results[1].ruleIndex, 0);
            assert.equal(results[1].locations[0].physicalLocation.artifactLocation.uri, "Pulumi.yaml");
        });

        it("attaches results to the file named by --sarif-artifact, with stable fingerprints", async () => {
            const a = JSON.parse(
                (await runCli(["audit", EXPORT, "--format", "sarif", "--sarif-artifact", "infra/Pulumi.yaml"])).stdout,
            );
            const b = JSON.parse((await runCli(["audit", EXPORT, "--format", "sarif"])).stdout);
            assert.equal(a.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, "infra/Pulumi.yaml");
            assert.deepEqual(
                a.runs[0].results.map((r: any) => r.partialFingerprints),
                b.runs[0].results.map((r: any) => r.partialFingerprints),
            );
        });
    });
});
