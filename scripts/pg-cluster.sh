#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for tests and benchmarks, prints the admin URL on
# standard output, and leaves the cluster's folder in $PG_TMP. Stop it with `pg-cluster.sh stop DIR`.
# initdb refuses to run as root, so as root the cluster runs as the `postgres` user.
# Tests run it without durability (fsync off) for speed; benchmarks set PG_DURABLE=1 so that
# PostgreSQL commits to disk as a production server would.
set -euo pipefail

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
  dir=$2
  bin=$(pg_bin)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

if ! bin=$(pg_bin); then
  echo "installing PostgreSQL (Debian package postgresql)…" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  else
    sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  bin=$(pg_bin)
fi

dir=$(mktemp -d /tmp/semey-pg.XXXXXX)
chmod 755 "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
options="-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200"
if [ "${PG_DURABLE:-0}" != 1 ]; then
  options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "$options" start >/dev/null
echo "$dir postgres://postgres@127.0.0.1:$port/postgres"
