#!/usr/bin/env bash
# Builds Meridian's images: meridian/base:trixie (offline, from Debian packages) and
# meridian/notebook:latest (JupyterLab + the Java kernel). The notebook image carries a label
# with a hash of its inputs; when the image present has the same hash, nothing is rebuilt.
#
#   images/build.sh                   needs kernel/target/meridian-kernel.jar
#   images/build.sh --without-kernel  a notebook image without the Java kernel (for spawner work
#                                     while the kernel is not built; labelled meridian.kernel=none)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
source "$here/lib.sh"
image="${MERIDIAN_NOTEBOOK_IMAGE:-meridian/notebook:latest}"
kernel_jar="${MERIDIAN_KERNEL_JAR:-$root/kernel/target/meridian-kernel.jar}"
# the platform extension every kernel in the image preloads (the `platform` object in cells)
platform_jar="${MERIDIAN_PLATFORM_JAR:-$(ls "$root"/extensions/platform/target/meridian-platform-*.jar 2>/dev/null \
  | grep -v -e sources -e tests | head -n1)}"
with_kernel=1
[ "${1:-}" = "--without-kernel" ] && with_kernel=0

docker info >/dev/null 2>&1 || { echo "build.sh: Docker is not reachable; start dockerd first (scripts/setup.d/20-docker.sh does)" >&2; exit 1; }
"$here/build-base.sh"

if [ "$with_kernel" = 1 ] && [ ! -f "$kernel_jar" ]; then
  echo "build.sh: $kernel_jar is missing; build the kernel first: mvn -pl kernel package" >&2
  exit 1
fi

context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
cp "$here/notebook/Dockerfile" "$here/notebook/entrypoint.sh" "$here/notebook/healthcheck.py" "$context/"
mkdir "$context/kernel"
cp "$here/notebook/warm-up.py" "$context/kernel/"
if [ "$with_kernel" = 1 ]; then
  cp "$kernel_jar" "$context/kernel/meridian-kernel.jar"
  if [ -n "$platform_jar" ] && [ -f "$platform_jar" ]; then
    cp "$platform_jar" "$context/kernel/meridian-platform.jar"
  else
    echo "build.sh: no platform extension jar (mvn -pl extensions/platform package); kernels get no 'platform'" >&2
  fi
  kernel_label="$(sha256sum "$kernel_jar" | cut -c1-12)"
else
  echo "built without the Java kernel" >"$context/kernel/NO-KERNEL"
  kernel_label=none
fi

build_if_changed build.sh "$image" "$context" "meridian.kernel=$kernel_label"
