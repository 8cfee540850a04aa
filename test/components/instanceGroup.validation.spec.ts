/**
 * What the instance groups refuse, with the exact error (component, name, field, value), before any resource
 * exists; and the InstanceGroup facade, which loads only the chosen cloud's component.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { synthesize } from "../../bin/lib/synthesize";
import { Cloud } from "../../components/core/clouds";
import { Slot } from "../../components/core/slots";
import { InstanceGroup } from "../../components/instanceGroup";
import { release, twoSlots, VM_CLOUDS } from "./instanceGroup.adapters";
import { byType } from "./support/clouds";
import { digestOf, REPOS } from "./support/fixtures";

const [aws, gcp, azure] = VM_CLOUDS;

describe("instance groups refuse what is not immutable", () => {
    const cases: Array<[string, () => unknown, RegExp]> = [
        [
            "a container image where a machine image belongs",
            () =>
                aws.create("api", {
                    blue: { version: "v42", image: `${REPOS.aws}@${digestOf("v42")}` },
                    live: Slot.Blue,
                }),
            /^AwsInstanceGroup "api": blue\.image must be an AMI id \(ami-<hex>\), got "123456789012\.dkr\.ecr/,
        ],
        [
            "an SSM parameter alias instead of an AMI",
            () =>
                aws.create("api", {
                    blue: { version: "v42", image: "resolve:ssm:/aws/service/debian/release/12/latest/amd64" },
                    live: Slot.Blue,
                }),
            /^AwsInstanceGroup "api": blue\.image is an SSM parameter alias, which resolves to whatever image the parameter names today/,
        ],
        [
            "an image family instead of an image",
            () =>
                gcp.create("api", {
                    blue: { version: "v42", image: "projects/immutable-mock/global/images/family/api" },
                    live: Slot.Blue,
                }),
            /^GcpInstanceGroup "api": blue\.image is an image family, which resolves to its newest image/,
        ],
        [
            "a gallery image without a version",
            () =>
                azure.create("api", {
                    blue: {
                        version: "v42",
                        image: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/api",
                    },
                    live: Slot.Blue,
                }),
            /^AzureInstanceGroup "api": blue\.image is a gallery image without a pinned version/,
        ],
        [
            "a gallery image at version latest",
            () =>
                azure.create("api", {
                    blue: {
                        version: "v42",
                        image: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/api/versions/latest",
                    },
                    live: Slot.Blue,
                }),
            /^AzureInstanceGroup "api": blue\.image is a gallery image without a pinned version/,
        ],
        [
            "a lifetime under the 24 hours AWS allows",
            () => aws.create("api", { ...twoSlots(aws), maxInstanceLifetimeHours: 12 }),
            /^AwsInstanceGroup "api": maxInstanceLifetimeHours must be an integer from 24 to 8760, got 12$/,
        ],
        [
            "a rotation hour that is not one",
            () => gcp.create("api", { ...twoSlots(gcp), rotationHourUtc: 24 }),
            /^GcpInstanceGroup "api": rotationHourUtc must be an integer from 0 to 23, got 24$/,
        ],
        [
            "a plaintext secret in env",
            () => azure.create("api", { ...twoSlots(azure), env: { API_TOKEN: "hunter2hunter2" } }),
            /^AzureInstanceGroup "api": env\.API_TOKEN names a secret/,
        ],
        [
            "a secret value where its reference belongs (AWS)",
            () => aws.create("api", { ...twoSlots(aws), secrets: { DB_PASSWORD: { ref: "hunter2hunter2" } } }),
            /^AwsInstanceGroup "api": secrets\.DB_PASSWORD\.ref must be a Secrets Manager secret ARN or an SSM parameter ARN/,
        ],
        [
            "a secret without a pinned version (GCP)",
            () => gcp.create("api", { ...twoSlots(gcp), secrets: { DB_PASSWORD: { ref: "api-db-password" } } }),
            /^GcpInstanceGroup "api": secrets\.DB_PASSWORD\.version is required/,
        ],
        [
            "a bad sha256 on a slot",
            () => aws.create("api", { blue: { ...release(aws, "v42"), sha256: "sha256:abc" }, live: Slot.Blue }),
            /^AwsInstanceGroup "api": blue\.sha256 must be sha256:<64 hex>, got "sha256:abc"$/,
        ],
        [
            "the live slot without a release",
            () => gcp.create("api", { blue: release(gcp, "v42"), live: Slot.Green }),
            /^GcpInstanceGroup "api": live is "green", but green holds no release/,
        ],
        [
            "an application unit that is not a service",
            () => aws.create("api", { ...twoSlots(aws), appUnit: "app.socket" }),
            /^AwsInstanceGroup "api": appUnit must be a systemd service unit name/,
        ],
    ];
    for (const [what, make, error] of cases) {
        it(`refuses ${what}`, () => {
            assert.throws(make, (e: Error) => {
                assert.match(e.message, error);
                return true;
            });
        });
    }

    it("refuses a bad Key Vault reference", () => {
        assert.throws(
            () =>
                azure.create("api", {
                    ...twoSlots(azure),
                    secrets: { DB_PASSWORD: { ref: "https://example.com/secret" } },
                }),
            /AzureInstanceGroup "api": secrets\.DB_PASSWORD\.ref must be a Key Vault secret URL/,
        );
    });
});

describe("InstanceGroup (the cloud-neutral facade)", function () {
    this.timeout(60_000);
    for (const a of VM_CLOUDS) {
        it(`creates ${a.component} as its child on ${a.cloud}`, async () => {
            const specifics = {
                aws: { vpcId: "vpc-0spec", subnetIds: ["subnet-0a", "subnet-0b"] },
                gcp: { region: "us-central1" },
                azure: {
                    resourceGroupName: "rg-spec",
                    subnetId:
                        "/subscriptions/s/resourceGroups/rg-spec/providers/Microsoft.Network/virtualNetworks/v/subnets/i",
                },
            }[a.cloud];
            const s = await synthesize(
                () => {
                    const g = new InstanceGroup("api", { ...twoSlots(a), cloud: a.cloud, [a.cloud]: specifics });
                    return { weights: g.trafficWeights };
                },
                { project: "immutable", stack: "spec" },
            );
            assert.equal(byType(s, `immutable-infra:index:${a.component}`).length, 1);
            assert.deepEqual(s.outputs.weights, { blue: 100, green: 0 });
        });
    }

    it("refuses a cloud without its specifics", () => {
        assert.throws(() => new InstanceGroup("api", { ...twoSlots(gcp), cloud: Cloud.Gcp }), {
            message: 'InstanceGroup "api": gcp is required when cloud is gcp',
        });
    });

    it("loads only the chosen cloud's SDK (an AWS program does not load @pulumi/gcp or @pulumi/azure-native)", () => {
        const root = path.resolve(__dirname, "..", "..");
        const script = `
            require(${JSON.stringify(path.join(root, "components/instanceGroup"))});
            require(${JSON.stringify(path.join(root, "components/machineImage"))});
            require(${JSON.stringify(path.join(root, "components/aws/instanceGroup"))});
            const loaded = Object.keys(require.cache);
            console.log(JSON.stringify(["@pulumi/aws/", "@pulumi/gcp/", "@pulumi/azure-native/"].map((p) => loaded.some((f) => f.includes("node_modules/" + p)))));
        `;
        const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
            cwd: root,
            env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
        });
        assert.deepEqual(JSON.parse(out.toString().trim().split("\n").pop()!), [true, false, false]);
    });
});
