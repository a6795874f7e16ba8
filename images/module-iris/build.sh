#!/usr/bin/env bash
# Builds meridian/module-iris:latest, the Iris demo module (DEEPaaS v2 API on port 5000), from
# meridian/base:trixie and the module jar. The image carries a hash of its inputs; when the image
# present has the same hash, nothing is rebuilt.
#
#   images/module-iris/build.sh     needs extensions/deepaas/target/*-module-iris.jar
#                                   (mvn -pl extensions/deepaas package)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
image="${MERIDIAN_MODULE_IRIS_IMAGE:-meridian/module-iris:latest}"
jar="${MERIDIAN_MODULE_IRIS_JAR:-}"
if [ -z "$jar" ]; then
  jar="$(ls "$root"/extensions/deepaas/target/meridian-deepaas-*-module-iris.jar 2>/dev/null | head -n1 || true)"
fi

docker info >/dev/null 2>&1 || { echo "module-iris/build.sh: Docker is not reachable; start dockerd first (scripts/setup.d/20-docker.sh does)" >&2; exit 1; }
if [ -z "$jar" ] || [ ! -f "$jar" ]; then
  echo "module-iris/build.sh: the module jar is missing; build it first: mvn -pl extensions/deepaas package" >&2
  exit 1
fi
"$root/images/build-base.sh"

context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
cp "$here/Dockerfile" "$here/healthcheck.sh" "$context/"
cp "$jar" "$context/module-iris.jar"

base_id="$(docker image inspect -f '{{.Id}}' meridian/base:trixie)"
inputs="$( (echo "$base_id"; cd "$context" && find . -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-16)"
present="$(docker image inspect -f '{{index .Config.Labels "meridian.inputs"}}' "$image" 2>/dev/null || true)"
if [ "$present" = "$inputs" ]; then
  echo "module-iris/build.sh: $image is up to date (inputs $inputs)"
  exit 0
fi

echo "module-iris/build.sh: building $image (inputs $inputs)"
log="$(mktemp /tmp/meridian-module-iris-build.XXXXXX.log)"
if ! docker build --label "meridian.inputs=$inputs" --label "meridian.module=iris-classifier" \
       -t "$image" "$context" >"$log" 2>&1; then
  echo "module-iris/build.sh: docker build failed; last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
rm -f "$log"
echo "module-iris/build.sh: $image built"
