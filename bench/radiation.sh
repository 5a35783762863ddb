#!/usr/bin/env bash
# Radiation benchmark, on a generated Safecast bulk-export CSV around the test site
# (default 10 000 000 rows), on SQLite or PostgreSQL:
#  - `semey import measurements`: rows per second (target ≥ 500 000) and the process's peak
#    memory (target < 300 MB); the whole command, statistics included;
#  - in the same run, the same file loaded by DuckDB's read_csv into a table and by
#    PostgreSQL's COPY (through psql's \copy) into a table, and Semey's ratios to both;
#  - the hexagons of the whole region from the API (target < 20 ms; median of 50 requests);
#  - a bounding-box export of every reading as CSV and as GeoJSON (target ≥ 1 000 000 rows/s).
# Installs what it needs (duckdb from PyPI into a throw-away folder; PostgreSQL from Debian when
# missing). Usage: [BACKEND=sqlite|postgres] bench/radiation.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
rows=${1:-10000000}
root=$PWD

command -v curl >/dev/null || apt_install curl
command -v psql >/dev/null || apt_install postgresql postgresql-client
cargo build --release --locked -p semey >&2
bin=$root/target/release/semey
work=$(mktemp -d)
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  bench_stop_postgres
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }

python3 -m pip install --quiet --target "$work/py" duckdb==2.0.0 >&2
"$bin" generate-measurements --rows "$rows" --out "$work/survey.csv" >&2
sync

# Semey: the whole import command, peak memory from /usr/bin/time.
bench_database "$work" semey
"$bin" --database "$db" migrate >&2
t0=$(now)
/usr/bin/time -f "%M" -o "$work/rss" "$bin" --database "$db" import measurements "$work/survey.csv" >"$work/import.txt"
t1=$(now)
semey_s=$(secs "$t0" "$t1")
peak_mb=$(python3 -c "print(round($(cat "$work/rss") / 1024))")
stored=$(grep -oE '[0-9]+ rows read' "$work/import.txt" | grep -oE '^[0-9]+')

# DuckDB: read_csv into a table of a database file.
t0=$(now)
PYTHONPATH="$work/py" python3 - "$work/survey.csv" "$work/duck.db" <<'PY'
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute(f"CREATE TABLE measurements AS SELECT * FROM read_csv('{sys.argv[1]}', header = true)")
print(con.execute("SELECT COUNT(*) FROM measurements").fetchone()[0], file=sys.stderr)
con.close()
PY
t1=$(now)
duck_s=$(secs "$t0" "$t1")

# PostgreSQL: COPY into a typed table of the export's 13 columns.
bench_postgres copy
psql -q "$pg_db" -c "CREATE TABLE measurements (captured_time TIMESTAMP, latitude DOUBLE PRECISION, longitude DOUBLE PRECISION, value DOUBLE PRECISION, unit TEXT, location_name TEXT, device_id TEXT, md5sum TEXT, height TEXT, surface TEXT, radiation TEXT, uploaded_time TIMESTAMP, loader_id BIGINT)"
t0=$(now)
psql -q "$pg_db" -c "\\copy measurements FROM '$work/survey.csv' WITH (FORMAT csv, HEADER true)"
t1=$(now)
pg_s=$(secs "$t0" "$t1")

# The API: hexagons of the whole region, and exports. The public's export is bounded
# (public_export_rows); the whole table goes to an account, so the export runs with a token.
printf 'a long password for the benchmark\n' | "$bin" --database "$db" user add bench@semey.test --name Bench --role coordinator >/dev/null
token=$("$bin" --database "$db" user token bench@semey.test --name bench | grep -o 'semey_[0-9a-f]*')
port=$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
SEMEY_LOG=warn "$bin" --database "$db" serve --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
bins_url="http://127.0.0.1:$port/api/v1/radiation/bins?bbox=76,47,82,52&zoom=6"
for _ in 1 2 3; do curl -s -o /dev/null "$bins_url"; done
bins_ms=$(for _ in $(seq 50); do curl -s -o /dev/null -w '%{time_total}\n' "$bins_url"; done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] * 1000}')
hexagons=$(curl -s "$bins_url" | python3 -c "import json, sys; print(len(json.load(sys.stdin)['features']))")
export_rate() {
  local t n
  t=$(curl -s -H "Authorization: Bearer $token" -o "$work/export" -w '%{time_total}' "http://127.0.0.1:$port/api/v1/radiation/measurements?bbox=76,47,82,52&format=$1")
  if [ "$1" = csv ]; then n=$(($(wc -l <"$work/export") - 1)); else n=$(grep -c '"type":"Feature"' "$work/export"); fi
  python3 -c "print(f'{$n} rows in {$t:.2f} s: {$n / $t:,.0f} rows/s')"
}
csv_export=$(export_rate csv)
geojson_export=$(export_rate geojson)

python3 - "$rows" "$stored" "$semey_s" "$peak_mb" "$duck_s" "$pg_s" "$bins_ms" "$hexagons" "$csv_export" "$geojson_export" "$backend" <<'PY'
import sys
rows, stored, semey, peak, duck, pg, bins, hexagons, csv_export, geojson_export, backend = sys.argv[1:]
rows, semey, duck, pg = int(rows), float(semey), float(duck), float(pg)
print(f"Semey on {backend}; rows in the file: {rows:,} (read by Semey: {int(stored):,})")
print(f"| measure | Semey | DuckDB read_csv | PostgreSQL COPY | target |")
print(f"|---|---|---|---|---|")
print(f"| load {rows:,} rows | {semey:.2f} s ({rows / semey:,.0f} rows/s), peak {peak} MB | {duck:.2f} s ({rows / duck:,.0f} rows/s) | {pg:.2f} s ({rows / pg:,.0f} rows/s) | ≥ 500 000 rows/s, < 300 MB |")
print(f"| Semey's time ÷ theirs | | {semey / duck:.2f} | {semey / pg:.2f} | |")
print(f"| hexagons of the whole region ({hexagons}) | {bins} ms (median of 50) | | | < 20 ms |")
print(f"| bounding-box export, CSV | {csv_export} | | | ≥ 1 000 000 rows/s |")
print(f"| bounding-box export, GeoJSON | {geojson_export} | | | |")
PY
