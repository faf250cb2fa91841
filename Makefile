# blastradius build, test and maintenance targets.
#
#   make build       build ./build/blastradius
#   make test        everything CI runs (currently test-unit)
#   make test-unit   go vet, gofmt check, go test ./...
#   make lint        go vet, gofmt check, architecture import rules, staticcheck when installed
#   make bench       benchmarks with allocations
#   make fuzz        every fuzz target for FUZZTIME each (default 20s)
#   make clean       remove ./build

GO        ?= go
GOFMT     ?= gofmt
FUZZTIME  ?= 20s
BUILD_DIR ?= build
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)

# Go files of the module, without build output.
GOFILES = $(shell find . -name '*.go' -not -path './.git/*' -not -path './$(BUILD_DIR)/*')

.PHONY: all build test test-unit vet fmt-check arch-check lint bench fuzz clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BUILD_DIR)/blastradius ./cmd/blastradius

# test is what .ci/run executes. Services needed by integration tests
# (moto, Neo4j) will be installed and started by targets test depends on.
test: test-unit

test-unit: vet fmt-check
	$(GO) test ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out="$$($(GOFMT) -l $(GOFILES))"; \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# arch-check enforces the layering of ARCHITECTURE.md: graphmodel imports no
# collector, analysis or sink; collectors never import analysis.
arch-check:
	@fail=0; \
	bad="$$($(GO) list -deps ./graphmodel/... | grep -E '^github.com/blastradius/blastradius/(collectors|analysis|report|viz|queries|cmd)(/|$$)' || true)"; \
	if [ -n "$$bad" ]; then echo "graphmodel must not import:"; echo "$$bad"; fail=1; fi; \
	bad="$$($(GO) list -deps ./collectors/... | grep -E '^github.com/blastradius/blastradius/(analysis|report|viz|cmd)(/|$$)' || true)"; \
	if [ -n "$$bad" ]; then echo "collectors must not import:"; echo "$$bad"; fail=1; fi; \
	exit $$fail

lint: vet fmt-check arch-check
	@if command -v staticcheck >/dev/null 2>&1; then staticcheck ./...; \
	else echo "staticcheck not installed; skipped"; fi

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

# fuzz runs every fuzz target of every package, one at a time (go test
# -fuzz accepts a single target per run).
fuzz:
	@set -e; \
	for pkg in $$($(GO) list ./...); do \
		list="$$($(GO) test -list '^Fuzz' $$pkg)" || exit 1; \
		for target in $$(echo "$$list" | grep '^Fuzz' || true); do \
			echo "== $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run='^$$' -fuzz="^$$target\$$" -fuzztime=$(FUZZTIME) $$pkg; \
		done; \
	done

clean:
	rm -rf $(BUILD_DIR)
