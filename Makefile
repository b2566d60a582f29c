# Integration Hub for Odoo 18 — the two commands are `make run` and `make test`.
SHELL := /bin/bash
ROOT := $(shell pwd)
VENV ?= $(ROOT)/.venv
ODOO_SRC ?= /opt/odoo
CONF ?= $(ROOT)/.odoo.conf
DB ?= integration_hub
TEST_DB ?= integration_hub_test
ADDONS := $(shell bash scripts/addons.sh)
ODOO_BIN := $(VENV)/bin/python $(ODOO_SRC)/odoo-bin
export ODOO_SRC VENV

.PHONY: setup run test test-unit lint format bench chaos rotate-secrets clean

setup:
	@bash scripts/bootstrap.sh

run: setup
	@bash scripts/run.sh

test: setup
	@bash scripts/test.sh

test-unit: setup
	$(VENV)/bin/pytest -q -p no:odoo addons/integration_hub/tests/unit

lint: setup
	$(VENV)/bin/ruff check addons tests bench
	$(VENV)/bin/ruff format --check addons tests bench

format: setup
	$(VENV)/bin/ruff check --fix addons tests bench
	$(VENV)/bin/ruff format addons tests bench

bench: setup
	@bash scripts/bench.sh

# Crashes, load and bad input against a real multi-process Odoo (bench/chaos.py); not part of make test.
chaos: setup
	@bash scripts/chaos.sh

# After adding a new key in front of integration_hub_encryption_key: re-encrypt every secret and the stored personal data.
rotate-secrets: setup
	@echo "env['integration.secret']._rotate_all(); env.cr.commit(); print('secrets and personal data re-encrypted')" \
	  | $(ODOO_BIN) shell -c $(CONF) -d $(DB) --no-http --log-level=warn

clean:
	rm -rf $(VENV) .odoo-data .pytest_cache
