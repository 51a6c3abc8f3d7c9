#!/usr/bin/env bash
# Prepares a fresh checkout: a virtualenv with the test tools, the test server
# binary, and the informix_db extension built into the virtualenv.
# Safe to re-run: every step is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE="${INFORMIX_DB_PROFILE:-release}"
PY="${PYTHON:-python3}"

if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    "$PY" -m venv .venv
fi
stamp=.venv/.requirements-installed
if [ ! -f "$stamp" ] || [ tests/requirements.txt -nt "$stamp" ]; then
    echo "== installing Python tools into .venv"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet "maturin>=1.9.4,<2" -r tests/requirements.txt
    touch "$stamp"
fi

# IBM's Informix JDBC driver, for the server-fidelity test (tests/test_jdbc.py).
jar=.venv/jdbc/jdbc-4.50.10.1.jar
if [ ! -f "$jar" ]; then
    echo "== fetching IBM Informix JDBC 4.50.10.1 (PyPI package wbjdbc 2.4.0)"
    mkdir -p .venv/jdbc
    if .venv/bin/python -m pip download --quiet --no-deps -d .venv/jdbc wbjdbc==2.4.0; then
        .venv/bin/python - "$jar" <<'PY' || echo "   (could not extract the jar; the JDBC test will skip)"
import sys, zipfile, pathlib
whl = next(pathlib.Path(".venv/jdbc").glob("wbjdbc-*.whl"))
with zipfile.ZipFile(whl) as z:
    name = next(n for n in z.namelist() if n.endswith("jdbc-4.50.10.1.jar"))
    pathlib.Path(sys.argv[1]).write_bytes(z.read(name))
PY
    else
        echo "   (PyPI unreachable; the JDBC test will skip)"
    fi
fi

cargo_flags=()
[ "$PROFILE" = release ] && cargo_flags+=(--release)
echo "== building informix-testserver ($PROFILE)"
cargo build --locked "${cargo_flags[@]}" -p informix-testserver
echo "== building the informix_db extension ($PROFILE)"
# maturin develop insists on running inside a virtualenv.
VIRTUAL_ENV="$PWD/.venv" PATH="$PWD/.venv/bin:$PATH" \
    .venv/bin/maturin develop --locked --quiet "${cargo_flags[@]}"
