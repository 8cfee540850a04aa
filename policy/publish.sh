#!/usr/bin/env bash
# Publishes the pack to Pulumi Cloud:   policy/publish.sh [pulumi policy publish args, e.g. an org name]
# Only assembles the publishable copy:  policy/publish.sh --stage DIR
#
# `pulumi policy publish` runs `npm pack` in the pack directory and uploads the tarball; enforcing stacks
# download it and `npm install` its package.json. So the published pack must be self-contained: this script
# copies policy/ into a staging directory and vendors the one module the pack imports from outside policy/
# (components/release/imageRef.ts, the image-reference parser the components and the CLI share).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
publish=1
if [ "${1:-}" = "--stage" ]; then
    stage="$2"
    shift 2
    publish=0
else
    stage="$(mktemp -d)/immutable-infrastructure"
fi
mkdir -p "$stage/vendor"
(cd "$here" && tar --exclude=./node_modules --exclude=./publish.sh -cf - .) | (cd "$stage" && tar -xf -)
cp "$root/components/release/imageRef.ts" "$stage/vendor/imageRef.ts"
sed -i.orig 's#"\.\./\.\./components/release/imageRef"#"../vendor/imageRef"#' "$stage/model/imageRef.ts"
rm -f "$stage/model/imageRef.ts.orig"
if [ "$publish" = 1 ]; then
    command -v pulumi >/dev/null || { echo "publish.sh: the Pulumi CLI is not installed (https://www.pulumi.com/docs/install/)" >&2; exit 1; }
    (cd "$stage" && npm install --no-audit --no-fund && pulumi policy publish "$@")
fi
echo "$stage"
