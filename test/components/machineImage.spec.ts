/**
 * Golden machine images: one raw disk (a bake artifact) imported into AWS, GCP and Azure with the same
 * provenance, or a Packer manifest taken as it is (per-cloud provenance). Each cloud's import checked on the
 * registered inputs; the facade checked from a bake manifest file and from a Packer manifest.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthesize, type Synthesis } from "../../bin/lib/synthesize";
import { AwsMachineImage } from "../../components/aws/machineImage";
import { AzureMachineImage, galleryVersionName } from "../../components/azure/machineImage";
import { BAKE_MANIFEST_SCHEMA, BootMode } from "../../components/core/bakeManifest";
import { Cloud } from "../../components/core/clouds";
import { AwsDiskFormat, type MachineImageArtifactArgs } from "../../components/core/machineImageArgs";
import { machineImageRefProblem, sha256OfTags } from "../../components/core/machineImageRelease";
import { GcpMachineImage } from "../../components/gcp/machineImage";
import { MachineImage } from "../../components/machineImage";
import { evaluatePack } from "../../policy/evaluate";
import { byType, one, plain } from "./support/clouds";

const SHA = `sha256:${"c0ffee".repeat(10)}abcd`;
const GIT = "0123456789abcdef0123456789abcdef01234567";
const ARTIFACT: MachineImageArtifactArgs = {
    name: "api",
    version: "v1.4.2",
    gitSha: GIT,
    sha256: SHA,
    bootModes: [BootMode.Bios, BootMode.Uefi, BootMode.UefiSecureBoot],
    builtAt: "2025-11-29T19:01:02Z",
};
const STORAGE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/images";
const BLOB = "https://images.blob.core.windows.net/vhds/api-v1.4.2.vhd";

/** Synthesizes `make` in the build stack (the one stack the pack lets build images). */
function synth(make: () => unknown): Promise<Synthesis> {
    return synthesize(
        () => {
            make();
        },
        { project: "immutable", stack: "build" },
    );
}

/** A bake manifest as `bin/immutable bake --upload` writes it. */
function manifest(uploads: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const file = (name: string, sha = SHA) => ({ file: name, sha256: sha, sizeBytes: 2147483648 });
    return {
        schema: BAKE_MANIFEST_SCHEMA,
        name: "api",
        version: "v1.4.2",
        gitSha: GIT,
        raw: file("disk.raw"),
        formats: {
            gcp: file("disk.raw.tar.gz", `sha256:${"1".repeat(64)}`),
            azure: file("disk.vhd", `sha256:${"2".repeat(64)}`),
            aws: { ...file("disk.vmdk", `sha256:${"3".repeat(64)}`), format: "vmdk" },
        },
        bootModes: [
            { mode: "bios", smoke: "immutable-smoke ok", seconds: 22 },
            { mode: "uefi", smoke: "immutable-smoke ok", seconds: 24 },
        ],
        sshServer: false,
        packages: [{ name: "systemd", version: "252.36-1~deb12u1", arch: "amd64" }],
        definitionSha256: `sha256:${"4".repeat(64)}`,
        tools: { "qemu-img": "7.2.15" },
        durationsMs: { bootstrap: 71000 },
        builtAt: "2025-11-29T19:01:02Z",
        uploads,
        ...extra,
    };
}

const UPLOADS = {
    aws: { bucket: "images", key: "api/v1.4.2/disk.vmdk" },
    gcp: { url: "gs://images/api/v1.4.2/disk.raw.tar.gz" },
    azure: { url: BLOB },
};

function tempJson(name: string, doc: unknown): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "immutable-mi-"));
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(doc));
    return file;
}

describe("AwsMachineImage: the raw disk as an AMI", function () {
    this.timeout(30_000);
    let s: Synthesis;
    before(async () => {
        s = await synth(
            () =>
                new AwsMachineImage("api", {
                    ...ARTIFACT,
                    bucket: "images",
                    key: "api/v1.4.2/disk.vmdk",
                    format: AwsDiskFormat.Vmdk,
                }),
        );
    });

    it("imports the S3 object as a snapshot through a VM Import role that may read exactly that object", () => {
        const imp = plain(one(s, "aws:ebs/snapshotImport:SnapshotImport").inputs);
        assert.deepEqual(imp.diskContainer, {
            format: "VMDK",
            userBucket: { s3Bucket: "images", s3Key: "api/v1.4.2/disk.vmdk" },
        });
        assert.equal(imp.encrypted, true);
        const role = one(s, "aws:iam/role:Role");
        assert.equal(imp.roleName, role.outputs.name);
        const trust = JSON.parse(plain(role.inputs).assumeRolePolicy).Statement[0];
        assert.deepEqual(
            [trust.Principal.Service, trust.Condition.StringEquals["sts:Externalid"]],
            ["vmie.amazonaws.com", "vmimport"],
        );
        const statements = JSON.parse(plain(one(s, "aws:iam/rolePolicy:RolePolicy").inputs).policy).Statement;
        assert.deepEqual(statements[1], {
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: ["arn:aws:s3:::images/api/v1.4.2/disk.vmdk"],
        });
        const snapshot = one(s, "aws:ebs/snapshotImport:SnapshotImport");
        assert.ok(snapshot.dependencies.includes(one(s, "aws:iam/rolePolicy:RolePolicy").urn), "permission before use");
    });

    it("registers an HVM AMI with ENA, IMDSv2 required and the tested boot mode, tagged with the provenance", () => {
        const ami = plain(one(s, "aws:ec2/ami:Ami").inputs);
        assert.equal(ami.virtualizationType, "hvm");
        assert.equal(ami.enaSupport, true);
        assert.equal(ami.imdsSupport, "v2.0");
        assert.equal(ami.bootMode, "uefi-preferred");
        assert.equal(ami.ebsBlockDevices[0].snapshotId, one(s, "aws:ebs/snapshotImport:SnapshotImport").outputs.id);
        assert.equal(ami.name, `api-v1-4-2-${SHA.slice(7, 19)}`);
        assert.deepEqual(
            [
                ami.tags["image-version"],
                ami.tags["image-git-sha"],
                ami.tags["image-sha256"],
                ami.tags["image-provenance"],
            ],
            ["v1.4.2", GIT, SHA, "artifact"],
        );
    });

    for (const [modes, mode] of [
        [[BootMode.Bios], "legacy-bios"],
        [[BootMode.Uefi], "uefi"],
        [[BootMode.UefiSecureBoot], "uefi"],
    ] as const) {
        it(`states boot mode ${mode} for an image tested in ${modes.join(", ")}`, async () => {
            const t = await synth(
                () =>
                    new AwsMachineImage("api", {
                        ...ARTIFACT,
                        bootModes: [...modes],
                        bucket: "b",
                        key: "k",
                        format: AwsDiskFormat.Raw,
                    }),
            );
            assert.equal(plain(one(t, "aws:ec2/ami:Ami").inputs).bootMode, mode);
        });
    }
});

describe("GcpMachineImage: the raw disk's tar.gz as a Compute Engine image", function () {
    this.timeout(30_000);

    it("reads the tar.gz from Cloud Storage and names the image after the release and the disk, its family for people only", async () => {
        const s = await synth(
            () => new GcpMachineImage("api", { ...ARTIFACT, sourceUrl: "gs://images/api/v1.4.2/disk.raw.tar.gz" }),
        );
        const image = one(s, "gcp:compute/image:Image");
        const i = plain(image.inputs);
        assert.equal(i.rawDisk.source, "https://storage.googleapis.com/images/api/v1.4.2/disk.raw.tar.gz");
        assert.equal(i.name, `api-v1-4-2-${SHA.slice(7, 19)}`);
        assert.equal(i.family, "api");
        assert.ok(i.description.includes(SHA) && i.description.includes(GIT));
        assert.equal(
            machineImageRefProblem(Cloud.Gcp, image.outputs.selfLink),
            undefined,
            "the reference pins the image, not the family",
        );
    });

    it("declares UEFI_COMPATIBLE and SEV_CAPABLE only for an image tested in UEFI", async () => {
        const features = async (bootModes: BootMode[]) =>
            plain(
                one(
                    await synth(
                        () =>
                            new GcpMachineImage("api", {
                                ...ARTIFACT,
                                bootModes,
                                sourceUrl: "gs://images/api/disk.raw.tar.gz",
                            }),
                    ),
                    "gcp:compute/image:Image",
                ).inputs,
            ).guestOsFeatures.map((f: any) => f.type);
        assert.deepEqual(await features([BootMode.Bios, BootMode.Uefi]), [
            "SEV_CAPABLE",
            "UEFI_COMPATIBLE",
            "VIRTIO_SCSI_MULTIQUEUE",
        ]);
        assert.deepEqual(await features([BootMode.Bios]), ["VIRTIO_SCSI_MULTIQUEUE"]);
    });

    it("labels the image with the provenance within GCP's label rules (the sha256 in two halves)", async () => {
        const s = await synth(
            () => new GcpMachineImage("api", { ...ARTIFACT, sourceUrl: "gs://images/api/disk.raw.tar.gz" }),
        );
        const labels = plain(one(s, "gcp:compute/image:Image").inputs).labels;
        assert.equal(sha256OfTags(Cloud.Gcp, labels), SHA);
        assert.equal(labels["image-version"], "v1-4-2");
        for (const value of Object.values<string>(labels)) {
            assert.match(value, /^[a-z0-9_-]{0,63}$/);
        }
    });

    it("refuses a source that is not in Cloud Storage", () => {
        assert.throws(
            () => new GcpMachineImage("api", { ...ARTIFACT, sourceUrl: "https://example.com/disk.raw.tar.gz" }),
            /GcpMachineImage "api": sourceUrl must be gs:\/\/<bucket>\/<object> or https:\/\/storage\.googleapis\.com/,
        );
    });
});

describe("AzureMachineImage: the fixed VHD as a Compute Gallery image version", function () {
    this.timeout(30_000);
    const make = (extra: Partial<MachineImageArtifactArgs> = {}) =>
        synth(
            () =>
                new AzureMachineImage("api", {
                    ...ARTIFACT,
                    ...extra,
                    blobUrl: BLOB,
                    storageAccountId: STORAGE,
                    resourceGroupName: "rg",
                }),
        );

    it("defines a generalized Linux Gen2 image with Trusted Launch when tested with Secure Boot, Gen1 when BIOS only", async () => {
        const gen2 = plain(one(await make(), "azure-native:compute:GalleryImage").inputs);
        assert.deepEqual([gen2.osType, gen2.osState, gen2.hyperVGeneration], ["Linux", "Generalized", "V2"]);
        assert.deepEqual(gen2.features, [{ name: "SecurityType", value: "TrustedLaunchSupported" }]);
        const gen1 = plain(one(await make({ bootModes: [BootMode.Bios] }), "azure-native:compute:GalleryImage").inputs);
        assert.equal(gen1.hyperVGeneration, "V1");
        assert.equal(gen1.features, undefined);
    });

    it("makes the version from the page blob, tagged with the provenance, and names it by its pinned version id", async () => {
        const s = await make();
        const version = plain(one(s, "azure-native:compute:GalleryImageVersion").inputs);
        assert.deepEqual(version.storageProfile.osDiskImage.source, { uri: BLOB, storageAccountId: STORAGE });
        assert.equal(version.galleryImageVersionName, "1.4.2");
        assert.equal(sha256OfTags(Cloud.Azure, version.tags), SHA);
        assert.equal(version.tags["image-git-sha"], GIT);
    });

    for (const [version, builtAt, expected] of [
        ["v1.4.2", undefined, "1.4.2"],
        ["0123abc", "2025-11-29T19:01:02Z", "2025.1129.190102"],
        ["0123abc", "2026-01-05T09:05:03Z", "2026.105.90503"],
        ["0123abc", undefined, `0.${parseInt(SHA.slice(7, 14), 16)}.${parseInt(SHA.slice(14, 21), 16)}`],
    ] as const) {
        it(`names the gallery version of ${version}${builtAt ? ` built ${builtAt}` : ""} ${expected}`, () => {
            assert.equal(galleryVersionName({ name: "api", version, gitSha: GIT, sha256: SHA, builtAt }), expected);
        });
    }
});

describe("MachineImage: one disk imported once into three clouds", function () {
    this.timeout(60_000);
    const azure = { resourceGroupName: "rg", storageAccountId: STORAGE };

    it("imports a bake manifest into the three clouds with identical provenance, and the pack passes the imports", async () => {
        const file = tempJson("manifest.json", manifest(UPLOADS));
        let refs: unknown;
        const s = await synth(() => {
            const image = new MachineImage("api", {
                bakeManifestFile: file,
                clouds: [Cloud.Aws, Cloud.Gcp, Cloud.Azure],
                azure,
            });
            image.imageRefs.apply((r) => (refs = r));
            image.identicalAcrossClouds.apply((same) => assert.equal(same, true));
        });
        const tagged: Array<[Cloud, Record<string, string>]> = [
            [Cloud.Aws, plain(one(s, "aws:ec2/ami:Ami").inputs).tags],
            [Cloud.Gcp, plain(one(s, "gcp:compute/image:Image").inputs).labels],
            [Cloud.Azure, plain(one(s, "azure-native:compute:GalleryImageVersion").inputs).tags],
        ];
        for (const [cloud, tags] of tagged) {
            assert.equal(sha256OfTags(cloud, tags), SHA, `${cloud} carries the raw disk's sha256`);
            assert.equal(tags["image-git-sha"], GIT);
            assert.equal(tags["image-provenance"], "artifact");
        }
        assert.deepEqual(Object.keys(refs as object), ["aws", "gcp", "azure"]);
        for (const [cloud, ref] of Object.entries(refs as Record<string, string>)) {
            assert.equal(machineImageRefProblem(cloud as Cloud, ref), undefined, `${cloud}: ${ref}`);
        }
        const verdict = await evaluatePack(s.resources);
        assert.deepEqual(verdict.violations, []);
        assert.deepEqual(verdict.notJudged, []);
    });

    it("imports into the chosen clouds only", async () => {
        const file = tempJson("manifest.json", manifest(UPLOADS));
        const s = await synth(() => new MachineImage("api", { bakeManifestFile: file, clouds: [Cloud.Gcp] }));
        assert.deepEqual(
            s.resources.filter((r) => r.custom).map((r) => r.type),
            ["gcp:compute/image:Image"],
        );
    });

    it("says which upload is missing and how to make it", () => {
        const file = tempJson("manifest.json", manifest({ aws: UPLOADS.aws }));
        assert.throws(() => new MachineImage("api", { bakeManifestFile: file, clouds: [Cloud.Aws, Cloud.Gcp] }), {
            message:
                'MachineImage "api": uploads.gcp is missing: upload the gcp format first (bin/immutable bake --upload, or gsutil cp out/disk.raw.tar.gz gs://<bucket>/<object>), then name it here',
        });
    });

    it("refuses a manifest of another schema, and two sources at once", () => {
        const file = tempJson("manifest.json", manifest(UPLOADS, { schema: "immutable.bake/v0" }));
        assert.throws(
            () => new MachineImage("api", { bakeManifestFile: file, clouds: [Cloud.Aws] }),
            /schema must be "immutable\.bake\/v1", got "immutable\.bake\/v0"/,
        );
        assert.throws(
            () =>
                new MachineImage("api", {
                    bakeManifestFile: file,
                    artifact: { ...ARTIFACT, uploads: {} },
                    clouds: [Cloud.Aws],
                }),
            {
                message:
                    'MachineImage "api": source must be exactly one of bakeManifestFile, artifact or packerManifestFile, got bakeManifestFile and artifact',
            },
        );
    });

    it("refuses an artifact whose version is latest or whose sha256 is not one", async () => {
        const uploads = { aws: { bucket: "b", key: "k", format: AwsDiskFormat.Vmdk } };
        await assert.rejects(
            synth(
                () =>
                    new MachineImage("api", {
                        artifact: { ...ARTIFACT, version: "latest", uploads },
                        clouds: [Cloud.Aws],
                    }),
            ),
            /AwsMachineImage "api-aws": version must name one release \(a git SHA or a semver\), not the moving tag "latest"/,
        );
        await assert.rejects(
            synth(
                () =>
                    new MachineImage("api", { artifact: { ...ARTIFACT, sha256: "abc", uploads }, clouds: [Cloud.Aws] }),
            ),
            /AwsMachineImage "api-aws": sha256 must be the raw disk's sha256:<64 hex>, got "abc"/,
        );
    });
});

describe("MachineImage from a Packer manifest: per-cloud provenance", function () {
    this.timeout(30_000);
    const packer = (builds: unknown[]) => tempJson("packer-manifest.json", { builds, last_run_uuid: "run-2" });
    const build = (builder: string, artifact: string, run = "run-2") => ({
        name: builder,
        builder_type: builder,
        build_time: 1764400000,
        files: null,
        artifact_id: artifact,
        packer_run_uuid: run,
        custom_data: { version: "v2.0.0", git_sha: GIT },
    });
    const galleryVersion =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/api/versions/2.0.0";

    it("takes each cloud's image of the last run, imports nothing, and says the provenance is per cloud", async () => {
        const file = packer([
            build("amazon-ebs", "us-east-1:ami-0aaaaaaaaaaaaaaaa", "run-1"),
            build("amazon-ebs", "us-east-1:ami-0123456789abcdef0,eu-west-1:ami-0fedcba9876543210"),
            build("googlecompute", "api-v2-0-0"),
            build("azure-arm", galleryVersion),
        ]);
        const got: Record<string, unknown> = {};
        const s = await synth(() => {
            const image = new MachineImage("api", {
                packerManifestFile: file,
                clouds: [Cloud.Aws, Cloud.Gcp, Cloud.Azure],
                aws: { region: "eu-west-1" },
                gcp: { project: "images-prj" },
            });
            for (const key of [
                "imageRefs",
                "provenance",
                "identicalAcrossClouds",
                "sha256",
                "version",
                "gitSha",
            ] as const) {
                (image[key] as any).apply((v: unknown) => (got[key] = v));
            }
        });
        assert.deepEqual(
            s.resources.filter((r) => r.custom),
            [],
            "nothing is imported",
        );
        assert.deepEqual(got, {
            imageRefs: {
                aws: "ami-0fedcba9876543210",
                gcp: "projects/images-prj/global/images/api-v2-0-0",
                azure: galleryVersion,
            },
            provenance: "per-cloud",
            identicalAcrossClouds: false,
            sha256: undefined,
            version: "v2.0.0",
            gitSha: GIT,
        });
    });

    it("refuses a managed image (no version to pin) and a manifest without the cloud asked for", () => {
        const managed = packer([
            build("azure-arm", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/api"),
        ]);
        assert.throws(
            () => new MachineImage("api", { packerManifestFile: managed, clouds: [Cloud.Azure] }),
            /azure-arm build: artifact_id is a managed image, which has no version/,
        );
        const awsOnly = packer([build("amazon-ebs", "us-east-1:ami-0123456789abcdef0")]);
        assert.throws(
            () => new MachineImage("api", { packerManifestFile: awsOnly, clouds: [Cloud.Gcp] }),
            /clouds include gcp, but packer manifest .* has no gcp build/,
        );
    });
});

describe("machine image references", () => {
    const cases: Array<[Cloud, string, string | undefined]> = [
        [Cloud.Aws, "ami-0123456789abcdef0", undefined],
        [Cloud.Aws, "resolve:ssm:/aws/service/ami", "is an SSM parameter alias"],
        [Cloud.Gcp, "projects/prj-123/global/images/api-v1", undefined],
        [Cloud.Gcp, "projects/prj-123/global/images/family/api", "is an image family"],
        [Cloud.Gcp, "debian-cloud/debian-12", "must be an image of one name"],
        [
            Cloud.Azure,
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i/versions/1.2.3",
            undefined,
        ],
        [
            Cloud.Azure,
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i",
            "without a pinned version",
        ],
        [Cloud.Azure, "Canonical:ubuntu:22_04-lts:latest", "must be a Compute Gallery image version id"],
    ];
    for (const [cloud, ref, problem] of cases) {
        it(`${problem ? "refuses" : "accepts"} ${cloud} ${ref}`, () => {
            const got = machineImageRefProblem(cloud, ref);
            if (problem === undefined) {
                assert.equal(got, undefined);
            } else {
                assert.ok(got?.includes(problem), `${got} should include ${problem}`);
            }
        });
    }
    it("counts nothing but the imports in a synthesis of the three clouds", async () => {
        const s = await synth(
            () => new AwsMachineImage("api", { ...ARTIFACT, bucket: "b", key: "k", format: AwsDiskFormat.Vmdk }),
        );
        assert.deepEqual(byType(s, "aws:ec2/launchTemplate:LaunchTemplate"), [], "an image import launches nothing");
    });
});
