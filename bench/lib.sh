# Shared by the benchmark scripts (sourced from the repository's root).
#
# BACKEND=sqlite (the default) or BACKEND=postgres chooses the database a benchmark runs on.
# PostgreSQL is a throw-away cluster of scripts/pg-cluster.sh with durable commits (PG_DURABLE=1:
# fsync on, as in production) and otherwise stock settings.

backend=${BACKEND:-sqlite}
case "$backend" in
  sqlite | postgres) ;;
  *) echo "BACKEND must be sqlite or postgres, not '$backend'" >&2; exit 2 ;;
esac
bench_pg_dir=""
bench_pg_url=""

# apt_install PACKAGE…: installs Debian packages (as root, or through sudo).
apt_install() {
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
  fi
}

# bench_postgres NAME: sets $pg_db to the URL of a new, empty database NAME in the benchmark's
# PostgreSQL cluster, starting the cluster the first time (whatever the backend: scripts also
# compare with PostgreSQL's own tools).
bench_postgres() {
  if [ -z "$bench_pg_dir" ]; then
    read -r bench_pg_dir bench_pg_url < <(PG_DURABLE=1 scripts/pg-cluster.sh)
  fi
  psql -q "$bench_pg_url" -c "CREATE DATABASE $1" >/dev/null
  pg_db="${bench_pg_url%/*}/$1"
}

# bench_database FOLDER NAME: sets $db to the URL of a new, empty database of $backend
# (a file in FOLDER for SQLite; a database NAME in the cluster for PostgreSQL).
bench_database() {
  if [ "$backend" = sqlite ]; then
    db="sqlite://$1/$2.db"
  else
    bench_postgres "$2"
    db=$pg_db
  fi
}

# bench_sql SQL: runs one query on $db and prints its result, unaligned (sqlite3 or psql).
bench_sql() {
  if [ "$backend" = sqlite ]; then sqlite3 "${db#sqlite://}" "$1"; else psql -qAt "$db" -c "$1"; fi
}

# bench_stop_postgres: stops the cluster, if one was started (call it from the EXIT trap).
bench_stop_postgres() {
  [ -z "$bench_pg_dir" ] || scripts/pg-cluster.sh stop "$bench_pg_dir" >/dev/null 2>&1 || true
}

# server_address LOG: waits until `semey serve --addr 127.0.0.1:0`, logging to LOG, has written
# the address it listens on, and prints that address (host:port); fails after two minutes.
server_address() {
  local addr=""
  for _ in $(seq 600); do
    addr=$(sed -n 's#.*http://\([0-9.:]*\).*#\1#p' "$1" | head -1)
    [ -n "$addr" ] && { echo "$addr"; return 0; }
    sleep 0.2
  done
  cat "$1" >&2
  return 1
}
