# The test target installs what the tests need (the DuckDB reader from npm,
# PostgreSQL 15 from Debian for checking the SQL corpus), checks formatting
# and vet, and runs every test with the race detector.
# STRATA_REQUIRE_EXTERNAL=1 turns "tool not installed" skips into failures.

GO ?= go

.PHONY: test deps build fmt-check vet bench-ingest

test: deps fmt-check vet
	STRATA_REQUIRE_EXTERNAL=1 $(GO) test -race -count=1 -timeout 30m ./...

PG_BIN ?= /usr/lib/postgresql/15/bin

deps:
	cd testdata/duckdb && npm ci --no-audit --no-fund --loglevel=error
	@if [ ! -x $(PG_BIN)/postgres ]; then \
		echo "installing postgresql-15 (the SQL corpus is checked against it)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null; \
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
