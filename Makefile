# The test target installs what the tests need (the DuckDB reader,
# node-postgres and the InfluxDB 3 JavaScript client from npm; PostgreSQL 15 (server and psql), psycopg2, pgjdbc
# and a JDK from Debian, for the SQL corpus and the wire-protocol clients), checks formatting
# and vet, and runs every test with the race detector.
# STRATA_REQUIRE_EXTERNAL=1 turns "tool not installed" skips into failures.

GO ?= go

.PHONY: test deps build fmt-check vet bench-ingest gen-catalog

test: deps fmt-check vet
	STRATA_REQUIRE_EXTERNAL=1 $(GO) test -race -count=1 -timeout 30m ./...

PG_BIN ?= /usr/lib/postgresql/15/bin

deps:
	cd testdata/duckdb && npm ci --no-audit --no-fund --loglevel=error
	cd testdata/pgclients && npm ci --no-audit --no-fund --loglevel=error
	cd testdata/flightclients && npm ci --no-audit --no-fund --loglevel=error
	@pkgs=""; \
	[ -x $(PG_BIN)/postgres ] || pkgs="$$pkgs postgresql-15"; \
	/usr/bin/python3 -c 'import psycopg2' 2>/dev/null || pkgs="$$pkgs python3-psycopg2"; \
	[ -f /usr/share/java/postgresql.jar ] || pkgs="$$pkgs libpostgresql-jdbc-java"; \
	command -v javac >/dev/null 2>&1 || pkgs="$$pkgs default-jdk-headless"; \
	if [ -n "$$pkgs" ]; then \
		echo "installing$$pkgs from Debian"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkgs >/dev/null; \
	fi

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

build:
	$(GO) build -o strata ./cmd/strata

bench-ingest: build
	./strata bench ingest

# Regenerates planner/pgcatalog.json (pg_catalog columns and static rows)
# from a throwaway PostgreSQL 15.
gen-catalog:
	$(GO) run ./planner/internal/gencatalog
