# Shared settings for the project's scripts; sourced, not run.
# The cargo target dir lives outside the clone so CI and fresh clones on the same machine reuse
# builds; override with CARGO_TARGET_DIR.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sahabot/target}
# Incremental caches are per checkout path and grow by gigabytes each; the shared target is
# reused across fresh clones (CI), where they only cost disk.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
# Set at compile time: leptos's hydration script asks for /pkg/<name>.js and .wasm.
export LEPTOS_OUTPUT_NAME=sahabot
SITE_ROOT=$ROOT/target/site
NODE_BIN=$ROOT/node_modules/.bin
STATE_DIR=$HOME/.cache/sahabot
# setup.sh records here whether the wasm target came from rustup or from Debian's rust-web.
TOOLCHAIN_MODE_FILE=$STATE_DIR/wasm-toolchain
# The build's wasm tool (tools/wasm-build: splits the client's module, then wasm-bindgen),
# installed by setup.sh; the stamp next to it is the hash of the source it was built from.
WASM_BUILD=$STATE_DIR/tools/bin/sahabot-wasm-build
wasm_build_source_hash() {
  cat "$ROOT/tools/wasm-build/Cargo.toml" "$ROOT/tools/wasm-build/Cargo.lock" "$ROOT/tools/wasm-build/src/main.rs" | sha256sum | cut -c1-16
}
[ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"

# The API fuzz tools (scripts/setup.sh installs them into $STATE_DIR/venv).
SCHEMATHESIS_VERSION=4.32.5
OPENAPI_VALIDATOR_VERSION=0.9.0

# cargo-nextest writes its JUnit report here, under the checkout (.config/nextest.toml);
# scripts/test-report.py reads it.
NEXTEST_JUNIT=$ROOT/target/nextest/default/junit.xml

# The whole Rust suite: every test in its own process under nextest's time limits, then the
# doctests (nextest does not run those).
run_rust_tests() {
  cargo nextest run --workspace --exclude frontend --no-fail-fast "$@" \
    && cargo test --workspace --exclude frontend --doc
}

# A TCP port free on 127.0.0.1 right now (a throwaway PostgreSQL, or a server whose OAuth
# callback URL needs its address up front).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits until the server started as PID $1 prints its address on stdout file $2, and prints it;
# dies with the server log $3 if the server exits first or never says.
server_url() {
  local pid=$1 stdout=$2 log=$3 url=""
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^SahaBot is running at \([^ ]*\).*/\1/p' "$stdout")
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "the server did not start"; }
    sleep 0.1
  done
  [ -n "$url" ] || die "the server did not report its address"
  printf '%s' "$url"
}

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The version of crate $1 in lockfile $2 (default: the workspace's Cargo.lock).
locked_version() {
  awk -v name="name = \"$1\"" '$0==name{getline; gsub(/"/,"",$3); print $3; exit}' "${2:-$ROOT/Cargo.lock}"
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "need the Debian packages ${missing[*]}, and apt-get is not available"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  say "installing Debian packages: ${missing[*]}"
  if [ ! -f "$STATE_DIR/apt-updated" ] || [ -n "$(find "$STATE_DIR/apt-updated" -mmin +720 2>/dev/null)" ]; then
    $sudo apt-get update -qq && mkdir -p "$STATE_DIR" && touch "$STATE_DIR/apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
