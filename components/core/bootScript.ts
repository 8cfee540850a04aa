/**
 * The boot script every instance group hands its instances (AWS user data, GCP `user-data` metadata, Azure
 * customData; cloud-init runs it once per instance). It only fetches configuration and secrets and starts the
 * application the image already holds: plain environment written as it is, each secret read from the cloud's
 * secret store by reference (the value never passes through Pulumi), all into a root-only tmpfs file the
 * application's unit reads. Nothing is installed or downloaded to run: the image is the release, and the pack's
 * boot-install-forbid checks it. Pure, no Pulumi import.
 *
 * The contract with the image (docs/machine-images.md): the application's systemd unit is {@link APP_UNIT}, with
 * `EnvironmentFile=` {@link BOOT_ENV_FILE}; the image has `python3` (cloud-init needs it), `curl` (GCP, Azure) and
 * the AWS CLI (AWS, when secrets are referenced).
 */

/** The environment file the boot script writes and the application's unit reads. */
export const BOOT_ENV_FILE = "/run/immutable/app.env";
/** Each secret also as its own root-only file, for applications that read files (`<dir>/<NAME>`). */
export const BOOT_SECRETS_DIR = "/run/immutable/secrets";
/** The application's systemd unit in the image, started once configuration and secrets are in place. */
export const APP_UNIT = "immutable-app.service";

/** Root-only scratch space of the boot script (tmpfs: nothing it writes survives a reboot). */
export const BOOT_DIR = "/run/immutable";

/**
 * `json_get FILE KEY...`: prints the string at KEY... of a JSON file (python3, which cloud-init needs anyway), for
 * the token and secret responses of GCP's and Azure's APIs.
 */
export const JSON_GET_HELPER = [
    "json_get() {",
    "    python3 -c 'import json, sys",
    "v = json.load(open(sys.argv[1]))",
    "for k in sys.argv[2:]:",
    "    v = v[k]",
    'sys.stdout.write(v)\' "$@"',
    "}",
].join("\n");

/** One secret: its environment name and the shell command that prints its value (from the cloud's store). */
export interface BootSecret {
    name: string;
    /** A shell command printing the value on stdout (it fails when the store refuses); it may use the helpers. */
    fetch: string;
}

/** What a boot script holds. */
export interface BootScriptInput {
    /** Plain environment (already checked: no secret values), written as it is. */
    env: Record<string, string>;
    secrets: BootSecret[];
    /** Shell functions the fetch commands use (token helpers), defined once before them. */
    helpers?: string[];
    /** One comment line naming the release the instance runs (`v42, sha256:...`). */
    release: string;
    /** The application unit to start. Default {@link APP_UNIT}. */
    unit?: string;
}

/** A shell word in single quotes (`it's` as `'it'\''s'`). */
export function shellQuote(text: string): string {
    return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A systemd EnvironmentFile value: double-quoted, `\` and `"` escaped (newlines stay inside the quotes). */
export function envFileValue(text: string): string {
    return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The boot script of an instance: POSIX sh, run once by cloud-init. */
export function bootScript(input: BootScriptInput): string {
    const unit = input.unit ?? APP_UNIT;
    const lines = [
        "#!/bin/sh",
        `# immutable-infra boot script, release ${input.release.replace(/\n/g, " ")}.`,
        "# Fetches configuration and secrets only, then starts the application the image holds.",
        "set -eu",
        "umask 077",
        `install -d -m 0700 ${BOOT_SECRETS_DIR}`,
        `env_file=${BOOT_ENV_FILE}.tmp`,
        `cat > "$env_file" <<'IMMUTABLE_ENV'`,
        ...Object.keys(input.env)
            .sort()
            .map((key) => `${key}=${envFileValue(input.env[key])}`),
        "IMMUTABLE_ENV",
    ];
    if (input.secrets.length > 0) {
        lines.push(
            ...(input.helpers ?? []),
            "# secret NAME: reads the value from stdin into the environment file and its own file.",
            "secret() {",
            `    cat > "${BOOT_SECRETS_DIR}/$1"`,
            `    printf '%s="%s"\\n' "$1" "$(sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g' "${BOOT_SECRETS_DIR}/$1")" >> "$env_file"`,
            "}",
        );
        // An assignment, so that `set -e` stops the script when a fetch fails (a pipeline would hide it).
        for (const s of [...input.secrets].sort((a, b) => a.name.localeCompare(b.name))) {
            lines.push(`value=$(${s.fetch})`, `printf '%s' "$value" | secret ${s.name}`);
        }
    }
    lines.push(`mv "$env_file" ${BOOT_ENV_FILE}`, `systemctl --no-block restart ${unit}`, "");
    return lines.join("\n");
}
