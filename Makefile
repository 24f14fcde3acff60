# Two commands on a fresh machine (Python 3.11+): `make run` and `make test`.
# Each bootstraps .venv from pyproject.toml the first time (and again when it changes).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean lock

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "deliverybot needs Python 3.11+")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

# The compiled message catalogs (docs/i18n.md): build output, remade when a .po changes.
MO := $(patsubst %.po,%.mo,$(wildcard bot/i18n/locale/*/LC_MESSAGES/messages.po))

$(MO): %.mo: %.po $(BIN)/.installed
	$(BIN)/python tools/i18n.py compile

run: $(BIN)/.installed $(MO)
	$(BIN)/deliverybot run

test: $(BIN)/.installed $(MO)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

# requirements.lock and requirements-build.lock (what the image installs) from pyproject.toml:
# after changing its dependencies; UPGRADE=1 moves every pin to the newest version in range.
UV_VERSION ?= 0.13.9
lock: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/python tools/lock.py $(if $(UPGRADE),--upgrade)

bench: $(BIN)/.installed
	$(BIN)/python bench/cli_startup.py

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
