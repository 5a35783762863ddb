#!/usr/bin/env bash
# Soak: MINUTES (default 30) of mixed load on one release server — portal pages in four
# languages, API reads, API writes (new organisations), exports (CSV, XLSX) and a command-line
# import of new exchange rates and organisations every 20 s — on SQLite or on PostgreSQL (a
# throw-away cluster of scripts/pg-cluster.sh). Data: the demo with 2 000 generated programmes
# and 50 000 transactions. Prints a line a minute and a summary (bench/soak/load.py): requests,
# errors (must be none), p50/p99 of the first and the last minute, the server's memory after two
# minutes and at the end (growth must stay under 10 %).
#
#   bench/soak.sh [MINUTES] [sqlite|postgres]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
minutes=${1:-30}
backend=${2:-sqlite}
cargo build --release --locked -p semey >&2
bin=$PWD/target/release/semey
work=$(mktemp -d)
server=""; pg_dir=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ -n "$pg_dir" ] && scripts/pg-cluster.sh stop "$pg_dir"
  rm -rf "$work"
}
trap cleanup EXIT
if [ "$backend" = postgres ]; then
  read -r pg_dir pg_url < <(scripts/pg-cluster.sh)
  psql -q "$pg_url" -c "CREATE DATABASE soak" >/dev/null
  db="${pg_url%/*}/soak"
else
  db="sqlite://$work/soak.db"
fi
export SEMEY_DATABASE="$db"
"$bin" generate --programmes 2000 --transactions 50000 --out "$work/data" >&2
"$bin" demo >&2
for t in organisations programmes exchange-rates transactions; do
  "$bin" import "$t" "$work/data/$t.csv" >&2
done
printf 'a long soak passphrase\n' | "$bin" user add soak@semey.test --name Soak --role coordinator >/dev/null
token=$("$bin" user token soak@semey.test --name soak 2>/dev/null | sed -n 's/.*: \(semey_[0-9a-f]*\).*/\1/p')
SEMEY_SEARCH_DIR="$work/index" "$bin" serve --addr 127.0.0.1:0 >"$work/serve.log" 2>&1 &
server=$!
addr=$(server_address "$work/serve.log")
# The index is built before searches answer; wait for the server to be ready.
until python3 -c "import urllib.request; urllib.request.urlopen('http://$addr/api/v1/search?q=x', timeout=120)" 2>/dev/null; do sleep 1; done
echo "soak on $backend for $minutes minutes against http://$addr ($(nproc) cores)"
python3 bench/soak/load.py "http://$addr" "$minutes" "$server" "$bin" "$db" "$token" "$work"
