/**
 * The pack as the Pulumi engine runs it: policy/index.ts started by @pulumi/pulumi's `run-policy-pack`
 * (what `pulumi preview --policy-pack policy` launches: cwd = the pack directory, ts-node with type checking),
 * spoken to over the analyzer's gRPC protocol. Its verdicts on the mutable fixture must equal the offline
 * evaluator's, message for message, which pins policy/evaluate.ts to the real pack process.
 */
import * as assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { synthesize, type SynthesizedResource } from "../../bin/lib/synthesize";
import { RULES } from "../../policy/catalog";
import { evaluatePack, type Violation } from "../../policy/evaluate";
import { mutableProgram } from "./fixtures/mutableProgram";

const ROOT = path.resolve(__dirname, "..", "..");
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const structPb = require(
    require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.join(pulumiDir, "proto")] }),
);
const emptyPb = require(
    require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [path.join(pulumiDir, "proto")] }),
);

function rpc(client: any, method: string, request: unknown): Promise<any> {
    return new Promise((resolve, reject) =>
        client[method](request, (err: unknown, resp: unknown) => (err ? reject(err) : resolve(resp))),
    );
}

const LEVEL: Record<number, string> = { 0: "advisory", 1: "mandatory" };

function violations(resp: any, fallbackUrn: string): Violation[] {
    return resp.getDiagnosticsList().map((d: any) => {
        const rule = RULES.find((r) => r.name === d.getPolicyname())!;
        return {
            policy: d.getPolicyname(),
            urn: d.getUrn() || fallbackUrn,
            enforcementLevel: LEVEL[d.getEnforcementlevel()],
            message: d.getMessage().slice(rule.description.length + 1),
        } as Violation;
    });
}

function analyzerResource<T>(msg: T & Record<string, any>, r: SynthesizedResource, props: Record<string, unknown>): T {
    msg.setType(r.type);
    msg.setUrn(r.urn);
    msg.setName(r.name);
    msg.setProperties(structPb.Struct.fromJavaScript(props));
    msg.setOptions(new analyzerPb.AnalyzerResourceOptions());
    return msg;
}

describe("the pack process (run-policy-pack + gRPC), as the engine runs it", function () {
    this.timeout(90_000);
    let pack: ChildProcess | undefined;
    let client: any;
    let resources: SynthesizedResource[];

    before(async function () {
        pack = spawn(process.execPath, [path.join(pulumiDir, "cmd", "run-policy-pack"), "127.0.0.1:0", "."], {
            cwd: path.join(ROOT, "policy"),
            stdio: ["ignore", "pipe", "pipe"],
        });
        const synthesis = synthesize(mutableProgram, { project: "mutable", stack: "dev" }); // while the pack starts
        let stderr = "";
        pack.stderr!.on("data", (d) => (stderr += d));
        const port = await new Promise<string>((resolve, reject) => {
            pack!.stdout!.once("data", (d) => resolve(String(d).trim()));
            pack!.once("exit", (code) => reject(new Error(`the pack exited (${code}): ${stderr}`)));
        });
        assert.match(port, /^\d+$/);
        resources = (await synthesis).resources;
        client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        pack?.kill();
    });

    it("serves immutable-infrastructure with the version of policy/package.json and every rule of the catalog", async () => {
        const info = await rpc(client, "getAnalyzerInfo", new emptyPb.Empty());
        assert.equal(info.getName(), "immutable-infrastructure");
        assert.equal(info.getVersion(), require("../../policy/package.json").version);
        assert.deepEqual(
            info.getPoliciesList().map((p: any) => [p.getName(), LEVEL[p.getEnforcementlevel()]]),
            RULES.map((r) => [r.name, r.enforcementLevel]),
        );
    });

    it("gives the same verdicts as the offline evaluator on the mutable program", async () => {
        const served: Violation[] = [];
        for (const r of resources) {
            if (r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:")) {
                continue;
            }
            const resp = await rpc(client, "analyze", analyzerResource(new analyzerPb.AnalyzeRequest(), r, r.inputs));
            served.push(...violations(resp, r.urn));
        }
        const stack = new analyzerPb.AnalyzeStackRequest();
        stack.setResourcesList(
            resources.map((r) => {
                const m = analyzerResource(new analyzerPb.AnalyzerResource(), r, r.outputs);
                if (r.parent) {
                    m.setParent(r.parent);
                }
                m.setDependenciesList(r.dependencies);
                return m;
            }),
        );
        served.push(...violations(await rpc(client, "analyzeStack", stack), resources[0].urn));
        const offline = await evaluatePack(resources);
        const key = (v: Violation) => `${v.policy} ${v.urn} ${v.enforcementLevel} ${v.message}`;
        assert.ok(served.length > 20);
        assert.deepEqual(served.map(key).sort(), offline.violations.map(key).sort());
    });

    it("takes --policy-pack-config through the engine's configure call, like the offline evaluator", async () => {
        const req = new analyzerPb.ConfigureAnalyzerRequest();
        const cfg = new analyzerPb.PolicyConfig();
        cfg.setEnforcementlevel(analyzerPb.EnforcementLevel.ADVISORY);
        cfg.setProperties(structPb.Struct.fromJavaScript({ maxHours: 168 }));
        req.getPolicyconfigMap().set("instance-lifetime-require", cfg);
        await rpc(client, "configure", req);
        const asg = resources.find((r) => r.name === "web-asg")!;
        const week = { ...asg.inputs, maxInstanceLifetime: 7 * 24 * 3600 };
        const served = violations(
            await rpc(client, "analyze", analyzerResource(new analyzerPb.AnalyzeRequest(), asg, week)),
            asg.urn,
        );
        const offline = await evaluatePack([{ ...asg, inputs: week }], {
            config: { "instance-lifetime-require": { enforcementLevel: "advisory", maxHours: 168 } },
        });
        const key = (v: Violation) => `${v.policy} ${v.enforcementLevel} ${v.message}`;
        assert.deepEqual(served.map(key).sort(), offline.violations.map(key).sort());
        assert.ok(!served.some((v) => v.policy === "instance-lifetime-require"));
    });
});
