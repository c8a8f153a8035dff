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

# The native core of the guest's _socket (guest/native): C on `wit-bindgen c`
# bindings generated here from wit/, compiled for wasm32-wasip2 against the
# limited API of CPython 3.11's headers with a pyconfig.h generated for the
# guest's interpreter (see guest/native/README.md).
CLANG       ?= clang-22
WASM_LD     ?= wasm-ld-22
WIT_BINDGEN ?= wit-bindgen
WBG_VERSION := 0.61.0
WASI_INCLUDE ?= /usr/include/wasm32-wasi
PY_INCLUDE  ?= /usr/include/python3.11
PY_CONFIG_TEMPLATE ?= /usr/include/x86_64-linux-gnu/python3.11/pyconfig.h
NATIVE      := $(BUILD)/native
CORE_DIR    := $(NATIVE)/lib
CORE_SO     := $(CORE_DIR)/_pysocket_core.abi3.so
CORE_SRC    := $(wildcard guest/native/src/*.c)
CORE_OBJ    := $(patsubst guest/native/src/%.c,$(NATIVE)/obj/%.o,$(CORE_SRC)) $(NATIVE)/obj/imports.o
CFLAGS_CORE := --target=wasm32-wasip2 -fPIC -O2 -Wall -Wextra -Wno-unused-parameter -Werror \
               -DPy_LIMITED_API=0x030B0000 -isystem $(WASI_INCLUDE) \
               -I $(NATIVE)/include/python3.11 -I $(NATIVE)/gen
APT_GET     := $(if $(filter 0,$(shell id -u)),,sudo )apt-get
HOST_SRC    := $(shell find host -name '*.rs' -o -name Cargo.toml) Cargo.toml $(wildcard Cargo.lock) $(wildcard wit/*.wit)

.PHONY: help setup core build demo test test-many test-cpython test-cpython-check conformance fuzz bench bench-many fmt lint clean adapter compose

help:
	@echo "make setup | core | build | demo | test | test-many | test-cpython | test-cpython-check | conformance | fuzz | bench | bench-many | fmt | lint | clean | adapter | compose APP=... OUT=..."

# Idempotent: the wasm target, and a venv with the pinned componentize-py.
setup: $(VENV)/.ok
	@rustup target list --installed 2>/dev/null | grep -q wasm32-wasip2 || rustup target add wasm32-wasip2
	@command -v $(CLANG) >/dev/null && command -v $(WASM_LD) >/dev/null \
	  && test -f $(WASI_INCLUDE)/stdlib.h && test -f $(PY_INCLUDE)/Python.h \
	  || { $(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq \
	       clang-22 lld-22 wasi-libc python3.11-dev; }
	@$(WIT_BINDGEN) --version 2>/dev/null | grep -qx 'wit-bindgen-cli $(WBG_VERSION)' \
	  || cargo install wit-bindgen-cli --version $(WBG_VERSION) --locked --no-default-features --features c

$(VENV)/.ok:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check componentize-py==$(CPY_VERSION) zstandard==0.25.0
	touch $@

$(STDLIB)/.ok: $(VENV)/.ok guest/python/build/extract_stdlib.py
	rm -rf $(STDLIB)
	$(PY) guest/python/build/extract_stdlib.py $(STDLIB)
	touch $@

$(NATIVE)/gen/imports.h: $(wildcard wit/*.wit)
	rm -rf $(NATIVE)/gen
	$(WIT_BINDGEN) c wit --world imports --out-dir $(NATIVE)/gen >/dev/null

# CPython 3.11's headers with the guest's pyconfig.h in place of Debian's.
$(NATIVE)/include/.ok: $(STDLIB)/.ok guest/native/gen_pyconfig.py
	rm -rf $(NATIVE)/include
	mkdir -p $(NATIVE)/include
	cp -r $(PY_INCLUDE) $(NATIVE)/include/python3.11
	python3 guest/native/gen_pyconfig.py $(PY_CONFIG_TEMPLATE) \
	  $(STDLIB)/_sysconfigdata__wasi_wasm32-wasi.py $(NATIVE)/include/python3.11/pyconfig.h
	touch $@

$(NATIVE)/obj/%.o: guest/native/src/%.c guest/native/src/core.h $(NATIVE)/gen/imports.h $(NATIVE)/include/.ok
	@mkdir -p $(NATIVE)/obj
	$(CLANG) $(CFLAGS_CORE) -c $< -o $@

$(NATIVE)/obj/imports.o: $(NATIVE)/gen/imports.h $(NATIVE)/include/.ok
	@mkdir -p $(NATIVE)/obj
	$(CLANG) $(CFLAGS_CORE) -c $(NATIVE)/gen/imports.c -o $@

# Linked with the bindings' component type (componentize-py refuses WIT
# imports without it); libc and libpython symbols resolve at component link.
$(CORE_SO): $(CORE_OBJ)
	@mkdir -p $(CORE_DIR)
	$(WASM_LD) --shared --experimental-pic --unresolved-symbols=import-dynamic \
	  $(CORE_OBJ) $(NATIVE)/gen/imports_component_type.o -o $@

core: $(CORE_SO)

$(PYWASM): $(VENV)/.ok $(GUEST_SRC) $(CORE_SO)
	@mkdir -p $(BUILD)
	$(CPY) -d wit -w python componentize pysocket_main -p guest/python -p $(CORE_DIR) -o $@.tmp
	mv $@.tmp $@

$(PYSOCKET): $(HOST_SRC)
	cargo build --release --bin pysocket
	@touch $@

build: setup $(PYSOCKET) $(PYWASM) $(STDLIB)/.ok

# A wasi:cli/run component using pysocket, for the tests of `pysocket run`.
$(BUILD)/cli-app.wasm: $(VENV)/.ok tests/apps/cli_app.py $(GUEST_SRC) $(CORE_SO)
	@mkdir -p $(BUILD)
	$(CPY) -d wit -w command componentize cli_app -p tests/apps -p guest/python -p $(CORE_DIR) -o $@.tmp
	mv $@.tmp $@

# A Rust guest on pysocket:socket (examples/rust-guest; its own lock file and
# target directory, outside the host workspace).
RUST_GUEST  := $(BUILD)/rust-guest.wasm
$(RUST_GUEST): examples/rust-guest/Cargo.toml examples/rust-guest/Cargo.lock $(wildcard examples/rust-guest/src/*.rs) $(wildcard wit/*.wit)
	@mkdir -p $(BUILD)
	CARGO_TARGET_DIR=$(BUILD)/rust-guest-target cargo build --locked --release --target wasm32-wasip2 --manifest-path examples/rust-guest/Cargo.toml
	cp $(BUILD)/rust-guest-target/wasm32-wasip2/release/pysocket-rust-guest.wasm $@

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

# The Rust guest composed too: a non-Python component on a plain WASI host.
RUST_COMPOSED := $(BUILD)/rust-guest-composed.wasm
$(RUST_COMPOSED): $(ADAPTER) $(COMPOSE) $(RUST_GUEST)
	$(COMPOSE) $(ADAPTER) $(RUST_GUEST) $@

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

test: build $(BUILD)/cli-app.wasm $(RUST_GUEST) $(COMPOSED) $(RUST_COMPOSED) $(CPYTESTS)/.ok $(PYLIBS)/.ok
	@command -v openssl >/dev/null || { echo "the TLS tests need the openssl command (apt-get install -y openssl)"; exit 1; }
	cargo test --release --workspace -- --test-threads=2

# The many-guests tests at full size (make test runs bounded slices): 1,000
# guests blocked at once (make test: 200) and 10,000 sequential instances with
# fds and RSS compared before and after (make test: 1,000). About 3 minutes.
test-many: build $(BUILD)/cli-app.wasm
	PYSOCKET_MANY_BLOCKED=1000 cargo test --release -p pysocket-tests --test many -- --test-threads=2
	PYSOCKET_CHURN=10000 cargo test --release -p pysocket-tests --test churn -- --nocapture

# CPython's socket-related tests in a guest, every test shown (make test runs
# them too, quietly); -check also runs the reviewed list's tests and fails
# if one of them passes.
test-cpython: build $(CPYTESTS)/.ok
	PYSOCKET_CPYTHON_VERBOSE=1 cargo test --release -p pysocket-tests --test cpython -- --nocapture

test-cpython-check: build $(CPYTESTS)/.ok
	PYSOCKET_CPYTHON_CHECK_LIST=1 cargo test --release -p pysocket-tests --test cpython -- --nocapture

# The fuzz harness of the host's Host impls (tests/fuzz.rs) for 10 minutes
# (make test runs it for FUZZ_SECS, default 60); FUZZ_SECS=N to change.
FUZZ_SECS ?= 600
fuzz:
	PYSOCKET_FUZZ_SECS=$(FUZZ_SECS) cargo test --release -p pysocket-tests --test fuzz -- --nocapture

conformance: build
	@python3 tests/conformance/compare.py

fmt:
	cargo fmt --all
	cargo fmt --manifest-path examples/rust-guest/Cargo.toml
	cargo fmt --manifest-path $(ADAPTER_DIR)/Cargo.toml
	cargo fmt --manifest-path $(ADAPTER_DIR)/compose/Cargo.toml

lint:
	cargo fmt --all -- --check
	cargo fmt --manifest-path examples/rust-guest/Cargo.toml -- --check
	cargo clippy --release --workspace --all-targets -- -D warnings
	CARGO_TARGET_DIR=$(BUILD)/rust-guest-target cargo clippy --locked --release --target wasm32-wasip2 --manifest-path examples/rust-guest/Cargo.toml -- -D warnings
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
	python3 bench/many.py
	python3 bench/run.py

# Only the many-guests figures (warm/cold start, memory per blocked guest,
# concurrent guests, serve conn/s vs native socketserver): bench/many-results.md.
bench-many: build
	python3 bench/many.py
