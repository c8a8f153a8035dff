# pysocket: the commands the README and CI use.
#   make demo   build everything, then run a TCP server and client, each in its own guest
#   make test   build everything, then run the whole test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
CPY         := $(VENV)/bin/componentize-py
CPY_VERSION := 0.25.1
BUILD       := build
PYWASM      := $(BUILD)/pysocket-python.wasm
STDLIB      := $(BUILD)/stdlib
CPYTESTS    := $(BUILD)/cpython-tests
PYSOCKET    := target/release/pysocket
GUEST_SRC   := $(shell find guest/python -name '*.py' -not -path '*/build/*') $(wildcard wit/*.wit)
HOST_SRC    := $(shell find host -name '*.rs' -o -name Cargo.toml) Cargo.toml $(wildcard Cargo.lock) $(wildcard wit/*.wit)

.PHONY: help setup build demo test test-cpython test-cpython-check conformance bench fmt lint clean adapter compose

help:
	@echo "make setup | build | demo | test | test-cpython | test-cpython-check | conformance | bench | fmt | lint | clean | adapter | compose APP=... OUT=..."

# Idempotent: the wasm target, and a venv with the pinned componentize-py.
setup: $(VENV)/.ok
	@rustup target list --installed 2>/dev/null | grep -q wasm32-wasip2 || rustup target add wasm32-wasip2

$(VENV)/.ok:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check componentize-py==$(CPY_VERSION) zstandard==0.25.0
	touch $@

$(STDLIB)/.ok: $(VENV)/.ok guest/python/build/extract_stdlib.py
	rm -rf $(STDLIB)
	$(PY) guest/python/build/extract_stdlib.py $(STDLIB)
	touch $@

$(PYWASM): $(VENV)/.ok $(GUEST_SRC)
	@mkdir -p $(BUILD)
	$(CPY) -d wit -w python componentize pysocket_main -p guest/python -o $@.tmp
	mv $@.tmp $@

$(PYSOCKET): $(HOST_SRC)
	cargo build --release --bin pysocket
	@touch $@

build: setup $(PYSOCKET) $(PYWASM) $(STDLIB)/.ok

# A wasi:cli/run component using pysocket, for the tests of `pysocket run`.
$(BUILD)/cli-app.wasm: $(VENV)/.ok tests/apps/cli_app.py $(GUEST_SRC)
	@mkdir -p $(BUILD)
	$(CPY) -d wit -w command componentize cli_app -p tests/apps -p guest/python -o $@.tmp
	mv $@.tmp $@

# The composition adapter (guest/adapter): pysocket:socket exported on
# wasi:sockets 0.2, and the tool that plugs it into a component (wac-graph).
# Both have their own Cargo.lock and target directory (guest/adapter/target).
ADAPTER_DIR := guest/adapter
ADAPTER     := $(ADAPTER_DIR)/target/wasm32-wasip2/release/pysocket_adapter.wasm
COMPOSE     := $(ADAPTER_DIR)/target/release/pysocket-compose
COMPOSED    := $(BUILD)/pysocket-python-composed.wasm
ADAPTER_SRC := $(wildcard $(ADAPTER_DIR)/src/*.rs) $(ADAPTER_DIR)/Cargo.toml $(ADAPTER_DIR)/Cargo.lock $(wildcard wit/*.wit)

$(ADAPTER): $(ADAPTER_SRC)
	@rustup target list --installed 2>/dev/null | grep -q wasm32-wasip2 || rustup target add wasm32-wasip2
	cargo build --locked --release --target wasm32-wasip2 --manifest-path $(ADAPTER_DIR)/Cargo.toml
	@touch $@

$(COMPOSE): $(ADAPTER_DIR)/compose/src/main.rs $(ADAPTER_DIR)/compose/Cargo.toml $(ADAPTER_DIR)/compose/Cargo.lock
	CARGO_TARGET_DIR=$(ADAPTER_DIR)/target cargo build --locked --release --manifest-path $(ADAPTER_DIR)/compose/Cargo.toml
	@touch $@

adapter: $(ADAPTER)

# make compose APP=app.wasm OUT=out.wasm: APP's pysocket:socket imports
# served by the adapter; OUT imports only WASI 0.2 (checked).
compose: $(ADAPTER) $(COMPOSE)
	@test -n "$(APP)" -a -n "$(OUT)" || { echo "usage: make compose APP=app.wasm OUT=out.wasm"; exit 2; }
	$(COMPOSE) $(ADAPTER) $(APP) $(OUT)

$(COMPOSED): $(ADAPTER) $(COMPOSE) $(PYWASM)
	$(COMPOSE) $(ADAPTER) $(PYWASM) $@

demo: build
	@bash examples/demo.sh

# Third-party pure-Python packages the tests import in guests (PyPI, pinned).
PYLIBS      := $(BUILD)/pylibs
WEBSOCKETS  := 15.0.1

$(PYLIBS)/.ok: $(VENV)/.ok
	rm -rf $(PYLIBS)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --target $(PYLIBS) websockets==$(WEBSOCKETS)
	touch $@

# CPython 3.14's own test package, from Debian (see tests/cpython/fetch.py).
$(CPYTESTS)/.ok: tests/cpython/fetch.py
	python3 tests/cpython/fetch.py $(CPYTESTS)
	touch $@

test: build $(BUILD)/cli-app.wasm $(COMPOSED) $(CPYTESTS)/.ok $(PYLIBS)/.ok
	@command -v openssl >/dev/null || { echo "the TLS tests need the openssl command (apt-get install -y openssl)"; exit 1; }
	cargo test --release --workspace -- --test-threads=2

# CPython's socket-related tests in a guest, every test shown (make test runs
# them too, quietly); -check also runs the reviewed list's tests and fails
# if one of them passes.
test-cpython: build $(CPYTESTS)/.ok
	PYSOCKET_CPYTHON_VERBOSE=1 cargo test --release -p pysocket-tests --test cpython -- --nocapture

test-cpython-check: build $(CPYTESTS)/.ok
	PYSOCKET_CPYTHON_CHECK_LIST=1 cargo test --release -p pysocket-tests --test cpython -- --nocapture

conformance: build
	@python3 tests/conformance/compare.py

fmt:
	cargo fmt --all
	cargo fmt --manifest-path $(ADAPTER_DIR)/Cargo.toml
	cargo fmt --manifest-path $(ADAPTER_DIR)/compose/Cargo.toml

lint:
	cargo fmt --all -- --check
	cargo clippy --release --workspace --all-targets -- -D warnings
	cargo fmt --manifest-path $(ADAPTER_DIR)/Cargo.toml -- --check
	cargo fmt --manifest-path $(ADAPTER_DIR)/compose/Cargo.toml -- --check
	cargo clippy --locked --release --target wasm32-wasip2 --manifest-path $(ADAPTER_DIR)/Cargo.toml -- -D warnings
	CARGO_TARGET_DIR=$(ADAPTER_DIR)/target cargo clippy --locked --release --manifest-path $(ADAPTER_DIR)/compose/Cargo.toml -- -D warnings

clean:
	rm -rf $(BUILD) target $(ADAPTER_DIR)/target

# The benchmark's stock component: pysocket's CPython without pysocket, its
# built-in _socket over wasmtime-wasi's wasi:sockets (see bench/run.py).
$(BUILD)/stock-python.wasm: $(VENV)/.ok bench/stock/stock_main.py guest/python/pysocket_script.py $(wildcard wit/*.wit)
	@mkdir -p $(BUILD)
	$(CPY) -d wit -w python componentize stock_main -p bench/stock -p guest/python -o $@.tmp
	mv $@.tmp $@

# native CPython vs the stock path vs pysocket; writes BENCHMARKS.md and
# bench/ratios.png (the chart needs matplotlib in the venv; skipped without).
bench: build $(BUILD)/stock-python.wasm
	CARGO_TARGET_DIR=target cargo build --release --manifest-path bench/peer/Cargo.toml
	-$(VENV)/bin/pip install --quiet --disable-pip-version-check matplotlib==3.11.2
	python3 bench/run.py
