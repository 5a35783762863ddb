#!/usr/bin/env bash
# Browser tests: installs Debian chromium and CJK fonts when missing, the test's npm packages
# from their lockfile, builds the demo with the reference outlines from ../shared/data/geo into
# a throw-away database, serves it on a free port and runs tests/browser/*.test.mjs.
# Prints the node test runner's summary (# pass N / # fail N).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (Debian packages)…" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
  else
    sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
  fi
fi
(cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

cargo build --locked -p semey
semey="$root/target/debug/semey"
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export SEMEY_DATABASE="sqlite://$work/browser.db"
"$semey" demo >/dev/null
geo="$root/../shared/data/geo"
for f in kaz_adm1_2024.geojson kaz_adm2_2024.geojson places-abai-east-kazakhstan.geojson; do
  "$semey" import places "$geo/$f" >/dev/null
done
seeds="$root/../shared/seeds"
"$semey" import resolution "$seeds/A-RES-75-210.en.txt" "$seeds/A-RES-75-210.zh.txt" >/dev/null
"$semey" import coordination "$root/crates/semey/demo/coordination.json" >/dev/null
# An administrator for the workspace pages, with a password made up for this run.
export SEMEY_TEST_EMAIL="browser-tests@semey.test"
SEMEY_TEST_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
export SEMEY_TEST_PASSWORD
printf '%s\n' "$SEMEY_TEST_PASSWORD" | "$semey" user add "$SEMEY_TEST_EMAIL" --name "Browser tests" --administrator >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SEMEY_LOG=warn "$semey" serve --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
export SEMEY_URL="http://127.0.0.1:$port"
# An editor of the organisation that reports the demo's dose-rate survey programme.
owner=$(curl -fs "$SEMEY_URL/api/v1/programmes?q=Dose-rate" | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["reporting_org_id"])')
export SEMEY_TEST_EDITOR="editor@browser-tests.test"
printf '%s\n' "$SEMEY_TEST_PASSWORD" | "$semey" user add "$SEMEY_TEST_EDITOR" --name "Browser editor" --role editor --organisation "$owner" >/dev/null
# A proposal of that editor (its own organisation's record, sent for approval), for the
# workflow's pages.
token=$("$semey" user token "$SEMEY_TEST_EDITOR" --name browser-tests | grep -o 'semey_[0-9a-f]*')
curl -fs "$SEMEY_URL/api/v1/organisations/$owner" >"$work/owner.json"
SEMEY_TEST_PROPOSAL=$(curl -fs -X PUT -H "Authorization: Bearer $token" -H 'content-type: application/json' \
  --data @"$work/owner.json" "$SEMEY_URL/api/v1/organisations/$owner" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
export SEMEY_TEST_PROPOSAL
# A report with a published version (every section written in English and Kazakh), for the
# version's pages; the demo's own report stays a draft for the editor's test.
admin_token=$("$semey" user token "$SEMEY_TEST_EMAIL" --name browser-tests | grep -o 'semey_[0-9a-f]*')
python3 -c '
import json
sections = ["summary", "introduction", "general_situation", "health", "socio_psychological", "economic",
            "environment", "advocacy", "resources", "coordination", "conclusions"]
print(json.dumps({"title": {"en": "Browser test report", "kk": "Сынақ баяндамасы"}, "period_start": "2021-01-01",
    "period_end": "2026-12-31", "languages": ["en", "kk"],
    "narratives": {s: {"en": "Text of " + s, "kk": "Мәтін " + s} for s in sections}}))' >"$work/report.json"
SEMEY_TEST_REPORT=$(curl -fs -X POST -H "Authorization: Bearer $admin_token" -H 'content-type: application/json' \
  --data @"$work/report.json" "$SEMEY_URL/api/v1/reports" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
curl -fs -X POST -H "Authorization: Bearer $admin_token" "$SEMEY_URL/api/v1/reports/$SEMEY_TEST_REPORT/publish" >/dev/null
export SEMEY_TEST_REPORT
# Every page the router has (`{id}` where a record's id goes): the tests visit each one.
SEMEY_PAGES=$("$semey" pages | tr '\n' ' ')
export SEMEY_PAGES
cd tests/browser
node --test --test-concurrency=1 --test-reporter=spec ${SEMEY_BROWSER_ONLY:+--test-name-pattern="$SEMEY_BROWSER_ONLY"} portal.test.mjs || { cat "$work/server.log" >&2; exit 1; }
