#!/usr/bin/env bash
# Runs `make run` as a new user would, on the build `make test` already made (SAHABOT_PROFILE=
# test: the debug server and site with full types, so nothing is compiled twice), on a fresh
# SQLite database and a free port, and checks what the person at the terminal reads: every
# step's line in order, no crate compiled again, the client's modules kept rather than made
# again, the one-time setup link of the empty site, and the summary `ready in Xm Ys — open <the
# setup link> to create the first admin` on an address that answers. Stops the server afterwards.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

WORK=$(mktemp -d /tmp/sahabot-make-run.XXXXXX)
PORT=$(free_port)
PGID=""
cleanup() {
  [ -n "$PGID" ] && kill -- "-$PGID" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# The site make test built just before; make run makes the same one again from the same wasm.
SITE_BEFORE=$(cat "$SITE_ROOT/pkg/current")

# Its own session (setsid), so the whole pipeline (make → run.sh → server) stops together.
SAHABOT_DATA_DIR="$WORK" DATABASE_URL="sqlite://$WORK/sahabot.db" SAHABOT_ADDR="127.0.0.1:$PORT" \
  setsid make --no-print-directory run SAHABOT_PROFILE=test >"$WORK/out" 2>&1 &
PGID=$!

# Compiling is already done, and so are the split, bind and compression; what is left is the CSS.
deadline=$(( $(date +%s) + 600 ))
until grep -q '^== ready in ' "$WORK/out"; do
  if ! kill -0 "$PGID" 2>/dev/null; then cat "$WORK/out" >&2; die "make run stopped before it was ready"; fi
  if [ "$(date +%s)" -gt "$deadline" ]; then cat "$WORK/out" >&2; die "make run was not ready within 10 minutes"; fi
  sleep 1
done

# On a build that is already there, make run compiles nothing. A "Compiling" line means something
# makes cargo rebuild every time: a path in a build script's rerun-if-changed that does not exist
# once had `app` and the server recompile on every run (in release about 10 minutes).
if grep -E '^ +Compiling ' "$WORK/out" >&2; then
  die "make run recompiled the crates above although nothing had changed since the build before it"
fi

# Nor does it split, bind and compress the same wasm again: the site is the one it had, with the
# same content hash (the CSS, which is made again, came out the same).
if ! grep -q '^== split and bind: skipped' "$WORK/out"; then
  cat "$WORK/out" >&2
  die "make run split and bound the client's wasm again although it had not changed"
fi
SITE_AFTER=$(cat "$SITE_ROOT/pkg/current")
[ "$SITE_AFTER" = "$SITE_BEFORE" ] || die "make run made site $SITE_AFTER from the wasm of site $SITE_BEFORE"
for file in sahabot.js sahabot.wasm sahabot.css sahabot.wasm.br sahabot.css.br sahabot.css.gz; do
  [ -s "$SITE_ROOT/pkg/$SITE_AFTER/$file" ] || die "the kept site lacks pkg/$SITE_AFTER/$file"
done

# The lines a person reads, in the order they appear (each a grep -E pattern).
expected=(
  '^== setup done \('
  '^== client: frontend -> wasm32-unknown-unknown \(test; about [0-9]+ min the first time'
  '^== split and bind: '
  '^== css: tailwind'
  '^== compress: '
  '^== site built in [0-9]+s: main wasm [0-9]+ bytes'
  '^== server: sahabot \(test; about [0-9]+ min the first time'
  '^== server built in [0-9]+s'
  '^This site has no user yet\. Open this one-time link'
  "^  http://127\\.0\\.0\\.1:$PORT/setup/[A-Za-z0-9_-]+\$"
  "^SahaBot is running at http://127\\.0\\.0\\.1:$PORT"
  "^== ready in [0-9]+m [0-9]+s — open http://127\\.0\\.0\\.1:$PORT/setup/[A-Za-z0-9_-]+ to create the first admin\$"
)
line=0
for pattern in "${expected[@]}"; do
  found=$(tail -n "+$((line + 1))" "$WORK/out" | grep -n -m1 -E -- "$pattern" | cut -d: -f1 || true)
  if [ -z "$found" ]; then
    cat "$WORK/out" >&2
    die "make run's output lacks (after line $line): $pattern"
  fi
  line=$((line + found))
done

# The address in the summary answers.
python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=10)' \
  "http://127.0.0.1:$PORT/health" || die "the address make run announced does not answer"
say "make run: every step line and the summary appeared ($(grep -c '^== ' "$WORK/out") step lines; $(grep '^== ready in ' "$WORK/out" | sed 's/^== //'))"
