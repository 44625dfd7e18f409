#!/usr/bin/env bash
# `make bench`: builds the release server and optimised client, then scripts/bench/run.py seeds
# a realistic database, starts the server and measures pages and API calls with wrk.
#   BENCH_NO_BUILD=1   measure the build that is there
#   BENCH_SECONDS=N    seconds per measurement (default 10)
#   BENCH_KEEP=1       keep the data, server log and wrk's raw output (the folder is printed)
#   BENCH_PERF=a,b     profile the measurements whose name contains a or b with perf (the
#                      hottest functions are printed and kept in the JSON)
# Writes target/bench/latest.json (and a copy named by the time of the run).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
command -v wrk >/dev/null || die "wrk is missing: scripts/setup.sh bench installs it"
if [ -z "${BENCH_NO_BUILD:-}" ]; then scripts/build.sh release; fi
BIN=$CARGO_TARGET_DIR/release/sahabot
[ -x "$BIN" ] || die "$BIN is missing: build it first (scripts/build.sh release)"
exec python3 scripts/bench/run.py --bin "$BIN" --site "$SITE_ROOT" --out "$ROOT/target/bench"
