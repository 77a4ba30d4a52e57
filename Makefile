# Zonefair — `make run` starts the platform on http://localhost:8080 with demo data;
# `make test` runs every test suite (PostgreSQL, Redis and browser tests skip, saying so,
# unless ZONEFAIR_TEST_POSTGRES_URL, ZONEFAIR_TEST_REDIS_URL and a Chromium are available).

GO      ?= go
NPM     ?= npm
BIN     := bin/zonefair
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X zonefair/app/version.Version=$(VERSION)
CHROMIUM ?= $(or $(ZONEFAIR_TEST_CHROMIUM),$(wildcard /usr/bin/chromium))

GO_SOURCES       := $(shell find cmd app migrations frontend/embed.go -name '*.go' -not -name '*_test.go' 2>/dev/null) go.mod go.sum
FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
                    frontend/index.html frontend/vite.config.ts frontend/tsconfig.json frontend/tsconfig.app.json frontend/tsconfig.node.json

.PHONY: run build frontend test test-go test-frontend test-e2e bench fmt clean

run: $(BIN)
	ZONEFAIR_DEMO=true ./$(BIN) serve

build: $(BIN)

$(BIN): frontend/dist/index.html $(GO_SOURCES)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $@ ./cmd/zonefair

frontend: frontend/dist/index.html

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && $(NPM) ci --no-audit --no-fund
	@touch $@

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && $(NPM) run build

test: test-go test-frontend test-e2e

test-go:
	@[ -n "$$ZONEFAIR_TEST_POSTGRES_URL" ] || echo "NOTE: PostgreSQL storage tests will be skipped: set ZONEFAIR_TEST_POSTGRES_URL (see README)."
	@[ -n "$$ZONEFAIR_TEST_REDIS_URL" ] || echo "NOTE: Redis live-state tests will be skipped: set ZONEFAIR_TEST_REDIS_URL (see README)."
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

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
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin frontend/node_modules frontend/test-results
	find frontend/dist -mindepth 1 -not -name .gitkeep -delete
