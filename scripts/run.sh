#!/usr/bin/env bash
# Starts the built server from the repository root (so target/site and data/ are found).
#   scripts/run.sh [release|dev] [sahabot args…]
set -euo pipefail
source "$(dirname "$0")/env.sh"
PROFILE=${1:-release}; shift || true
cd "$ROOT"
BIN=$CARGO_TARGET_DIR/$([ "$PROFILE" = release ] && echo release || echo debug)/sahabot
[ -x "$BIN" ] || die "$BIN is missing: build it first (scripts/build.sh $PROFILE)"
exec "$BIN" "$@"
