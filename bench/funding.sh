#!/usr/bin/env bash
# Funding benchmark: 10 000 programmes and 1 000 000 transactions, on SQLite or PostgreSQL.
#  - import of the 1 000 000 transactions from CSV (target: under 10 s), whole `semey import` run;
#  - funding summary by thematic area × year (target: under 50 ms), median of repeated runs;
#  - the summary by every grouping the portal and the API offer, unfiltered (target: each under
#    50 ms), median of repeated runs;
#  - filtered summaries through the API of a running server (bench/funding/filters.py);
#  - the same CSV load and the same aggregation done directly by the database's own command-line
#    tool (sqlite3's .import, psql's \copy), on the same data, and the ratios.
# Usage: [BACKEND=sqlite|postgres] bench/funding.sh [PROGRAMMES] [TRANSACTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
programmes=${1:-10000}
transactions=${2:-1000000}

command -v sqlite3 >/dev/null || apt_install sqlite3
cargo build --release --locked -p semey >&2
bin=$PWD/target/release/semey
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  bench_stop_postgres
  rm -rf "$work"
}
trap cleanup EXIT
bench_database "$work" bench
now() { date +%s.%N; }
elapsed_ms() { python3 -c "print(f'{($2 - $1) * 1000:.1f}')" ; }

"$bin" generate --programmes "$programmes" --transactions "$transactions" --out "$work/data" >&2
"$bin" --database "$db" demo >&2
"$bin" --database "$db" import organisations "$work/data/organisations.csv" >&2
"$bin" --database "$db" import programmes "$work/data/programmes.csv" >&2
"$bin" --database "$db" import exchange-rates "$work/data/exchange-rates.csv" >&2

sync
t0=$(now)
"$bin" --database "$db" import transactions "$work/data/transactions.csv" >&2
t1=$(now)
import_ms=$(elapsed_ms "$t0" "$t1")

summary_line=$("$bin" --database "$db" summary --group-by area,year --repeat 50 2>&1 >/dev/null | grep 'median')
summary_ms=$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$summary_line")
summary_p95=$(sed -E 's/.*percentile ([0-9.]+) ms.*/\1/' <<<"$summary_line")

# The database's own tool: load the same CSV into a table without checks.
raw_columns="programme TEXT, reference TEXT, type INTEGER, date TEXT, amount TEXT, currency TEXT, provider_org TEXT, description TEXT"
t0=$(now)
if [ "$backend" = sqlite ]; then
  tool="sqlite3"; tool_load=".import, no checks"
  sqlite3 "$work/raw.db" "CREATE TABLE tx_raw ($raw_columns);"
  sqlite3 "$work/raw.db" ".mode csv" ".import --skip 1 $work/data/transactions.csv tx_raw"
else
  tool="psql"; tool_load="\\copy, no checks"
  psql -q "$db" -c "CREATE TABLE tx_raw ($raw_columns)"
  psql -q "$db" -c "\\copy tx_raw FROM '$work/data/transactions.csv' WITH (FORMAT csv, HEADER true)"
fi
t1=$(now)
tool_load_ms=$(elapsed_ms "$t0" "$t1")

# The same aggregation (area × year, every measure in USD and KZT, areas weighted by their
# shares), computed from the transactions and requirements themselves; the third best of five.
measure() { echo "CAST(ROUND(SUM(CASE WHEN $1 THEN t.amount_$2 * pa.share * 1.0 ELSE 0 END) / 10000) AS BIGINT)"; }
cols=""
for m in "t.measure = 'pledged' AND NOT t.internal" "t.measure = 'committed' AND NOT t.internal" "t.measure = 'disbursed' AND NOT t.internal" "t.measure = 'spent'" "t.measure = 'committed' AND t.internal" "t.measure = 'disbursed' AND t.internal" "t.measure = 'outgoing'"; do
  cols="$cols, $(measure "$m" usd), $(measure "$m" kzt)"
done
raw_sql="SELECT pa.area, t.year${cols} FROM transactions t JOIN programme_areas pa ON pa.programme_id = t.programme_id GROUP BY pa.area, t.year;"
tool_runs() {
  local sql=$1 best=""
  for _ in 1 2 3 4 5; do
    local r
    if [ "$backend" = sqlite ]; then
      r=$(printf '.timer on\n%s\n' "$sql" | sqlite3 "${db#sqlite://}" | grep -o 'real [0-9.]*' | awk '{print $2 * 1000}')
    else
      r=$(printf '\\timing on\n%s\n' "$sql" | psql -q "$db" | grep -o 'Time: [0-9.]*' | awk '{print $2}')
    fi
    best="$best $r"
  done
  tr ' ' '\n' <<<"$best" | grep . | sort -g | sed -n 3p
}
tool_agg_ms=$(tool_runs "$raw_sql")

# Every grouping the portal and the API offer (the summary as the API computes it: its first
# page of at most 1 000 groups, their names, the whole selection's total, the split by origin,
# in-kind contributions).
groupings="area year origin organisation currency place place:region place:district place:settlement programme area,year year,origin year,organisation organisation,currency place:district,year"
grouping_rows=""
for g in $groupings; do
  line=$("$bin" --database "$db" summary --group-by "$g" --repeat 20 2>&1 >/dev/null | grep 'median')
  groups=$(sed -E 's/^([0-9]+) groups.*/\1/' <<<"$line")
  med=$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$line")
  p95=$(sed -E 's/.*percentile ([0-9.]+) ms.*/\1/' <<<"$line")
  grouping_rows="$grouping_rows| $g | $groups | $med ms | $p95 ms |"$'\n'
done

# Filtered summaries through the API of a running server (bench/funding/filters.py).
SEMEY_LOG=warn "$bin" --database "$db" serve --addr 127.0.0.1:0 >"$work/serve.log" 2>&1 &
server=$!
addr=$(server_address "$work/serve.log")
filtered_status=0
filtered=$(python3 bench/funding/filters.py "http://$addr") || filtered_status=$?
kill "$server" 2>/dev/null || true

rows=$(bench_sql "SELECT COUNT(*) FROM transactions")
status=0
python3 - "$import_ms" "$summary_ms" "$summary_p95" "$tool_load_ms" "$tool_agg_ms" "$transactions" "$programmes" "$rows" "$backend" "$tool" "$tool_load" <<'PY' || status=$?
import sys
imp, summ, p95, load, agg, rows, progs, stored = map(float, sys.argv[1:9])
backend, tool, tool_load = sys.argv[9:]
print(f"{backend}: programmes: {int(progs)}, transactions in the file: {int(rows)}, transactions stored (with the demo's): {int(stored)}")
print(f"| measure | Semey | {tool} | Semey ÷ {tool} | target |")
print(f"|---|---|---|---|---|")
print(f"| import {int(rows):,} transactions from CSV | {imp/1000:.2f} s | {load/1000:.2f} s ({tool_load}) | {imp/load:.2g} | < 10 s |")
print(f"| funding summary area × year (median of 50; p95 {p95:.1f} ms) | {summ:.1f} ms | {agg:.1f} ms (GROUP BY over the transactions) | {summ/agg:.2g} | < 50 ms |")
ok = imp < 10000 and summ < 50
print("targets met" if ok else "TARGETS MISSED")
sys.exit(0 if ok else 1)
PY
echo
echo "Every grouping, unfiltered (median of 20 runs of \`semey summary --group-by G\`; target < 50 ms each):"
echo
echo "| grouping | groups | median | 95th percentile |"
echo "|---|---|---|---|"
printf '%s' "$grouping_rows"
echo
echo "Filtered summaries through the API (median of 20 requests; target < 50 ms each):"
echo
printf '%s\n' "$filtered"
[ "$filtered_status" = 0 ] || status=1
exit "$status"
