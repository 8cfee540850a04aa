/**
 * What the constraints layer is run over: one synthesis per component as the specs use it (each cloud's service
 * with both slots, secrets and HTTPS where the cloud has it; the registries with their build cache; the build
 * stack with the cache on) and every shipped stack. Made once per process.
 */
import { synthesize, type Synthesis } from "../../bin/lib/synthesize";
import { listShippedStacks, synthesizeStack } from "../../bin/lib/stacks";
import { AwsImageRegistry } from "../../components/aws/imageRegistry";
import { AzureImageRegistry } from "../../components/azure/imageRegistry";
import { Slot } from "../../components/core/slots";
import { GcpImageRegistry } from "../../components/gcp/imageRegistry";
import { CLOUDS } from "../components/support/clouds";
import { digestOf, REPOS } from "../components/support/fixtures";

const memo = new Map<string, Promise<Synthesis>>();

function once(key: string, make: () => Promise<Synthesis>): Promise<Synthesis> {
    if (!memo.has(key)) {
        memo.set(key, make());
    }
    return memo.get(key)!;
}

/** Each cloud's service: blue live on v42, green deployed last on v43, a secret, plain env. */
export function serviceFixture(
    cloud: (typeof CLOUDS)[number],
    extra: Record<string, unknown> = {},
): Promise<Synthesis> {
    return once(`service ${cloud.cloud} ${JSON.stringify(extra)}`, () =>
        synthesize(
            () => {
                cloud.create("api", {
                    blue: { version: "v42", image: `${REPOS[cloud.cloud]}@${digestOf("v42")}` },
                    green: { version: "v43", image: `${REPOS[cloud.cloud]}@${digestOf("v43")}` },
                    live: Slot.Blue,
                    lastDeployed: Slot.Green,
                    env: { LOG_LEVEL: "info" },
                    secrets: { DB_PASSWORD: cloud.secretRef },
                    ...extra,
                });
            },
            { project: "immutable", stack: "constraints" },
        ),
    );
}

/** The three registries with their build-cache repositories. */
export function registriesFixture(): Promise<Synthesis> {
    return once("registries", () =>
        synthesize(
            () => {
                new AwsImageRegistry("api-aws", { repositoryName: "api", buildCache: true });
                new GcpImageRegistry("api-gcp", {
                    location: "us-central1",
                    artifactRepositoryId: "releases",
                    repositoryName: "api",
                    buildCache: true,
                });
                new AzureImageRegistry("api-azure", {
                    resourceGroupName: "rg",
                    registryName: "immutablereleases",
                    repositoryName: "api",
                    buildCache: true,
                });
            },
            { project: "immutable", stack: "constraints" },
        ),
    );
}

/** A shipped stack as shipped (`config` empty) or with overrides. */
export function stackFixture(name: string, config: Record<string, string> = {}): Promise<Synthesis> {
    return once(`stack ${name} ${JSON.stringify(config)}`, () => synthesizeStack(name, { config }));
}

/** Every shipped stack. */
export const SHIPPED = listShippedStacks();
