#!/usr/bin/env bash
# The whole test suite: installs what it needs, starts a throw-away PostgreSQL cluster, runs
# every test (storage tests on SQLite and on PostgreSQL), and removes the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

read -r pg_dir pg_url < <(scripts/pg-cluster.sh)
trap 'scripts/pg-cluster.sh stop "$pg_dir"' EXIT
export SEMEY_TEST_POSTGRES="$pg_url"
echo "PostgreSQL for tests: $pg_url"

cargo test --workspace --locked "$@"
