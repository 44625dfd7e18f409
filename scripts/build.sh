#!/usr/bin/env bash
# Builds without cargo-leptos: the wasm client (hydrate), the CSS, the public files, the server.
#   scripts/build.sh release        optimised wasm (wasm-opt -Oz) + release server   (make run)
#   scripts/build.sh dev            dev wasm (--cfg erase_components) + dev server
#   scripts/build.sh site-dev       only the site (wasm, js, css) in dev mode       (make test)
# Output: target/site/{pkg/sahabot.<hash>.{js,wasm,css} with .br and .gz twins, pkg/current
# (the build's name), favicon.svg, robots.txt, api-docs/} and the sahabot binary.
set -euo pipefail
source "$(dirname "$0")/env.sh"
MODE=${1:-release}
cd "$ROOT"
# .cargo/config.toml type-erases components for dev builds; release builds of both the server
# and the wasm keep full types (an empty RUSTFLAGS overrides the config's rustflags).
case "$MODE" in release|site-release) export RUSTFLAGS="" ;; esac

WASM_ARGS=()
if [ "$(cat "$TOOLCHAIN_MODE_FILE" 2>/dev/null)" = debian-web ]; then
  # Debian's rustc 1.96 builds std for wasm32 from source; it must win over any rustup proxy.
  export PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1
  WASM_ARGS=(-Zbuild-std=std,panic_abort)
fi

build_site() {
  local profile=$1 dir pkg=$SITE_ROOT/pkg t0 t1
  if [ "$profile" = release ]; then dir=wasm-release; else dir=debug; fi
  t0=$(date +%s)
  say "client: frontend -> wasm32-unknown-unknown ($profile)"
  if [ "$profile" = release ]; then
    cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release "${WASM_ARGS[@]}"
  else
    cargo build -p frontend --lib --target wasm32-unknown-unknown "${WASM_ARGS[@]}"
  fi
  rm -rf "$pkg"; mkdir -p "$pkg"
  wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name sahabot \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$dir/frontend.wasm"
  mv "$pkg/sahabot_bg.wasm" "$pkg/sahabot.wasm"
  if [ "$profile" = release ]; then
    "$NODE_BIN/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      "$pkg/sahabot.wasm" -o "$pkg/sahabot.opt.wasm"
    mv "$pkg/sahabot.opt.wasm" "$pkg/sahabot.wasm"
  fi
  say "css: tailwind"
  "$NODE_BIN/tailwindcss" -i style/input.css -o "$pkg/sahabot.css" --minify 2>/dev/null
  cp -r public/. "$SITE_ROOT/"
  # The API reference page (/api/docs) loads RapiDoc from here.
  mkdir -p "$SITE_ROOT/api-docs"
  cp node_modules/rapidoc/dist/rapidoc-min.js "$SITE_ROOT/api-docs/"
  # Content-hashed names: the server caches /pkg/ for a year, so a new build must have new names.
  local hash name quality
  hash=$(cat "$pkg/sahabot.wasm" "$pkg/sahabot.js" "$pkg/sahabot.css" | sha256sum | cut -c1-16)
  name="sahabot.$hash"
  for ext in js wasm css; do mv "$pkg/sahabot.$ext" "$pkg/$name.$ext"; done
  echo "$name" > "$pkg/current"
  # Brotli's best (11) takes about a minute on the 30 MB dev wasm; dev builds use a quick level.
  if [ "$profile" = release ]; then quality=11; else quality=5; fi
  say "compress: brotli $quality and gzip twins"
  node scripts/precompress.mjs "$quality" "$pkg/$name".{js,wasm,css} "$SITE_ROOT/api-docs/rapidoc-min.js"
  t1=$(date +%s)
  say "site built in $((t1 - t0))s: wasm $(stat -c %s "$pkg/$name.wasm") bytes ($(stat -c %s "$pkg/$name.wasm.br") brotli), css $(stat -c %s "$pkg/$name.css") bytes"
}

build_server() {
  local t0; t0=$(date +%s)
  say "server: sahabot ($1)"
  if [ "$1" = release ]; then cargo build -p server --bin sahabot --release; else cargo build -p server --bin sahabot; fi
  say "server built in $(( $(date +%s) - t0 ))s"
}

case "$MODE" in
  release) build_site release; build_server release ;;
  dev) build_site dev; build_server dev ;;
  site-dev) build_site dev ;;
  site-release) build_site release ;;
  *) die "unknown build mode '$MODE' (release, dev, site-dev, site-release)" ;;
esac
