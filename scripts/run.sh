#!/usr/bin/env bash
# Starts the built server from the repository root (so target/site and data/ are found).
#   scripts/run.sh [release|dev|test] [sahabot args…]   (dev and test are debug builds)
set -euo pipefail
source "$(dirname "$0")/env.sh"
PROFILE=${1:-release}; shift || true
cd "$ROOT"
BIN=$CARGO_TARGET_DIR/$([ "$PROFILE" = release ] && echo release || echo debug)/sahabot
[ -x "$BIN" ] || die "$BIN is missing: build it first (scripts/build.sh $PROFILE)"
if [ -z "${SAHABOT_MAKE_STARTED:-}" ] || [ $# -gt 0 ]; then exec "$BIN" "$@"; fi
# Started by `make run`/`make dev`: once the server answers, say how long it all took and where
# to go. The server's lines pass through unchanged (Ctrl-C reaches the server as before).
# On a site without users the server prints the first admin's one-time link before its address;
# the summary then names that link, the one thing to open.
"$BIN" serve | while IFS= read -r line; do
  printf '%s\n' "$line"
  case $line in
    "  http"*"/setup/"*) setup=${line#  } ;;
    "SahaBot is running at "*)
      url=${line#SahaBot is running at }; url=${url%% *}
      took=$(( $(date +%s) - SAHABOT_MAKE_STARTED ))
      if [ -n "${setup:-}" ]; then
        say "ready in $((took / 60))m $((took % 60))s — open $setup to create the first admin"
      else
        say "ready in $((took / 60))m $((took % 60))s — open $url"
      fi
      ;;
  esac
done
