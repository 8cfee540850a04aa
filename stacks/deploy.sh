#!/usr/bin/env bash
# Deploys the build stack's current release to the IDLE slot of an environment stack, leaving the live slot
# and the traffic untouched. Then smoke-test the idle slot (stacks/smoke-test.sh) and flip `live`.
#
#   usage: stacks/deploy.sh <stack> [build stack, default: build]
#   env:   PULUMI        the pulumi command (default: pulumi)
#          PULUMI_UP     extra `pulumi up` arguments, e.g. "--yes"; set PULUMI_UP=skip to only set the config
set -euo pipefail

stack=${1:?usage: stacks/deploy.sh <stack> [build-stack]}
build=${2:-build}
pulumi_cmd=${PULUMI:-pulumi}

live=$($pulumi_cmd config get immutable:live --stack "$stack" 2>/dev/null || echo blue)
if [ "$live" = blue ]; then idle=green; else idle=blue; fi

# Pin the live slot to what it runs now: a live slot that follows "current" would move with the build stack,
# and its revision name (Cloud Run, Container Apps) is recorded so that traffic keeps naming the revision that
# exists, whatever revision settings change later.
live_value=$($pulumi_cmd config get "immutable:$live" --stack "$stack" 2>/dev/null || echo current)
revisions=$($pulumi_cmd stack output revisionNames --json --stack "$stack" 2>/dev/null || echo '{}')
if [ "$live_value" = current ] || [ "$revisions" != '{}' ]; then
    slots=$($pulumi_cmd stack output slots --json --stack "$stack")
    pin=$(node -e '
        const s = JSON.parse(process.argv[1])[process.argv[2]];
        if (!s) process.exit(3);
        const revision = (JSON.parse(process.argv[3] || "{}") || {})[process.argv[2]];
        console.log(JSON.stringify({ version: s.version, digest: s.image.split("@")[1], ...(revision ? { revision } : {}) }));
    ' "$slots" "$live" "$revisions")
    echo "pinning the live slot $live to what it runs: $pin"
    $pulumi_cmd config set "immutable:$live" "$pin" --stack "$stack"
fi

version=$($pulumi_cmd stack output version --stack "$build")
digest=$($pulumi_cmd stack output digest --stack "$build")
echo "deploying $version ($digest) to the idle slot $idle of $stack (live stays $live)"
$pulumi_cmd config set "immutable:$idle" "{\"version\":\"$version\",\"digest\":\"$digest\"}" --stack "$stack"
$pulumi_cmd config set immutable:lastDeployed "$idle" --stack "$stack"
if [ "${PULUMI_UP:-}" != skip ]; then
    # shellcheck disable=SC2086
    $pulumi_cmd up --stack "$stack" ${PULUMI_UP:-}
fi
echo "next: stacks/smoke-test.sh $stack $idle, then: pulumi config set immutable:live $idle --stack $stack && pulumi up --stack $stack"
