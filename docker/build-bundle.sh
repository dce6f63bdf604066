#!/bin/sh
# The one list of commands that turns the repository into a service's production bundle.
# The Dockerfile's build stage runs it, and so does deploy/helm/bundle.sh outside Docker, so what is
# tested without an image is what ships in one.
#
#   docker/build-bundle.sh <service> <source-dir> <out-dir>
#   docker/build-bundle.sh all <source-dir> <out-dir>     every service's code; docker/keep-service.sh
#                                                          then makes one service's bundle of a copy
#
# <out-dir> ends up holding exactly what the runtime image holds: package.json, package-lock.json,
# production node_modules and dist/ (the service's entry, the shared libraries and the stack CLI
# that creates topics).
# POSIX sh on purpose: the build stage's /bin/sh is dash.
set -eu

if [ "$#" -ne 3 ]; then
  echo "usage: $0 <service> <source-dir> <out-dir>" >&2
  exit 64
fi
service=$1
src=$(cd "$2" && pwd)
out=$3

case "$service" in
  '' | *[!a-z0-9-]* | -*)
    echo "build-bundle: service name '$service' must be lower-case letters, digits and '-'" >&2
    exit 64
    ;;
esac
if [ "$service" != all ] && [ ! -d "$src/apps/$service" ]; then
  echo "build-bundle: no such service: $src/apps/$service" >&2
  exit 66
fi

# What the build needs from the repository; everything else (tests, docs, charts, local state) stays out.
# patches/: npm install's postinstall (patch-package) applies them to node_modules (kafkajs's negative timer).
SOURCES='package.json package-lock.json tsconfig.base.json tsconfig.json patches apps libs deploy'

if [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then
  echo "build-bundle: $out is not empty; give a new or empty directory" >&2
  exit 73
fi
mkdir -p "$out"
# shellcheck disable=SC2086 # SOURCES is a word list on purpose
(cd "$src" && tar -cf - \
  --exclude=node_modules --exclude=dist --exclude=.local --exclude=coverage --exclude='*.log' \
  --exclude='*.spec.ts' --exclude='*.integration-spec.ts' --exclude=deploy/helm \
  $SOURCES) | (cd "$out" && tar -xf -)

cd "$out"
# npm install (not npm ci) installs exactly the locked versions; npm ci rejects a lockfile that lacks
# other platforms' optional binaries (@swc/core-darwin-*), which the registry used here leaves out.
npm install --no-audit --no-fund
node deploy/build.cjs
npm prune --omit=dev --no-audit --no-fund

rm -rf apps libs deploy patches tsconfig.base.json tsconfig.json
if [ "$service" = all ]; then
  echo "build-bundle: every service's code ready in $out"
else
  sh "$src/docker/keep-service.sh" "$service" .
fi
