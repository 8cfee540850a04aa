#!/usr/bin/env bash
# Publishes the pack to Pulumi Cloud:   policy/publish.sh [pulumi policy publish args, e.g. an org name]
# Only assembles the publishable copy:  policy/publish.sh --stage DIR
#
# `pulumi policy publish` runs `npm pack` in the pack directory and uploads the tarball; enforcing stacks
# download it and `npm install` its package.json. So the published pack must be self-contained: this script
# copies policy/ into a staging directory and vendors the modules the pack imports from outside policy/: the
# pure modules of components/core/ (the image-reference parser, the secret detector...) the components and
# the CLI share. Each import of `../../components/core/<m>` (or deeper) is rewritten to `<up>/vendor/<m>`.
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
while IFS= read -r file; do
    rel="${file#"$stage"/}"
    depth=$(($(tr -cd / <<<"$rel" | wc -c)))
    up=$(printf '../%.0s' $(seq 1 "$depth")); up="${up%/}"; [ -n "$up" ] || up="."
    for module in $(grep -oE '"(\.\./)+components/core/[A-Za-z]+"' "$file" | sed -E 's#.*/core/([A-Za-z]+)"#\1#' | sort -u); do
        cp "$root/components/core/$module.ts" "$stage/vendor/$module.ts"
        sed -i -E "s#\"(\.\./)+components/core/$module\"#\"$up/vendor/$module\"#" "$file"
    done
done < <(grep -rlE '"(\.\./)+components/core/' "$stage" --include='*.ts')
# Vendored modules are leaves: they import nothing relative (so nothing outside the staged copy).
if grep -lE "from \"\.|require\(\"\." "$stage"/vendor/*.ts 2>/dev/null; then
    echo "publish.sh: the vendored modules above import other modules: keep components/core's shared modules pure leaves" >&2
    exit 1
fi
if [ "$publish" = 1 ]; then
    command -v pulumi >/dev/null || { echo "publish.sh: the Pulumi CLI is not installed (https://www.pulumi.com/docs/install/)" >&2; exit 1; }
    (cd "$stage" && npm install --no-audit --no-fund && pulumi policy publish "$@")
fi
echo "$stage"
