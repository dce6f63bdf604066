#!/bin/sh
# The last step of docker/build-bundle.sh: of a built bundle (dist/ holding every service), keep one
# service's code, the shared libraries and the stack CLI that creates topics.
#
#   docker/keep-service.sh <service> <bundle-dir>
#
# POSIX sh on purpose: the build stage's /bin/sh is dash.
set -eu

if [ "$#" -ne 2 ]; then
  echo "usage: $0 <service> <bundle-dir>" >&2
  exit 64
fi
service=$1
out=$2
case "$service" in
  '' | *[!a-z0-9-]* | -*)
    echo "keep-service: service name '$service' must be lower-case letters, digits and '-'" >&2
    exit 64
    ;;
esac

entry="dist/apps/$service/src/main.js"
if [ ! -f "$out/$entry" ]; then
  echo "keep-service: the build did not produce $entry" >&2
  exit 65
fi
for app in "$out"/dist/apps/*; do
  [ "$app" = "$out/dist/apps/$service" ] || rm -rf "$app"
done
echo "build-bundle: $service bundle ready in $out ($entry)"
