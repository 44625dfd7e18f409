#!/usr/bin/env bash
# Builds without cargo-leptos: the wasm client (hydrate), the CSS, the public files, the server.
#   scripts/build.sh release        optimised wasm (wasm-opt -Oz) + release server   (make run)
#   scripts/build.sh dev            dev wasm (--cfg erase_components) + dev server
#   scripts/build.sh site-dev       only the site (wasm, js, css) in dev mode
#   scripts/build.sh site-test      the same with full component types, as release has them
#                                   (make test: the browser tests run on full types, see e2e.sh)
#   scripts/build.sh test           site-test + the dev server with full types: what make test
#                                   built, so `make run SAHABOT_PROFILE=test` reuses it
# Output: target/site/{pkg/<hash>/ (sahabot.{js,wasm,css}, the lazily loaded page modules and
# their loader, each with .br and .gz twins), pkg/current (the hash), favicon.svg, robots.txt,
# api-docs/} and the sahabot binary.
set -euo pipefail
source "$(dirname "$0")/env.sh"
MODE=${1:-release}
cd "$ROOT"
# .cargo/config.toml type-erases components for dev builds; release builds of both the server
# and the wasm keep full types (an empty RUSTFLAGS overrides the config's rustflags).
case "$MODE" in release|site-release|test) export RUSTFLAGS="" ;; esac
# SAHABOT_CARGO_TIMINGS=1: cargo writes an HTML report of where the build's time went
# (target/cargo-timings/ under $CARGO_TARGET_DIR; docs/performance.md).
TIMINGS=()
[ "${SAHABOT_CARGO_TIMINGS:-}" = 1 ] && TIMINGS=(--timings)

WASM_ARGS=()
if [ "$(cat "$TOOLCHAIN_MODE_FILE" 2>/dev/null)" = debian-web ]; then
  # Debian's rustc 1.96 builds std for wasm32 from source; it must win over any rustup proxy.
  export PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1
  WASM_ARGS=(-Zbuild-std=std,panic_abort)
fi

# The key of the wasm and tools the site in target/site was made from (see build_site).
SITE_KEY_FILE=$ROOT/target/site-modules.key

build_site() {
  local profile=$1 dir pkg=$SITE_ROOT/pkg out t0 t1 flags
  if [ "$profile" = release ]; then dir=wasm-release; else dir=debug; fi
  # `test` is a dev build with full types; only `dev` type-erases components.
  t0=$(date +%s)
  if [ "$profile" = release ]; then
    say "client: frontend -> wasm32-unknown-unknown (release; on a 2-core machine about 5 min the first time, 1-3 min after a change)"
  else
    say "client: frontend -> wasm32-unknown-unknown ($profile; about 5 min the first time, under a minute after a change)"
  fi
  # --emit-relocs: the splitter needs the linker's relocations to cut pages out of the module.
  # (Set for the wasm build only: with --target, RUSTFLAGS does not reach build scripts.)
  flags="-Clink-args=--emit-relocs"
  [ "$profile" = dev ] && flags="--cfg erase_components $flags"
  if [ "$profile" = release ]; then
    RUSTFLAGS="$flags" cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release "${WASM_ARGS[@]}" "${TIMINGS[@]}"
  else
    RUSTFLAGS="$flags" cargo build -p frontend --lib --target wasm32-unknown-unknown "${WASM_ARGS[@]}" "${TIMINGS[@]}"
  fi
  # Each build goes into a folder named by its content's hash (the server caches /pkg/ for a
  # year, so a new build must have new names); it is assembled in `next` first.
  local wasm=$CARGO_TARGET_DIR/wasm32-unknown-unknown/$dir/frontend.wasm key previous
  # What the steps after cargo make of the wasm depends only on these: when none changed since
  # the last build (a second `make run`), its split, bound, optimised and compressed modules are
  # taken as they are, which saves about two minutes in release. The CSS is always made again.
  key=$( { echo "$profile"; cat "$wasm" "$WASM_BUILD" scripts/build.sh scripts/wasm-opt.mjs \
    scripts/precompress.mjs package-lock.json; } | sha256sum | cut -c1-64)
  previous=$(cat "$pkg/current" 2>/dev/null || true)
  if [ -n "$previous" ] && [ -f "$pkg/$previous/sahabot.wasm" ] \
    && [ "$(cat "$SITE_KEY_FILE" 2>/dev/null)" = "$key" ]; then
    say "split and bind: skipped, the client's wasm is the one pkg/$previous was made from (its modules are kept)"
    find "$pkg" -mindepth 1 -maxdepth 1 ! -name "$previous" -exec rm -rf {} +
    out=$pkg/next; mv "$pkg/$previous" "$out"
    rm -f "$out"/sahabot.css "$out"/sahabot.css.br "$out"/sahabot.css.gz
  else
    rm -f "$SITE_KEY_FILE"
    rm -rf "$pkg"; out=$pkg/next; mkdir -p "$out"
    say "split and bind: the pages that load on demand, then wasm-bindgen (tools/wasm-build)"
    "$WASM_BUILD" "$wasm" "$out"
    if [ "$profile" = release ]; then
      # -Oz on every module, one worker per core, binaryen loaded once per worker.
      node scripts/wasm-opt.mjs "$out"/*.wasm
    fi
  fi
  say "css: tailwind"
  "$NODE_BIN/tailwindcss" -i style/input.css -o "$out/sahabot.css" --minify 2>/dev/null
  cp -r public/. "$SITE_ROOT/"
  # The API reference page (/api/docs) loads RapiDoc from here.
  mkdir -p "$SITE_ROOT/api-docs"
  cp node_modules/rapidoc/dist/rapidoc-min.js "$SITE_ROOT/api-docs/"
  local hash quality file made fresh=()
  # The hash is of the files themselves, not of their compressed twins (kept modules have them).
  hash=$(cd "$out" && find . -type f ! -name '*.br' ! -name '*.gz' | LC_ALL=C sort | xargs cat \
    | sha256sum | cut -c1-16)
  mv "$out" "$pkg/$hash"
  echo "$hash" > "$pkg/current"
  # Brotli's best (11) is slow on the larger unoptimised dev modules; dev builds use a quick level.
  if [ "$profile" = release ]; then quality=11; else quality=5; fi
  made=("$pkg/$hash"/*.{js,wasm,css})
  for file in "${made[@]}"; do [ -f "$file.br" ] || fresh+=("$file"); done
  if [ "${#fresh[@]}" -eq "${#made[@]}" ]; then
    say "compress: brotli $quality and gzip twins"
  else
    say "compress: brotli $quality and gzip twins of the new files only (${fresh[*]##*/})"
  fi
  node scripts/precompress.mjs "$quality" "${fresh[@]}" "$SITE_ROOT/api-docs/rapidoc-min.js" >/dev/null
  echo "$key" > "$SITE_KEY_FILE"
  t1=$(date +%s)
  local main_br all_br modules
  main_br=$(stat -c %s "$pkg/$hash/sahabot.wasm.br")
  all_br=$(cat "$pkg/$hash"/*.wasm.br | wc -c)
  modules=$(ls "$pkg/$hash"/*.wasm | wc -l)
  say "site built in $((t1 - t0))s: main wasm $(stat -c %s "$pkg/$hash/sahabot.wasm") bytes ($main_br brotli); $modules wasm modules, $all_br bytes brotli in all; css $(stat -c %s "$pkg/$hash/sahabot.css") bytes"
}

build_server() {
  local t0; t0=$(date +%s)
  if [ "$1" = release ]; then
    say "server: sahabot (release; on a 2-core machine about 20 min the first time, 14 to 30 min measured, about 8 min after a change)"
  else
    say "server: sahabot ($1; about 9 min the first time, 1-2 min after a change)"
  fi
  if [ "$1" = release ]; then cargo build -p server --bin sahabot --release "${TIMINGS[@]}"; else cargo build -p server --bin sahabot "${TIMINGS[@]}"; fi
  say "server built in $(( $(date +%s) - t0 ))s"
}

case "$MODE" in
  release) build_site release; build_server release ;;
  dev) build_site dev; build_server dev ;;
  site-dev) build_site dev ;;
  site-test) build_site test ;;
  test) build_site test; build_server test ;;
  site-release) build_site release ;;
  *) die "unknown build mode '$MODE' (release, dev, test, site-dev, site-test, site-release)" ;;
esac
