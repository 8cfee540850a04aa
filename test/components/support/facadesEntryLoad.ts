/**
 * Run by the facades entry spec in a child process: imports the facades entry (components/facades.ts, the source of
 * `immutable-infra/facades`), then constructs an AWS ContainerService through it under the mocks, and prints which
 * cloud SDKs (@pulumi/aws, @pulumi/gcp, @pulumi/azure-native) the process had loaded after each step:
 * `{"afterImport": [...], "afterAwsService": [...]}`.
 * Usage: node -r ts-node/register/transpile-only test/components/support/facadesEntryLoad.ts
 */
import { synthesize } from "../../../bin/lib/synthesize";
import { Cloud } from "../../../components/core/clouds";
import { Slot } from "../../../components/core/slots";
import { digestOf, REPOS } from "./fixtures";
import { AWS_NETWORK } from "./places";

function loadedSdks(): string[] {
    const sdks = Object.keys(require.cache)
        .map((file) => /node_modules\/(@pulumi\/(?:aws|gcp|azure-native))\//.exec(file)?.[1])
        .filter((sdk): sdk is string => sdk !== undefined);
    return [...new Set(sdks)].sort();
}

const facades = require("../../../components/facades") as typeof import("../../../components/facades");
const afterImport = loadedSdks();

synthesize(
    () => {
        const svc = new facades.ContainerService("api", {
            cloud: Cloud.Aws,
            blue: { version: "v42", image: `${REPOS[Cloud.Aws]}@${digestOf("v42")}` },
            live: Slot.Blue,
            aws: AWS_NETWORK,
        });
        return { url: svc.url };
    },
    { project: "immutable", stack: "spec" },
).then(
    (s) => {
        const services = s.resources.filter((r) => r.type === "immutable-infra:index:AwsContainerService").length;
        process.stdout.write(JSON.stringify({ afterImport, afterAwsService: loadedSdks(), services }));
    },
    (err) => {
        process.stderr.write(`${err?.stack ?? err}\n`);
        process.exit(1);
    },
);
