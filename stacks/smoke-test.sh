#!/usr/bin/env bash
# Smoke-tests one slot of an environment stack through the slot's own URL, before it takes any traffic:
# the health path must answer 200, and /version must report the slot's release and the slot itself
# ("test the image, not just the code").
#
#   usage: stacks/smoke-test.sh <stack> [blue|green]        (default: the idle slot)
#   env:   SMOKE_ATTEMPTS      tries before giving up (default 30)
#          SMOKE_INTERVAL      seconds between tries (default 5)
#          SMOKE_VERSION_PATH  the path reporting {"version","slot"} (default /version; empty: skip that check)
#          SMOKE_BEARER        a bearer token, e.g. "$(gcloud auth print-identity-token)" for a private Cloud Run service
#          PULUMI              the pulumi command (default: pulumi)
set -euo pipefail

stack=${1:?usage: stacks/smoke-test.sh <stack> [blue|green]}
outputs=$(${PULUMI:-pulumi} stack output --json --stack "$stack")

# One pass over the outputs: the live slot, then the slot's URL, release version and the health path.
requested=${2:-}
mapfile -t fields < <(node -e '
    const o = JSON.parse(process.argv[1]);
    const slot = process.argv[2] || (o.live === "blue" ? "green" : "blue");
    const url = (o.smokeTestUrls || {})[slot];
    if (!url) { console.error("smoke test: slot " + slot + " holds no release in this stack"); process.exit(2); }
    console.log([o.live, slot, url, o.slots[slot].version, o.healthPath || "/healthz"].join("\n"));
' "$outputs" "$requested") || exit 2
[ "${#fields[@]}" -eq 5 ] || exit 2
live=${fields[0]} slot=${fields[1]} url=${fields[2]} version=${fields[3]} health=${fields[4]}
version_path=${SMOKE_VERSION_PATH-/version}

# The slot URL may carry a query that routes to the slot (AWS: ?immutable-slot=green): keep it on every path.
base=${url%%\?*}
query=${url#"$base"}
base=${base%/}
auth=()
if [ -n "${SMOKE_BEARER:-}" ]; then auth=(-H "Authorization: Bearer $SMOKE_BEARER"); fi

echo "smoke test: $stack slot $slot (live: $live), release $version, at $base$query"
for attempt in $(seq 1 "${SMOKE_ATTEMPTS:-30}"); do
    if curl -fsS --max-time 10 "${auth[@]}" -o /dev/null "$base$health$query" 2>/dev/null; then
        if [ -z "$version_path" ]; then
            echo "ok: $slot answers $health"
            exit 0
        fi
        body=$(curl -fsS --max-time 10 "${auth[@]}" "$base$version_path$query" 2>/dev/null || true)
        if printf '%s' "$body" | node -e '
            const b = JSON.parse(require("fs").readFileSync(0, "utf8"));
            process.exit(b.version === process.argv[1] && b.slot === process.argv[2] ? 0 : 1);
        ' "$version" "$slot" 2>/dev/null; then
            echo "ok: $slot answers $health and $version_path reports $version in slot $slot"
            exit 0
        fi
        echo "attempt $attempt: $slot is up but $version_path says ${body:-nothing} (want version $version, slot $slot)"
    else
        echo "attempt $attempt: $base$health$query is not healthy yet"
    fi
    sleep "${SMOKE_INTERVAL:-5}"
done
echo "smoke test FAILED: $stack slot $slot never answered as release $version. Do not flip." >&2
exit 1
