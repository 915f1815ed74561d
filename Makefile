# Runnerly: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= uv
SERVICES := tokendealer dataservice mailer dashboard

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: install
install: ## Install the Python environment (uv, then every package from uv.lock)
	@command -v $(UV) >/dev/null || pip install --quiet uv
	$(UV) sync --frozen

.PHONY: run
run: install ## Set everything up and start the whole system on the embedded default
	$(UV) run runnerly up

.PHONY: test
test: install ## Run the whole test suite: unit, functional, integration (embedded and at scale)
	@# As root (CI, a fresh server) the at-scale column gets real PostgreSQL and RabbitMQ;
	@# elsewhere it runs when RUNNERLY_TEST_POSTGRES_URL and RUNNERLY_TEST_AMQP_URL are set.
	@if [ "$$(id -u)" = 0 ]; then scripts/infra.sh install && scripts/infra.sh start; fi
	@if [ "$$(id -u)" = 0 ]; then set -a; eval "$$(scripts/infra.sh urls)"; set +a; fi; \
	$(UV) run pytest -n 2 --dist loadgroup libs services tests

.PHONY: test-fast
test-fast: install ## Run the unit and functional tests only
	$(UV) run pytest -n 2 libs services

.PHONY: lint
lint: install ## ruff, and mypy --strict on the kit and every service
	$(UV) run ruff check .
	$(UV) run mypy libs/kit/src $(foreach s,$(SERVICES),services/$(s)/src) src

.PHONY: contracts
contracts: install ## Export each service's OpenAPI to contracts/<service>.json
	$(UV) run python -m runnerly.contracts write

.PHONY: contracts-check
contracts-check: install ## Fail when contracts/ differs from the code
	$(UV) run python -m runnerly.contracts check

.PHONY: infra
infra: ## Install and start PostgreSQL and RabbitMQ (for the at-scale tests)
	scripts/infra.sh install
	scripts/infra.sh start

.PHONY: bench
bench: install ## Run the benchmarks in bench/ (results: bench/README.md)
	$(UV) run python -m bench

.PHONY: clean
clean: ## Remove the local data dir (every database, key and mail of `make run`)
	rm -rf var
