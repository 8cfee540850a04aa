/**
 * The analyzer's own modules (internal to @pulumi/policy, stable across 1.x; pinned by test/policy/engine.spec.ts),
 * loaded on first use, the analyzer's handler type, and how the evaluator calls a handler.
 */
import * as path from "node:path";
import type { Policy } from "@pulumi/policy";

/** An analyzer RPC handler (`makeAnalyzeRpcFun`, `makeAnalyzeStackRpcFun`, `makeRemediateRpcFun`). */
export type RpcFun = (call: { request: unknown }, callback: (err: unknown, resp: any) => void) => Promise<void>;

/** The version the pack reports to the analyzer (policy/package.json). */
export const PACK_VERSION: string = require("../package.json").version;

// Loaded on first use: they load gRPC, @pulumi/pulumi and the protobuf messages, which the plain-JSON path (most
// of a plan or an audit, all of an audit of a stack export without secrets) never needs.
export interface AnalyzerModules {
    server: {
        makeAnalyzeRpcFun(pack: string, version: string, level: string, policies: Policy[]): RpcFun;
        makeAnalyzeStackRpcFun(pack: string, version: string, level: string, policies: Policy[]): RpcFun;
        makeRemediateRpcFun(pack: string, version: string, level: string, policies: Policy[]): RpcFun;
    };
    analyzerPb: any;
    structPb: any;
}
let analyzerModules: AnalyzerModules | undefined;
export function analyzer(): AnalyzerModules {
    if (!analyzerModules) {
        analyzerModules = {
            server: require("@pulumi/policy/server"),
            analyzerPb: require("@pulumi/pulumi/proto/analyzer_pb"),
            // The Struct of the google-protobuf copy @pulumi/pulumi's messages are generated against.
            structPb: require(
                require.resolve("google-protobuf/google/protobuf/struct_pb", {
                    paths: [path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb"))],
                }),
            ),
        };
    }
    return analyzerModules;
}

/** Calls a handler with a request, as the gRPC server would. */
export function call(fn: RpcFun, request: unknown): Promise<any> {
    return new Promise((resolve, reject) => {
        fn({ request }, (err, resp) => (err ? reject(err) : resolve(resp))).catch(reject);
    });
}
