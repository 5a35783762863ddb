#!/usr/bin/env bash
# The whole test suite: installs what it needs, starts a throw-away PostgreSQL cluster, runs
# every test (storage tests on SQLite and on PostgreSQL), and removes the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: xmllint checks exported IATI files against the official
# schemas; the Noto fonts (Latin, Cyrillic with the Kazakh letters, CJK) are embedded in PDF
# reports; pdftotext (poppler-utils) reads the PDFs back; nginx stands in front of two servers.
need=()
command -v xmllint >/dev/null || need+=(libxml2-utils)
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ -n "$(find /usr/share/fonts -name NotoSans-Regular.ttf -print -quit 2>/dev/null)" ] || need+=(fonts-noto-core)
[ -n "$(find /usr/share/fonts -name 'NotoSansCJK-Regular.ttc' -print -quit 2>/dev/null)" ] || need+=(fonts-noto-cjk)
# nginx: two servers behind a reverse proxy (crates/semey/tests/it/binary.rs).
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (Debian packages)…" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
  else
    sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
  fi
fi

read -r pg_dir pg_url < <(scripts/pg-cluster.sh)
trap 'scripts/pg-cluster.sh stop "$pg_dir"' EXIT
export SEMEY_TEST_POSTGRES="$pg_url"
echo "PostgreSQL for tests: $pg_url"

log=$(mktemp)
trap 'scripts/pg-cluster.sh stop "$pg_dir"; rm -f "$log"' EXIT
status=0
# The shape: no import cycles between the files of any crate.
python3 scripts/module-cycles.py || status=$?
cargo test --workspace --locked "$@" 2>&1 | tee "$log" || status=$?
# The API against its own description (schemathesis; a bounded run on both backends, as the
# public, an editor and a coordinator).
scripts/api-fuzz.sh 2>&1 | tee -a "$log" || status=$?
# The portal in a real browser (Debian chromium, playwright-core, axe-core).
scripts/browser-tests.sh 2>&1 | tee -a "$log" || status=$?
# One closing line for the whole suite: Rust's "test result:" lines and node's "ℹ pass/fail".
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i + 1) ~ /^passed;?$/) p += $i; if ($(i + 1) ~ /^failed;?$/) f += $i } }
     /^ℹ pass [0-9]+$/ { p += $3 }
     /^ℹ fail [0-9]+$/ { f += $3 }
     /^api fuzzing: [0-9]+ passed, [0-9]+ failed$/ { p += $3; f += $5 }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
