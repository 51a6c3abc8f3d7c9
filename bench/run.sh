#!/usr/bin/env bash
# Benchmarks our driver against the pure-Python reference driver (informix-driver),
# both against one informix-testserver, and writes docs/benchmarks.md + docs/benchmarks.png.
#
#   bash bench/run.sh            full run (~10 min on 2 cores): publishes docs/benchmarks.*
#   bash bench/run.sh --quick    smaller sizes, 2 rounds (~2 min): writes bench/out/ only
#
# Any other argument goes to bench/harness.py (e.g. --only select1 fetch_1000, --rounds 3,
# --ours-only). Steps: build everything (scripts/bootstrap.sh, release), create the
# reference venv (.venv-ref, the same one tests/reference uses) and the harness venv
# (.venv-bench, matplotlib), start ONE test server, create the tables once, then run
# every workload with each driver in its own process, alternating, over several rounds.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
ours_only=0
pass=()
for arg in "$@"; do
    case "$arg" in
        --quick) quick=1 ;;
        --ours-only) ours_only=1 ;;
        *) pass+=("$arg") ;;
    esac
done

export INFORMIX_DB_PROFILE=release
bash scripts/bootstrap.sh

# The editable install keeps the extension in python/informix_db/, where any other
# `maturin develop` (a debug build, say) would replace it mid-run. The workers import
# a snapshot of the package taken right after the release build instead.
rm -rf bench/out/ours-pkg
mkdir -p bench/out/ours-pkg
cp -r python/informix_db bench/out/ours-pkg/
rm -rf bench/out/ours-pkg/informix_db/__pycache__

ref_args=()
if [ "$ours_only" = 0 ]; then
    echo "== reference driver venv (.venv-ref)"
    if ref_python=$(.venv/bin/python -c '
import sys
sys.path.insert(0, ".")
from tests.reference.conftest import ensure_reference_venv
print(ensure_reference_venv())'); then
        ref_args=(--ref-python "$ref_python")
    else
        echo "!! cannot create the reference venv (PyPI unreachable?); rerun with --ours-only" >&2
        exit 1
    fi
fi

echo "== harness venv (.venv-bench)"
chart_python=python3
stamp=.venv-bench/.requirements-installed
if [ ! -f "$stamp" ] || [ bench/requirements.txt -nt "$stamp" ]; then
    if { [ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench; } &&
        .venv-bench/bin/python -m pip install --quiet --disable-pip-version-check \
            -r bench/requirements.txt; then
        touch "$stamp"
    else
        echo "!! matplotlib unavailable: the chart will be drawn by hand" >&2
    fi
fi
[ -f "$stamp" ] && chart_python=.venv-bench/bin/python

if [ "$quick" = 1 ]; then
    mode_args=(--quick --markdown bench/out/benchmarks-quick.md --png bench/out/benchmarks-quick.png)
else
    mode_args=(--markdown docs/benchmarks.md --png docs/benchmarks.png)
fi
mkdir -p bench/out
exec "$chart_python" bench/harness.py \
    --server-bin target/release/informix-testserver \
    --ours-python .venv/bin/python --ours-path bench/out/ours-pkg "${ref_args[@]}" \
    --chart-python "$chart_python" "${mode_args[@]}" ${pass[@]+"${pass[@]}"}
