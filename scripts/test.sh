#!/usr/bin/env bash
# Runs every test: Rust unit and integration tests, then the Python suites
# against the bundled test server (including the reference-driver conformance tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

echo "== lint: rustfmt, clippy -D warnings, ruff"
cargo fmt --all --check
cargo clippy --locked --release --workspace --all-targets -- -D warnings
.venv/bin/ruff check python tests examples bench

echo "== cargo test --workspace"
cargo test --locked --release --workspace --exclude informix-py

echo "== pytest"
export INFORMIX_TESTSERVER="$PWD/target/release/informix-testserver"
export INFORMIX_REQUIRE_SERVER=1
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
