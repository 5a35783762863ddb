#!/usr/bin/env bash
# Services benchmark: 10 000 services in the directory on SQLite.
#  - the finder (the nearest 10 services of one need to a point), median and p95 of 200 searches
#    from points spread over the region (target: under 10 ms), in-process as `semey services
#    nearest --repeat` runs it (the HTTP layer adds well under a millisecond on this machine);
#  - the same search done directly with the sqlite3 command-line tool (an ORDER BY over an
#    equirectangular distance of every point of that need, LIMIT 10), and the ratio;
#  - the import of the 10 000 services (each through the record path, audited).
# Usage: bench/services.sh [SERVICES]
set -euo pipefail
cd "$(dirname "$0")/.."
services=${1:-10000}
if ! command -v sqlite3 >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq sqlite3; else sudo apt-get install -y -qq sqlite3; fi
fi
cargo build --release --locked -p semey >&2
bin=$PWD/target/release/semey
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="sqlite://$work/bench.db"
now() { date +%s.%N; }
elapsed_ms() { python3 -c "print(f'{($2 - $1) * 1000:.1f}')" ; }
"$bin" generate-services --rows "$services" --out "$work/services.json" >&2
"$bin" --database "$db" demo >&2
sync
t0=$(now)
"$bin" --database "$db" import services "$work/services.json" >&2
t1=$(now)
import_ms=$(elapsed_ms "$t0" "$t1")

line=$("$bin" --database "$db" services nearest --lon 80.25 --lat 50.42 --category screening --repeat 200 2>&1 >/dev/null | grep 'median')
median=$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' <<<"$line")
p95=$(sed -E 's/.*p95 ([0-9.]+) ms.*/\1/' <<<"$line")

# sqlite3: the nearest 10 points of the need to the same point, by an equirectangular distance
# (cos 50.42° = 0.637), over the same table; the median of 5 runs.
raw_sql="SELECT p.service_id, ((p.lon - 80.25) * 0.637) * ((p.lon - 80.25) * 0.637) + (p.lat - 50.42) * (p.lat - 50.42) AS d2 FROM service_points p JOIN services s ON s.id = p.service_id WHERE s.status = 'active' AND p.category = 'screening' ORDER BY d2 LIMIT 10;"
best=""
for _ in 1 2 3 4 5; do
  r=$(printf '.timer on\n%s\n' "$raw_sql" | sqlite3 "$work/bench.db" | grep -o 'real [0-9.]*' | awk '{print $2 * 1000}')
  best="$best $r"
done
sqlite_ms=$(tr ' ' '\n' <<<"$best" | grep . | sort -g | sed -n 3p)
stored=$(sqlite3 "$work/bench.db" "SELECT COUNT(*) FROM services;")
python3 - "$median" "$p95" "$sqlite_ms" "$import_ms" "$services" "$stored" <<'PY'
import sys
med, p95, raw, imp, n, stored = map(float, sys.argv[1:])
print(f"services in the file: {int(n)}, stored (with the demo's): {int(stored)}")
print("| measure | Semey | sqlite3 CLI | Semey ÷ sqlite3 | target |")
print("|---|---|---|---|---|")
print(f"| finder: nearest 10 of one need (median of 200 searches; p95 {p95:.2f} ms) | {med:.2f} ms | {raw:.2f} ms (ORDER BY distance over every point of the need) | {med/raw:.2g} | < 10 ms |")
print(f"| import {int(n):,} services (record path, audited) | {imp/1000:.2f} s | | | |")
ok = med < 10
print("targets met" if ok else "TARGETS MISSED")
sys.exit(0 if ok else 1)
PY
