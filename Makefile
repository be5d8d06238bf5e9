# Two commands on a fresh machine: `make run` and `make test`. Everything they need is installed
# here from the lock file (uv.lock), into .venv, with a pinned uv bootstrapped into .tools.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: setup run test ui bench lint clean

setup: $(VENV)/.synced

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

run: setup
	@mkdir -p "$(DAGSTER_HOME)"
	$(BIN)/cxbench run --sources sources --catalogue datasets/catalogue

test: setup
	$(BIN)/ruff check pipelines tests benchmarks scripts
	$(BIN)/pytest -n 2 --dist loadgroup

ui: setup
	@mkdir -p "$(DAGSTER_HOME)"
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

bench: setup
	$(BIN)/python -m benchmarks

lint: setup
	$(BIN)/ruff check pipelines tests benchmarks scripts

clean:
	rm -rf $(VENV) $(TOOLS) .dagster_home datasets/catalogue
