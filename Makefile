# Set-up is part of every target: a fresh clone needs only `make run` or `make test`.

PYTHON_FOR_VENV ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) $(shell command -v python3.13 python3.12 python3 2>/dev/null))
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SAM_VENV := .venv-sam
SAM_STAMP := $(SAM_VENV)/.installed
PORT ?= 3000

.PHONY: run test lint build openapi bench clean

$(STAMP): requirements-dev.txt layers/common/requirements.txt
	test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

$(SAM_STAMP): requirements-sam.txt
	test -x $(SAM_VENV)/bin/python || $(PYTHON_FOR_VENV) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	touch $(SAM_STAMP)

run: $(STAMP)
	PORT=$(PORT) $(PY) local/serve.py

test: $(STAMP) $(SAM_STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest

# Speed, DynamoDB work and size beside their floor and targets; writes docs/benchmarks.md.
bench: $(STAMP) $(SAM_STAMP)
	$(PY) bench/run.py

# After changing a route or a model: regenerate the committed OpenAPI document.
openapi: $(STAMP)
	$(PY) local/openapi.py --write

# sam build for the python3.13 runtime wants python3.13 on PATH: the venv's own.
build: $(SAM_STAMP) $(STAMP)
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam build

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .ruff_cache
