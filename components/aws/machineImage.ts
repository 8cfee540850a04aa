/**
 * AwsMachineImage: the bake's one raw disk imported into EC2 as an AMI.
 *
 * `ebs.SnapshotImport` reads the disk from S3 (the AWS format of the bake: stream-optimized VMDK or the raw disk)
 * through a VM Import service role of its own that may read exactly that object; `ec2.Ami` registers the snapshot
 * as an HVM image with ENA, IMDSv2 required for every instance (`imdsSupport: v2.0`) and the boot mode the image
 * was tested in (`uefi-preferred` when both BIOS and UEFI were). The snapshot and the AMI carry the provenance tags
 * (`image-version`, `image-git-sha`, `image-sha256`, `image-provenance`).
 *
 * Upload first (docs/machine-images.md): `aws s3 cp out/disk.vmdk s3://<bucket>/<name>/<version>/disk.vmdk`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BootMode } from "../core/bakeManifest";
import { Cloud } from "../core/clouds";
import {
    artifactDescription,
    type ArtifactIdentity,
    artifactIdentity,
    type ArtifactOutputs,
    artifactOutputs,
    artifactTags,
    AwsDiskFormat,
    imageName,
    type MachineImageArtifactArgs,
} from "../core/machineImageArgs";
import { componentType } from "../core/packageName";
import { Validator } from "../core/validation";

const COMPONENT = "AwsMachineImage";

/** Args of {@link AwsMachineImage}: the artifact and its S3 upload. */
export interface AwsMachineImageArgs extends MachineImageArtifactArgs {
    /** The S3 bucket holding the AWS format of the disk. */
    bucket: pulumi.Input<string>;
    /** The object key of the disk in the bucket. */
    key: pulumi.Input<string>;
    /** The format of that object. */
    format: AwsDiskFormat;
    /** An existing VM Import service role to use. Default: a role of its own that may read exactly this object. */
    importRoleName?: pulumi.Input<string>;
    /** Encrypt the snapshot (the account's default EBS key unless `kmsKeyId`). Default true. */
    encrypted?: pulumi.Input<boolean>;
    /** A KMS key for the snapshot. */
    kmsKeyId?: pulumi.Input<string>;
}

/** The bake's raw disk as an AMI; see the module comment. */
export class AwsMachineImage extends pulumi.ComponentResource implements ArtifactOutputs {
    /** The AMI id: what an instance group's slot pins (`ami-...`). */
    public readonly imageId: pulumi.Output<string>;
    /** The release version. */
    public readonly version!: pulumi.Output<string>;
    /** The git commit. */
    public readonly gitSha!: pulumi.Output<string>;
    /** The raw disk's sha256. */
    public readonly sha256!: pulumi.Output<string>;
    /** The provenance tags the snapshot and the AMI carry. */
    public readonly tags: pulumi.Output<Record<string, string>>;
    /** The import of the disk as an EBS snapshot. */
    public readonly snapshotImport: aws.ebs.SnapshotImport;
    /** The image. */
    public readonly ami: aws.ec2.Ami;
    /** The VM Import service role (undefined when `importRoleName` was given). */
    public readonly importRole: aws.iam.Role | undefined;

    constructor(name: string, args: AwsMachineImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType(COMPONENT), name, {}, opts);
        const v = new Validator(COMPONENT, name);
        const identity = artifactIdentity(v, args);
        Object.assign(this, artifactOutputs(identity));
        if (!Object.values(AwsDiskFormat).includes(args.format)) {
            v.fail(
                "format",
                `must be one of ${Object.values(AwsDiskFormat).join(", ")}, got ${JSON.stringify(args.format)}`,
            );
        }
        v.required(args, ["bucket", "key"], "(where `aws s3 cp` put the disk)");
        this.tags = artifactTags(Cloud.Aws, identity, args.labels);
        const role = vmImportRole(this, name, args, this.tags);
        this.importRole = role.role;
        this.snapshotImport = new aws.ebs.SnapshotImport(
            `${name}`,
            {
                description: identity.apply((id) => `${id.name} ${id.version} (${id.sha256})`),
                diskContainer: {
                    format: args.format.toUpperCase(),
                    userBucket: { s3Bucket: args.bucket, s3Key: args.key },
                },
                roleName: role.name,
                encrypted: args.encrypted ?? true,
                kmsKeyId: args.kmsKeyId,
                tags: this.tags,
            },
            { parent: this, dependsOn: role.dependsOn },
        );
        this.ami = ami(this, name, identity, awsBootMode(v, args.bootModes), this.snapshotImport, this.tags);
        this.imageId = this.ami.id;
        this.registerOutputs({
            imageId: this.imageId,
            version: this.version,
            gitSha: this.gitSha,
            sha256: this.sha256,
            tags: this.tags,
            snapshotImport: this.snapshotImport,
            ami: this.ami,
            importRole: this.importRole,
        });
    }
}

/** The VM Import service role to use: the given one, or one of its own that may read exactly the disk's object. */
function vmImportRole(
    parent: pulumi.Resource,
    name: string,
    args: AwsMachineImageArgs,
    tags: pulumi.Output<Record<string, string>>,
): { role: aws.iam.Role | undefined; name: pulumi.Input<string>; dependsOn: pulumi.Resource[] } {
    if (args.importRoleName !== undefined) {
        return { role: undefined, name: args.importRoleName, dependsOn: [] };
    }
    const role = new aws.iam.Role(
        `${name}-vmimport`,
        { assumeRolePolicy: JSON.stringify(vmImportTrust()), tags },
        { parent },
    );
    const policy = new aws.iam.RolePolicy(
        `${name}-vmimport`,
        {
            role: role.id,
            policy: pulumi
                .all([args.bucket, args.key, args.kmsKeyId])
                .apply(([bucket, key, kms]) => JSON.stringify(vmImportPolicy(bucket, key, kms))),
        },
        { parent },
    );
    return { role, name: role.name, dependsOn: [policy] };
}

/** The AMI: HVM, ENA, IMDSv2 required, the snapshot as its root volume, the tested boot mode. */
function ami(
    parent: pulumi.Resource,
    name: string,
    identity: pulumi.Output<ArtifactIdentity>,
    bootMode: string,
    snapshot: aws.ebs.SnapshotImport,
    tags: pulumi.Output<Record<string, string>>,
): aws.ec2.Ami {
    return new aws.ec2.Ami(
        `${name}`,
        {
            name: identity.apply((id) => imageName(id, 128)),
            description: identity.apply(artifactDescription),
            virtualizationType: "hvm",
            architecture: "x86_64",
            rootDeviceName: "/dev/xvda",
            ebsBlockDevices: [
                { deviceName: "/dev/xvda", snapshotId: snapshot.id, volumeType: "gp3", deleteOnTermination: true },
            ],
            enaSupport: true,
            imdsSupport: "v2.0",
            bootMode,
            tags,
        },
        { parent },
    );
}

/**
 * EC2's boot mode for the tested modes (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-boot.html):
 * both BIOS and UEFI tested: `uefi-preferred` (UEFI where the instance type has it); UEFI only: `uefi`; BIOS
 * only: `legacy-bios`. Secure Boot on EC2 needs the UEFI variable store (`uefiData`), which the bake does not
 * produce: a Secure Boot test counts as UEFI here.
 */
export function awsBootMode(v: Validator, modes: BootMode[]): string {
    const uefi = modes.includes(BootMode.Uefi) || modes.includes(BootMode.UefiSecureBoot);
    const bios = modes.includes(BootMode.Bios);
    if (uefi && bios) {
        return "uefi-preferred";
    }
    if (uefi) {
        return "uefi";
    }
    if (bios) {
        return "legacy-bios";
    }
    return v.fail("bootModes", "must include bios, uefi or uefi-secure-boot");
}

/** The VM Import service role's trust (https://docs.aws.amazon.com/vm-import/latest/userguide/required-permissions.html#vmimport-role). */
export function vmImportTrust(): Record<string, unknown> {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "vmie.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "sts:Externalid": "vmimport" } },
            },
        ],
    };
}

/** What VM Import needs to import one object as a snapshot (same page as {@link vmImportTrust}). */
export function vmImportPolicy(bucket: string, key: string, kmsKeyId: string | undefined): Record<string, unknown> {
    const statements: Record<string, unknown>[] = [
        { Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: [`arn:aws:s3:::${bucket}`] },
        { Effect: "Allow", Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${bucket}/${key}`] },
        {
            Effect: "Allow",
            Action: ["ec2:ModifySnapshotAttribute", "ec2:CopySnapshot", "ec2:RegisterImage", "ec2:Describe*"],
            Resource: "*",
        },
    ];
    if (kmsKeyId) {
        statements.push({
            Effect: "Allow",
            Action: [
                "kms:CreateGrant",
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:Encrypt",
                "kms:GenerateDataKey*",
                "kms:ReEncrypt*",
            ],
            Resource: [kmsKeyId],
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}
