#!/usr/bin/env bash
# Document library and search at scale (issue 14), on SQLite:
#  - DOCUMENTS generated documents (plain text of about 250 words each, in Kazakh, Russian,
#    English and Chinese in turn) imported with `semey import documents` (time, documents a
#    second), then the whole index rebuilt: what the documents' extracted text indexes at;
#  - PROGRAMMES generated programmes added, so records and documents together make
#    DOCUMENTS + PROGRAMMES + the demo, and the whole index rebuilt again;
#  - 200 questions in four languages through the API of a running server (median, 95th
#    percentile), and how long after another process imports a document a second running
#    server finds it by a word of its text.
# Usage: bench/documents.sh [DOCUMENTS] [PROGRAMMES]
set -euo pipefail
cd "$(dirname "$0")/.."
documents=${1:-50000}
programmes=${2:-50000}
cargo build --release --locked -p semey >&2
bin=$PWD/target/release/semey
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="sqlite://$work/scale.db"
export SEMEY_RESOLUTIONS_DIR=${SEMEY_RESOLUTIONS_DIR:-../shared/seeds}

seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$@"; }

echo "## $documents documents, then $programmes programmes"
"$bin" --database "$db" demo >/dev/null
"$bin" documents generate --rows "$documents" --out "$work/docs" >&2
t0=$(date +%s.%N)
"$bin" --database "$db" import documents "$work/docs" >&2
t1=$(date +%s.%N)
python3 -c "print(f'import of $documents documents: {$t1 - $t0:.1f} s ({$documents / ($t1 - $t0):.0f} documents a second)')"
t0=$(date +%s.%N)
"$bin" --database "$db" search rebuild
t1=$(date +%s.%N)
python3 -c "print(f'index of the demo and $documents documents rebuilt: {$t1 - $t0:.1f} s with the start-up ({$documents / ($t1 - $t0):.0f} documents a second at least)')"

"$bin" generate --programmes "$programmes" --transactions 1 --out "$work/data" >&2
"$bin" --database "$db" import organisations "$work/data/organisations.csv" >&2
"$bin" --database "$db" import programmes "$work/data/programmes.csv" >&2
t0=$(date +%s.%N)
"$bin" --database "$db" search rebuild
t1=$(date +%s.%N)
echo "whole index rebuilt in $(seconds "$t0" "$t1") s with the start-up"

# Through the API of two running servers, each with its own index in its own folder.
serve() {
  SEMEY_SEARCH_DIR="$work/index-$1" "$bin" --database "$db" serve --addr "127.0.0.1:$1" >/dev/null 2>&1 &
  echo $!
}
a=$(serve 18751); b=$(serve 18752)
trap 'kill $a $b 2>/dev/null; rm -rf "$work"' EXIT
for port in 18751 18752; do
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
  t0=$(date +%s.%N)
  curl -sf "http://127.0.0.1:$port/api/v1/search?q=health" >/dev/null
  echo "server on $port: index built by the first question in $(seconds "$t0" "$(date +%s.%N)") s"
done
python3 - <<'PY'
import time, urllib.request, urllib.parse, statistics
questions = ["thyroid screening", "радиация обследование", "қалқанша без тексеру", "辐射 筛查", "benchmark document 4711",
             "психологическая поддержка", "soil measurement", "школа дети", "甲状腺 医生", "ауыл тұрғындары",
             "Semey", "радон в доме", "farming livestock", "医院 支持", "әлеуметтік қорғау", "water report",
             "полигон жители", "试验场 居民", "денсаулық деректер", "hospital plan"]
times = []
for i in range(200):
    q = questions[i % len(questions)]
    lang = ["en", "ru", "kk", "zh"][i % 4]
    url = "http://127.0.0.1:18751/api/v1/search?" + urllib.parse.urlencode({"q": q, "lang": lang, "limit": 20})
    t0 = time.perf_counter()
    with urllib.request.urlopen(url) as r:
        r.read()
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(f"API search over records and documents, 200 requests: median {statistics.median(times):.1f} ms, 95th percentile {times[189]:.1f} ms, max {times[-1]:.1f} ms")
PY
mkdir -p "$work/one"
printf 'A note on saxaul windbreaks planted near Sarzhal\n' > "$work/one/saxaul.txt"
printf 'file,title_en,type,organisation\nsaxaul.txt,Saxaul windbreaks,study,Semey Medical University\n' > "$work/one/documents.csv"
t0=$(date +%s.%N)
"$bin" --database "$db" import documents "$work/one" >/dev/null 2>&1
until curl -sf "http://127.0.0.1:18752/api/v1/search?q=planted" | grep -q 'Saxaul windbreaks'; do sleep 0.05; done
python3 -c "print(f'a document imported by another process found by its text on the second server {($(date +%s.%N) - $t0) * 1000:.0f} ms after the import started')"
