#!/usr/bin/env bash
# API fuzzing: schemathesis (pinned in tests/api/requirements.txt, installed into a virtual
# environment under target/) generates requests from /api/v1/openapi.json and checks every
# answer: no 5xx, status codes, content types and bodies as the description says. It runs as
# the public, as an editor of one organisation and as a coordinator, against a server with
# the demo on SQLite and, when SEMEY_TEST_POSTGRES names a PostgreSQL cluster (scripts/test.sh
# starts one), on PostgreSQL.
#
#   scripts/api-fuzz.sh [EXAMPLES] [SEED]
#
# EXAMPLES is the most generated requests per operation in the fuzzing phase (default 5: the
# bounded run of the test command); bench/RESULTS.md records a longer run. Exits non-zero on
# any failure; the reports are kept in target/api-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
examples=${1:-5}
seed=${2:-1}

venv="$root/target/api-fuzz-venv"
if ! cmp -s tests/api/requirements.txt "$venv/requirements.txt" 2>/dev/null; then
  echo "installing schemathesis (PyPI, pinned in tests/api/requirements.txt)…" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r tests/api/requirements.txt >&2
  cp tests/api/requirements.txt "$venv/requirements.txt"
fi

cargo build --locked -q -p semey
semey="$root/target/debug/semey"
reports="$root/target/api-fuzz"
mkdir -p "$reports"
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

token_of() { sed -n 's/.*: \(semey_[0-9a-f]*\).*/\1/p'; }

passed=0
failed=0
fuzz() { # backend database
  local backend=$1 db=$2
  "$semey" --database "$db" demo >/dev/null
  "$semey" --database "$db" serve --addr 127.0.0.1:0 >"$work/serve-$backend.log" 2>&1 &
  server=$!
  local addr=""
  for _ in $(seq 100); do
    addr=$(sed -n 's#.*http://\([0-9.:]*\).*#\1#p' "$work/serve-$backend.log" | head -1)
    [ -n "$addr" ] && break
    sleep 0.2
  done
  [ -n "$addr" ] || { echo "the server did not start" >&2; cat "$work/serve-$backend.log" >&2; exit 1; }
  local org
  org=$(python3 -c "import json, urllib.request; print(json.load(urllib.request.urlopen('http://$addr/api/v1/organisations?limit=1'))['items'][0]['id'])")
  printf 'a long fuzzing passphrase\n' | "$semey" --database "$db" user add coordinator@fuzz.test --name Coordinator --role coordinator >/dev/null
  printf 'a long fuzzing passphrase\n' | "$semey" --database "$db" user add editor@fuzz.test --name Editor --role editor --organisation "$org" >/dev/null
  local coordinator editor
  coordinator=$("$semey" --database "$db" user token coordinator@fuzz.test --name fuzz | token_of)
  editor=$("$semey" --database "$db" user token editor@fuzz.test --name fuzz | token_of)
  local role
  for role in public editor coordinator; do
    local auth=()
    case $role in
      editor) auth=(-H "Authorization: Bearer $editor") ;;
      coordinator) auth=(-H "Authorization: Bearer $coordinator") ;;
      public) ;;
    esac
    local report="$reports/$backend-$role.txt"
    if "$venv/bin/schemathesis" run "http://$addr/api/v1/openapi.json" "${auth[@]}" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
      --phases examples,coverage,fuzzing --max-examples "$examples" --seed "$seed" --workers 1 \
      --suppress-health-check all --warnings off --no-color >"$report" 2>&1; then
      passed=$((passed + 1))
      echo "api fuzzing on $backend as $role: $(grep -Eo '[0-9]+ generated' "$report" | head -1) requests, no failure"
    else
      failed=$((failed + 1))
      echo "api fuzzing on $backend as $role: FAILED (report: $report)"
      sed -n '/FAILURES\|ERRORS/,$p' "$report" | head -80
    fi
  done
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}

fuzz sqlite "sqlite://$work/fuzz.db"
if [ -n "${SEMEY_TEST_POSTGRES:-}" ]; then
  name="semey_fuzz_$$_$RANDOM"
  base=${SEMEY_TEST_POSTGRES%/*}
  psql -q "$SEMEY_TEST_POSTGRES" -c "CREATE DATABASE $name" >/dev/null
  fuzz postgres "$base/$name"
fi
echo "api fuzzing: $passed passed, $failed failed"
[ "$failed" = 0 ]
