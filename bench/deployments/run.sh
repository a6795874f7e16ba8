#!/usr/bin/env bash
# Deployment proxy benchmark: predict latency of a real Iris deployment through the hub's /deployments/{id}/
# proxy vs straight to its container, same run. Needs Docker and meridian/module-iris:latest
# (images/module-iris/build.sh). Argument: calls per path (default 500). docs/performance.md records results.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
mvn -B -q -o -pl hub test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
  -Dexec.mainClass=io.meridian.hub.deployments.DeploymentProxyBenchmark -Dexec.classpathScope=test \
  -Dexec.args="${1:-500}"
