#!/usr/bin/env bash
# Starts the hub on embedded defaults (H2 file database and local servers under ./data) in the
# foreground; called by `./meridian run` after the build. Prints the URL and how to log in.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export MERIDIAN_DATA_DIR="${MERIDIAN_DATA_DIR:-$PWD/data}"
export MERIDIAN_PORT="${MERIDIAN_PORT:-8000}"
jar=hub/target/meridian-hub.jar
if [ ! -f "$jar" ]; then
  echo "meridian: $jar is missing; build it with: mvn -B -DskipTests install" >&2
  exit 1
fi
echo "Meridian hub: http://127.0.0.1:$MERIDIAN_PORT/hub/  (data in $MERIDIAN_DATA_DIR)"
if [ -n "${MERIDIAN_ADMIN_PASSWORD:-}" ]; then
  echo "Log in as 'admin' with the password in MERIDIAN_ADMIN_PASSWORD."
elif [ -e "$MERIDIAN_DATA_DIR/meridian.mv.db" ] || [ -n "${MERIDIAN_DB_URL:-}" ]; then
  echo "Log in as 'admin' with the password printed on the first run (set MERIDIAN_ADMIN_PASSWORD to reset it)."
else
  echo "First run: the generated password for 'admin' follows (shown only once)."
fi
# A small starting heap that gives memory back keeps the idle hub lean (bench/hub: 201 -> 171 MiB RSS).
jvm_opts=${MERIDIAN_HUB_JVM_OPTS:--Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30}
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" $jvm_opts -jar "$jar" "$@"
