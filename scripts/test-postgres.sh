# Makes sure a PostgreSQL server answers for the tests; sourced by test.sh after env.sh (whose
# free_port it uses).
# Uses SAHABOT_TEST_POSTGRES_URL (default: this machine kind's server on 127.0.0.1:5432). When
# nothing answers there, installs Debian's postgresql and starts a throwaway cluster on a free
# port, exporting its URL; stop_test_postgres removes it. Tests never skip PostgreSQL.
export SAHABOT_TEST_POSTGRES_URL=${SAHABOT_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
THROWAWAY_PG=""

pg_answers() { psql "$1" -Atqc 'SELECT 1' >/dev/null 2>&1; }

start_throwaway_postgres() {
  apt_install postgresql
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [ -x "$bin/initdb" ] || die "postgresql is installed but initdb was not found"
  THROWAWAY_PG=$(mktemp -d /tmp/sahabot-pg.XXXXXX)
  local port; port=$(free_port)
  local as=()
  # PostgreSQL refuses to run as root; use the postgres account the package created.
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$THROWAWAY_PG"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/initdb" -D "$THROWAWAY_PG/data" -A trust -U postgres >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$THROWAWAY_PG/data" -l "$THROWAWAY_PG/log" -w \
    -o "-p $port -k $THROWAWAY_PG -h 127.0.0.1 -F" start >/dev/null
  export SAHABOT_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
  say "started a throwaway PostgreSQL on port $port"
}

stop_test_postgres() {
  [ -n "$THROWAWAY_PG" ] || return 0
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  local as=(); [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$bin/pg_ctl" -D "$THROWAWAY_PG/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$THROWAWAY_PG"
}

ensure_test_postgres() {
  if pg_answers "$SAHABOT_TEST_POSTGRES_URL"; then
    say "PostgreSQL for tests: $SAHABOT_TEST_POSTGRES_URL"
  else
    say "nothing answers at $SAHABOT_TEST_POSTGRES_URL"
    start_throwaway_postgres
    pg_answers "$SAHABOT_TEST_POSTGRES_URL" || die "the throwaway PostgreSQL does not answer; see $THROWAWAY_PG/log"
  fi
}
