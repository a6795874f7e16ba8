#!/usr/bin/env bash
# Docker spawner benchmark: spawn-to-ready p50 for 1 and 10 concurrent servers (notebook image present)
# and the pull rate from a local registry. Needs Docker running and meridian/notebook:latest built
# (scripts/setup.sh, images/build.sh). Prints results; docs/performance.md records them.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
mvn -B -q -o -pl spawner test-compile exec:java \
  -Dexec.mainClass=io.meridian.spawner.docker.DockerSpawnBenchmark -Dexec.classpathScope=test
