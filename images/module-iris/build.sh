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
source "$root/images/lib.sh"
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

build_if_changed module-iris/build.sh "$image" "$context" "meridian.module=iris-classifier"
