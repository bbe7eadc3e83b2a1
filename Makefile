# The README's two commands: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/specedit demo

test: $(STAMP)
	bash .ci/setup-clients.sh
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/specedit bench --json bench/results/latest.json --compare-chunks

clean:
	rm -rf $(VENV)
