# llmbench — build, test, benchmark, demo.
GO      ?= go
BIN     ?= bin/llmbench
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# go-nvml's header marks old NVML calls deprecated; the warnings are noise.
export CGO_CFLAGS ?= -O2 -g -Wno-deprecated-declarations
LDFLAGS := -s -w -X github.com/llmbench/llmbench/internal/cli.Version=$(VERSION)

.PHONY: build test vet bench demo clean

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/llmbench

# The test command CI runs (.ci/run): vet, then every package's tests.
test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# Micro-benchmarks next to the code, then the whole-process benchmarks in bench/.
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...
	./bench/run.sh

# A real run against a local script: builds llmbench and runs the demo scenario.
demo: build
	./$(BIN) run examples/demo.js

clean:
	rm -rf bin
