# kdocs — the two commands of the README are `make demo` and `make test`.
GO      ?= go
BIN     := bin/kdocs
CHROME  ?= $(shell command -v chromium || command -v chromium-browser || command -v google-chrome)

.PHONY: all build demo site pdf test test-unit bench bench-100k demo-snapshot vendor-mermaid screenshots clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/kdocs

# The example: build the site from site.yaml + content/ + the committed snapshot, print the
# book when Chromium is present, then preview with live reload.
demo: site pdf
	$(BIN) serve

site: build
	$(BIN) build

pdf: build
	@if [ -n "$(CHROME)" ]; then \
		$(BIN) pdf --chrome "$(CHROME)" && echo "books: public/kdocs.pdf and public/kdocs-<cluster>.pdf"; \
	else \
		echo "Chromium not found: no PDF. Install it with 'apt-get install -y chromium' (Debian) or pass --chrome to 'kdocs pdf'."; \
	fi

# The whole suite on this machine, nothing skipped (scripts/test.sh): installs the missing Debian
# packages (as root; otherwise says which), starts Kafka and the registry unless they run already,
# seeds, runs go vet and every test, the Kafka facts tests again on 3.9.1 and 4.4.0, and stops
# what it started. CI runs exactly this (.ci/run).
test:
	bash scripts/test.sh

# The fast inner loop: unit tests only (kfake, no services; integration tests skip).
test-unit:
	$(GO) test -count=1 -short ./...

# Every benchmark (the real-cluster ones need `make infra-up`, and kcat for their baselines), then
# a summary: time per op in ms and the custom metrics — requests/snapshot, peak-heap-MB, and
# snapshot/kcat, how many times longer a whole kdocs snapshot takes than `kcat -L` listing the
# same estate. The exit status is go test's. -p 1: one package's benchmarks at a time, or two
# packages' would share the two cores and skew each other's timings.
bench:
	@log=$$(mktemp); \
	{ $(GO) test -p 1 -run '^$$' -bench . -benchmem -count=1 -timeout 60m ./... 2>&1; echo $$? >$$log.rc; } | tee $$log; \
	echo; echo "== benchmark summary =="; \
	awk '/^Benchmark/ { line = sprintf("%-36s", $$1); \
		for (i = 3; i < NF; i += 2) { \
			if ($$(i+1) == "ns/op") line = line sprintf(" %10.1f ms/op", $$i / 1e6); \
			else if ($$(i+1) != "B/op" && $$(i+1) != "allocs/op") line = line "  " $$i " " $$(i+1); \
		} \
		print line }' $$log; \
	rc=$$(cat $$log.rc); rm -f $$log $$log.rc; exit $$rc

# The 100k estate (internal/synth.Profile100k) built from its snapshots, and the published site
# checked: no page over 1 MB, sitemaps within 50,000 URLs and 50 MB each, at most 1 GB in all,
# every topic, group and subject with its page. Prints the time per topic at 1k, 10k and 100k,
# the heap's peak, the size and file count and the bytes per page (chrome and content). Then the
# 100k site in Chromium (TestScaleSiteInTheBrowser: search downloads ≤ 300 kB and finds, the
# index ≤ 15% of the site, every list page and a spread of object pages drawn) and search's
# speed on the 100k index (BenchmarkSearchFirstQuery). Minutes and several GB of disk: outside CI.
bench-100k:
	KDOCS_SCALE=$${KDOCS_SCALE:-1000,10000,100000} $(GO) test -count=1 -timeout 60m -run '^TestScaleEstate$$' -v ./generator/pipeline/
	KDOCS_SCALE=$${KDOCS_SCALE:-100000} $(GO) test -count=1 -timeout 90m -run '^TestScaleSiteInTheBrowser$$' -v ./generator/browsertest/
	KDOCS_SCALE_BENCH=$${KDOCS_SCALE_BENCH:-100000} $(GO) test -count=1 -timeout 30m -run '^$$' -bench SearchFirstQuery -benchtime 5x ./generator/browsertest/
	KDOCS_PDF_SCALE=$${KDOCS_PDF_SCALE:-100000} $(GO) test -count=1 -timeout 40m -run '^TestPDFOf100kEstate$$' -v ./cmd/kdocs/

# Re-snapshot the seeded estate (KDOCS_KAFKA_AUTHORIZER=1 make infra-up, so the seed writes its
# ACLs; then make seed connect-up streams-up) into the committed
# example snapshot and its history (scripts/demo-snapshot.sh: any port base, written back as the
# default layout's addresses).
demo-snapshot: build
	bash scripts/demo-snapshot.sh

# The README's screenshots of the example site (docs/screenshots/{home,topic,schema,group}-{light,dark}.png),
# taken in Chromium by generator/browsertest's TestScreenshots. Every test run renders and checks
# them; only this target writes them, so CI never rewrites the committed pictures.
screenshots:
	KDOCS_SCREENSHOTS=write $(GO) test -count=1 -run '^TestScreenshots$$' -v ./generator/browsertest/

MERMAID_VERSION := 11.12.0
vendor-mermaid:
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent mermaid@$(MERMAID_VERSION) >/dev/null && tar xzf mermaid-$(MERMAID_VERSION).tgz && \
	cp package/dist/mermaid.min.js package/LICENSE $(CURDIR)/themes/default/static/vendor/mermaid/ && rm -rf $$tmp
	cd themes/default/static/vendor/mermaid && sha256sum -c SHA256SUMS

clean:
	rm -rf bin public snapshots

# The real services the integration tests use, for when they should stay up between runs
# (`make test` starts and stops them itself).
#
#   make infra-up      Kafka (3 KRaft nodes, 127.0.0.1:9092-9094) + schema registry (127.0.0.1:8081)
#   make seed          create/refresh the Acme estate (testdata/seed/README.md); waits up to 3 minutes
#                      for the services, so `make -j2 infra-up seed` works
#   make infra-down    stop both and remove Kafka's data
#   make connect-up    after Kafka: Kafka Connect with seeded connectors and MirrorMaker 2 from a
#                      second cluster it starts (scripts/connect.sh, docs/connect.md); connect-down
#   make streams-up    after seed: the Kafka Streams app acme-order-stats (scripts/streams.sh); streams-down
#
# `make -j2 infra-up` starts Kafka while the registry builds. KDOCS_KAFKA_VERSION (3.9.1, 4.1.1,
# 4.4.0; default 4.1.1), KDOCS_KAFKA_PORT_BASE and KDOCS_REGISTRY_PORT are read by the scripts,
# the seed and the tests alike: a second checkout can run services of its own beside the first.

INFRA_KAFKA    ?= bash scripts/kafka.sh
INFRA_REGISTRY ?= bash scripts/registry.sh
INFRA_CONNECT  ?= bash scripts/connect.sh
SEED_ARGS      ?=

.PHONY: kafka-up kafka-down kafka-status registry-up registry-down registry-status \
	seed seed-check infra-up infra-down infra-status connect-up connect-down connect-status streams-up streams-down

kafka-up:
	$(INFRA_KAFKA) up

kafka-down:
	$(INFRA_KAFKA) down

kafka-status:
	$(INFRA_KAFKA) status

registry-up:
	$(INFRA_REGISTRY) up

registry-down:
	$(INFRA_REGISTRY) down

registry-status:
	$(INFRA_REGISTRY) status

seed:
	go run ./testdata/seed $(SEED_ARGS)

seed-check:
	go run ./testdata/seed -check $(SEED_ARGS)

infra-up: kafka-up registry-up

infra-down: registry-down kafka-down

infra-status: kafka-status registry-status

connect-up:
	$(INFRA_CONNECT) up

connect-down:
	$(INFRA_CONNECT) down

connect-status:
	$(INFRA_CONNECT) status

streams-up:
	bash scripts/streams.sh up

streams-down:
	bash scripts/streams.sh down
