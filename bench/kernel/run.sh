#!/usr/bin/env bash
# Benchmarks the Meridian Java kernel against ipykernel in one run. Builds nothing: it installs the
# kernelspec of an already built kernel/target/meridian-kernel.jar into a temporary prefix.
# Usage: bench/kernel/run.sh [kernel_bench.py options, e.g. --starts 5 --cells 200 --json out.json]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/scripts/env.sh"
jar="$root/kernel/target/meridian-kernel.jar"
if [ ! -f "$jar" ]; then
  echo "bench: $jar is missing; build it first: mvn -B -o -pl kernel package -DskipTests" >&2
  exit 1
fi
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
java -jar "$jar" install --prefix "$prefix" >/dev/null
export JUPYTER_PATH="$prefix/share/jupyter"
# ipykernel's debugger prints a frozen-modules warning on every start; it is noise here.
export PYDEVD_DISABLE_FILE_VALIDATION=1
echo "# JDK: $(java -version 2>&1 | head -1); kernelspec: $(tr -d '\n' < "$JUPYTER_PATH/kernels/meridian-java/kernel.json")"
"$MERIDIAN_PYTHON" "$root/bench/kernel/kernel_bench.py" meridian-java python3 "$@"
