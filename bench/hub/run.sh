#!/usr/bin/env bash
# Meridian hub vs Debian's JupyterHub 3.0 in one run: users page at 10,000 users (Meridian on H2 and on
# PostgreSQL), local spawn-to-ready and idle RSS. Run from anywhere; extra arguments go to hub_bench.py
# (e.g. --users 2000 --spawns 3, --jar other/meridian-hub.jar, --hubs meridian,jupyterhub).
# Needs: the built hub (mvn -B -DskipTests package, as ./meridian run does), Debian's jupyterhub
# (apt-get install -y jupyterhub) and, for the PostgreSQL row, the cluster of scripts/setup.d/30-postgres.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
jar=hub/target/meridian-hub.jar
if [ ! -f "$jar" ] && [[ " $* " != *" --jar "* ]]; then
  echo "bench/hub: $jar is missing; build it with: mvn -B -o -pl hub package -DskipTests" >&2
  exit 1
fi
if [ ! -x /usr/bin/jupyterhub ]; then
  echo "bench/hub: Debian's jupyterhub is missing (apt-get install -y jupyterhub); its row will read n/a" >&2
fi
# hub_bench.py stops what it started itself; this trap covers a kill of the whole script.
child=
trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait' INT TERM
# A --jar among the arguments comes later and wins.
/usr/bin/python3 bench/hub/hub_bench.py --jar "$jar" "$@" &
child=$!
wait "$child"
