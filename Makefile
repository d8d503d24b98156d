# llmbench — build, test, benchmark, demo.
GO      ?= go
BIN     ?= bin/llmbench
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# go-nvml's header marks old NVML calls deprecated; the warnings are noise.
export CGO_CFLAGS ?= -O2 -g -Wno-deprecated-declarations
LDFLAGS := -s -w -X github.com/llmbench/llmbench/internal/cli.Version=$(VERSION)

.PHONY: build test test-timing vet bench demo clean e2e image

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/llmbench

# The test command CI runs (.ci/run): vet, then every package's tests. The
# report (cmd/testreport) prints each package's result line, every skipped
# test with its reason (a skip is never silent) and the output of each
# failing test, then "N passed, N failed, N skipped".
test:
	$(GO) vet ./...
	@$(GO) build -o bin/testreport ./cmd/testreport
	@$(GO) test -count=1 -json ./... > .test.json; rc=$$?; bin/testreport < .test.json; rep=$$?; \
	  if [ $$rc -ne 0 ] || [ $$rep -ne 0 ]; then exit 1; fi

# Timing comparisons that need the machine to themselves (make test skips
# them, saying so): run after make test, one package at a time.
test-timing:
	LLMBENCH_TIMING=1 $(GO) test -count=1 -run 'TestSSEBenchMatchesLLM' -v ./xsse
	LLMBENCH_TIMING=1 $(GO) test -count=1 -run 'TestSweep$$' -v ./internal/cli

# Micro-benchmarks next to the code, then the whole-process benchmarks in bench/.
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...
	./bench/run.sh
	./bench/llm.sh

# The first run: builds llmbench, starts the built-in mock on a free port,
# runs scenarios/medium-load.js against it for DEMO_DURATION (30s), prints
# the summary and keeps the results under results/<run-id>/.
DEMO_DURATION ?= 30s
DEMO_RESULTS  ?= results
demo: build
	BIN=$(BIN) DEMO_DURATION=$(DEMO_DURATION) DEMO_RESULTS=$(DEMO_RESULTS) ./examples/demo.sh

clean:
	rm -rf bin

# End-to-end tests against real servers (ollama inference, aimock faults):
# starts them on 127.0.0.1 under .e2e-servers/ and runs ./e2e (docs/e2e.md).
e2e:
	./.ci/e2e.sh

# The report's HTML page rendered in headless Chromium (apt-get install chromium).
.PHONY: test-browser
test-browser:
	$(GO) test -count=1 -tags browser ./internal/report/

# The k6-operator runner image (docs/distributed.md), offline and without a
# container daemon: bin/llmbench-image.tar, an OCI image archive with the
# static binary as /usr/bin/k6 and /usr/bin/llmbench plus busybox. BUSYBOX
# is a static busybox; by default Debian's busybox-static package is fetched
# with apt-get download once and kept in bin/.
IMAGE_REF ?= llmbench-runner:$(VERSION)
BUSYBOX   ?= bin/busybox
image:
	mkdir -p bin
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/llmbench-static ./cmd/llmbench
	@if [ ! -x $(BUSYBOX) ]; then \
		echo "fetching Debian's busybox-static into bin/ (or set BUSYBOX=path/to/static/busybox)"; \
		rm -rf bin/busybox-deb && mkdir -p bin/busybox-deb && \
		(cd bin/busybox-deb && apt-get download busybox-static) && \
		dpkg-deb -x bin/busybox-deb/busybox-static_*.deb bin/busybox-deb/root && \
		cp bin/busybox-deb/root/bin/busybox $(BUSYBOX) && rm -rf bin/busybox-deb; \
	fi
	$(GO) run ./cmd/llmbench-image -binary bin/llmbench-static -busybox $(BUSYBOX) -ref $(IMAGE_REF) -o bin/llmbench-image.tar
