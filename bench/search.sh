#!/usr/bin/env bash
# Search benchmark (issue 14), on SQLite:
#  - the judged set (bench/search/judged.tsv) over the whole demo: precision at 5, recall at
#    10 and mean reciprocal rank, with all our word rules and with the Kazakh suffix rules
#    and the five-letter prefixes left out in turn (what each brings);
#  - scale: PROGRAMMES generated programmes and SERVICES generated services, the whole index
#    rebuilt (`semey search rebuild`: documents a second), then 200 questions answered
#    in-process (`semey search query --repeat`: median and 95th percentile).
# Usage: bench/search.sh [PROGRAMMES] [SERVICES]
set -euo pipefail
cd "$(dirname "$0")/.."
programmes=${1:-50000}
services=${2:-50000}
cargo build --release --locked -p semey >&2
bin=$PWD/target/release/semey
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "## judged set"
db="sqlite://$work/demo.db"
"$bin" --database "$db" demo >/dev/null
for rules in "" "--without-kazakh-stemming" "--without-prefixes" "--without-kazakh-stemming --without-prefixes"; do
  echo "### rules left out: ${rules:-none}"
  # shellcheck disable=SC2086
  "$bin" --database "$db" search judge bench/search/judged.tsv $rules | grep 'questions:'
done

echo "## scale: $programmes programmes, $services services"
db="sqlite://$work/scale.db"
"$bin" generate --programmes "$programmes" --transactions 1 --out "$work/data" >&2
"$bin" generate-services --rows "$services" --out "$work/services.json" >&2
"$bin" --database "$db" demo >/dev/null
"$bin" --database "$db" import organisations "$work/data/organisations.csv" >&2
"$bin" --database "$db" import programmes "$work/data/programmes.csv" >&2
"$bin" --database "$db" import services "$work/services.json" >&2
"$bin" --database "$db" search rebuild
for q in "health screening" "радиация мониторинг" "benchmark programme 4711"; do
  "$bin" --database "$db" search query "$q" --repeat 200 --limit 20 2>&1 >/dev/null | sed "s/^/$q: /"
done
