#!/usr/bin/env bash
# Crash safety at length: every import kind killed with SIGKILL at KILLS seeded moments (default
# 50) on SQLite and on PostgreSQL (a throw-away cluster of scripts/pg-cluster.sh). The test
# suite runs the same tests with 3 kills each. Prints, per kind and backend, how many kills
# left nothing and how many found the import whole; any other outcome fails.
#
#   scripts/crash.sh [KILLS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
read -r pg_dir pg_url < <(scripts/pg-cluster.sh)
trap 'scripts/pg-cluster.sh stop "$pg_dir"' EXIT
export SEMEY_TEST_POSTGRES="$pg_url" SEMEY_CRASH_KILLS="${1:-50}" SEMEY_CRASH_SEED="${2:-20261203}"
cargo test --locked -p semey --test it -- crash:: --nocapture --test-threads 2 2>&1 |
  grep -E 'kills within|test result|panicked|FAILED'
