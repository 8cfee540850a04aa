/**
 * The constraints layer on machine images and instance groups: the groups of the three clouds (two slots, a
 * secret, chaos) and the machine-image imports satisfy every rule; each rule reports a synthesis that breaks it;
 * a release replaces instances and a flip changes one resource, checked as pairs of syntheses.
 */
import * as assert from "node:assert/strict";
import { synthesize, type Synthesis } from "../../bin/lib/synthesize";
import { BootMode } from "../../components/core/bakeManifest";
import { Cloud } from "../../components/core/clouds";
import { AwsDiskFormat } from "../../components/core/machineImageArgs";
import { Slot } from "../../components/core/slots";
import { MachineImage } from "../../components/machineImage";
import { release, synthGroup, twoSlots, VM_CLOUDS } from "../components/instanceGroup.adapters";
import { plain } from "../components/support/clouds";
import { evaluate, evaluatePair, MOCK_WORLD, PAIR_CONSTRAINTS } from "./index";
import { FLIP_CONSTRAINT, VM_CONSTRAINTS } from "./rules/vm";

const memo = new Map<string, Promise<Synthesis>>();
function group(cloud: number): Promise<Synthesis> {
    return synthGroup(VM_CLOUDS[cloud], twoSlots(VM_CLOUDS[cloud], Slot.Blue, { chaos: { hourUtc: 9 } }));
}

function imports(): Promise<Synthesis> {
    if (!memo.has("imports")) {
        memo.set(
            "imports",
            synthesize(
                () => {
                    new MachineImage("api", {
                        artifact: {
                            name: "api",
                            version: "v1.4.2",
                            gitSha: "0123456789abcdef0123456789abcdef01234567",
                            sha256: `sha256:${"ab".repeat(32)}`,
                            bootModes: [BootMode.Bios, BootMode.Uefi],
                            builtAt: "2025-11-29T19:01:02Z",
                            uploads: {
                                aws: { bucket: "images", key: "api/disk.vmdk", format: AwsDiskFormat.Vmdk },
                                gcp: { url: "gs://images/api/disk.raw.tar.gz" },
                                azure: { url: "https://images.blob.core.windows.net/vhds/api.vhd" },
                            },
                        },
                        clouds: [Cloud.Aws, Cloud.Gcp, Cloud.Azure],
                        azure: {
                            resourceGroupName: "rg",
                            storageAccountId:
                                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/images",
                        },
                    });
                },
                { project: "immutable", stack: "build" },
            ),
        );
    }
    return memo.get("imports")!;
}

function vmFindings(s: Synthesis): string[] {
    return evaluate(VM_CONSTRAINTS, s, MOCK_WORLD).map((f) => `${f.rule}: ${f.urn.split("::").pop()}: ${f.message}`);
}

/** A deep copy of `s` whose first resource of `type` (or the one named) is changed by `edit`. */
function broken(s: Synthesis, type: string, edit: (inputs: any) => void, name?: string): Synthesis {
    const copy: Synthesis = structuredClone(s);
    const r = copy.resources.find((x) => x.type === type && (name === undefined || x.name === name));
    assert.ok(r, `the fixture has a ${type}`);
    const inputs = plain(r.inputs);
    edit(inputs);
    r.inputs = inputs;
    return copy;
}

describe("constraints layer: machine images and instance groups", function () {
    this.timeout(60_000);

    describe("hold for the components", () => {
        VM_CLOUDS.forEach((a, i) => {
            it(`${a.component} with two slots, a secret and chaos`, async () => {
                assert.deepEqual(vmFindings(await group(i)), []);
            });
        });
        it("MachineImage importing one artifact into the three clouds", async () => {
            assert.deepEqual(vmFindings(await imports()), []);
        });
    });

    describe("report each rule when a synthesis breaks it", () => {
        const LT = "aws:ec2/launchTemplate:LaunchTemplate";
        const cases: Array<[string, () => Promise<Synthesis>]> = [
            [
                "vm.provenance.identical-across-clouds",
                async () =>
                    broken(
                        await imports(),
                        "gcp:compute/image:Image",
                        (i) => (i.labels["image-sha256-lo"] = "0".repeat(32)),
                    ),
            ],
            ["vm.access.no-ssh", async () => broken(await group(0), LT, (i) => (i.keyName = "ops"))],
            [
                "aws.asg.lifetime",
                async () =>
                    broken(await group(0), "aws:autoscaling/group:Group", (i) => (i.maxInstanceLifetime = 3600)),
            ],
            [
                "aws.asg.instance-refresh",
                async () =>
                    broken(
                        await group(0),
                        "aws:autoscaling/group:Group",
                        (i) => (i.instanceRefresh.preferences.checkpointPercentages = [50, 90]),
                    ),
            ],
            [
                "gcp.mig.regional-surge",
                async () =>
                    broken(
                        await group(1),
                        "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
                        (i) => (i.updatePolicy.maxSurgeFixed = 1),
                    ),
            ],
            [
                "gcp.compute.names-and-labels",
                async () =>
                    broken(
                        await group(1),
                        "gcp:compute/instanceTemplate:InstanceTemplate",
                        (i) => (i.labels["image-version"] = "V1.4.2"),
                    ),
            ],
            [
                "gcp.rotation.every-mig",
                async () =>
                    broken(
                        await group(1),
                        "gcp:cloudscheduler/job:Job",
                        (i) => (i.schedule = "0 4 * * 1"),
                        "api-rotate",
                    ),
            ],
            [
                "azure.lb.one-rule-per-pool-port",
                async () =>
                    broken(
                        await group(2),
                        "azure-native:network:LoadBalancer",
                        (i) =>
                            (i.loadBalancingRules[1].backendAddressPool = i.loadBalancingRules[0].backendAddressPool),
                    ),
            ],
            [
                "azure.vmss.rolling-needs-probe-on-rule",
                async () =>
                    broken(
                        await group(2),
                        "azure-native:compute:VirtualMachineScaleSet",
                        (i) => (i.virtualMachineProfile.networkProfile.healthProbe.id += "-other"),
                    ),
            ],
            [
                "azure.gallery.version-name",
                async () =>
                    broken(
                        await imports(),
                        "azure-native:compute:GalleryImageVersion",
                        (i) => (i.galleryImageVersionName = "v1.4.2"),
                    ),
            ],
            [
                "azure.rotation.every-scale-set",
                async () =>
                    broken(
                        await group(2),
                        "azure-native:logic:Workflow",
                        (i) => (i.definition.triggers.daily.recurrence.frequency = "Month"),
                        "api-rotate",
                    ),
            ],
        ];
        it("covers every machine-image and instance-group rule", () => {
            assert.deepEqual(cases.map(([rule]) => rule).sort(), VM_CONSTRAINTS.map((c) => c.id).sort());
        });
        for (const [rule, make] of cases) {
            it(rule, async () => {
                const got = evaluate(VM_CONSTRAINTS, await make(), MOCK_WORLD).filter((f) => f.rule === rule);
                assert.ok(got.length > 0, `${rule} reports the broken synthesis`);
                assert.match(got[0].doc, /^https:\/\//, "with the documentation it rests on");
            });
        }
        it("no-ssh also reports an inbound rule reaching port 22", async () => {
            const s = broken(
                await group(2),
                "azure-native:network:NetworkSecurityGroup",
                (i) => (i.securityRules[0].destinationPortRange = "20-30"),
            );
            assert.ok(
                evaluate(VM_CONSTRAINTS, s, MOCK_WORLD).some(
                    (f) => f.rule === "vm.access.no-ssh" && /SSH included/.test(f.message),
                ),
            );
        });
    });

    describe("a release replaces instances, a flip changes one resource", () => {
        VM_CLOUDS.forEach((a) => {
            it(`${a.component}: v44 to the idle slot passes the release rule; a flip passes the flip rule`, async () => {
                const before = await synthGroup(a, twoSlots(a));
                const released = await synthGroup(a, { ...twoSlots(a), green: release(a, "v44") });
                const flipped = await synthGroup(a, twoSlots(a, Slot.Green));
                assert.deepEqual(evaluatePair(PAIR_CONSTRAINTS, before, released), []);
                assert.deepEqual(evaluatePair([FLIP_CONSTRAINT], before, flipped), []);
                assert.ok(evaluatePair([FLIP_CONSTRAINT], before, released).length > 0, "a release is not a flip");
            });
        });

        it("reports a new image under an instance template that keeps its name", async () => {
            const gcp = VM_CLOUDS[1];
            const before = await synthGroup(gcp, twoSlots(gcp));
            const after = broken(
                before,
                gcp.templateType,
                (i) => (i.disks[0].sourceImage = gcp.image("v44")),
                "api-green",
            );
            assert.equal(
                evaluatePair(PAIR_CONSTRAINTS, before, after).filter((f) => f.rule === "vm.release.replaces-instances")
                    .length,
                1,
            );
        });

        it("reports a new image under a scale set that upgrades manually", async () => {
            const azure = VM_CLOUDS[2];
            const before = await synthGroup(azure, twoSlots(azure));
            const after = broken(
                before,
                azure.templateType,
                (i) => {
                    i.virtualMachineProfile.storageProfile.imageReference.id = azure.image("v44");
                    i.upgradePolicy.mode = "Manual";
                },
                "api-green",
            );
            assert.equal(
                evaluatePair(PAIR_CONSTRAINTS, before, after).filter((f) => f.rule === "vm.release.replaces-instances")
                    .length,
                1,
            );
        });

        it("reports a flip that changes a slot's resources too", async () => {
            const aws = VM_CLOUDS[0];
            const before = await synthGroup(aws, twoSlots(aws));
            const flipped = broken(
                await synthGroup(aws, twoSlots(aws, Slot.Green)),
                "aws:autoscaling/group:Group",
                (i) => (i.minSize = 3),
            );
            assert.ok(evaluatePair([FLIP_CONSTRAINT], before, flipped).length > 0);
        });
    });
});
