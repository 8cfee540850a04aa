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

/** Each tool's options for a quiet copy that keeps the object's checksum or blob type and never overwrites. */
const COPY_OPTIONS = {
    aws: ["--only-show-errors", "--checksum-algorithm", "SHA256"],
    azure: ["--blob-type", "PageBlob", "--overwrite", "false", "--log-level", "ERROR"],
};

/** The command that uploads one cloud's format from `dir`, and what the manifest records. */
export function uploadPlan(target: UploadTarget, manifest: BakeManifest, dir: string): UploadPlan {
    const m = PATTERNS[target.cloud].exec(target.url)!;
    const f = manifest.formats[target.cloud];
    const local = path.join(dir, f.file);
    const sha256 = f.sha256.slice(7);
    const objectName = (prefix: string | undefined) => objectPath(prefix, manifest.name, manifest.version, f.file);
    const plan = (command: string, args: string[], record: BakeUploads): UploadPlan => ({
        cloud: target.cloud,
        command,
        args,
        record,
    });
    if (target.cloud === Cloud.Aws) {
        const key = objectName(m[2]);
        const args = ["s3", "cp", local, `s3://${m[1]}/${key}`, ...COPY_OPTIONS.aws, "--metadata", `sha256=${sha256}`];
        return plan("aws", args, { aws: { bucket: m[1], key } });
    }
    if (target.cloud === Cloud.Gcp) {
        const object = objectName(m[2]);
        const args = ["-q", "-h", `x-goog-meta-sha256:${sha256}`, "cp", "-n", local, `gs://${m[1]}/${object}`];
        // Compute Engine's image import takes the https form of the object.
        return plan("gsutil", args, { gcp: { url: `https://storage.googleapis.com/${m[1]}/${object}` } });
    }
    const base = `https://${m[1]}.blob.core.windows.net/${m[2]}/${objectName(m[3])}`;
    // The SAS token (a credential) never goes into the manifest.
    return plan("azcopy", ["copy", local, `${base}${m[4] ?? ""}`, ...COPY_OPTIONS.azure], { azure: { url: base } });
}

/** Per cloud: the tool an upload runs, and whether the credentials it uses are there. */
const TOOLS: Record<Cloud, { command: string; noTool: string; noCredentials: string; credentials: Credentials }> = {
    [Cloud.Aws]: {
        command: "aws",
        noTool: "the aws CLI is not on PATH",
        noCredentials: "no AWS credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE, a web identity token or ~/.aws)",
        credentials: (env, exists) =>
            env.AWS_ACCESS_KEY_ID ||
            env.AWS_PROFILE ||
            env.AWS_WEB_IDENTITY_TOKEN_FILE ||
            env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
            exists(".aws/credentials") ||
            exists(".aws/config"),
    },
    [Cloud.Gcp]: {
        command: "gsutil",
        noTool: "gsutil is not on PATH",
        noCredentials: "no Google credentials (GOOGLE_APPLICATION_CREDENTIALS or gcloud auth login)",
        credentials: (env, exists) =>
            env.GOOGLE_APPLICATION_CREDENTIALS ||
            env.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE ||
            exists(".config/gcloud/credentials.db") ||
            exists(".boto"),
    },
    [Cloud.Azure]: {
        command: "azcopy",
        noTool: "azcopy is not on PATH",
        noCredentials: "no Azure credentials (a SAS token in the URL, AZCOPY_AUTO_LOGIN_TYPE or azcopy login)",
        credentials: (env, exists, url) =>
            /\?.*sig=/.test(url) || env.AZCOPY_AUTO_LOGIN_TYPE || env.AZCOPY_SPA_CLIENT_SECRET || exists(".azcopy"),
    },
};

/** Whether a tool's credentials are set: in the environment, in a file under the home directory, or in the URL. */
type Credentials = (env: NodeJS.ProcessEnv, exists: (homeFile: string) => boolean, url: string) => unknown;

/** Why a cloud's upload cannot run here (tool or credentials missing), or undefined. */
export function uploadUnavailable(target: UploadTarget, env: NodeJS.ProcessEnv = process.env): string | undefined {
    const tool = TOOLS[target.cloud];
    if (!onPath(tool.command, env)) {
        return tool.noTool;
    }
    const home = env.HOME ?? os.homedir();
    const exists = (p: string) => fs.existsSync(path.join(home, p));
    return tool.credentials(env, exists, target.url) ? undefined : tool.noCredentials;
}
