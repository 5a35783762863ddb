#!/usr/bin/env bash
# IATI and open data benchmark on the funding benchmark's data (10 000 programmes, 1 000 000
# transactions) on SQLite:
#  - export as IATI 2.03 XML (target: at least 100 MB/s), checked against the standard's rules;
#  - the same file read by `xmllint --stream` (parsing only), for the ratio;
#  - the transactions as XLSX (target: at least 300 000 rows/s);
#  - import of the exported file into another platform (target: at least 100 000 transactions/s
#    with a peak memory under 300 MB), measured with /usr/bin/time.
# Usage: bench/iati.sh [PROGRAMMES] [TRANSACTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
programmes=${1:-10000}
transactions=${2:-1000000}

need() { command -v "$1" >/dev/null || { if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq "$2"; else sudo apt-get install -y -qq "$2"; fi; }; }
need xmllint libxml2-utils
need /usr/bin/time time
cargo build --release --locked -p semey >&2
bin=$PWD/target/release/semey
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="sqlite://$work/bench.db"
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }

"$bin" generate --programmes "$programmes" --transactions "$transactions" --out "$work/data" >&2
"$bin" --database "$db" demo >&2
for t in organisations programmes exchange-rates transactions; do
  "$bin" --database "$db" import "$t" "$work/data/$t.csv" >&2
done

t0=$(now)
"$bin" --database "$db" export iati-activities --out "$work/activities.xml" 2>"$work/export.log"
t1=$(now)
cat "$work/export.log" >&2
export_line=$(grep 'bytes written' "$work/export.log")
bytes=$(sed -E 's/.* ([0-9]+) bytes written.*/\1/' <<<"$export_line")
export_s=$(sed -E 's/.* in ([0-9.]+) s .*/\1/' <<<"$export_line")
check_s=$(grep -o 'rules in [0-9.]* s' "$work/export.log" | sed -E 's/rules in ([0-9.]+) s/\1/')

t0=$(now); xmllint --stream --noout "$work/activities.xml"; t1=$(now)
xmllint_s=$(secs "$t0" "$t1")

t0=$(now)
"$bin" --database "$db" export data transactions --format xlsx --out "$work/transactions.xlsx" 2>"$work/xlsx.log"
t1=$(now)
cat "$work/xlsx.log" >&2
xlsx_s=$(secs "$t0" "$t1")
xlsx_rows=$(grep -o '[0-9]* rows' "$work/xlsx.log" | head -1 | cut -d' ' -f1)

db2="sqlite://$work/other.db"
"$bin" --database "$db2" demo >&2
"$bin" --database "$db2" import exchange-rates "$work/data/exchange-rates.csv" >&2
/usr/bin/time -v "$bin" --database "$db2" import iati "$work/activities.xml" 2>"$work/import.log" >"$work/import.out" || { cat "$work/import.log" "$work/import.out" >&2; exit 1; }
cat "$work/import.out" >&2
import_s=$(grep 'Elapsed (wall clock)' "$work/import.log" | sed -E 's/.*: ([0-9:.]+)$/\1/' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
rss_kb=$(grep 'Maximum resident set size' "$work/import.log" | sed -E 's/.*: ([0-9]+)$/\1/')
t0=$(now); xmllint --stream --noout "$work/activities.xml"; t1=$(now)

python3 - "$bytes" "$export_s" "$check_s" "$xmllint_s" "$xlsx_s" "$xlsx_rows" "$import_s" "$rss_kb" "$transactions" "$programmes" <<'PY'
import sys
b, ex, chk, xl, xs, xr, im, rss, tx, pr = sys.argv[1:]
b, ex, chk, xl, xs, xr, im, rss, tx = float(b), float(ex), float(chk), float(xl), float(xs), float(xr), float(im), float(rss), float(tx)
print(f"IATI and open data, {int(pr):,} programmes and {int(tx):,} transactions (SQLite)")
print()
print("| measure | result | target |")
print("|---|---|---|")
print(f"| IATI XML export ({b/1e6:.0f} MB) | {ex:.2f} s, {b/1e6/ex:.0f} MB/s | ≥ 100 MB/s |")
print(f"| standard's rules checked on it | {chk:.2f} s | zero problems |")
print(f"| `xmllint --stream` parsing the same file | {xl:.2f} s ({b/1e6/xl:.0f} MB/s) | — |")
print(f"| transactions as XLSX ({int(xr):,} rows) | {xs:.2f} s, {xr/xs:,.0f} rows/s | ≥ 300,000 rows/s |")
print(f"| import of the export | {im:.2f} s, {tx/im:,.0f} transactions/s, peak {rss/1024:.0f} MB | ≥ 100,000 tx/s, < 300 MB |")
print(f"| import ÷ xmllint --stream | {im/xl:.1f} × | — |")
PY
