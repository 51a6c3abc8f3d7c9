#!/usr/bin/env bash
# Builds everything, starts the bundled test server and runs the demo against it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python examples/demo.py --server-binary target/release/informix-testserver "$@"
