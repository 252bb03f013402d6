# Two commands do all set-up on a fresh machine with only python3:
#   make run    -> builds .venv if missing, installs syndicate, runs the pipeline on examples/ into ./out/
#   make test   -> builds .venv (with dev extras) if missing, runs the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test bench goldens clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/syndicate run examples

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Rewrite every golden file from the current code; review the diff before committing.
goldens: $(STAMP)
	UPDATE_GOLDENS=1 $(BIN)/python -m pytest -q

clean:
	rm -rf out .syndicate
