# The test target installs what the tests need (the DuckDB reader from npm),
# checks formatting and vet, and runs every test with the race detector.
# STRATA_REQUIRE_EXTERNAL=1 turns "tool not installed" skips into failures.

GO ?= go

.PHONY: test deps build fmt-check vet bench-ingest

test: deps fmt-check vet
	STRATA_REQUIRE_EXTERNAL=1 $(GO) test -race -count=1 -timeout 30m ./...

deps:
	cd testdata/duckdb && npm ci --no-audit --no-fund --loglevel=error

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

build:
	$(GO) build -o strata ./cmd/strata

bench-ingest: build
	./strata bench ingest
