# Zonefair — `make run` starts the platform on http://localhost:8080 with demo data;
# `make test` runs every test suite (PostgreSQL, Redis and browser tests skip, saying so,
# unless ZONEFAIR_TEST_POSTGRES_URL, ZONEFAIR_TEST_REDIS_URL and a Chromium are available);
# the Go tests end with the list of what was skipped and why.

GO      ?= go
NPM     ?= npm
BIN     := bin/zonefair
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X zonefair/app/version.Version=$(VERSION)
CHROMIUM ?= $(or $(ZONEFAIR_TEST_CHROMIUM),$(wildcard /usr/bin/chromium))

GO_SOURCES       := $(shell find cmd app migrations frontend/embed.go -name '*.go' -not -name '*_test.go' 2>/dev/null) go.mod go.sum
FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
                    frontend/index.html frontend/vite.config.ts frontend/tsconfig.json frontend/tsconfig.app.json frontend/tsconfig.node.json

.PHONY: run build frontend test test-go test-soak test-frontend test-e2e test-cluster bench bench-live fmt clean

run: $(BIN)
	ZONEFAIR_DEMO=true ./$(BIN) serve

build: $(BIN)

# The one configuration in which the binary, go vet and the cluster tests' binary
# (app/cluster/cluster.go) compile the packages, so that they share the build cache: each
# configuration costs a cold cache about 210 s of processor time to compile.
GO_BUILD_ENV   := CGO_ENABLED=0
GO_BUILD_FLAGS := -trimpath

$(BIN): frontend/dist/index.html $(GO_SOURCES)
	@echo "Building $(BIN) with Go (the first build downloads and compiles the modules: a few minutes)..."
	$(GO_BUILD_ENV) $(GO) build $(GO_BUILD_FLAGS) -ldflags "$(LDFLAGS)" -o $@ ./cmd/zonefair

frontend: frontend/dist/index.html

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	@echo "Installing the web interface's packages with npm..."
	cd frontend && $(NPM) ci --no-audit --no-fund
	@touch $@

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	@echo "Building the web interface (type check and bundle)..."
	cd frontend && $(NPM) run build

test: test-go test-frontend test-e2e

# Test binaries run two a core: the slowest packages spend minutes waiting (the live soak's ping
# cycles, databases), and one a core (go test's default) would leave the processors idle then.
TEST_PACKAGES ?= $(shell echo $$(( $$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2) * 2 )))
# The race detector watches our code and every library but one: the pure-Go SQLite
# (modernc.org, C translated to Go, with its own tests and its own locking, which still orders
# our goroutines: its locks are sync's). Watching its every memory access, and checking its
# millions of unsafe pointer conversions (checkptr, which -race turns on), took about a third
# of the processor time of the application's tests.
TEST_GCFLAGS ?= modernc.org/...=-race=false
# The race detector clears the shadow of every new allocation. Above 64 KiB (its default) it
# does so by mapping fresh pages over it, and each page then faults twice on first use and
# flushes the address caches of every core: a PDF's buffers or a compressor's tables (a few MiB)
# cost thousands of faults. Up to 64 MiB (a heap arena) it now zeroes them in place. The
# application's tests: 102 s of processor time (a third in the kernel) -> 66 s (BENCHMARKS.md).
# A GORACE of one's own still applies: its options come after these.
TEST_GORACE ?= clear_shadow_mmap_threshold=67108864
# -trimpath: compiled packages do not depend on where the clone is, so a fresh clone reuses the
# build cache.
GO_TEST = GORACE="$(TEST_GORACE) $$GORACE" $(GO) run ./.ci/testsummary $(GO) test -race -trimpath -count=1 -gcflags '$(TEST_GCFLAGS)'

test-go:
	@[ -n "$$ZONEFAIR_TEST_POSTGRES_URL" ] || echo "NOTE: PostgreSQL storage tests will be skipped: set ZONEFAIR_TEST_POSTGRES_URL (see README)."
	@[ -n "$$ZONEFAIR_TEST_REDIS_URL" ] || echo "NOTE: Redis live-state tests will be skipped: set ZONEFAIR_TEST_REDIS_URL (see README)."
	@# go vet runs beside the tests (it only reads), and fails the target as a test would; so
	@# does Go code that gofmt would change.
	@$(GO_BUILD_ENV) $(GO) vet $(GO_BUILD_FLAGS) ./... & vet=$$!; \
	$(GO_TEST) -timeout 20m -p $(TEST_PACKAGES) $(if $(SOAK_APART),-skip '^TestSoak$$') -json ./...; \
	status=$$?; wait $$vet || { echo "go vet ./... failed"; status=1; }; \
	unformatted=$$("$$($(GO) env GOROOT)/bin/gofmt" -l cmd app migrations .ci); \
	[ -z "$$unformatted" ] || { echo "not formatted as gofmt would (make fmt):"; echo "$$unformatted"; status=1; }; \
	exit $$status

# The live soak alone: minutes of keep-alive cycles that need little processor time. .ci/run
# runs it beside the browser tests, after `make test-go SOAK_APART=1`, which leaves it out.
test-soak:
	$(GO_TEST) -timeout 10m -run '^TestSoak$$' -json ./app/live/loadgen

test-frontend: frontend/node_modules/.package-lock.json
	cd frontend && $(NPM) test

test-e2e: $(BIN)
	@if [ -z "$(CHROMIUM)" ]; then \
		echo "NOTE: browser tests skipped: no Chromium (install it, or set ZONEFAIR_TEST_CHROMIUM)."; \
	else \
		cd frontend && ZONEFAIR_TEST_CHROMIUM=$(CHROMIUM) ZONEFAIR_BIN=$(CURDIR)/$(BIN) $(NPM) run e2e; \
	fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

fmt:
	"$$($(GO) env GOROOT)/bin/gofmt" -w $$(git ls-files '*.go')

clean:
	rm -rf bin frontend/node_modules frontend/test-results
	find frontend/dist -mindepth 1 -not -name .gitkeep -delete

# Fault tests and a scaled-down job-fair day on the real topology (instances behind a proxy on
# PostgreSQL and Redis, built from source); they skip without ZONEFAIR_TEST_POSTGRES_URL and
# ZONEFAIR_TEST_REDIS_URL.
test-cluster:
	$(GO) test -count=1 -timeout 5m -v ./app/cluster

# Live-engine load test through the real binary: `make bench-live` (one instance, state in
# process) or `make bench-live REDIS=redis://127.0.0.1:6379/0` (two instances sharing Redis).
# Extra load-generator flags go in BENCH_ARGS, e.g. BENCH_ARGS="-slow 0.01" or "-drop 5000".
BENCH_ARGS ?= -clients 10000 -rate 5 -duration 10m
bench-live: $(BIN)
	@set -e; dir=$$(mktemp -d); trap 'kill $$pids 2>/dev/null; rm -rf $$dir' EXIT; \
	ulimit -n $$(ulimit -Hn); pids=; urls=; mets=; \
	for port in 18181 $(if $(REDIS),18182); do \
		ZONEFAIR_ADDR=127.0.0.1:$$port ZONEFAIR_DATA_DIR=$$dir/$$port ZONEFAIR_LIVE_BENCH=true \
		ZONEFAIR_LOG_LEVEL=warn ZONEFAIR_REDIS_URL=$(REDIS) ./$(BIN) serve & pids="$$pids $$!"; \
		urls="$$urls,ws://127.0.0.1:$$port/api/v1/live/ws"; mets="$$mets,http://127.0.0.1:$$port/metrics"; \
	done; \
	for port in 18181 $(if $(REDIS),18182); do \
		for i in $$(seq 50); do curl -sf http://127.0.0.1:$$port/healthz >/dev/null && break; sleep 0.2; done; \
	done; \
	echo "load average before: $$(cut -d' ' -f1-3 /proc/loadavg)"; \
	./$(BIN) bench live -url $${urls#,} -metrics $${mets#,} -pid $$(echo $$pids | tr ' ' ,) $(BENCH_ARGS); \
	echo "load average after: $$(cut -d' ' -f1-3 /proc/loadavg)"
