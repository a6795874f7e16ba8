#!/usr/bin/env bash
# Storage benchmarks (docs/performance.md, "Storage"). Needs the WebDAV test server (bash scripts/setup.sh).
#   bench/storage/run.sh          1 GiB up and down through the hub (a -Xmx128m JVM) and straight to WebDAV,
#                                 SHA-256 checked, 4 rounds after a warm-up, alternating which path goes first;
#                                 table in hub/target/storage-benchmark.md
#   bench/storage/run.sh link RATE   the same with the WebDAV server behind a link of RATE (tc's units: 1gbit,
#                                 10gbit), as a Nextcloud on another host would be: traffic to and from the
#                                 WebDAV port on loopback is shaped with an HTB class, removed again on exit.
#                                 Needs root and tc (iproute2); the hub's other traffic is not shaped.
#   bench/storage/run.sh relay [MiB]   where a download's time goes: curl straight to WebDAV, through the
#                                 storage service, and through its former relay, interleaved rounds
#   bench/storage/run.sh notebook [MiB]   platform.storage().upload/.download from a notebook's side against
#                                 the JDK client the platform extension used before (default 1 GiB)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh

throughput() {
  mvn -B -q -o -pl hub -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=StorageThroughputIT -Dfailsafe.failIfNoSpecifiedTests=false >/dev/null 2>&1 \
    || { echo "the benchmark failed: see hub/target/failsafe-reports" >&2; exit 1; }
  cat hub/target/storage-benchmark.md
}

case "${1:-}" in
  relay|notebook)
    # built in the reactor, so the hub runs against this checkout's extensions, not ones in ~/.m2
    mvn -B -q -o -pl hub -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$PWD/hub/target/bench-classpath.txt" >hub/target/bench-build.log 2>&1 \
      || { cat hub/target/bench-build.log >&2; exit 1; }
    if [ "$1" = relay ]; then main=StorageRelayBenchmark size="${2:-512}"; else main=NotebookTransferBenchmark size="${2:-1024}"; fi
    java -cp "hub/target/test-classes:hub/target/classes:$(cat hub/target/bench-classpath.txt)" \
      "io.meridian.hub.storage.$main" "$size" 2>&1 | grep '^|'
    ;;
  link)
    rate="${2:?usage: bench/storage/run.sh link RATE, e.g. 10gbit}"
    url="${MERIDIAN_WEBDAV_URL:-http://127.0.0.1:8490/dav/}"
    port="$(echo "$url" | sed -E 's#^[a-z]+://[^/:]+:([0-9]+).*#\1#')"
    [[ "$port" =~ ^[0-9]+$ ]] || { echo "no port in MERIDIAN_WEBDAV_URL ($url)" >&2; exit 1; }
    command -v tc >/dev/null || apt-get install -y -qq iproute2 >/dev/null
    if tc qdisc show dev lo | grep -q htb; then
      echo "loopback already has an HTB qdisc; not touching it" >&2; exit 1
    fi
    trap 'tc qdisc del dev lo root 2>/dev/null || true' EXIT
    tc qdisc add dev lo root handle 1: htb default 20
    tc class add dev lo parent 1: classid 1:20 htb rate 100gbit ceil 100gbit quantum 200000
    tc class add dev lo parent 1: classid 1:10 htb rate "$rate" ceil "$rate" burst 1mb cburst 1mb quantum 200000
    tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip sport "$port" 0xffff flowid 1:10
    tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip dport "$port" 0xffff flowid 1:10
    echo "WebDAV port $port shaped to $rate"
    throughput
    ;;
  "")
    throughput
    ;;
  *)
    echo "usage: bench/storage/run.sh [link RATE | relay [MiB] | notebook [MiB]]" >&2; exit 2
    ;;
esac
