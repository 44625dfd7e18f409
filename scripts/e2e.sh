#!/usr/bin/env bash
# Starts the dev server on a free port with a throwaway SQLite database and runs end2end/ in
# Debian's chromium against it. Needs the site built with full types (scripts/build.sh
# site-test); builds the matching server itself.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
BIN=$CARGO_TARGET_DIR/debug/sahabot
# Built on its own, as `make run` builds it: test builds unify dev-dependency features and can
# hide a missing one. With full component types, as release has them (and the site of
# `scripts/build.sh site-test`; server and client must agree or pages do not hydrate): views
# too deeply nested for rustc's limits fail only without type erasure, and only when compiled
# to code, so this build is also the check that `make run` will compile.
RUSTFLAGS="" cargo build -p server --bin sahabot
WORK=$(mktemp -d /tmp/sahabot-e2e.XXXXXX)
SERVER_PID="" FAKE_PID="" ALTTPR_PID="" RACETIME_PID="" SPEEDGAMING_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
  [ -n "$ALTTPR_PID" ] && kill "$ALTTPR_PID" 2>/dev/null
  [ -n "$RACETIME_PID" ] && kill "$RACETIME_PID" 2>/dev/null
  [ -n "$SPEEDGAMING_PID" ] && kill "$SPEEDGAMING_PID" 2>/dev/null
  wait 2>/dev/null; rm -rf "$WORK"
}
trap cleanup EXIT

# A fake Discord, so sign-in runs the real OAuth flow.
node end2end/fake-discord.mjs >"$WORK/fake.out" 2>&1 &
FAKE_PID=$!
FAKE=""
for _ in $(seq 1 50); do
  FAKE=$(sed -n 's/^fake discord at //p' "$WORK/fake.out"); [ -n "$FAKE" ] && break; sleep 0.1
done
[ -n "$FAKE" ] || die "the fake Discord did not start: $(cat "$WORK/fake.out")"
export FAKE_DISCORD_URL=$FAKE
# A fake alttpr.com, so rolling a seed in the browser calls a real HTTP server (the seed test
# points the ALTTPR plugin's site setting at it).
node end2end/fake-alttpr.mjs >"$WORK/alttpr.out" 2>&1 &
ALTTPR_PID=$!
FAKE_ALTTPR_URL=""
for _ in $(seq 1 50); do
  FAKE_ALTTPR_URL=$(sed -n 's/^fake alttpr at //p' "$WORK/alttpr.out"); [ -n "$FAKE_ALTTPR_URL" ] && break; sleep 0.1
done
[ -n "$FAKE_ALTTPR_URL" ] || die "the fake alttpr.com did not start: $(cat "$WORK/alttpr.out")"
export FAKE_ALTTPR_URL
# A fake racetime.gg (token, rooms, the bot websocket), so a race room's panel follows a race.
node end2end/fake-racetime.mjs >"$WORK/racetime.out" 2>&1 &
RACETIME_PID=$!
FAKE_RACETIME_URL=""
for _ in $(seq 1 50); do
  FAKE_RACETIME_URL=$(sed -n 's/^fake racetime at //p' "$WORK/racetime.out"); [ -n "$FAKE_RACETIME_URL" ] && break; sleep 0.1
done
[ -n "$FAKE_RACETIME_URL" ] || die "the fake racetime.gg did not start: $(cat "$WORK/racetime.out")"
export FAKE_RACETIME_URL
# A fake speedgaming.org (the schedule API); the test points the plugin's site setting at it.
node end2end/fake-speedgaming.mjs >"$WORK/speedgaming.out" 2>&1 &
SPEEDGAMING_PID=$!
FAKE_SPEEDGAMING_URL=""
for _ in $(seq 1 50); do
  FAKE_SPEEDGAMING_URL=$(sed -n 's/^fake speedgaming at //p' "$WORK/speedgaming.out"); [ -n "$FAKE_SPEEDGAMING_URL" ] && break; sleep 0.1
done
[ -n "$FAKE_SPEEDGAMING_URL" ] || die "the fake speedgaming.org did not start: $(cat "$WORK/speedgaming.out")"
export FAKE_SPEEDGAMING_URL

# The OAuth callback URL needs the address up front, so pick a free port.
PORT=$(free_port)
# All browser tests come from 127.0.0.1 and several sign in as the same user, faster than people do:
# the request rate limits are raised so the run tests the pages, not the limiter.
DATABASE_URL="sqlite://$WORK/e2e.db" SAHABOT_DATA_DIR="$WORK" SAHABOT_SITE_ROOT="$SITE_ROOT" \
  SAHABOT_BASE_URL="http://127.0.0.1:$PORT" \
  SAHABOT_DISCORD_CLIENT_ID=e2e SAHABOT_DISCORD_CLIENT_SECRET=e2e-secret \
  SAHABOT_DISCORD_AUTHORIZE_URL="$FAKE/oauth2/authorize" SAHABOT_DISCORD_TOKEN_URL="$FAKE/api/oauth2/token" \
  SAHABOT_DISCORD_API_URL="$FAKE/api" SAHABOT_SUPERADMIN_DISCORD_IDS=1001 \
  SAHABOT_RACETIME_URL="$FAKE_RACETIME_URL" \
  SAHABOT_RATE_LIMIT_ANONYMOUS_PER_MINUTE=100000 SAHABOT_RATE_LIMIT_SESSION_PER_MINUTE=100000 \
  "$BIN" serve --addr "127.0.0.1:$PORT" >"$WORK/stdout" 2>"$WORK/server.log" &
SERVER_PID=$!
URL=$(server_url "$SERVER_PID" "$WORK/stdout" "$WORK/server.log")
say "server at $URL"
# On its empty database the server prints a one-time link that creates the first admin; the
# first-run test (end2end/tests/first_run.mjs) uses it.
SETUP_URL=""
for _ in $(seq 1 50); do
  SETUP_URL=$(sed -n 's|^ *\(http[^ ]*/setup/[^ ]*\)$|\1|p' "$WORK/stdout"); [ -n "$SETUP_URL" ] && break; sleep 0.1
done
[ -n "$SETUP_URL" ] || die "the server printed no first-run setup link: $(cat "$WORK/stdout")"
export E2E_SETUP_URL=$SETUP_URL
status=0
# E2E_FILTER=async runs only the tests whose "file › name" contains it.
node end2end/run.mjs "$URL" "${E2E_FILTER:-}" || status=$?
if [ "$status" -ne 0 ]; then say "server log:"; tail -n 40 "$WORK/server.log" >&2; fi
exit "$status"
