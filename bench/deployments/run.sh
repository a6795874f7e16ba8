#!/usr/bin/env bash
# Deployment proxy benchmark: predict latency of a real Iris deployment through the hub's /deployments/{id}/
# proxy vs straight to its container, same run. Needs Docker and meridian/module-iris:latest
# (images/module-iris/build.sh). Argument: calls per path (default 500). docs/performance.md records results.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
# Built with the modules it depends on from this checkout (-am), not from ~/.m2, and run on their classes.
mvn -B -q -o -pl hub -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec "$JAVA_HOME/bin/java" -cp "hub/target/test-classes:hub/target/classes:$(cat hub/target/bench-classpath.txt)" \
  io.meridian.hub.deployments.DeploymentProxyBenchmark "${1:-500}"
