/**
 * Remediation through the real pack process: policy/index.ts started by @pulumi/pulumi's `run-policy-pack`, as
 * `pulumi up --policy-pack policy` starts it, configured with policy/config/remediate.json through the engine's
 * `configure` call, then asked the analyzer's `Remediate` (what the engine calls before it creates or updates a
 * resource) and `Analyze`. Each remediation shows the properties before and after, and the remediated resource
 * then passes its rule. The offline form (policy/remediations/) must give the same properties.
 */
import * as assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { RULES, ruleNamed } from "../../policy/catalog";
import { evaluatePack } from "../../policy/evaluate";
import { NEVER_REMEDIATED, REMEDIATIONS } from "../../policy/remediations/index";
import { plannedRemediations } from "../../policy/remediations/preview";
import { remediateInPlace, type Remediation } from "../../policy/remediations/remediation";
import { Family, MigrationStage, type ResourceRule } from "../../policy/rule";
import { RESOURCE_TYPE } from "../../policy/model/types";
import { SECRET_SIG, SIG_KEY, UNKNOWN } from "../../policy/wire";

const ROOT = path.resolve(__dirname, "..", "..");
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const structPb = require(
    require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.join(pulumiDir, "proto")] }),
);

const REMEDIATE_CONFIG = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", "remediate.json"), "utf8"));
const LEVELS: Record<string, number> = {
    advisory: analyzerPb.EnforcementLevel.ADVISORY,
    mandatory: analyzerPb.EnforcementLevel.MANDATORY,
    remediate: analyzerPb.EnforcementLevel.REMEDIATE,
    disabled: analyzerPb.EnforcementLevel.DISABLED,
};

function rpc(client: any, method: string, request: unknown): Promise<any> {
    return new Promise((resolve, reject) =>
        client[method](request, (err: unknown, resp: unknown) => (err ? reject(err) : resolve(resp))),
    );
}

function request(type: string, props: Record<string, unknown>, name = "r"): unknown {
    const req = new analyzerPb.AnalyzeRequest();
    req.setType(type);
    req.setUrn(`urn:pulumi:prod::shop::${type}::${name}`);
    req.setName(name);
    req.setProperties(structPb.Struct.fromJavaScript(props));
    req.setOptions(new analyzerPb.AnalyzerResourceOptions());
    return req;
}

/** A secret in the engine's wire format. */
const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

/** What the engine gets back from Remediate: per remediation, the policy and the properties after it. */
interface Remediated {
    policy: string;
    properties?: Record<string, unknown>;
    diagnostic?: string;
}

describe("remediation through the real pack process (Remediate over gRPC, policy/config/remediate.json)", function () {
    this.timeout(90_000);
    let pack: ChildProcess | undefined;
    let client: any;

    /** Configures the pack as `--policy-pack-config` does: the engine sends one entry per policy. */
    async function configure(config: Record<string, any>): Promise<void> {
        const req = new analyzerPb.ConfigureAnalyzerRequest();
        for (const rule of RULES) {
            const own = config[rule.name];
            const { enforcementLevel, ...properties } = typeof own === "object" ? own : { enforcementLevel: own };
            const level = enforcementLevel ?? config.all;
            if (level) {
                const cfg = new analyzerPb.PolicyConfig();
                cfg.setEnforcementlevel(LEVELS[level]);
                cfg.setProperties(structPb.Struct.fromJavaScript(properties));
                req.getPolicyconfigMap().set(rule.name, cfg);
            }
        }
        await rpc(client, "configure", req);
    }

    async function remediate(type: string, props: Record<string, unknown>): Promise<Remediated[]> {
        const resp = await rpc(client, "remediate", request(type, props));
        return resp.getRemediationsList().map((r: any) => ({
            policy: r.getPolicyname(),
            properties: r.hasProperties() ? r.getProperties().toJavaScript() : undefined,
            diagnostic: r.getDiagnostic() || undefined,
        }));
    }

    async function analyze(type: string, props: Record<string, unknown>): Promise<Array<[string, string]>> {
        const resp = await rpc(client, "analyze", request(type, props));
        return resp
            .getDiagnosticsList()
            .map((d: any) => [d.getPolicyname(), d.getEnforcementlevel() === LEVELS.mandatory ? "mandatory" : "other"]);
    }

    /** Remediates `before` for `rule` in the pack process, checks the properties after, and that they pass. */
    async function remediatesTo(
        rule: string,
        type: string,
        before: Record<string, unknown>,
        after: Record<string, unknown>,
    ): Promise<void> {
        assert.ok(
            (await analyze(type, before)).some(([p]) => p === rule),
            `${rule} rejects the resource before`,
        );
        const done = await remediate(type, before);
        assert.deepEqual(
            done.map((r) => r.policy),
            [rule],
        );
        assert.deepEqual(done[0].properties, after);
        assert.deepEqual(
            (await analyze(type, done[0].properties!)).filter(([p]) => p === rule),
            [],
            `${rule} passes the remediated resource`,
        );
        const offline = await evaluatePack([
            { urn: `urn:pulumi:prod::shop::${type}::r`, type, name: "r", inputs: done[0].properties! },
        ]);
        assert.deepEqual(
            offline.violations.filter((v) => v.policy === rule),
            [],
        );
        const pure = remediateInPlace(
            ruleNamed(rule) as ResourceRule<any>,
            REMEDIATIONS.get(rule)!,
            type,
            structuredClone(before),
            (ruleNamed(rule) as ResourceRule<any>).defaults,
        );
        assert.deepEqual(pure, after, "the offline remediation gives the engine's properties");
        const atRemediate = await evaluatePack(
            [{ urn: `urn:pulumi:prod::shop::${type}::r`, type, name: "r", inputs: before }],
            { config: REMEDIATE_CONFIG },
        );
        assert.deepEqual(
            atRemediate.remediated.map((r) => r.policy),
            [rule],
            "the offline evaluator at the remediate level reports what the engine remediates",
        );
        assert.deepEqual(
            atRemediate.violations.filter((v) => v.policy === rule),
            [],
        );
    }

    before(async function () {
        pack = spawn(process.execPath, [path.join(pulumiDir, "cmd", "run-policy-pack"), "127.0.0.1:0", "."], {
            cwd: path.join(ROOT, "policy"),
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        pack.stderr!.on("data", (d) => (stderr += d));
        const port = await new Promise<string>((resolve, reject) => {
            pack!.stdout!.once("data", (d) => resolve(String(d).trim()));
            pack!.once("exit", (code) => reject(new Error(`the pack exited (${code}): ${stderr}`)));
        });
        assert.match(port, /^\d+$/);
        client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        await configure(REMEDIATE_CONFIG);
    });

    after(() => {
        client?.close();
        pack?.kill();
    });

    it("ships policy/config/remediate.json: level remediate for exactly the rules with a remediation, advisory otherwise", () => {
        const remediating = Object.entries(REMEDIATE_CONFIG)
            .filter(([, level]) => level === "remediate")
            .map(([name]) => name)
            .sort();
        assert.deepEqual(remediating, [...REMEDIATIONS.keys()].sort());
        assert.equal(REMEDIATE_CONFIG.all, "advisory");
        for (const name of remediating) {
            assert.equal(
                ruleNamed(name)?.kind,
                "resource",
                `${name} is a resource rule (stack rules cannot remediate)`,
            );
        }
    });

    it("imdsv2-require: sets metadataOptions.httpTokens required on an instance, keeps the hop limit and a secret user data secret", async () => {
        const userData = secret("#!/bin/sh\nexec /opt/app/run");
        await remediatesTo(
            "imdsv2-require",
            RESOURCE_TYPE.awsInstance,
            {
                ami: "ami-0abc",
                metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 },
                userData,
            },
            {
                ami: "ami-0abc",
                metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
                userData,
            },
        );
    });

    it("imdsv2-require: adds metadataOptions to a launch template that has none", async () => {
        await remediatesTo(
            "imdsv2-require",
            RESOURCE_TYPE.awsLaunchTemplate,
            { imageId: "ami-0abc", instanceType: "t3.micro" },
            { imageId: "ami-0abc", instanceType: "t3.micro", metadataOptions: { httpTokens: "required" } },
        );
    });

    it("imdsv2-require: declines when the user data calls the metadata service without a token; the violation stays mandatory", async () => {
        const props = {
            ami: "ami-0abc",
            userData: "#!/bin/sh\nREGION=$(curl -s http://169.254.169.254/latest/meta-data/placement/region)",
        };
        assert.deepEqual(await remediate(RESOURCE_TYPE.awsInstance, props), []);
        assert.deepEqual(
            (await analyze(RESOURCE_TYPE.awsInstance, props)).filter(([p]) => p === "imdsv2-require"),
            [["imdsv2-require", "mandatory"]],
        );
        const withToken = {
            ...props,
            userData:
                '#!/bin/sh\nT=$(curl -sX PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 60")\n' +
                'curl -s -H "X-aws-ec2-metadata-token: $T" http://169.254.169.254/latest/meta-data/placement/region',
        };
        assert.deepEqual(
            (await remediate(RESOURCE_TYPE.awsInstance, withToken)).map((r) => r.policy),
            ["imdsv2-require"],
        );
    });

    it("registry-tag-immutability-require: ECR MUTABLE becomes IMMUTABLE", async () => {
        await remediatesTo(
            "registry-tag-immutability-require",
            RESOURCE_TYPE.awsEcrRepository,
            { name: "shop", imageTagMutability: "MUTABLE", forceDelete: false },
            { name: "shop", imageTagMutability: "IMMUTABLE", forceDelete: false },
        );
    });

    it("registry-tag-immutability-require: an Artifact Registry DOCKER repository gets dockerConfig.immutableTags", async () => {
        await remediatesTo(
            "registry-tag-immutability-require",
            RESOURCE_TYPE.gcpArtifactRepository,
            { repositoryId: "shop", format: "DOCKER", location: "europe-west1" },
            { repositoryId: "shop", format: "DOCKER", location: "europe-west1", dockerConfig: { immutableTags: true } },
        );
    });

    it("registry-tag-immutability-require: declines ECR exclusion filters (which tags may move is the team's choice)", async () => {
        const props = {
            name: "shop",
            imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters: [{ filter: "latest*", filterType: "WILDCARD" }],
        };
        assert.deepEqual(await remediate(RESOURCE_TYPE.awsEcrRepository, props), []);
        assert.deepEqual(
            (await analyze(RESOURCE_TYPE.awsEcrRepository, props)).map(([p]) => p),
            ["registry-tag-immutability-require"],
        );
    });

    it("project-ssh-keys-forbid: sets block-project-ssh-keys on a GCP instance, keeping its other metadata", async () => {
        await remediatesTo(
            "project-ssh-keys-forbid",
            RESOURCE_TYPE.gcpInstance,
            { machineType: "e2-small", zone: "europe-west1-b", metadata: { "startup-script": "exec /opt/app/run" } },
            {
                machineType: "e2-small",
                zone: "europe-west1-b",
                metadata: { "startup-script": "exec /opt/app/run", "block-project-ssh-keys": "true" },
            },
        );
    });

    it("serial-port-forbid: turns serial-port-enable off on an instance template and on a project metadata item", async () => {
        await remediatesTo(
            "serial-port-forbid",
            RESOURCE_TYPE.gcpProjectMetadataItem,
            { key: "serial-port-enable", value: "TRUE" },
            { key: "serial-port-enable", value: "false" },
        );
        const before = {
            machineType: "e2-small",
            metadata: { "block-project-ssh-keys": "true", "serial-port-enable": "true" },
        };
        const done = await remediate(RESOURCE_TYPE.gcpInstanceTemplate, before);
        assert.deepEqual(done, [
            {
                policy: "serial-port-forbid",
                properties: {
                    machineType: "e2-small",
                    metadata: { "block-project-ssh-keys": "true", "serial-port-enable": "false" },
                },
                diagnostic: undefined,
            },
        ]);
        const access = ["serial-port-forbid", "project-ssh-keys-forbid"];
        assert.deepEqual(
            (await analyze(RESOURCE_TYPE.gcpInstanceTemplate, done[0].properties!)).filter(([p]) => access.includes(p)),
            [],
        );
    });

    it("serial-port-forbid: writes where the resource keeps its metadata: a per-instance config's preserved state", async () => {
        await remediatesTo(
            "serial-port-forbid",
            RESOURCE_TYPE.gcpPerInstanceConfig,
            { instanceGroupManager: "web", preservedState: { metadata: { "serial-port-enable": "t" } } },
            { instanceGroupManager: "web", preservedState: { metadata: { "serial-port-enable": "false" } } },
        );
    });

    it("chains remediations on one resource: project keys blocked, then the serial port off, both in the final properties", async () => {
        const done = await remediate(RESOURCE_TYPE.gcpInstance, {
            machineType: "e2-small",
            metadata: secret({ "serial-port-enable": "1", "startup-script": "exec /opt/app/run" }),
        });
        assert.deepEqual(
            done.map((r) => r.policy),
            ["project-ssh-keys-forbid", "serial-port-forbid"],
        );
        const last = done[done.length - 1].properties!;
        assert.deepEqual(
            last.metadata,
            secret({
                "serial-port-enable": "false",
                "startup-script": "exec /opt/app/run",
                "block-project-ssh-keys": "true",
            }),
            "metadata stays a secret",
        );
        assert.deepEqual(
            (await analyze(RESOURCE_TYPE.gcpInstance, last))
                .map(([p]) => p)
                .filter((p) => p !== "golden-image-require"),
            [],
            "passes both rules (the image is not part of this spec)",
        );
    });

    it("ecs-exec-forbid: enableExecuteCommand becomes false", async () => {
        await remediatesTo(
            "ecs-exec-forbid",
            RESOURCE_TYPE.awsEcsService,
            { cluster: "arn:aws:ecs:eu-west-1:1:cluster/shop", enableExecuteCommand: true, desiredCount: 2 },
            { cluster: "arn:aws:ecs:eu-west-1:1:cluster/shop", enableExecuteCommand: false, desiredCount: 2 },
        );
    });

    it("leaves a compliant resource alone (no remediation reported)", async () => {
        assert.deepEqual(await remediate(RESOURCE_TYPE.awsEcsService, { enableExecuteCommand: false }), []);
        assert.deepEqual(
            await remediate(RESOURCE_TYPE.awsEcrRepository, { name: "x", imageTagMutability: "IMMUTABLE" }),
            [],
        );
    });

    it("cannot remediate during a preview when the value it reads is unknown: the engine's diagnostic", async () => {
        const done = await remediate(RESOURCE_TYPE.awsEcsService, { enableExecuteCommand: UNKNOWN });
        assert.equal(done.length, 1);
        assert.equal(done[0].policy, "ecs-exec-forbid");
        assert.match(done[0].diagnostic ?? "", /can't run remediation 'ecs-exec-forbid' .* during preview/);
    });

    it("remediates nothing when the level is mandatory (policy/config/mandatory.json): the violation blocks instead", async () => {
        await configure(JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", "mandatory.json"), "utf8")));
        try {
            const props = { enableExecuteCommand: true };
            assert.deepEqual(await remediate(RESOURCE_TYPE.awsEcsService, props), []);
            assert.deepEqual(await analyze(RESOURCE_TYPE.awsEcsService, props), [["ecs-exec-forbid", "mandatory"]]);
        } finally {
            await configure(REMEDIATE_CONFIG);
        }
    });
});

describe("remediations offline (policy/remediations/preview.ts)", () => {
    const urn = (name: string) => `urn:pulumi:prod::shop::x::${name}`;

    it("reports what each remediation would set, and why it declines, for the resources its rule rejects", () => {
        const planned = plannedRemediations([
            { urn: urn("svc"), type: RESOURCE_TYPE.awsEcsService, inputs: { enableExecuteCommand: true } },
            { urn: urn("ok"), type: RESOURCE_TYPE.awsEcsService, inputs: { enableExecuteCommand: false } },
            {
                urn: urn("repo"),
                type: RESOURCE_TYPE.awsEcrRepository,
                inputs: {
                    imageTagMutability: "MUTABLE_WITH_EXCLUSION",
                    imageTagMutabilityExclusionFilters: [{ filter: "v*", filterType: "WILDCARD" }],
                },
            },
            { urn: urn("sg"), type: "aws:ec2/securityGroup:SecurityGroup", inputs: { ingress: [] } },
            {
                urn: urn("fleet"),
                type: RESOURCE_TYPE.awsSpotFleetRequest,
                inputs: { launchSpecifications: [{ ami: "ami-1" }] },
            },
        ]);
        assert.deepEqual(planned, [
            { urn: urn("svc"), policy: "ecs-exec-forbid", sets: [{ path: ["enableExecuteCommand"], value: false }] },
            {
                urn: urn("repo"),
                policy: "registry-tag-immutability-require",
                declined: "imageTagMutability MUTABLE_WITH_EXCLUSION names exclusion filters: revise them by hand",
            },
            {
                urn: urn("fleet"),
                policy: "imdsv2-require",
                declined: `${RESOURCE_TYPE.awsSpotFleetRequest}: move it to a launch template that requires session tokens`,
            },
        ]);
    });

    it("reads secrets as the engine hands them, and leaves to deploy time a value it cannot know", () => {
        const planned = plannedRemediations([
            {
                urn: urn("lt"),
                type: RESOURCE_TYPE.awsLaunchTemplate,
                inputs: {
                    userData: secret(Buffer.from("curl http://169.254.169.254/latest/meta-data/").toString("base64")),
                },
            },
            { urn: urn("enc"), type: RESOURCE_TYPE.awsInstance, inputs: { ami: "ami-1", userData: secret(UNKNOWN) } },
        ]);
        assert.deepEqual(
            planned.map((p) => [p.policy, p.declined]),
            [
                ["imdsv2-require", "userData calls the metadata service without a session token (IMDSv1)"],
                ["imdsv2-require", "decided at deploy time: string value at .userData can't be known during preview"],
            ],
        );
    });

    it("leaves a repository labelled as a build cache to the team: immutable tags would break the cache", () => {
        const planned = plannedRemediations([
            {
                urn: urn("cache"),
                type: RESOURCE_TYPE.gcpArtifactRepository,
                inputs: { format: "DOCKER", repositoryId: "api", labels: { "immutable-role": "build-cache" } },
            },
        ]);
        assert.deepEqual(
            planned.map((p) => [p.policy, p.sets, p.declined]),
            [
                [
                    "registry-tag-immutability-require",
                    undefined,
                    "labelled as a build cache, whose tag must move: name it <repository>-buildcache, or drop the label",
                ],
            ],
        );
    });

    it("respects the rule's config: an allowed ECR exclusion filter is no violation, so nothing to remediate", () => {
        const inputs = {
            imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters: [{ filter: "cache-*", filterType: "WILDCARD" }],
        };
        const resource = [{ urn: urn("repo"), type: RESOURCE_TYPE.awsEcrRepository, inputs }];
        assert.equal(plannedRemediations(resource).length, 1);
        assert.deepEqual(
            plannedRemediations(resource, () => ({ allowedMutableTagFilters: ["cache-*"] })),
            [],
        );
    });
});

describe("remediation in place (policy/remediations/remediation.ts)", () => {
    /** A rule outside the pack: `level` must be 2. */
    const levelTwo: ResourceRule = {
        kind: "resource",
        name: "level-two-require",
        family: Family.Access,
        description: "Requires settings.level 2 on test resources.",
        why: "A spec's rule.",
        fix: "Set settings.level to 2.",
        enforcementLevel: "mandatory",
        stage: MigrationStage.CutOver,
        resourceTypes: ["test:index:Thing"],
        defaults: {},
        validate: (_type, props, _config, report) => (props.settings?.level === 2 ? undefined : report("not 2")),
    };
    const setsTo = (value: string | number): Remediation => ({
        rule: levelTwo.name,
        sets: "settings.level",
        safe: "a spec",
        plan: () => ({ sets: [{ path: ["settings", "level"], value }] }),
    });

    it("writes the sets when they satisfy the rule", () => {
        const props: Record<string, any> = { name: "a" };
        const fixed = remediateInPlace(levelTwo, setsTo(2), "test:index:Thing", props, {});
        assert.equal(fixed, props);
        assert.deepEqual(props, { name: "a", settings: { level: 2 } });
    });

    it("leaves the resource exactly as it was when the sets would not satisfy the rule", () => {
        const absent: Record<string, any> = { name: "a" };
        assert.equal(remediateInPlace(levelTwo, setsTo("two"), "test:index:Thing", absent, {}), undefined);
        assert.deepEqual(absent, { name: "a" }, "the parent object it created is removed again");
        const present: Record<string, any> = { name: "a", settings: { level: 1, other: true } };
        assert.equal(remediateInPlace(levelTwo, setsTo("two"), "test:index:Thing", present, {}), undefined);
        assert.deepEqual(present, { name: "a", settings: { level: 1, other: true } });
    });
});

describe("which rules remediate (policy/remediations/index.ts)", () => {
    it("decides every rule of the pack: a remediation, or the reason it never remediates, never both", () => {
        for (const rule of RULES) {
            assert.ok(
                REMEDIATIONS.has(rule.name) !== NEVER_REMEDIATED.has(rule.name),
                `${rule.name}: exactly one of REMEDIATIONS and NEVER_REMEDIATED`,
            );
        }
        const names = new Set(RULES.map((r) => r.name));
        for (const name of [...REMEDIATIONS.keys(), ...NEVER_REMEDIATED.keys()]) {
            assert.ok(names.has(name), `${name} is a rule of the pack`);
        }
    });

    it("never remediates stack rules (CrossGuard cannot) nor ingress, boot scripts and images (they need judgement)", () => {
        for (const rule of RULES.filter((r) => r.kind === "stack")) {
            assert.ok(NEVER_REMEDIATED.has(rule.name), rule.name);
        }
        for (const name of [
            "admin-ingress-forbid",
            "boot-install-forbid",
            "image-digest-require",
            "golden-image-require",
        ]) {
            assert.match(NEVER_REMEDIATED.get(name)!, /needs? judgement/);
        }
    });
});
