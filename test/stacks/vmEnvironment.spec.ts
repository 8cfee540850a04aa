/**
 * The VM environment stacks (stacks/Pulumi.prod-vm-<cloud>.yaml, `immutable:target: vm`): each runs the build
 * stack's one golden machine image (its `machineImage` output, read through a StackReference) in a blue-green
 * instance group, never importing or building; one sha256 across the three clouds; the pack passes them and
 * rejects a mutable variant with the expected rules; a flip changes one resource.
 */
import * as assert from "node:assert/strict";
import { listShippedStacks, loadStackConfig, synthesizeStack } from "../../bin/lib/stacks";
import type { Synthesis } from "../../bin/lib/synthesize";
import { Cloud } from "../../components/core/clouds";
import { sha256OfTags } from "../../components/core/machineImageRelease";
import { evaluatePack } from "../../policy/evaluate";
import { VM_CLOUDS } from "../components/instanceGroup.adapters";
import { byType, plain } from "../components/support/clouds";
import { diffSyntheses } from "../components/support/diff";
import { BUILD_CACHE } from "../components/support/stacks";

const VM_STACKS = listShippedStacks().filter((s) => loadStackConfig(s).config["immutable:target"] === "vm");
const IMPORTS = [
    "aws:ebs/snapshotImport:SnapshotImport",
    "aws:ec2/ami:Ami",
    "gcp:compute/image:Image",
    "azure-native:compute:GalleryImageVersion",
];

function stack(name: string, config: Record<string, string> = {}): Promise<Synthesis> {
    return synthesizeStack(name, { config, cache: BUILD_CACHE });
}

describe("VM environment stacks", function () {
    this.timeout(60_000);
    let build: Synthesis;
    let machineImage: { version: string; gitSha: string; sha256: string; images: Record<string, string> };
    before(async () => {
        build = await synthesizeStack("build", { cache: BUILD_CACHE });
        machineImage = build.outputs.machineImage as typeof machineImage;
    });

    it("ships one prod VM environment per cloud", () => {
        assert.deepEqual([...VM_STACKS].sort(), ["prod-vm-aws", "prod-vm-azure", "prod-vm-gcp"]);
    });

    it("imports the build stack's machine image once per cloud, the three with identical provenance", () => {
        const tagsOf: Array<[Cloud, string, (i: any) => Record<string, string>]> = [
            [Cloud.Aws, "aws:ec2/ami:Ami", (i) => i.tags],
            [Cloud.Gcp, "gcp:compute/image:Image", (i) => i.labels],
            [Cloud.Azure, "azure-native:compute:GalleryImageVersion", (i) => i.tags],
        ];
        for (const [cloud, type, tags] of tagsOf) {
            const imports = byType(build, type);
            assert.equal(imports.length, 1, `${cloud}: one import`);
            const t = tags(plain(imports[0].inputs));
            assert.equal(sha256OfTags(cloud, t), machineImage.sha256);
            assert.equal(t["image-git-sha"], machineImage.gitSha);
        }
        assert.deepEqual(Object.keys(machineImage.images).sort(), ["aws", "azure", "gcp"]);
    });

    for (const a of VM_CLOUDS) {
        const name = `prod-vm-${a.cloud}`;
        describe(name, () => {
            it("boots the build stack's image on its cloud, tagged with the one sha256, and imports or builds nothing itself", async () => {
                const s = await stack(name);
                const template = byType(s, a.templateType)[0];
                assert.equal(a.templateImage(template), machineImage.images[a.cloud]);
                assert.equal(sha256OfTags(a.cloud, a.templateTags(template)), machineImage.sha256);
                assert.deepEqual(
                    s.resources.filter((r) => IMPORTS.includes(r.type) || r.type.startsWith("docker-build:")),
                    [],
                );
                assert.equal(s.outputs.releaseSource, "StackReference organization/immutable/build");
                assert.deepEqual(s.outputs.release, {
                    version: machineImage.version,
                    gitSha: machineImage.gitSha,
                    sha256: machineImage.sha256,
                    provenance: "artifact",
                });
                assert.deepEqual(s.outputs.trafficWeights, { blue: 100 });
            });

            it("passes the pack (update and preview), every resource judged", async () => {
                for (const preview of [false, true]) {
                    const s = await synthesizeStack(name, { preview, cache: new Map() });
                    const verdict = await evaluatePack(s.resources, { preview });
                    assert.deepEqual(verdict.violations, [], preview ? "preview" : "update");
                    assert.deepEqual(verdict.notJudged, []);
                }
            });

            it("changes one resource, the traffic resource, when live flips to the idle slot", async () => {
                const slots = {
                    blue: JSON.stringify({ version: "v0.9.0", image: a.image("v0.9.0") }),
                    green: "current",
                    lastDeployed: "green",
                };
                const before = await stack(name, { ...slots, live: "blue" });
                const after = await stack(name, { ...slots, live: "green" });
                const diff = diffSyntheses(before, after);
                assert.deepEqual(
                    diff.changed.map((c) => c.type),
                    [a.trafficType],
                );
                assert.ok(diff.changed[0].paths.every((p) => a.trafficPath.test(p)));
            });
        });
    }

    it("deploys a release given in config instead of the build stack's (immutable:machineImage)", async () => {
        const gcp = VM_CLOUDS[1];
        const release = {
            version: "v2.0.0",
            gitSha: "0123456789abcdef0123456789abcdef01234567",
            sha256: `sha256:${"e".repeat(64)}`,
            provenance: "artifact",
            bootModes: ["uefi"],
            images: { gcp: gcp.image("v2.0.0") },
        };
        const s = await stack("prod-vm-gcp", { machineImage: JSON.stringify(release) });
        assert.equal(s.outputs.releaseSource, "config immutable:machineImage");
        assert.equal(gcp.templateImage(byType(s, gcp.templateType)[0]), gcp.image("v2.0.0"));
        assert.equal(
            plain(byType(s, gcp.templateType)[0].inputs).shieldedInstanceConfig.enableSecureBoot,
            false,
            "not tested with Secure Boot",
        );
        assert.equal(byType(s, "pulumi:pulumi:StackReference").length, 0);
    });

    const refused: Array<[string, string, Record<string, string>, RegExp]> = [
        [
            "a pin to a container image",
            "prod-vm-aws",
            {
                green: JSON.stringify({
                    version: "v2",
                    image: `1.dkr.ecr.us-east-1.amazonaws.com/api@sha256:${"a".repeat(64)}`,
                }),
            },
            /config immutable:green\.image must be an AMI id \(ami-<hex>\)/,
        ],
        [
            "a pin to an image family",
            "prod-vm-gcp",
            { green: JSON.stringify({ version: "v2", image: "projects/p-images/global/images/family/api" }) },
            /config immutable:green\.image is an image family/,
        ],
        [
            "an unknown target",
            "prod-vm-azure",
            { target: "lambda" },
            /config immutable:target must be "container" or "vm", got "lambda"/,
        ],
        [
            "a release without an image for the stack's cloud",
            "prod-vm-azure",
            {
                machineImage: JSON.stringify({
                    version: "v2.0.0",
                    gitSha: "0123456789abcdef0123456789abcdef01234567",
                    sha256: `sha256:${"e".repeat(64)}`,
                    provenance: "artifact",
                    bootModes: ["uefi"],
                    images: { aws: "ami-0123456789abcdef0" },
                }),
            },
            /the machine-image release v2\.0\.0 has no image for azure \(images: aws\)/,
        ],
    ];
    for (const [what, name, config, error] of refused) {
        it(`refuses ${what}`, async () => {
            await assert.rejects(stack(name, config), error);
        });
    }
});

describe("the pack rejects a mutable variant of the VM stacks", function () {
    this.timeout(60_000);

    /** Each VM stack's template edited into what the pack exists to refuse, and the rules each must break. */
    const variants: Array<[string, string, (i: any) => void, string[]]> = [
        [
            "prod-vm-aws",
            "aws:ec2/launchTemplate:LaunchTemplate",
            (i) => {
                i.imageId = "resolve:ssm:/aws/service/debian/release/12/latest/amd64";
                i.keyName = "ops";
                i.metadataOptions = { httpTokens: "optional" };
                i.userData = Buffer.from("#!/bin/sh\napt-get install -y nginx\n").toString("base64");
            },
            ["boot-install-forbid", "golden-image-require", "imdsv2-require", "key-pair-forbid"],
        ],
        [
            "prod-vm-aws",
            "aws:autoscaling/group:Group",
            (i) => {
                i.launchTemplate.version = "$Latest";
                delete i.maxInstanceLifetime;
                delete i.instanceRefresh;
            },
            ["floating-launch-template-forbid", "instance-lifetime-require", "rolling-replacement-require"],
        ],
        [
            "prod-vm-gcp",
            "gcp:compute/instanceTemplate:InstanceTemplate",
            (i) => {
                i.disks[0].sourceImage = "projects/debian-cloud/global/images/family/debian-12";
                i.metadata["ssh-keys"] = "ops:ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ops";
                i.metadata["serial-port-enable"] = "TRUE";
                i.metadata["startup-script"] = "curl -fsSL https://example.com/setup.sh | bash";
            },
            ["boot-install-forbid", "golden-image-require", "metadata-ssh-keys-forbid", "serial-port-forbid"],
        ],
        [
            "prod-vm-gcp",
            "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
            (i) => (i.updatePolicy.type = "OPPORTUNISTIC"),
            ["rolling-replacement-require"],
        ],
        [
            "prod-vm-azure",
            "azure-native:compute:VirtualMachineScaleSet",
            (i) => {
                i.upgradePolicy.mode = "Manual";
                i.virtualMachineProfile.osProfile.linuxConfiguration.disablePasswordAuthentication = false;
                i.virtualMachineProfile.osProfile.adminPassword = "Hunter2-Hunter2!";
                i.virtualMachineProfile.storageProfile.imageReference = {
                    publisher: "Debian",
                    offer: "debian-12",
                    sku: "12",
                    version: "latest",
                };
            },
            ["golden-image-require", "password-auth-forbid", "rolling-replacement-require"],
        ],
    ];
    for (const [name, type, edit, rules] of variants) {
        it(`${name}: a ${type.split(":").pop()} made mutable breaks ${rules.join(", ")}`, async () => {
            const s: Synthesis = structuredClone(await synthesizeStack(name, { cache: BUILD_CACHE }));
            const r = s.resources.find((x) => x.type === type)!;
            const inputs = plain(r.inputs);
            edit(inputs);
            r.inputs = inputs;
            r.outputs = inputs;
            const verdict = await evaluatePack(s.resources);
            const broken = [...new Set(verdict.violations.filter((v) => v.urn === r.urn).map((v) => v.policy))].sort();
            assert.deepEqual(broken, rules);
            assert.ok(
                verdict.violations.every((v) => v.urn === r.urn),
                "only the edited resource is refused",
            );
        });
    }
});
