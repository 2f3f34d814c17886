# make run  : set up .venv and start the app on the built-in sample shop
# make test : set up .venv (with test tools) and run every test, browser tests included
# python3.11 when present, else python3 (which must then be 3.11).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
# 127.0.0.1: this computer only. To serve others, set a consultant passphrase first (README,
# "Deployment") and run e.g. `make run ADDRESS=0.0.0.0`.
ADDRESS ?= 127.0.0.1

.PHONY: run test bench clean

$(VENV)/.runtime: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { echo "Python 3.11 is needed: install python3.11 or run 'make PYTHON=/path/to/python3.11 ...'"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) -m ui.serve --server.port $(PORT) --server.address $(ADDRESS)

test: $(VENV)/.dev
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-postgres.sh
	$(PY) -m pytest

bench: $(VENV)/.runtime
	for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
