/**
 * Run by the facade spec in a child process: constructs a ContainerService on the cloud named by argv[2] under
 * the mocks and prints which cloud SDKs (@pulumi/aws, @pulumi/gcp, @pulumi/azure-native) the process loaded.
 * Usage: node -r ts-node/register/transpile-only test/components/support/facadeLoad.ts aws
 */
import { synthesize } from "../../../bin/lib/synthesize";
import { ContainerService } from "../../../components/containerService";
import { Cloud } from "../../../components/core/clouds";
import { Slot } from "../../../components/core/slots";
import { AWS_NETWORK, AZURE_PLACE } from "./places";
import { digestOf, REPOS } from "./fixtures";

const cloud = process.argv[2] as Cloud;
const specifics = {
    [Cloud.Aws]: { aws: AWS_NETWORK },
    [Cloud.Gcp]: { gcp: { region: "us-central1" } },
    [Cloud.Azure]: { azure: AZURE_PLACE },
}[cloud];

synthesize(
    () => {
        const svc = new ContainerService("api", {
            cloud,
            blue: { version: "v42", image: `${REPOS[cloud]}@${digestOf("v42")}` },
            live: Slot.Blue,
            ...specifics,
        });
        return { url: svc.url };
    },
    { project: "immutable", stack: "spec" },
).then(
    () => {
        const sdks = Object.keys(require.cache)
            .map((file) => /node_modules\/(@pulumi\/(?:aws|gcp|azure-native))\//.exec(file)?.[1])
            .filter((sdk): sdk is string => sdk !== undefined);
        process.stdout.write(JSON.stringify([...new Set(sdks)].sort()));
    },
    (err) => {
        process.stderr.write(`${err?.stack ?? err}\n`);
        process.exit(1);
    },
);
