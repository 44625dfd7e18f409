#!/usr/bin/env bash
# Starts the dev server on a free port with a throwaway SQLite database and runs end2end/ in
# Debian's chromium against it. Needs the site built (scripts/build.sh site-dev) and the dev
# server binary (cargo test or scripts/build.sh dev builds it).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
BIN=$CARGO_TARGET_DIR/debug/sahabot
[ -x "$BIN" ] || cargo build -p server --bin sahabot
WORK=$(mktemp -d /tmp/sahabot-e2e.XXXXXX)
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

DATABASE_URL="sqlite://$WORK/e2e.db" SAHABOT_DATA_DIR="$WORK" SAHABOT_SITE_ROOT="$SITE_ROOT" \
  "$BIN" serve --addr 127.0.0.1:0 >"$WORK/stdout" 2>"$WORK/server.log" &
SERVER_PID=$!
URL=""
for _ in $(seq 1 100); do
  URL=$(sed -n 's/^SahaBot is running at \([^ ]*\).*/\1/p' "$WORK/stdout")
  [ -n "$URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server did not start"; }
  sleep 0.1
done
[ -n "$URL" ] || die "the server did not report its address"
say "server at $URL"
status=0
node end2end/run.mjs "$URL" || status=$?
if [ "$status" -ne 0 ]; then say "server log:"; tail -n 40 "$WORK/server.log" >&2; fi
exit "$status"
