# Integration-test infrastructure (included by the main Makefile).
#
#   make infra-up      Kafka (3 KRaft nodes, 127.0.0.1:9092-9094) + schema registry (127.0.0.1:8081)
#   make seed          create/refresh the Acme estate (testdata/seed/README.md); waits up to 3 minutes
#                      for the services, so `make -j2 infra-up seed` works
#   make infra-down    stop both and remove Kafka's data
#   make connect-up    after Kafka: Kafka Connect with seeded connectors and MirrorMaker 2 from a
#                      second cluster it starts (scripts/connect.sh, docs/connect.md); connect-down
#
# `make -j2 infra-up` starts Kafka while the registry builds. KDOCS_KAFKA_VERSION (3.9.1, 4.1.1,
# 4.4.0; default 4.1.1), KDOCS_KAFKA_PORT_BASE and KDOCS_REGISTRY_PORT are read by the scripts,
# the seed and the tests alike: a second checkout can run services of its own beside the first.

INFRA_KAFKA    ?= bash scripts/kafka.sh
INFRA_REGISTRY ?= bash scripts/registry.sh
INFRA_CONNECT  ?= bash scripts/connect.sh
SEED_ARGS      ?=

.PHONY: kafka-up kafka-down kafka-status registry-up registry-down registry-status \
	seed seed-check infra-up infra-down infra-status connect-up connect-down connect-status

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
