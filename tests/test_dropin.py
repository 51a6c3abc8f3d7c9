"""Drop-in: an application written for ``informix-driver`` prints the same on ``informix_db``.

``tests/dropin/reference_style_app.py`` uses only the reference driver's public API. It
is run twice against the test server, unmodified: with the reference driver (in
``.venv-ref``) and with ours. Every section of its output must be identical.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, ConnParams, TestServer
from tests.reference.conftest import VENV_DIR, ensure_reference_venv

pytestmark = pytest.mark.reference

SCRIPT = Path(__file__).resolve().parent / "dropin" / "reference_style_app.py"
SECTIONS = (
    "module", "connecting", "basic_sql", "types", "rows_by_name", "errors", "transactions",
    "scrolling", "blobs", "pool", "aio",
)  # fmt: skip


def _env(params: ConnParams) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "IFX_", "VIRTUAL_ENV"))
    }
    env.update(
        IFX_HOST=params.host, IFX_PORT=str(params.port), IFX_USER=params.user,
        IFX_PASSWORD=params.password, IFX_DATABASE=params.database, IFX_SERVER=params.server,
    )  # fmt: skip
    return env


def _run(python: Path | str, params: ConnParams, cwd: Path) -> subprocess.CompletedProcess[str]:
    # -I: neither the script's directory, PYTHONPATH nor user site-packages on sys.path, so
    # each interpreter imports exactly the informix_db installed in its environment.
    return subprocess.run(
        [str(python), "-I", str(SCRIPT)],
        capture_output=True, text=True, timeout=600, env=_env(params), cwd=cwd, check=False,
    )  # fmt: skip


def _sections(stdout: str) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in stdout.splitlines():
        if line.startswith("== ") and not line.startswith("== done"):
            current = out.setdefault(line[3:], [])
        elif current is not None and not line.startswith("== done"):
            current.append(line)
    return {name: "\n".join(lines) for name, lines in out.items()}


@pytest.fixture(scope="module")
def reference_interpreter() -> Path:
    try:
        return ensure_reference_venv()
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"reference driver venv unavailable (network/PyPI?): {exc}")


@pytest.fixture(scope="module")
def runs(
    server: TestServer, conn_params: ConnParams, reference_interpreter: Path
) -> dict[str, subprocess.CompletedProcess[str]]:
    return {
        "reference": _run(reference_interpreter, conn_params, VENV_DIR),
        "ours": _run(sys.executable, conn_params, REPO_ROOT),
    }


def _which(python: Path | str) -> str:
    return subprocess.run(
        [str(python), "-I", "-c", "import informix_db; print(informix_db.__file__)"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()  # fmt: skip


def test_each_run_uses_its_own_driver(reference_interpreter: Path) -> None:
    reference = _which(reference_interpreter)
    ours = _which(sys.executable)
    assert "site-packages" in reference
    assert str(VENV_DIR) in reference
    assert ours.startswith(str(REPO_ROOT / "python"))


def test_script_runs_to_completion(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    for name, result in runs.items():
        assert result.returncode == 0, f"{name}: {result.stderr[-3000:]}"
        assert list(_sections(result.stdout)) == list(SECTIONS), name


def test_reference_passes_every_section_on_our_server(
    runs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = runs["reference"]
    assert "== done, 0 failed section(s)" in result.stdout, result.stderr[-6000:]


@pytest.mark.parametrize("section", SECTIONS)
def test_section_output_identical(
    runs: dict[str, subprocess.CompletedProcess[str]], section: str
) -> None:
    reference = _sections(runs["reference"].stdout).get(section)
    ours = _sections(runs["ours"].stdout).get(section)
    assert reference is not None, f"reference run lacks section {section}"
    assert ours == reference, (
        f"section {section} differs\n--- ours stderr (tail) ---\n{runs['ours'].stderr[-4000:]}"
    )
