#!/usr/bin/env bash
# Search benchmark (issue 14), on SQLite:
#  - the judged set (bench/search/judged.tsv) over the whole demo: precision at 5, recall at
#    10 and mean reciprocal rank, with all our word rules and with the Kazakh suffix rules
#    and the five-letter prefixes left out in turn (what each brings);
#  - scale: PROGRAMMES generated programmes and SERVICES generated services, the whole index
#    rebuilt (`semey search rebuild`: documents a second), then 200 questions answered
#    in-process (`semey search query --repeat`: median and 95th percentile), then through the
#    API of a running server (200 requests cycling through questions in four languages), and
#    how long after an import by another process a second running server finds the record.
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
  { "$bin" --database "$db" search judge bench/search/judged.tsv $rules 2>&1 || true; } | grep 'questions:\|found nothing'
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

# Through the API of running servers.
serve() {
  "$bin" --database "$db" serve --addr "127.0.0.1:$1" >/dev/null 2>&1 &
  echo $!
}
a=$(serve 18741); b=$(serve 18742)
trap 'kill $a $b 2>/dev/null; rm -rf "$work"' EXIT
for port in 18741 18742; do
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
  # The first question waits for the index to be built from the database.
  t0=$(date +%s.%N)
  curl -sf "http://127.0.0.1:$port/api/v1/search?q=health" >/dev/null
  python3 -c "print(f'server on {$port}: index built by the first question in {$(date +%s.%N) - $t0:.1f} s')"
done
python3 - <<'PY'
import time, urllib.request, urllib.parse, statistics
questions = ["health screening", "радиационный мониторинг", "қалқанша без", "辐射监测", "benchmark programme 4711",
             "психологическая поддержка", "legal advice", "семейный врач", "甲状腺筛查", "ауылдық жұмыспен қамту",
             "Semey", "Курчатов", "programme 12", "医生", "зардап шеккендер", "monitoring", "здоровье детей",
             "services 999", "儿童健康", "денсаулық сақтау"]
times = []
for i in range(200):
    q = questions[i % len(questions)]
    url = "http://127.0.0.1:18741/api/v1/search?" + urllib.parse.urlencode({"q": q, "lang": "en", "limit": 20})
    t0 = time.perf_counter()
    with urllib.request.urlopen(url) as r:
        r.read()
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(f"API search, 200 requests: median {statistics.median(times):.1f} ms, 95th percentile {times[189]:.1f} ms, max {times[-1]:.1f} ms")
PY
printf 'name_en,name_ru,name_kk,name_zh,org_type,country\nTamarisk Seed Bank,,,,22,KZ\n' > "$work/org.csv"
"$bin" --database "$db" import organisations "$work/org.csv" >/dev/null 2>&1
t0=$(date +%s.%N)
until curl -sf "http://127.0.0.1:18742/api/v1/search?q=tamarisk" | grep -q 'Tamarisk Seed Bank'; do sleep 0.05; done
python3 -c "print(f'a record imported by another process found on the second server after {($(date +%s.%N) - $t0) * 1000:.0f} ms')"
