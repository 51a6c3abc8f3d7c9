"""The README's demo keeps working: it starts its own test server and uses the driver."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import find_testserver_binary

REPO = Path(__file__).resolve().parent.parent


def test_demo_runs_end_to_end() -> None:
    binary = find_testserver_binary()
    if binary is None:
        pytest.skip("informix-testserver is not built")
    run = subprocess.run([sys.executable, str(REPO / "examples" / "demo.py"),
                          "--server-binary", str(binary)],
                         capture_output=True, text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert "1000 rows" in out
    assert "200 queries" in out
    assert "all correct: True" in out
    assert "TLS pool size" in out
    assert "UnknownIssuer" in out
    assert "test server stopped (exit code 0)" in out
