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
	@echo "Installing the app's packages into $(VENV) (once; with uv when the package index has it)"
	$(call install,requirements.txt)
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	@echo "Installing the test tools into $(VENV) (once)"
	$(call install,requirements-dev.txt)
	touch $@

# uv installs the pinned packages in parallel, with progress; pip (with its progress bars) when
# uv cannot be had or cannot reach the index (e.g. a pip-only mirror in pip.conf).
define install
$(PY) -m pip install --quiet uv 2>/dev/null && $(PY) -m uv pip install --python $(PY) -r $(1) \
  || $(PY) -m pip install --progress-bar on -r $(1)
endef

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
