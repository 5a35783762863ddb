#!/usr/bin/env bash
# Reports benchmark: the full progress report of a three-year period (2021-01-01..2023-12-31,
# Russian) over the funding benchmark's data (10 000 programmes, 1 000 000 transactions) with
# the results benchmark's indicators, the demo's radiation survey, resolution and mechanism —
# targets: HTML under 200 ms and PDF under 1 s, median of repeated runs in one process, warm;
# the first run in a new process (cold: fonts read, caches empty) is reported too.
# Usage: bench/reports.sh [PROGRAMMES] [TRANSACTIONS]   (KEEP=folder reuses a built dataset)
set -euo pipefail
cd "$(dirname "$0")/.."
programmes=${1:-10000}
transactions=${2:-1000000}
cargo build --release --locked -p semey >&2
bin=$PWD/target/release/semey
work=${KEEP:-$(mktemp -d)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
export SEMEY_DATABASE="sqlite://$work/bench.db"
if [ ! -f "$work/bench.db" ]; then
  "$bin" generate --programmes "$programmes" --transactions "$transactions" --out "$work/data" >&2
  "$bin" generate-results --programmes "$programmes" --out "$work/results" >&2
  "$bin" demo >&2
  "$bin" import organisations "$work/data/organisations.csv" >&2
  "$bin" import programmes "$work/data/programmes.csv" >&2
  "$bin" import exchange-rates "$work/data/exchange-rates.csv" >&2
  "$bin" import transactions "$work/data/transactions.csv" >&2
  "$bin" import results "$work/results/results.json" >&2
  "$bin" import indicator-values "$work/results/indicator-values.csv" >&2
fi
period=2021-01-01..2023-12-31
run() { # format, repeat → "first median p95"
  "$bin" report --period "$period" --lang ru --format "$1" --repeat "$2" -o "$work/report.$1" 2>&1 >/dev/null \
    | grep 'computed' | sed -E 's/.*first ([0-9.]+) ms, median ([0-9.]+) ms, 95th percentile ([0-9.]+) ms.*/\1 \2 \3/'
}
read -r html_cold html_median html_p95 < <(run html 20)
read -r pdf_cold pdf_median pdf_p95 < <(run pdf 10)
pages=$(pdfinfo "$work/report.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
echo "Reports: the report of $period in Russian, $programmes programmes, $transactions transactions (SQLite)"
echo
echo "| measure | first run in a new process (cold) | warm (median) | target |"
echo "|---|---|---|---|"
echo "| HTML | $html_cold ms | $html_median ms (95th percentile $html_p95 ms) | < 200 ms |"
echo "| PDF (${pages:-?} pages) | $pdf_cold ms | $pdf_median ms (95th percentile $pdf_p95 ms) | < 1 s |"
