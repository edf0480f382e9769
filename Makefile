# One install path: a .venv with the pinned CPU torch installed first, then the project.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH := torch==2.13.0

.PHONY: setup run chat test bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH)   # first: an unpinned torch pulls a multi-GB CUDA build
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

run: setup
	$(BIN)/kam prepare
	$(BIN)/kam run --chat-fallback

chat: setup
	$(BIN)/kam prepare
	$(BIN)/kam chat

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python benchmarks/roundtrip.py

clean:
	rm -rf $(VENV) data/runtime
