#!/usr/bin/env bash
# Runs every test: unit and integration (SQLite and PostgreSQL), then the browser tests against
# a real server with the built site, `make run` itself (scripts/check-make-run.sh), then the API
# fuzz run. Prints each runner's summary; exits non-zero on any failure.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$ROOT/scripts/test-postgres.sh"
cd "$ROOT"
trap stop_test_postgres EXIT
ensure_test_postgres

say "format and lints"
cargo fmt --all -- --check || die "code is not formatted: run cargo fmt --all"
cargo clippy --workspace --exclude frontend --all-targets -- -D warnings
# The build's wasm tool is a workspace of its own (setup.sh installs it); the same rules.
(cd tools/wasm-build && cargo fmt -- --check || die "tools/wasm-build is not formatted: run cargo fmt there")
(cd tools/wasm-build && CARGO_TARGET_DIR="$STATE_DIR/tools/lint-target" cargo clippy --locked -- -D warnings)

say "unit and integration tests (cargo nextest: one process per test, a hung test is killed after 60 s)"
t0=$(date +%s)
status=0
run_rust_tests || status=$?
say "rust tests took $(( $(date +%s) - t0 ))s"
python3 "$ROOT/scripts/test-report.py" "$NEXTEST_JUNIT" 10 || true
[ "$status" -eq 0 ] || die "rust tests failed (see the FAIL / TIMEOUT lines above)"

say "browser tests (full component types, as make run builds them)"
"$ROOT/scripts/build.sh" site-test
"$ROOT/scripts/e2e.sh"

say "make run, as a new user runs it (on the build above): its step lines and final summary"
"$ROOT/scripts/check-make-run.sh"

say "API fuzzing (schemathesis from /api/openapi.json: no 5xx, no answer off its schema, no panic)"
"$ROOT/scripts/fuzz-api.sh"
