# PostgreSQL for the hub's database tests: a private cluster on 127.0.0.1:${MERIDIAN_PG_PORT:-55432}
# (user meridian, password meridian, database meridian_test), started if it is not running.
# The tests find it at jdbc:postgresql://127.0.0.1:55432/meridian_test unless MERIDIAN_TEST_PG_URL says otherwise.
apt_install postgresql
meridian_pg_setup() {
  local port="${MERIDIAN_PG_PORT:-55432}" dir="${MERIDIAN_PG_DIR:-/tmp/meridian-pg}" bin
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  # initdb refuses to run as root: as root, the cluster belongs to the postgres user.
  local as=()
  [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    local pwfile
    pwfile="$(mktemp)"
    echo meridian > "$pwfile"
    [ "$(id -u)" -eq 0 ] && chown postgres "$pwfile"
    "${as[@]}" "$bin/initdb" -D "$dir" -U meridian --pwfile="$pwfile" -A scram-sha-256 >/dev/null
    rm -f "$pwfile"
  fi
  if ! "${as[@]}" "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    echo "meridian: starting PostgreSQL on 127.0.0.1:$port ($dir)"
    "${as[@]}" "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  if ! PGPASSWORD=meridian "$bin/psql" -h 127.0.0.1 -p "$port" -U meridian -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'meridian_test'" | grep -q 1; then
    PGPASSWORD=meridian "$bin/createdb" -h 127.0.0.1 -p "$port" -U meridian meridian_test
  fi
}
meridian_pg_setup
