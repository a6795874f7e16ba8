#!/usr/bin/env bash
# Builds meridian/base:trixie offline from Debian packages: no container registry is needed,
# only the Debian mirror this host already uses. Skips the work when the image exists.
set -euo pipefail
image="${MERIDIAN_BASE_IMAGE:-meridian/base:trixie}"
suite="${MERIDIAN_BASE_SUITE:-trixie}"

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "build-base: $image already present"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "build-base: debootstrap is missing; apt-get install -y debootstrap" >&2; exit 1; }

# Use the same mirror host as the host's apt sources (deb822 or one-line format).
mirror="${MERIDIAN_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror="$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
            | grep -v security | head -n1 | tr -d ' ' || true)"
fi
mirror="${mirror:-http://deb.debian.org/debian}"

root="$(mktemp -d /var/tmp/meridian-base.XXXXXX)"
trap 'rm -rf "$root"' EXIT
echo "build-base: debootstrap $suite from $mirror (takes a few minutes)"
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.log" 2>&1 || {
  echo "build-base: debootstrap failed; last lines of $root.log:" >&2; tail -n 20 "$root.log" >&2; exit 1; }
rm -f "$root.log"
# A container image wants no package caches and a sources file naming the same mirror.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
printf 'deb %s %s main\n' "$mirror" "$suite" >"$root/etc/apt/sources.list"
tar -C "$root" --numeric-owner -c . | docker import \
  --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
echo "build-base: $image built"
