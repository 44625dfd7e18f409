#!/usr/bin/env bash
# Fuzzes the JSON API from its own OpenAPI document: validates the document, then schemathesis
# sends generated (and deliberately wrong) arguments to every endpoint of a running dev server,
# once as a site admin and once as a plain member, for a bounded time each.
#
# It fails on any 5xx answer, any answer that does not match the documented schema, status or
# content type, and any panic in the server log. Failing cases are written as a pytest file
# reproducing them (target/fuzz/<role>/); a fixed one becomes a Rust test in
# server/tests/api_regressions.rs.
#
# FUZZ_SECONDS (default 75) is the budget per role. Needs the dev server binary and the venv of
# scripts/setup.sh test.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
BIN=$CARGO_TARGET_DIR/debug/sahabot
VENV=$STATE_DIR/venv
SECONDS_PER_ROLE=${FUZZ_SECONDS:-75}
[ -x "$VENV/bin/st" ] || die "schemathesis is missing: run scripts/setup.sh test"
# The same build as the browser tests' (scripts/e2e.sh: full component types), so make test
# compiles the server binary once.
RUSTFLAGS="" cargo build -p server --bin sahabot
WORK=$(mktemp -d /tmp/sahabot-fuzz.XXXXXX)
REPORTS=$ROOT/target/fuzz
rm -rf "$REPORTS"; mkdir -p "$REPORTS"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  wait 2>/dev/null; rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(free_port)
export DATABASE_URL="sqlite://$WORK/fuzz.db" SAHABOT_DATA_DIR="$WORK" SAHABOT_SITE_ROOT="$SITE_ROOT" \
  SAHABOT_BASE_URL="http://127.0.0.1:$PORT" \
  SAHABOT_RATE_LIMIT_ANONYMOUS_PER_MINUTE=1000000 SAHABOT_RATE_LIMIT_SESSION_PER_MINUTE=1000000 \
  SAHABOT_RATE_LIMIT_TOKEN_PER_MINUTE=1000000
"$BIN" migrate >/dev/null
"$BIN" users create fuzz-admin --superadmin >/dev/null
"$BIN" users create fuzz-member >/dev/null
ADMIN_TOKEN=$("$BIN" tokens create fuzz-admin --name fuzz)
MEMBER_TOKEN=$("$BIN" tokens create fuzz-member --name fuzz)

"$BIN" serve --addr "127.0.0.1:$PORT" >"$WORK/stdout" 2>"$WORK/server.log" &
SERVER_PID=$!
URL=$(server_url "$SERVER_PID" "$WORK/stdout" "$WORK/server.log")

# Something to find: an organization with every plugin on, the member in it, and a few rows,
# so generated ids hit real data as well as missing data.
call() { # token endpoint json
  local answer status
  answer=$(curl -sS -w '\n%{http_code}' -X POST -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' --data "$3" "$URL$2")
  status=${answer##*$'\n'}
  [ "$status" = 200 ] || die "seeding: $2 answered $status: ${answer%$'\n'*}"
}
call "$ADMIN_TOKEN" /api/core/create_organization '{"name":"Fuzz League","description":"fuzzing"}'
call "$ADMIN_TOKEN" /api/core/add_member '{"org_id":1,"user_id":2}'
for plugin in presets async_qualifier tournament notes; do
  call "$ADMIN_TOKEN" /api/core/set_plugin_enabled "{\"org_id\":1,\"plugin_id\":\"$plugin\",\"enabled\":true,\"with_dependencies\":true}"
done
call "$ADMIN_TOKEN" /api/p/notes/add_entry '{"org_id":1,"text":"hello"}'
call "$ADMIN_TOKEN" /api/p/tournament/create_tournament '{"org_id":1,"name":"Cup","description":"","is_active":true}'

curl -sS -f "$URL/api/openapi.json" -o "$WORK/openapi.json"
"$VENV/bin/python" -m openapi_spec_validator "$WORK/openapi.json" >/dev/null \
  || die "the OpenAPI document is not valid OpenAPI 3.1 (python -m openapi_spec_validator says why)"
ENDPOINTS=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["paths"]))' "$WORK/openapi.json")
say "OpenAPI document valid: $ENDPOINTS endpoints"

status=0
for role in admin member; do
  token=$ADMIN_TOKEN; [ "$role" = member ] && token=$MEMBER_TOKEN
  say "fuzzing every endpoint as the $role for ${SECONDS_PER_ROLE}s"
  # The link callback is Discord's redirect for browsers (it answers a redirect page, not JSON).
  "$VENV/bin/st" run "$URL/api/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-time "$SECONDS_PER_ROLE" --workers 2 --seed 20261205 \
    --exclude-path /api/p/discordbot/link_callback \
    --suppress-health-check all --request-timeout 10 \
    --report junit,pytest --report-dir "$REPORTS/$role" \
    --output-truncate true --warnings off \
    >"$REPORTS/$role.log" 2>&1 || status=1
  tail -n 25 "$REPORTS/$role.log" >&2
done
if grep -n "panicked" "$WORK/server.log" >&2; then
  say "the server panicked during the fuzz run (lines above)"; status=1
fi
say "fuzz: $ENDPOINTS endpoints, reports in target/fuzz/"
[ "$status" -eq 0 ] || { cp "$WORK/server.log" "$REPORTS/server.log"; die "the API fuzz run found failures: see target/fuzz/<role>.log and the pytest reproductions there"; }
