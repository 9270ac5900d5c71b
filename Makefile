# The two commands of the README:
#   make run    build everything (tools included) and start the server with the app on :4040
#   make test   install what the tests need and run every test
# Every step prints "TIMING <step> <seconds>" (scripts/step.sh).

SHELL := /bin/bash
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CURDIR)/tests/e2e/node_modules/.bin:$(CARGO_BIN):$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_WEBDRIVER_JSON := $(CURDIR)/webdriver.json
STEP := scripts/step.sh
WASM := --target wasm32-unknown-unknown

.PHONY: run build web test fmt-check clippy test-host test-wasm test-e2e bundle-size bench-wasm bench-memory bench-render bench-profiles bench-store bench-retention bootstrap-build bootstrap-test clean

run: build
	./target/release/cinder server $(ARGS)

build: bootstrap-build
	@$(STEP) trunk-build trunk build --release --locked --offline
	@$(STEP) server-release cargo build --release --locked -p cinder-server --features embed

# The web app alone, into dist/ (what `--ui-dir dist` serves during development).
web: bootstrap-build
	@$(STEP) trunk-build trunk build --release --locked --offline

test: bootstrap-test fmt-check clippy test-host build bundle-size test-wasm test-e2e
	@echo "make test: every step passed"

# The download budget of the app (wasm + JS + CSS, gzip -9 <= 450 KB), on the release dist/
# that `build` just made.
bundle-size:
	@$(STEP) bundle-size scripts/bundle-size.sh dist 450000

bootstrap-build:
	@$(STEP) bootstrap scripts/bootstrap.sh build

bootstrap-test:
	@$(STEP) bootstrap scripts/bootstrap.sh test

fmt-check:
	@$(STEP) fmt cargo fmt --all -- --check

clippy:
	@$(STEP) clippy-host cargo clippy --workspace --all-targets --locked -- -D warnings
	@$(STEP) clippy-wasm cargo clippy $(WASM) -p cinder-web --all-targets --locked -- -D warnings
	@# The profile crate's own tests use proptest and criterion, which are host-only: its
	@# library (what the app ships) is what must build for wasm32.
	@$(STEP) clippy-wasm-profile cargo clippy $(WASM) -p cinder-profile --lib --locked -- -D warnings

test-host:
	@$(STEP) test-host cargo test --workspace --locked

# Only the browser test binaries (wasm_perf is a benchmark: `make bench-wasm`).
test-wasm:
	@$(STEP) test-wasm cargo test -p cinder-web --target wasm32-unknown-unknown --locked --test browser --test flamegraph_browser

# Profile model timings compiled to wasm32 in headless Chromium (release build).
bench-wasm:
	@$(STEP) bench-wasm cargo test -p cinder-web --target wasm32-unknown-unknown --locked --release --test wasm_perf -- --nocapture

# The deterministic benchmark profiles (bench/gen/gen_profiles.py; skipped when present).
BENCH_PROFILES := target/bench-profiles
bench-profiles:
	python3 bench/gen/gen_profiles.py --out $(BENCH_PROFILES) 100000 500000

# JS heap + wasm memory of the app holding the render benchmark's 100k and 500k profiles, and
# of the diff view holding two 500k sides (the 500k profile and its perturbed copy) and their diff.
bench-memory: build bench-profiles
	mkdir -p $(BENCH_PROFILES)/diff500k
	test -f $(BENCH_PROFILES)/diff500k/diff-right.json || cargo run --release --locked -q -p cinder-profile --example bench_diff_profiles -- $(BENCH_PROFILES)/500000.json $(BENCH_PROFILES)/diff500k
	@$(STEP) bench-memory bash -c 'cd tests/e2e && node bench-memory.mjs ../../$(BENCH_PROFILES)/100000.json ../../$(BENCH_PROFILES)/500000.json && node bench-memory.mjs --diff ../../$(BENCH_PROFILES)/500000.json ../../$(BENCH_PROFILES)/diff500k/diff-right.json'

# First paint, click-zoom, search and memory of our app against @pyroscope/flamegraph and
# speedscope, and a diff of two 100k profiles (bench/README.md). RUNS=n runs per cell.
CINDER ?= $(or $(CARGO_TARGET_DIR),target)/release/cinder
bench-render: build bench-profiles
	@$(STEP) bootstrap-bench scripts/bootstrap.sh bench
	cargo run --release --locked -q -p cinder-profile --example bench_diff_profiles -- $(BENCH_PROFILES)/100000.json $(BENCH_PROFILES)
	@$(STEP) bench-render node bench/render/run.mjs --profiles $(BENCH_PROFILES) --cinder $(CINDER) --runs $(or $(RUNS),3)

# Storage benchmark (issue 12): seeds a year of folded uploads over HTTP into the release
# binary, then prints disk per sample, /render latency (cold and warm), ingest rate, RSS.
# BENCH_STORE_DAYS=30 seeds a scaled-down variant. The binary is copied first, since the
# release path may be shared with other builds.
bench-store:
	cargo build --release --locked -p cinder-server
	mkdir -p target && cp $${CARGO_TARGET_DIR:-target}/release/cinder target/cinder-bench-store
	CINDER_BIN=$(CURDIR)/target/cinder-bench-store cargo bench --locked -p cinder-server --bench store

# Retention soak (issue 14): ingests continuously for BENCH_RETENTION_SECS (180) seconds
# with a small policy (level 0 kept 30 s, tables capped at 6 MB) and prints disk use
# every 5 s; see docs/storage.md.
bench-retention:
	cargo bench --locked -p cinder-server --bench retention

test-e2e:
	@$(STEP) test-e2e bash -c 'cd tests/e2e && node --test'

clean:
	cargo clean
	rm -rf dist
