#!/usr/bin/env bash
# Mandates benchmark: the coverage of A/RES/75/210 over the funding benchmark's data (10 000
# programmes, 1 000 000 transactions) with the results benchmark's indicators, every programme
# linked to one or two of paragraphs 2–6 (1 and 7 left as gaps) — target: under 50 ms, median of
# repeated runs, warm; the first run (cold) is reported too.
# Usage: bench/mandates.sh [PROGRAMMES] [TRANSACTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
programmes=${1:-10000}
transactions=${2:-1000000}
seeds=../shared/seeds
cargo build --release --locked -p semey >&2
bin=$PWD/target/release/semey
work=${KEEP:-$(mktemp -d)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
export SEMEY_DATABASE="sqlite://$work/bench.db"
"$bin" generate --programmes "$programmes" --transactions "$transactions" --out "$work/data" >&2
"$bin" generate-results --programmes "$programmes" --out "$work/results" >&2
"$bin" demo >&2
"$bin" import resolution "$seeds/A-RES-75-210.en.txt" "$seeds/A-RES-75-210.zh.txt" >&2
# Each programme serves one or two of paragraphs 2–6 (a fixed pseudo-random choice).
python3 - "$work/data/programmes.csv" <<'PY'
import csv, random, sys
path = sys.argv[1]
rows = list(csv.reader(open(path, newline='', encoding='utf-8')))
rng = random.Random(75210)
rows[0].append('mandates')
for r in rows[1:]:
    r.append(';'.join(f'A/RES/75/210 {n}' for n in sorted(rng.sample(range(2, 7), rng.choice([1, 2])))))
csv.writer(open(path, 'w', newline='', encoding='utf-8')).writerows(rows)
PY
"$bin" import organisations "$work/data/organisations.csv" >&2
"$bin" import programmes "$work/data/programmes.csv" >&2
"$bin" import exchange-rates "$work/data/exchange-rates.csv" >&2
"$bin" import transactions "$work/data/transactions.csv" >&2
"$bin" import results "$work/results/results.json" >&2
"$bin" import indicator-values "$work/results/indicator-values.csv" >&2

cold=$("$bin" coverage A/RES/75/210 | grep 'median' | sed -E 's/.*median ([0-9.]+) ms.*/\1/')
out=$("$bin" coverage A/RES/75/210 --repeat 50)
echo "$out" >&2
line=$(grep 'median' <<<"$out")
median=$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$line")
p95=$(sed -E 's/.*percentile ([0-9.]+) ms.*/\1/' <<<"$line")
links=$(grep -E '^ +[0-9]+ ' <<<"$out" | awk '{s += $3} END {print s}')
echo "Mandates: coverage of A/RES/75/210, $programmes programmes ($links links), $transactions transactions (SQLite)"
echo
echo "| measure | result | target |"
echo "|---|---|---|"
echo "| coverage, first run in a new process | $cold ms | — |"
echo "| coverage, warm (median of 50) | $median ms (95th percentile $p95 ms) | < 50 ms |"
