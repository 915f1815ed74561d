# Runnerly: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= uv
comma := ,
SERVICES := tokendealer dataservice mailer dashboard ingest plans reports

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: install
install: ## Install the Python environment (uv, then every package from uv.lock)
	@command -v $(UV) >/dev/null || pip install --quiet uv
	$(UV) sync --frozen

# The web app (services/dashboard/web) builds into the dashboard's package, so its wheel
# ships it; it is rebuilt only when a source, the page or the lock is newer than the build.
WEB := services/dashboard/web
WEB_DIST := services/dashboard/src/runnerly_dashboard/web_dist
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/public -type f 2>/dev/null) \
	$(WEB)/index.html $(WEB)/package.json $(WEB)/package-lock.json $(WEB)/vite.config.ts $(WEB)/tsconfig.json

$(WEB)/node_modules/.installed: $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund
	touch $@

$(WEB_DIST)/.built: $(WEB)/node_modules/.installed $(WEB_SOURCES)
	cd $(WEB) && npm run build
	touch $@

.PHONY: web
web: $(WEB_DIST)/.built ## Build the web app (npm ci when the lock changed, then vite build)

.PHONY: web-test
web-test: $(WEB)/node_modules/.installed ## Run the web app's component tests (vitest)
	cd $(WEB) && npm test

.PHONY: run
run: install web ## Set everything up and start the whole system on the embedded default
	$(UV) run runnerly up

.PHONY: test
test: install web web-test ## Run the whole test suite: unit, functional, integration, browser (embedded and at scale)
	@# As root (CI, a fresh server) the at-scale column gets real PostgreSQL and RabbitMQ;
	@# elsewhere it runs when RUNNERLY_TEST_POSTGRES_URL and RUNNERLY_TEST_AMQP_URL are set.
	@# --cov comes last: before the paths it would take the first of them as its source.
	@if [ "$$(id -u)" = 0 ]; then scripts/infra.sh install && scripts/infra.sh start; fi
	@if [ "$$(id -u)" = 0 ]; then set -a; eval "$$(scripts/infra.sh urls)"; set +a; fi; \
	$(UV) run pytest -n 2 --dist loadgroup libs services tests --cov
	@$(MAKE) --no-print-directory coverage

.PHONY: coverage
coverage: ## Fail when the last test run left the kit less than 100 % covered (make test runs it)
	@# Measured by pytest-cov in the test processes only (settings: pyproject.toml's
	@# tool.coverage); the kit's PostgreSQL paths run only when RUNNERLY_TEST_POSTGRES_URL is set.
	$(UV) run coverage report --include='libs/kit/*' --fail-under=100

.PHONY: test-fast
test-fast: install ## Run the unit and functional tests only
	$(UV) run pytest -n 2 libs services

.PHONY: lint
lint: install $(WEB)/node_modules/.installed ## ruff, mypy --strict on the kit and every service, ESLint on the web app, and no block of six lines repeated
	$(UV) run ruff check .
	$(UV) run mypy libs/kit/src $(foreach s,$(SERVICES),services/$(s)/src) tools/stravasim/src src
	cd $(WEB) && npm run lint
	@$(MAKE) --no-print-directory dup-check

# What the duplicate check reads: the kit, every service, the simulator and the command line,
# less migrations, the built web app and the modules `make contracts` generates.
DUP_SOURCES = $(shell find libs/kit/src $(foreach s,$(SERVICES),services/$(s)/src) tools/stravasim/src src \
	-name '*.py' -not -path '*/migrations/*' -not -path '$(WEB_DIST)/*' \
	| xargs grep -L '^"""Generated from contracts/' | sort)

.PHONY: dup-check
dup-check: install ## Fail when a block of six or more lines is repeated (pylint's duplicate-code)
	@echo "pylint duplicate-code: $(words $(DUP_SOURCES)) files"
	@$(UV) run pylint --disable=all --enable=duplicate-code --min-similarity-lines=6 \
		--ignore-imports=y --ignore-comments=y --ignore-docstrings=y --ignore-signatures=y \
		--score=n $(DUP_SOURCES)

.PHONY: contracts
contracts: install $(WEB)/node_modules/.installed ## Export each service's OpenAPI and the messages' schemas to contracts/, and the peer models and web app types made from them
	$(UV) run python -m runnerly.contracts write
	cd $(WEB) && npm run generate

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

# The OCI image (deploy/Containerfile) where no registry is reachable: its base and Node
# stage are made of Debian's packages and this machine's Node.js 20 (deploy/base-image.sh,
# skipped when they exist). A CA bundle, when there is one, serves the build's downloads
# behind a TLS-inspecting proxy and stays out of the image.
IMAGE ?= localhost/runnerly:latest
BASE_IMAGE ?= localhost/runnerly-base:bookworm
NODE_IMAGE ?= localhost/runnerly-node:20
CA_BUNDLE ?= /etc/ssl/certs/ca-certificates.crt
CONTAINERS_CONF ?= $(CURDIR)/deploy/containers.conf

.PHONY: image
image: ## Build the OCI image localhost/runnerly:latest with podman (base image from Debian's packages)
	CONTAINERS_CONF=$(CONTAINERS_CONF) RUNNERLY_BASE_IMAGE=$(BASE_IMAGE) RUNNERLY_NODE_IMAGE=$(NODE_IMAGE) \
		deploy/base-image.sh
	@# --jobs 2: the web app and the Python environment are built side by side (a cold
	@# build took 3 min 50 s so, 5 min 20 s one stage after the other).
	CONTAINERS_CONF=$(CONTAINERS_CONF) podman build --jobs 2 \
		--build-arg BASE_IMAGE=$(BASE_IMAGE) --build-arg NODE_IMAGE=$(NODE_IMAGE) \
		$(if $(wildcard $(CA_BUNDLE)),--secret id=ca-certificates$(comma)src=$(CA_BUNDLE)) \
		-t $(IMAGE) -f deploy/Containerfile .

.PHONY: clean
clean: ## Remove the local data dir (every database, key and mail of `make run`)
	rm -rf var
