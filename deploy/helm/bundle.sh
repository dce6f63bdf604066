#!/usr/bin/env bash
# Builds a service's production bundle without Docker, with the very script the Dockerfile's build
# stage runs (docker/build-bundle.sh): same sources, npm install, node deploy/build.cjs, npm prune --omit=dev.
#
#   deploy/helm/bundle.sh <service> <outdir>
#   deploy/helm/bundle.sh all <outdir>      every service's code (docker/keep-service.sh picks one)
#
# Then, from <outdir>:  node --enable-source-maps dist/apps/<service>/src/main.js          (serve)
#                       node dist/apps/<service>/src/main.js migrate                       (migrate)
#                       node dist/deploy/stack/src/cli.js create-topics                    (topics)
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <service> <outdir>" >&2
  exit 64
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
service="$1"
outdir="$2"
mkdir -p "$(dirname "$outdir")"
outdir="$(cd "$(dirname "$outdir")" && pwd)/$(basename "$outdir")"
case "$outdir/" in
  "$root"/apps/* | "$root"/libs/* | "$root"/deploy/*)
    echo "bundle: $outdir is inside the sources it would copy; choose another directory" >&2
    exit 64
    ;;
esac

# The Node on PATH builds the bundle; it must be the Node the image runs (24).
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none)"
if [[ "$node_major" != 24 ]]; then
  if [[ -x "$root/node_modules/.bin/node" ]]; then
    PATH="$root/node_modules/.bin:$PATH"
    export PATH
  else
    echo "bundle: Node 24 is required (found: $node_major)" >&2
    exit 69
  fi
fi

exec sh "$root/docker/build-bundle.sh" "$service" "$root" "$outdir"
