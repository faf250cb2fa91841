# blastradius build, test and maintenance targets.
#
#   make build       build ./build/blastradius
#   make test        everything CI runs: go vet, gofmt check, the import rules,
#                    staticcheck, go test ./... with a moto server and a
#                    Neo4j for the integration tests, Chromium and Graphviz
#                    for the report's browser and DOT tests, a kube-apiserver
#                    for the live Kubernetes tests
#   make test-unit   go vet, gofmt check, go test ./... (moto tests skipped)
#   make test-neo4j  test-moto with a local Neo4j 5.26 (scripts/neo4j-local) for the export tests
#   make test-k8s    K8S_TEST_CMD with a local kube-apiserver (scripts/kube-apiserver-local)
#   make viz-tools   install Chromium and Graphviz when missing (scripts/viz-tools)
#   make lint        go vet, gofmt check, architecture import rules, staticcheck
#   make bench       benchmarks with allocations
#   make fuzz        every fuzz target for FUZZTIME each (default 20s)
#   make clean       remove ./build

GO        ?= go
GOFMT     ?= gofmt
# STATICCHECK_VERSION is the staticcheck make installs into $(BUILD_DIR)/bin.
STATICCHECK_VERSION ?= v0.8.2
FUZZTIME  ?= 20s
BUILD_DIR ?= build
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)

# Go files of the module, without build output.
GOFILES = $(shell find . -name '*.go' -not -path './.git/*' -not -path './$(BUILD_DIR)/*')

STATICCHECK = $(BUILD_DIR)/bin/staticcheck

.PHONY: all build test test-unit test-moto test-neo4j test-k8s viz-tools vet fmt-check arch-check staticcheck lint bench fuzz clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BUILD_DIR)/blastradius ./cmd/blastradius

# test is what .ci/run executes: test-unit's checks, and go test ./... with
# the services and programs the integration tests need: a kube-apiserver
# (test-k8s) around a Neo4j (test-neo4j) around a moto server (test-moto).
test: vet fmt-check arch-check staticcheck viz-tools
	@$(MAKE) --no-print-directory test-k8s K8S_TEST_CMD='$(MAKE) --no-print-directory test-neo4j'

# viz-tools installs what the visualization tests run when it is missing:
# Chromium (the HTML report rendered headless, viz/browser_test.go) and
# Graphviz (dot -Tsvg on every DOT file). Debian's packages, with apt-get
# as root or through sudo; with CI set, the tests fail without them.
viz-tools:
	@scripts/viz-tools ensure

# test-moto runs go test ./... with a moto server (an AWS API emulator) for
# the live AWS collector's integration tests: scripts/moto-server installs
# moto in $(BUILD_DIR)/moto-venv on first use, starts it on a free
# 127.0.0.1 port and prints its endpoint; the trap stops it whatever the
# tests do, unless it was already running before. The tests reset moto.
test-moto:
	@export BUILD_DIR="$(BUILD_DIR)"; \
	if scripts/moto-server status >/dev/null 2>&1; then keep=1; else keep=0; fi; \
	trap '[ $$keep = 1 ] || scripts/moto-server stop' EXIT; \
	endpoint="$$(scripts/moto-server start)" && [ -n "$$endpoint" ] || exit 1; \
	echo "moto server at $$endpoint"; \
	BLASTRADIUS_MOTO_ENDPOINT="$$endpoint" $(GO) test ./...

# test-neo4j runs test-moto with a real Neo4j for the Neo4j export tests
# (neo4jexport, export neo4j, the query pack): scripts/neo4j-local builds its
# launcher on first use (Maven; downloads cached in $(BUILD_DIR)/m2), starts
# Neo4j on a free 127.0.0.1 port and prints the Bolt URI. The trap stops it
# whatever the tests do, unless it was already running before. The tests
# empty that database. Password: NEO4J_PASSWORD (default blastradius-test).
test-neo4j:
	@export BLASTRADIUS_BUILD_DIR="$(abspath $(BUILD_DIR))"; \
	if scripts/neo4j-local status >/dev/null 2>&1; then keep=1; else keep=0; fi; \
	trap '[ $$keep = 1 ] || scripts/neo4j-local stop' EXIT; \
	uri="$$(scripts/neo4j-local start)" && [ -n "$$uri" ] || exit 1; \
	echo "neo4j at $$uri"; \
	BLASTRADIUS_NEO4J_URI="$$uri" $(MAKE) --no-print-directory test-moto

# test-k8s runs K8S_TEST_CMD (default: the Kubernetes integration tests)
# with a real kube-apiserver: scripts/kube-apiserver-local builds it on first
# use (tools/kube-apiserver, a Go module of its own: minutes on a cold Go
# cache), starts it over an embedded etcd on free 127.0.0.1 ports and prints
# the admin kubeconfig's path. The trap stops it whatever the command does,
# unless it was already running before. BLASTRADIUS_KUBECONFIG names the
# admin's kubeconfig (group system:masters), BLASTRADIUS_KUBECONFIG_LIMITED
# a user that RBAC allows nothing beyond what every authenticated user may.
# Each start is an empty cluster. To run more under the same server:
#   make test-k8s K8S_TEST_CMD='$(MAKE) --no-print-directory test-neo4j'
K8S_TEST_CMD ?= $(GO) test ./integration/k8slive/...
test-k8s:
	@export BLASTRADIUS_BUILD_DIR="$(abspath $(BUILD_DIR))" GO="$(GO)"; \
	if scripts/kube-apiserver-local status >/dev/null 2>&1; then keep=1; else keep=0; fi; \
	trap '[ $$keep = 1 ] || scripts/kube-apiserver-local stop' EXIT; \
	kubeconfig="$$(scripts/kube-apiserver-local start)" && [ -n "$$kubeconfig" ] || exit 1; \
	limited="$$(scripts/kube-apiserver-local kubeconfig limited)" || exit 1; \
	echo "kube-apiserver: $$kubeconfig"; \
	export BLASTRADIUS_KUBECONFIG="$$kubeconfig" BLASTRADIUS_KUBECONFIG_LIMITED="$$limited"; \
	$(K8S_TEST_CMD)

test-unit: vet fmt-check
	$(GO) test ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out="$$($(GOFMT) -l $(GOFILES))"; \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# arch-check enforces the layering of ARCHITECTURE.md on every import
# (internal/archcheck): graphmodel imports no other package of the module;
# collectors/ imports graphmodel only; a provider's collector or analysis
# never imports another provider, and analysis/<provider> never the
# generic analysis; only cmd and providers/ import a provider.
arch-check:
	$(GO) test -count=1 ./internal/archcheck

# staticcheck runs the pinned staticcheck, installed on first use.
staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...

$(STATICCHECK):
	GOBIN="$(abspath $(BUILD_DIR))/bin" $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

lint: vet fmt-check arch-check staticcheck

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
