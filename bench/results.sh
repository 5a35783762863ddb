#!/usr/bin/env bash
# Results benchmark: 10 000 programmes × 5 indicators × 20 quarterly periods on SQLite.
#  - the import of the indicator values (an actual per period, a yearly target, the first
#    indicator's actuals split by sex: about 1.65 million values) with `semey import
#    indicator-values` (target: under 15 s), after the results chains (`semey import results`,
#    each through the record path, timed too);
#  - the results dashboard and a programme's results page served by the release binary,
#    uncached (each request asks a new address, so the page cache never answers), median of 30
#    (target: under 50 ms);
#  - the same aggregation as the dashboard's counts by status done by the sqlite3 CLI over the
#    stored indicators, and the ratio.
# Usage: bench/results.sh [PROGRAMMES]
set -euo pipefail
cd "$(dirname "$0")/.."
programmes=${1:-10000}
if ! command -v sqlite3 >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq sqlite3; else sudo apt-get install -y -qq sqlite3; fi
fi
cargo build --release --locked -p semey >&2
bin=$PWD/target/release/semey
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export SEMEY_DATABASE="sqlite://$work/bench.db"
now() { date +%s.%N; }
elapsed_ms() { python3 -c "print(f'{($2 - $1) * 1000:.1f}')" ; }
"$bin" generate --programmes "$programmes" --transactions 1000 --out "$work/data" >&2
"$bin" generate-results --programmes "$programmes" --out "$work/results" >&2
"$bin" demo >&2
"$bin" import organisations "$work/data/organisations.csv" >&2
"$bin" import programmes "$work/data/programmes.csv" >&2
sync
t0=$(now); "$bin" import results "$work/results/results.json" >&2; t1=$(now)
results_ms=$(elapsed_ms "$t0" "$t1")
values=$(($(wc -l < "$work/results/indicator-values.csv") - 1))
sync
t0=$(now); "$bin" import indicator-values "$work/results/indicator-values.csv" >&2; t1=$(now)
values_ms=$(elapsed_ms "$t0" "$t1")

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SEMEY_LOG=warn "$bin" serve --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
programme=$(curl -fs "http://127.0.0.1:$port/api/v1/programmes?q=XX-BENCH-P00042" | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')
timed() {  # median of 30 uncached requests of $1 (a new query each time)
  local url=$1 times=""
  curl -fs "$url?lang=en&warm=0" >/dev/null
  for i in $(seq 1 30); do
    times="$times $(curl -fs -o /dev/null -w '%{time_total}' "$url?lang=en&n=$i")"
  done
  tr ' ' '\n' <<<"$times" | grep . | sort -g | sed -n 15p | awk '{printf "%.1f", $1 * 1000}'
}
dashboard_ms=$(timed "http://127.0.0.1:$port/results")
page_ms=$(timed "http://127.0.0.1:$port/programmes/$programme/results")

# sqlite3: the dashboard's counts by status and thematic area, over the stored indicators.
raw_sql="SELECT pa.area, CASE WHEN i.reason = 'compared' AND i.ratio >= 0.95 THEN 'on_track' WHEN i.reason = 'compared' AND i.ratio >= 0.6 THEN 'at_risk' WHEN i.reason = 'compared' THEN 'off_track' WHEN i.reason IN ('no_actual', 'period_ended_unreported') THEN 'not_reported' ELSE 'not_assessed' END AS s, COUNT(*) FROM indicators i JOIN programme_areas pa ON pa.programme_id = i.programme_id GROUP BY pa.area, s;"
best=""
for _ in 1 2 3 4 5; do
  r=$(printf '.timer on\n%s\n' "$raw_sql" | sqlite3 "$work/bench.db" | grep -o 'real [0-9.]*' | awk '{print $2 * 1000}')
  best="$best $r"
done
sqlite_ms=$(tr ' ' '\n' <<<"$best" | grep . | sort -g | sed -n 3p)
periods=$(sqlite3 "$work/bench.db" "SELECT COUNT(*) FROM indicator_periods;")
python3 - "$results_ms" "$values_ms" "$values" "$periods" "$dashboard_ms" "$page_ms" "$sqlite_ms" "$programmes" <<'PY'
import sys
res, val, nvals, nper, dash, page, raw, progs = map(float, sys.argv[1:])
print(f"programmes: {int(progs)}, values in the file: {int(nvals):,}, periods stored: {int(nper):,}")
print("| measure | Semey | sqlite3 CLI | Semey ÷ sqlite3 | target |")
print("|---|---|---|---|---|")
print(f"| import {int(nvals):,} indicator values | {val/1000:.2f} s | | | < 15 s |")
print(f"| import {int(progs):,} results chains (record path, audited) | {res/1000:.2f} s | | | |")
print(f"| results dashboard, uncached (median of 30) | {dash:.1f} ms | {raw:.1f} ms (counts by status and area) | {dash/raw:.2g} | < 50 ms |")
print(f"| a programme's results page, uncached (median of 30) | {page:.1f} ms | | | < 50 ms |")
ok = val < 15000 and dash < 50 and page < 50
print("targets met" if ok else "TARGETS MISSED")
sys.exit(0 if ok else 1)
PY
