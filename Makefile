# The two commands a new user needs (see README.md). Both set up whatever is missing first.
.PHONY: run test setup build dev e2e bench clean-site

# What `make run` builds: release (the default), or `test` — the debug build `make test` made,
# which scripts/check-make-run.sh uses to run `make run` itself on a warm cache.
SAHABOT_PROFILE ?= release

run: ## set up, build release server + optimised wasm + CSS, serve on http://127.0.0.1:3000 (SQLite)
	@export SAHABOT_MAKE_STARTED=$$(date +%s); scripts/setup.sh run && scripts/build.sh $(SAHABOT_PROFILE) && scripts/run.sh $(SAHABOT_PROFILE)

test: ## set up, then run every test: unit, integration (SQLite + PostgreSQL), browser
	@scripts/setup.sh test
	@scripts/test.sh

# Developer shortcuts.
setup:
	@scripts/setup.sh test
build:
	@scripts/build.sh release
dev: ## dev build (fast) and serve
	@export SAHABOT_MAKE_STARTED=$$(date +%s); scripts/setup.sh run && scripts/build.sh dev && scripts/run.sh dev
e2e: ## browser tests only, against a fresh dev server (full component types, as in make test)
	@scripts/build.sh site-test
	@scripts/e2e.sh
bench: ## release build, a seeded database, wrk on pages and API calls: one table of ratios (target/bench/)
	@scripts/setup.sh bench
	@scripts/bench.sh
clean-site:
	rm -rf target/site
