#!/usr/bin/env bash
# Installs every tool the build and the tests need, from crates.io, npm and Debian only.
# Idempotent and version-checked: a tool already at the pinned version is left alone, so a
# warm machine pays nothing. Used by `make run` and `make test`; the reason for each pin and
# flag is given beside it below.
#   scripts/bootstrap.sh build   tools to build and run (wasm target, trunk, wasm-bindgen, wasm-opt)
#   scripts/bootstrap.sh test    the above, plus Chromium, chromedriver, playwright-core, the
#                                real Node agents (npm aliases in tests/e2e/package.json) and
#                                the real Python agents (PyPI pyroscope-io 1.4 in
#                                target/agents-venv, 0.8 in target/agents-venv-08)
#   scripts/bootstrap.sh bench   the build tools, Chromium, and the render benchmark's pinned
#                                npm packages (bench/render: the viewers it compares against)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130 # must equal the wasm-bindgen crate in Cargo.lock
PYROSCOPE_IO_VERSION=1.4.0   # the real Python agents of the live agent test: current (push)
PYROSCOPE_IO_OLD_VERSION=0.8.16 # and the last 0.x (/ingest with pprof), in a second venv
want=${1:-test}

lock_version() { grep -A1 "^name = \"$1\"$" Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p'; }
if [ "$(lock_version wasm-bindgen)" != "$WASM_BINDGEN_VERSION" ]; then
  echo "bootstrap: Cargo.lock has wasm-bindgen $(lock_version wasm-bindgen), expected $WASM_BINDGEN_VERSION" >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "bootstrap: adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then
  echo "bootstrap: installing trunk $TRUNK_VERSION (about 5 minutes on 2 cores)"
  # trunk's own release profile is fat LTO + 1 codegen unit; overriding it halves the build.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install trunk --locked --version "$TRUNK_VERSION" --quiet
fi

if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  echo "bootstrap: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  # No --locked: the published lock of 0.2.130 pins a webpki-roots that crates.io no longer has.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --quiet
fi

# npm: binaryen 132 (wasm-opt; Debian's 108 produces a wasm that crashes) and playwright-core.
# `npm ls` of named packages passes when they are missing from a partial install, so check
# the whole tree (a new dependency in package.json then triggers a fresh install too).
if ! (cd tests/e2e && npm ls --depth=0 >/dev/null 2>&1); then
  echo "bootstrap: npm ci in tests/e2e"
  (cd tests/e2e && npm ci --no-audit --no-fund --silent)
fi

if [ "$want" = test ] || [ "$want" = bench ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "bootstrap: installing Debian chromium and chromium-driver"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi

if [ "$want" = test ]; then
  # The real Python agents for the live agent test (tests/e2e/agents.test.mjs).
  venv_agent() { # venv version
    if ! "$1/bin/python" -c 'import importlib.metadata as m; assert m.version("pyroscope-io") == "'"$2"'"' 2>/dev/null; then
      echo "bootstrap: installing PyPI pyroscope-io $2 into $1"
      python3 -m venv "$1"
      "$1/bin/pip" install --quiet --disable-pip-version-check "pyroscope-io==$2"
    fi
  }
  venv_agent target/agents-venv "$PYROSCOPE_IO_VERSION"
  venv_agent target/agents-venv-08 "$PYROSCOPE_IO_OLD_VERSION"
fi

if [ "$want" = bench ]; then
  # Only when benchmarking is asked: @pyroscope/flamegraph, speedscope, esbuild (npm, pinned
  # by bench/render/package-lock.json). Browsers are never downloaded: Debian's Chromium.
  if ! (cd bench/render && npm ls --depth=0 >/dev/null 2>&1); then
    echo "bootstrap: npm ci in bench/render"
    (cd bench/render && npm ci --no-audit --no-fund --silent)
  fi
fi

cargo fetch --locked --quiet
