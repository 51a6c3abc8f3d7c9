"""IBM's own Informix JDBC driver (4.50.10.1, from the PyPI package ``wbjdbc``) against
the test server: a client nobody here wrote, checking the server's fidelity."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "jdbc"


def _jar() -> Path | None:
    """The jar scripts/bootstrap.sh extracts from wbjdbc 2.4.0 (installed without its deps)."""
    jar = Path(__file__).resolve().parent.parent / ".venv" / "jdbc" / "jdbc-4.50.10.1.jar"
    return jar if jar.exists() else None


def test_ibm_jdbc_driver_conformance(server, tmp_path: Path) -> None:
    javac, java = shutil.which("javac"), shutil.which("java")
    if not (javac and java):
        pytest.skip("Java (javac and java) is not installed; the JDBC conformance test needs it")
    jar = _jar()
    if jar is None:
        pytest.skip("IBM Informix JDBC 4.50.10.1 jar missing: run scripts/bootstrap.sh")
    subprocess.run([javac, "-d", str(tmp_path), "-cp", str(jar), str(HERE / "IfxConformance.java")],
                   check=True, capture_output=True, text=True)
    run = subprocess.run([java, "-cp", f"{jar}:{tmp_path}", "IfxConformance", str(server.port)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ALL OK" in run.stdout
