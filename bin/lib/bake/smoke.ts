/**
 * The boot smoke test baked into every image: a unit that runs at every boot and does nothing unless the
 * firmware's SMBIOS chassis asset tag says `immutable-smoke:<nonce>`, which only the bake's QEMU boot test sets
 * (`-smbios type=3,asset=...`; clouds set their own tags). Then it waits for the boot to finish, runs the
 * definition's checks, writes one line to the serial console and powers off. So the image that is shipped is
 * byte for byte the image that was tested, and the test does nothing on a cloud.
 */
import type { ImageDefinition } from "./definition";

/** The SMBIOS asset tag prefix the smoke unit reacts to. */
export const SMOKE_TAG_PREFIX = "immutable-smoke:";
/** Where the smoke files go in the image. */
export const SMOKE_SCRIPT = "/usr/lib/immutable/smoke";
export const SMOKE_COMMAND = "/usr/lib/immutable/smoke-command";
export const SMOKE_UNIT = "immutable-smoke.service";
/** The first word of the line the unit prints. */
export const SMOKE_MARKER = "IMMUTABLE-SMOKE";
/** Default time the checks may take once the boot finished. */
export const DEFAULT_SMOKE_TIMEOUT_SECONDS = 60;

/** The parsed smoke line. */
export interface SmokeLine {
    /** The whole line, as printed. */
    line: string;
    nonce: string;
    /** `pass` or `fail`. */
    result: string;
    /** `bios` or `uefi`, as the running kernel sees it. */
    firmware: string;
    /** `on` when UEFI Secure Boot is enforced. */
    secureboot: string;
    /** `systemctl is-system-running`. */
    state: string;
    /** The failed units, comma-separated, or `none`. */
    failed: string;
    /** `name:ok|fail` per check. */
    checks: string;
}

/** The unit file. */
export function smokeUnit(): string {
    return `[Unit]
Description=Boot smoke test of the image bake (does nothing unless the SMBIOS asset tag asks for it)
After=multi-user.target

[Service]
Type=exec
ExecStart=${SMOKE_SCRIPT}

[Install]
WantedBy=multi-user.target
`;
}

/** host, port and path of a smoke URL (`http://127.0.0.1:8080/healthz`, as the schema allows). */
export function parseSmokeUrl(url: string): { host: string; port: number; path: string } {
    const u = new URL(url);
    if (u.protocol !== "http:") {
        throw new Error(`smoke.http must be an http:// URL on the VM itself, got ${url}`);
    }
    return { host: u.hostname, port: u.port === "" ? 80 : Number(u.port), path: `${u.pathname}${u.search}` };
}

/** The script (bash, which every Debian image has). `smoke` is the definition's `smoke` section. */
export function smokeScript(smoke: ImageDefinition["smoke"]): string {
    const timeout = smoke?.timeoutSeconds ?? DEFAULT_SMOKE_TIMEOUT_SECONDS;
    const units = (smoke?.units ?? []).join(" ");
    const http = smoke?.http ? parseSmokeUrl(smoke.http) : undefined;
    const checks: string[] = [];
    if (units) {
        checks.push("retry units check_units");
    }
    if (http) {
        checks.push("retry http check_http");
    }
    if (smoke?.command) {
        checks.push("retry command check_command");
    }
    return `#!/bin/bash
# Boot smoke test of the image bake. Does nothing unless the SMBIOS chassis asset tag is ${SMOKE_TAG_PREFIX}<nonce>,
# which only the bake's QEMU boot test sets. Then: wait for the boot to finish, run the checks, print one line
# on the serial console, power off.
set -u
tag=$(cat /sys/class/dmi/id/chassis_asset_tag 2>/dev/null || true)
case "$tag" in
  ${SMOKE_TAG_PREFIX}*) nonce=\${tag#${SMOKE_TAG_PREFIX}} ;;
  *) exit 0 ;;
esac
console=/dev/ttyS0
deadline=$((SECONDS + ${timeout}))
state=unknown
while :; do
  state=$(systemctl is-system-running 2>/dev/null)
  case "$state" in running|degraded) break ;; esac
  (( SECONDS >= deadline )) && break
  sleep 1
done
ok=1
results=()
check_units() {
  local u
  for u in ${units}; do systemctl is-active --quiet "$u" || return 1; done
}
check_http() {
  local status
  exec 3<>/dev/tcp/${http?.host ?? "127.0.0.1"}/${http?.port ?? 80} || return 1
  printf 'GET ${http?.path ?? "/"} HTTP/1.0\\r\\nHost: ${http?.host ?? "127.0.0.1"}\\r\\n\\r\\n' >&3
  read -r -t 5 status <&3
  exec 3<&-
  echo "smoke http: \${status:-no answer}" >&2
  [[ "\${status:-}" =~ ^HTTP/1\\.[01]\\ 2[0-9][0-9] ]]
}
check_command() {
  timeout 20 /bin/sh ${SMOKE_COMMAND}
}
retry() {
  local name=$1
  shift
  until "$@"; do
    if (( SECONDS >= deadline )); then results+=("$name:fail"); ok=0; return; fi
    sleep 1
  done
  results+=("$name:ok")
}
${checks.join("\n")}
state=$(systemctl is-system-running 2>/dev/null)
failed=$(systemctl list-units --state=failed --plain --no-legend 2>/dev/null | awk '{print $1}' | paste -sd, -)
[ "$state" = running ] || ok=0
firmware=bios
secureboot=off
if [ -d /sys/firmware/efi ]; then
  firmware=uefi
  sb=$(od -An -t u1 -j4 -N1 /sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c 2>/dev/null | tr -d ' ')
  [ "$sb" = 1 ] && secureboot=on
fi
result=pass
[ $ok = 1 ] || result=fail
if [ $result = fail ]; then
  for u in \${failed//,/ }; do journalctl -u "$u" -n 15 --no-pager -o cat > $console 2>&1; done
fi
checks=$(IFS=,; echo "\${results[*]:-none}")
echo "${SMOKE_MARKER} nonce=$nonce result=$result firmware=$firmware secureboot=$secureboot state=$state failed=\${failed:-none} checks=$checks kernel=$(uname -r)" > $console
systemctl poweroff --no-block
`;
}

/** The smoke line with this nonce in serial output, parsed, or undefined when it has not been printed yet. */
export function findSmokeLine(serial: string, nonce: string): SmokeLine | undefined {
    for (const raw of serial.split(/\r?\n/)) {
        const at = raw.indexOf(`${SMOKE_MARKER} `);
        if (at < 0) {
            continue;
        }
        const line = raw.slice(at).trim();
        const fields = Object.fromEntries(
            line
                .split(/\s+/)
                .slice(1)
                .map((kv) => {
                    const eq = kv.indexOf("=");
                    return eq < 0 ? [kv, ""] : [kv.slice(0, eq), kv.slice(eq + 1)];
                }),
        );
        if (fields.nonce !== nonce) {
            continue;
        }
        return {
            line,
            nonce,
            result: fields.result ?? "",
            firmware: fields.firmware ?? "",
            secureboot: fields.secureboot ?? "",
            state: fields.state ?? "",
            failed: fields.failed ?? "",
            checks: fields.checks ?? "",
        };
    }
    return undefined;
}
