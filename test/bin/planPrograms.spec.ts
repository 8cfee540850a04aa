import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { realPolicyEngine } from "../../bin/lib/policyEngine";
import { runCli, type CliRun } from "./harness";

const PROGRAMS = path.join(__dirname, "fixtures", "programs");
const program = (name: string) => path.join(PROGRAMS, name);

/** One `plan --format json` run of a fixture program with the real pack, made once per argument list. */
const runs = new Map<string, Promise<CliRun>>();
function planJson(args: string[]): Promise<CliRun> {
    const key = JSON.stringify(args);
    if (!runs.has(key)) runs.set(key, runCli(["plan", "--format", "json", ...args], { engine: realPolicyEngine }));
    return runs.get(key)!;
}
async function stackOf(args: string[]): Promise<{ run: CliRun; stack: any }> {
    const run = await planJson(args);
    assert.ok(run.stdout.startsWith("{"), `JSON on stdout: ${run.stdout.slice(0, 300)} ${run.stderr}`);
    const { stacks } = JSON.parse(run.stdout);
    assert.equal(stacks.length, 1);
    return { run, stack: stacks[0] };
}
const violationsOf = (stack: any) =>
    stack.violations.map((v: any) => [v.policy, v.urn.split("::").pop(), v.enforcementLevel]);

describe("immutable plan of any Pulumi program", function () {
    this.timeout(120000);

    describe("a consumer's TypeScript program on AWS (raw resources and data sources)", () => {
        it("plans it from --dir with the stack's config and rejects only the deliberate SSH rule", async () => {
            const { run, stack } = await stackOf(["--dir", program("aws-ts")]);
            assert.equal(stack.error, undefined, `${stack.error} at ${stack.where}`);
            assert.equal(stack.project, "shop-aws");
            assert.equal(stack.stack, "dev");
            assert.deepEqual(violationsOf(stack), [["admin-ingress-forbid", "debug-ssh", "mandatory"]]);
            assert.equal(run.exitCode, 1, "a mandatory violation exits 1");
            assert.deepEqual(stack.gaps, [], "everything the program reads has an offline answer");
        });

        it("answers the data sources plausibly, in the stack's region (aws:region: eu-west-1)", async () => {
            const { stack } = await stackOf(["--dir", program("aws-ts")]);
            const o = stack.outputs;
            assert.equal(o.account, "123456789012");
            assert.equal(o.regionName, "eu-west-1");
            assert.deepEqual(o.subnetZones, ["eu-west-1a", "eu-west-1b"], "getAvailabilityZones in the stack's region");
            assert.match(o.imageId, /^ami-[0-9a-f]{17}$/);
            assert.equal(o.registryEndpoint, "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com");
            const policy = JSON.parse(o.assumeRolePolicy);
            assert.deepEqual(policy, {
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ecs-tasks.amazonaws.com" } },
                ],
            });
        });

        it("fakes the outputs programs read: EC2 ids, ARNs, auto-names, domain names, URLs, latestVersion", async () => {
            const { stack } = await stackOf(["--dir", program("aws-ts")]);
            const o = stack.outputs;
            assert.match(o.vpcId, /^vpc-[0-9a-f]{17}$/);
            assert.match(o.securityGroupId, /^sg-[0-9a-f]{17}$/);
            assert.match(o.bucketArn, /^arn:aws:s3:::assets-[0-9a-f]{7}$/, "the bucket is auto-named");
            assert.equal(o.bucketDomain, `${o.bucketArn.split(":::")[1]}.s3.eu-west-1.amazonaws.com`);
            assert.match(o.repositoryUrl, /^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/shop-[0-9a-f]{7}$/);
            assert.match(o.roleArn, /^arn:aws:iam::123456789012:role\/task-[0-9a-f]{7}$/);
            assert.equal(o.templateVersion, 1);
            const sg = stack.resources.find((r: any) => r.urn.endsWith("::web"));
            assert.deepEqual(
                stack.resources.find((r: any) => r.type === "aws:ec2/launchTemplate:LaunchTemplate").inputs
                    .vpcSecurityGroupIds,
                [o.securityGroupId],
                "an input wired from another resource's id carries the fake id",
            );
            assert.ok(sg, "the web security group is planned");
        });
    });

    describe("a consumer's JavaScript program on Google Cloud (entry from package.json main)", () => {
        it("plans src/program.js and rejects only the project-wide SSH key", async () => {
            const { stack } = await stackOf(["--dir", program("gcp-js")]);
            assert.equal(stack.error, undefined, `${stack.error} at ${stack.where}`);
            assert.deepEqual(
                violationsOf(stack).map((v: string[]) => v.slice(0, 2)),
                [["metadata-ssh-keys-forbid", "debug-ssh"]],
            );
        });

        it("answers client config, project, zones and images from the stack's gcp:project and gcp:region", async () => {
            const { stack } = await stackOf(["--dir", program("gcp-js")]);
            const o = stack.outputs;
            assert.equal(o.project, "shop-dev-4711");
            assert.match(o.projectNumber, /^\d{12}$/);
            assert.deepEqual(o.zones, ["europe-west1-a", "europe-west1-b", "europe-west1-c"]);
            assert.match(
                o.image,
                /^https:\/\/www\.googleapis\.com\/compute\/v1\/projects\/debian-cloud\/global\/images\/debian-12-/,
            );
            assert.equal(o.runnerEmail, "shop-runner@shop-dev-4711.iam.gserviceaccount.com");
            assert.match(o.bucketUrl, /^gs:\/\/assets-[0-9a-f]{7}$/);
            assert.match(
                o.networkLink,
                /^https:\/\/www\.googleapis\.com\/compute\/v1\/projects\/shop-dev-4711\/global\/networks\//,
            );
            assert.match(o.subnetId, /^projects\/shop-dev-4711\/regions\/europe-west1\/subnetworks\//);
            assert.match(o.ingressAddress, /^203\.0\.113\.\d+$/, "a documentation-range public address");
        });

        it("generates a password of the asked length and keeps it secret, as the random provider does", async () => {
            const { stack } = await stackOf(["--dir", program("gcp-js")]);
            assert.equal(stack.outputs.dbPassword, "[secret]");
            const raw = await runCli(["plan", "--dir", program("gcp-js"), "--format", "json"]);
            const pw = JSON.parse(raw.stdout).stacks[0].resources.find((r: any) => r.type.startsWith("random:"));
            assert.equal(pw.inputs.length, 24);
        });
    });

    describe("a consumer's TypeScript program on Azure (main: src/index.ts, stackConfigDir: config)", () => {
        it("finds the stack in config/ and rejects only the RDP rule", async () => {
            const { stack } = await stackOf(["--dir", program("azure-ts")]);
            assert.equal(stack.stack, "prod");
            assert.equal(stack.error, undefined, `${stack.error} at ${stack.where}`);
            assert.deepEqual(
                violationsOf(stack).map((v: string[]) => v.slice(0, 2)),
                [["admin-ingress-forbid", "debug-rdp"]],
            );
        });

        it("answers ARM ids, endpoints, client config and listKeys in the stack's location", async () => {
            const { stack } = await stackOf(["--dir", program("azure-ts")]);
            const o = stack.outputs;
            assert.equal(o.subscriptionId, "00000000-0000-0000-0000-000000000000");
            assert.match(o.groupId, /^\/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{12}\/resourceGroups\/shop-rg[0-9a-f]{7}$/);
            assert.equal(o.location, "westeurope");
            assert.equal(o.sharedGroupLocation, "westeurope");
            assert.match(o.blobEndpoint, /^https:\/\/shopsa[0-9a-f]{7}\.blob\.core\.windows\.net\/$/);
            assert.equal(o.storageKey, "[secret]", "a secret output stays masked");
            assert.match(o.publicIp, /^203\.0\.113\.\d+$/);
        });

        it("plans an encrypted config value as [secret] and says so", async () => {
            const { stack } = await stackOf(["--dir", program("azure-ts")]);
            const note = stack.gaps.find((g: any) => g.kind === "config");
            assert.ok(note, JSON.stringify(stack.gaps));
            assert.equal(note.token, "shop-azure:dbPassword");
            assert.match(
                note.message,
                /Pulumi\.prod\.yaml: encrypted value of shop-azure:dbPassword cannot be read offline/,
            );
        });
    });

    it('imports an ES module program ("type": "module") afresh for each stack', async () => {
        const run = await planJson(["--dir", program("esm-js")]);
        const stacks = JSON.parse(run.stdout).stacks;
        assert.deepEqual(
            stacks.map((s: any) => [s.stack, s.error, s.outputs.region]),
            [
                ["dev", undefined, "ap-south-1"],
                ["prod", undefined, "sa-east-1"],
            ],
        );
        assert.match(stacks[1].outputs.bucketDomain, /^data-[0-9a-f]{7}\.s3\.sa-east-1\.amazonaws\.com$/);
    });

    it("reports where a program fails (its own file:line) on the stack's row, exit 1, without crashing", async () => {
        const { run, stack } = await stackOf(["--dir", program("throws")]);
        assert.equal(run.exitCode, 1);
        assert.equal(stack.error, "replicas must be at least 1, got 0");
        assert.equal(stack.where, "index.ts:9:11", "the TypeScript line, not the transpiled one");
        const table = await runCli(["plan", "--dir", program("throws")], { engine: realPolicyEngine });
        assert.match(table.stdout, /error: replicas must be at least 1, got 0 \(at index\.ts:9:11\)/);
    });

    it("fails a stack by an error nobody awaits (thrown in an apply), and plans the next stack", async () => {
        const run = await planJson(["--dir", program("apply-throws")]);
        const stacks = JSON.parse(run.stdout).stacks;
        assert.equal(run.exitCode, 1);
        assert.deepEqual(
            stacks.map((s: any) => [s.stack, s.error, s.where]),
            [
                [
                    "bad",
                    `replicas must be at least 1 for ${stacks[0].error?.match(/for (\S+),/)?.[1]}, got 0`,
                    "index.ts:8:29",
                ],
                ["good", undefined, undefined],
            ],
        );
        assert.match(stacks[1].outputs.bucketName, /^state-[0-9a-f]{7}$/);
    });

    it("reports a function and a resource type it cannot fake by name, and plans the rest", async () => {
        const { run, stack } = await stackOf(["--dir", program("unknown")]);
        assert.equal(stack.error, undefined);
        assert.equal(run.exitCode, 0);
        assert.deepEqual(
            stack.gaps.map((g: any) => [g.kind, g.token, g.properties]),
            [
                ["invoke", "acme:index/getWidget:getWidget", undefined],
                ["resource", "acme:index/gadget:Gadget", ["serial"]],
            ],
        );
        assert.match(
            stack.gaps[0].message,
            /^acme:index\/getWidget:getWidget: no offline answer .*--fakes FILE or file an issue$/,
        );
        assert.match(stack.outputs.logsBucket, /^logs-[0-9a-f]{7}$/, "the rest of the program is planned");
        const text = await runCli(["plan", "--dir", program("unknown")]);
        assert.match(text.stdout, /Not faked offline .*\n {2}dev: acme:index\/getWidget:getWidget: no offline answer/);
    });

    it("takes the answers it lacks from --fakes FILE", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-fakes-"));
        const file = path.join(dir, "fakes.json");
        fs.writeFileSync(
            file,
            JSON.stringify({
                calls: { "acme:index/getWidget:getWidget": { size: 3 } },
                resources: { "acme:index/gadget:Gadget": { serial: "G-0001" } },
            }),
        );
        const { stack } = await stackOf(["--dir", program("unknown"), "--fakes", file]);
        assert.deepEqual(stack.gaps, []);
        assert.equal(stack.outputs.serial, "G-0001");
        assert.equal(stack.resources.find((r: any) => r.type === "acme:index/gadget:Gadget").inputs.size, 3);
    });

    describe("StackReferences", () => {
        const shared = path.join(PROGRAMS, "refs", "shared-outputs.json");

        it("reads a sibling project's planned outputs and a --stack-outputs file", async () => {
            const { run, stack } = await stackOf([
                "--dir",
                program("refs/app"),
                "--stack-outputs",
                `acme/shared/prod=${shared}`,
            ]);
            assert.equal(stack.error, undefined, stack.error);
            assert.equal(run.exitCode, 0);
            assert.match(stack.outputs.securityGroupVpc, /^vpc-[0-9a-f]{17}$/, "the network project's planned VPC id");
            assert.equal(stack.outputs.networkRegion, "eu-central-1", "planned with the network stack's own config");
            assert.equal(stack.outputs.logBucket, "acme-shared-logs");
            assert.deepEqual(
                stack.stackReferences.map((r: any) => [r.name, r.source.replace(/\(.*\)/, "")]),
                [
                    ["acme/network/prod", "planned network/prod "],
                    ["acme/shared/prod", `file ${shared}`],
                ],
            );
        });

        it("fails the stack, naming the reference and how to give it, when no outputs exist for it", async () => {
            const { run, stack } = await stackOf(["--dir", program("refs/app")]);
            assert.equal(run.exitCode, 1);
            assert.match(
                stack.error,
                /^StackReference "acme\/shared\/prod": no outputs for that stack .*--stack-outputs acme\/shared\/prod=FILE/,
            );
        });
    });

    describe("bad usage (exit 2, one line)", () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "plan-empty-"));
        const python = fs.mkdtempSync(path.join(os.tmpdir(), "plan-python-"));
        fs.writeFileSync(path.join(python, "Pulumi.yaml"), "name: py\nruntime: python\n");
        const list = path.join(empty, "list.json");
        fs.writeFileSync(list, "[1]");
        const cases: Array<[string, string[], RegExp]> = [
            [
                "a folder without Pulumi.yaml",
                ["--dir", empty],
                /^immutable plan: no Pulumi\.yaml in .*plan-empty-\w+ \(run plan in a Pulumi project folder, or pass --dir DIR\)$/,
            ],
            [
                "a Python project",
                ["--dir", python],
                /^immutable plan: .*Pulumi\.yaml: runtime "python" cannot be planned offline/,
            ],
            [
                "an unknown stack of the project",
                ["--dir", program("aws-ts"), "--stack", "prod"],
                /^immutable plan: unknown stack "prod" \(stacks of shop-aws: dev\)$/,
            ],
            [
                "a --stack-outputs without a file",
                ["--dir", program("refs/app"), "--stack-outputs", "acme/shared/prod"],
                /argument 'acme\/shared\/prod' is invalid\. expected org\/project\/stack=FILE/,
            ],
            [
                "a --stack-outputs file that does not exist",
                ["--dir", program("refs/app"), "--stack-outputs", `a/b/c=${path.join(empty, "none.json")}`],
                /^immutable plan: --stack-outputs a\/b\/c=.*none\.json: no such file$/,
            ],
            [
                "a --stack-outputs file that is not an object",
                ["--dir", program("refs/app"), "--stack-outputs", `a/b/c=${list}`],
                /^immutable plan: --stack-outputs a\/b\/c=.*list\.json: expected a JSON object of outputs, got an array$/,
            ],
            [
                "a --fakes file of another shape",
                ["--dir", program("unknown"), "--fakes", list],
                /^immutable plan: --fakes .*list\.json: expected \{"resources": /,
            ],
        ];
        for (const [what, args, expected] of cases) {
            it(`rejects ${what}`, async () => {
                const run = await runCli(["plan", ...args]);
                assert.equal(run.exitCode, 2, run.stderr);
                assert.equal(run.stdout, "");
                assert.match(run.stderr.split("\n")[0], expected);
            });
        }
    });
});
