/**
 * `bake --upload CLOUD=URL`: each cloud's format copied to where that cloud imports from, with the cloud's own
 * command-line tool and the credentials it already has (none are handled here): the VMDK to S3 (`aws s3 cp`),
 * the tar.gz to GCS (`gsutil cp -n`), the fixed VHD to an Azure page blob (`azcopy copy --blob-type PageBlob`).
 * Object names carry the image name and version and are never overwritten. The URLs go into the manifest's
 * `uploads` for MachineImage. A cloud whose tool or credentials are missing is skipped with the reason.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BakeManifest, BakeUploads } from "../../../components/core/bakeManifest";
import { Cloud } from "../../../components/core/clouds";
import { onPath } from "./host";

/** Where one cloud's format goes. */
export interface UploadTarget {
    cloud: Cloud;
    /** `s3://bucket/prefix`, `gs://bucket/prefix` or `https://account.blob.core.windows.net/container/prefix[?SAS]`. */
    url: string;
}

/** One upload, ready to run. */
export interface UploadPlan {
    cloud: Cloud;
    /** The tool and its arguments. */
    command: string;
    args: string[];
    /** What the manifest records once it succeeded. */
    record: BakeUploads;
}

const PATTERNS: Record<Cloud, RegExp> = {
    [Cloud.Aws]: /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/[^?#]*)?$/,
    [Cloud.Gcp]: /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(\/[^?#]*)?$/,
    [Cloud.Azure]:
        /^https:\/\/([a-z0-9]{3,24})\.blob\.core\.windows\.net\/([a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?)(\/[^?#]*)?(\?.*)?$/,
};

const EXAMPLES: Record<Cloud, string> = {
    [Cloud.Aws]: "aws=s3://BUCKET/PREFIX",
    [Cloud.Gcp]: "gcp=gs://BUCKET/PREFIX",
    [Cloud.Azure]: "azure=https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX",
};

/** Parses `--upload CLOUD=URL` values (one per cloud). Throws with the expected form. */
export function parseUploads(specs: string[]): UploadTarget[] {
    const targets: UploadTarget[] = [];
    for (const spec of specs) {
        const eq = spec.indexOf("=");
        const cloud = spec.slice(0, eq) as Cloud;
        const url = spec.slice(eq + 1);
        if (eq < 0 || !Object.values(Cloud).includes(cloud)) {
            throw new Error(
                `--upload ${spec}: expected CLOUD=URL with CLOUD one of aws, gcp, azure (${Object.values(EXAMPLES).join(", ")})`,
            );
        }
        if (!PATTERNS[cloud].test(url)) {
            throw new Error(`--upload ${spec}: expected ${EXAMPLES[cloud]}`);
        }
        if (targets.some((t) => t.cloud === cloud)) {
            throw new Error(`--upload ${cloud} is given twice`);
        }
        targets.push({ cloud, url });
    }
    return targets;
}

function objectPath(prefix: string | undefined, name: string, version: string, file: string): string {
    const parts = (prefix ?? "").split("/").filter(Boolean);
    return [...parts, name, version, file].join("/");
}

/** The command that uploads one cloud's format from `dir`, and what the manifest records. */
export function uploadPlan(target: UploadTarget, manifest: BakeManifest, dir: string): UploadPlan {
    const m = PATTERNS[target.cloud].exec(target.url)!;
    if (target.cloud === Cloud.Aws) {
        const f = manifest.formats.aws;
        const key = objectPath(m[2], manifest.name, manifest.version, f.file);
        return {
            cloud: target.cloud,
            command: "aws",
            args: [
                "s3",
                "cp",
                path.join(dir, f.file),
                `s3://${m[1]}/${key}`,
                "--only-show-errors",
                "--checksum-algorithm",
                "SHA256",
                "--metadata",
                `sha256=${f.sha256.slice(7)}`,
            ],
            record: { aws: { bucket: m[1], key } },
        };
    }
    if (target.cloud === Cloud.Gcp) {
        const f = manifest.formats.gcp;
        const object = objectPath(m[2], manifest.name, manifest.version, f.file);
        return {
            cloud: target.cloud,
            command: "gsutil",
            args: [
                "-q",
                "-h",
                `x-goog-meta-sha256:${f.sha256.slice(7)}`,
                "cp",
                "-n",
                path.join(dir, f.file),
                `gs://${m[1]}/${object}`,
            ],
            // Compute Engine's image import takes the https form of the object.
            record: { gcp: { url: `https://storage.googleapis.com/${m[1]}/${object}` } },
        };
    }
    const f = manifest.formats.azure;
    const blob = objectPath(m[3], manifest.name, manifest.version, f.file);
    const base = `https://${m[1]}.blob.core.windows.net/${m[2]}/${blob}`;
    return {
        cloud: target.cloud,
        command: "azcopy",
        args: [
            "copy",
            path.join(dir, f.file),
            `${base}${m[4] ?? ""}`,
            "--blob-type",
            "PageBlob",
            "--overwrite",
            "false",
            "--log-level",
            "ERROR",
        ],
        // The SAS token (a credential) never goes into the manifest.
        record: { azure: { url: base } },
    };
}

/** Why a cloud's upload cannot run here (tool or credentials missing), or undefined. */
export function uploadUnavailable(target: UploadTarget, env: NodeJS.ProcessEnv = process.env): string | undefined {
    const home = env.HOME ?? os.homedir();
    const exists = (p: string) => fs.existsSync(path.join(home, p));
    if (target.cloud === Cloud.Aws) {
        if (!onPath("aws", env)) {
            return "the aws CLI is not on PATH";
        }
        const creds =
            env.AWS_ACCESS_KEY_ID ||
            env.AWS_PROFILE ||
            env.AWS_WEB_IDENTITY_TOKEN_FILE ||
            env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
            exists(".aws/credentials") ||
            exists(".aws/config");
        return creds
            ? undefined
            : "no AWS credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE, a web identity token or ~/.aws)";
    }
    if (target.cloud === Cloud.Gcp) {
        if (!onPath("gsutil", env)) {
            return "gsutil is not on PATH";
        }
        const creds =
            env.GOOGLE_APPLICATION_CREDENTIALS ||
            env.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE ||
            exists(".config/gcloud/credentials.db") ||
            exists(".boto");
        return creds ? undefined : "no Google credentials (GOOGLE_APPLICATION_CREDENTIALS or gcloud auth login)";
    }
    if (!onPath("azcopy", env)) {
        return "azcopy is not on PATH";
    }
    const sas = /\?.*sig=/.test(target.url);
    const creds = sas || env.AZCOPY_AUTO_LOGIN_TYPE || env.AZCOPY_SPA_CLIENT_SECRET || exists(".azcopy");
    return creds ? undefined : "no Azure credentials (a SAS token in the URL, AZCOPY_AUTO_LOGIN_TYPE or azcopy login)";
}
