#!/usr/bin/env bash
# Installs what the project needs and is missing; fast when everything is there.
#   scripts/setup.sh run    toolchain for building and running the app
#   scripts/setup.sh test   the same, plus the browser for end-to-end tests
#   scripts/setup.sh bench  the same as run, plus wrk (the load generator of `make bench`)
set -euo pipefail
source "$(dirname "$0")/env.sh"
MODE=${1:-run}
mkdir -p "$STATE_DIR"

# 1. Rust. A machine of this kind has rustup's stable toolchain; without it, Debian's rust-web.
if ! command -v cargo >/dev/null; then
  say "no cargo found: using Debian's rust-web toolchain"
  apt_install rustc-web cargo-web rust-web-src rust-web-llvm libstd-rust-web-dev lld gcc libc6-dev pkg-config
fi

# 2. The wasm32 target: rustup's prebuilt std, or Debian's std built from source (-Zbuild-std).
if command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo rustup > "$TOOLCHAIN_MODE_FILE"
elif command -v rustup >/dev/null && rustup target add wasm32-unknown-unknown >&2; then
  echo rustup > "$TOOLCHAIN_MODE_FILE"
else
  say "rustup cannot add wasm32-unknown-unknown: falling back to Debian's rust-web (std built from source)"
  apt_install rustc-web cargo-web rust-web-src rust-web-llvm libstd-rust-web-dev lld gcc libc6-dev pkg-config
  # rust-web-llvm's rust-lld points at an lld it does not pull in.
  LLD_PKG=$(apt-cache depends rust-web-llvm 2>/dev/null | awk '/lld-[0-9]+/{print $2; exit}')
  [ -n "${LLD_PKG:-}" ] && apt_install "$LLD_PKG"
  echo debian-web > "$TOOLCHAIN_MODE_FILE"
fi

# 3. The build's wasm tool (tools/wasm-build, our own small program): cuts the pages that load
#    on demand out of the client's main module, then generates its JS bindings with the
#    wasm-bindgen library, which must be exactly the version the client is compiled against.
WBG=$(locked_version wasm-bindgen)
[ -n "$WBG" ] || die "Cargo.lock has no wasm-bindgen entry"
TOOL_WBG=$(locked_version wasm-bindgen-cli-support "$ROOT/tools/wasm-build/Cargo.lock")
[ "$TOOL_WBG" = "$WBG" ] || die "the client uses wasm-bindgen $WBG but tools/wasm-build has wasm-bindgen-cli-support ${TOOL_WBG:-(none)}: set it to \"=$WBG\" in tools/wasm-build/Cargo.toml and run \`cargo update\` there"
if [ ! -x "$WASM_BUILD" ] || [ "$(cat "$WASM_BUILD.source" 2>/dev/null)" != "$(wasm_build_source_hash)" ]; then
  say "building the wasm tool (tools/wasm-build, with wasm-bindgen $WBG; about 75 s on a 2-core machine, once)"
  CARGO_TARGET_DIR="$STATE_DIR/tools/target" cargo install --path "$ROOT/tools/wasm-build" \
    --root "$STATE_DIR/tools" --locked --force >&2
  rm -rf "$STATE_DIR/tools/target"
  wasm_build_source_hash > "$WASM_BUILD.source"
fi

# 4. Node tools: Tailwind v4, binaryen's wasm-opt (Debian's is too old), playwright-core, and
#    RapiDoc for the API reference page (vendored into the site; no CDN).
if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
if [ ! -x "$NODE_BIN/tailwindcss" ] || [ ! -x "$NODE_BIN/wasm-opt" ] || [ ! -d "$ROOT/node_modules/playwright-core" ] \
   || [ ! -f "$ROOT/node_modules/rapidoc/dist/rapidoc-min.js" ] \
   || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  say "installing node tools (npm install; under a minute, once)"
  # Not `npm ci`: npm 11 refuses this lockfile for missing other-platform optional packages
  # (Tailwind's native binaries); versions are pinned exactly in package.json anyway.
  (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error >&2)
fi

# 5. For tests: Debian's chromium (never a downloaded browser) and psql for the PostgreSQL check.
if [ "$MODE" = test ]; then
  [ -x /usr/bin/chromium ] || apt_install chromium chromium-driver
  command -v psql >/dev/null || apt_install postgresql-client
  # The Rust tests run under cargo-nextest (per-test time limits; .config/nextest.toml).
  if ! cargo nextest --version >/dev/null 2>&1; then
    say "installing cargo-nextest (takes a few minutes, once)"
    cargo install cargo-nextest --locked >&2
  fi
  # The API fuzz run (scripts/fuzz-api.sh): schemathesis and an OpenAPI validator from PyPI, in
  # a venv of their own. Pinned: a new release may check more and fail a green tree.
  if ! "$STATE_DIR/venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION" \
     || [ ! -x "$STATE_DIR/venv/bin/openapi-spec-validator" ]; then
    say "installing schemathesis $SCHEMATHESIS_VERSION (once)"
    python3 -m venv "$STATE_DIR/venv" >&2 || { apt_install python3-venv; python3 -m venv "$STATE_DIR/venv" >&2; }
    "$STATE_DIR/venv/bin/pip" install --quiet --disable-pip-version-check \
      "schemathesis==$SCHEMATHESIS_VERSION" "openapi-spec-validator==$OPENAPI_VALIDATOR_VERSION" >&2
  fi
fi
if [ "$MODE" = bench ]; then
  command -v wrk >/dev/null || apt_install wrk
fi
say "setup done ($(cat "$TOOLCHAIN_MODE_FILE") wasm toolchain, wasm-bindgen $WBG)"
