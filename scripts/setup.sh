#!/usr/bin/env bash
# Installs and starts what Meridian's tests need, idempotently. Each component keeps its own
# step in scripts/setup.d/NN-name.sh; they run in name order. Root installs; others get told the command.
# `setup.sh run` runs only the steps the hub itself needs (those with a line `# needed-by: run`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"

# apt_install PKG...: installs the Debian packages that are missing (one apt-get update per run).
apt_updated=""
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "meridian: missing Debian packages; run: sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  echo "meridian: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

mode="${1:-test}"
for step in "$here"/setup.d/*.sh; do
  [ -e "$step" ] || continue
  if [ "$mode" = run ] && ! grep -q '^# needed-by: run' "$step"; then continue; fi
  source "$step"
done
