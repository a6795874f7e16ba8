#!/usr/bin/env bash
# Storage benchmarks (docs/performance.md, "Storage"). Needs the WebDAV test server (bash scripts/setup.sh).
#   bench/storage/run.sh          1 GiB up and down through the hub (a -Xmx128m JVM) and straight to WebDAV,
#                                 SHA-256 checked; table in hub/target/storage-benchmark.md
#   bench/storage/run.sh relay [MiB]   where a download's time goes: curl straight to WebDAV, through the
#                                 storage service, and through its former relay, interleaved rounds
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
if [ "${1:-}" = relay ]; then
  # built in the reactor, so the hub runs against this checkout's extensions/nextcloud, not one in ~/.m2
  mvn -B -q -o -pl hub -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$PWD/hub/target/bench-classpath.txt" >hub/target/bench-build.log 2>&1 \
    || { cat hub/target/bench-build.log >&2; exit 1; }
  java -cp "hub/target/test-classes:hub/target/classes:$(cat hub/target/bench-classpath.txt)" \
    io.meridian.hub.storage.StorageRelayBenchmark "${2:-512}" 2>&1 | grep '^|'
else
  mvn -B -q -o -pl hub -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=StorageThroughputIT -Dfailsafe.failIfNoSpecifiedTests=false >/dev/null 2>&1 \
    || { echo "the benchmark failed: see hub/target/failsafe-reports" >&2; exit 1; }
  cat hub/target/storage-benchmark.md
fi
