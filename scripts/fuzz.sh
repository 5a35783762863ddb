#!/usr/bin/env bash
# Fuzzes the parsers of radiation files (bGeigie lines; every import format through the same
# reading code an import uses) for a bounded time per target, starting from the reference files
# in ../shared/data/safecast. Not part of CI. Findings are left in fuzz/artifacts/.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
# cargo-fuzz builds with sanitizer flags that only nightly compilers accept; the machine's
# stable compiler accepts them when told it may.
export RUSTC_BOOTSTRAP=1
shared=../shared/data/safecast
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
mkdir -p "$corpus/bgeigie" "$corpus/measurement_files"
cp "$shared"/*.log "$corpus/bgeigie/"
# A measurement file's first byte picks its format (its index in Format::ALL).
python3 - "$shared" "$corpus/measurement_files" <<'PY'
import pathlib, sys
shared, out = map(pathlib.Path, sys.argv[1:])
formats = {"csv": [1, 4], "log": [3]}
for f in shared.iterdir():
    for i in formats.get(f.suffix.lstrip("."), []):
        (out / f"{f.stem}-{i}").write_bytes(bytes([i]) + f.read_bytes())
PY
for target in bgeigie measurement_files; do
  cargo fuzz run --fuzz-dir fuzz "$target" "$corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=2048
done
