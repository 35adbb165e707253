# make run: a working desk on this machine.  make test: the whole test suite.  make lint: ruff,
# mypy and the import contracts.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
VENDOR := queue_server/static/vendor
export QUEUE_PUBLIC_URL ?=

.PHONY: install run test lint bench clean-demo

install: $(STAMP) $(VENDOR)/.stamp

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# Browser libraries come from npm through the lock file, served from our own static folder.
$(VENDOR)/.stamp: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed once to fetch socket.io-client and chart.js (apt-get install npm)"; exit 1; }
	npm ci --silent --no-audit --no-fund
	mkdir -p $(VENDOR)
	cp node_modules/socket.io-client/dist/socket.io.min.js $(VENDOR)/
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/
	@touch $@

# The demo printer agent prints to var/tickets/ (PNG + ESC/POS bytes); it stops with the server.
# SERVE_HOST=0.0.0.0: phones on the office network open the ticket links (QR codes);
# SERVE_HOST=127.0.0.1 keeps the demo on this machine.
SERVE_HOST ?= 0.0.0.0
run: install
	$(BIN)/queue-server demo --host $(SERVE_HOST)
	$(BIN)/queue-printer --server http://127.0.0.1:8000 --token-file var/printer-token --printer image://var/tickets & \
	trap 'kill $$! 2>/dev/null' EXIT INT TERM; $(BIN)/queue-server serve --host $(SERVE_HOST)

# REQUIRE_BROWSER=1 / REQUIRE_SERVICES=1 turn a missing Chromium, PostgreSQL or Redis
# from a skip into a failure (CI sets both).
test: install
	REQUIRE_BROWSER=$(REQUIRE_BROWSER) REQUIRE_SERVICES=$(REQUIRE_SERVICES) $(BIN)/python -m pytest

# Ruff, mypy and the import contracts, all configured in pyproject.toml.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/issue_and_call.py
