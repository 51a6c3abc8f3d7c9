"""Harness that runs the unmodified reference driver against our test server.

The reference driver (``informix-driver`` on PyPI) also imports as
``informix_db``, so it cannot share an interpreter with our package. It is
installed once into ``<repo>/.venv-ref`` and every check runs as a small
script in that venv, in isolated mode (``python -I``) so neither our
``python/`` tree nor ``PYTHONPATH`` can shadow it. Connection parameters
reach the script as ``IFX_*`` environment variables.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, ConnParams, TestServer

REFERENCE_DIST = "informix-driver"
REFERENCE_VERSION = "2026.9.3"
VENV_DIR = REPO_ROOT / ".venv-ref"
_STAMP = VENV_DIR / f".installed-{REFERENCE_DIST}-{REFERENCE_VERSION}"

# Prepended to every script: the parameters, a connect() shortcut and a guard
# that we really are running the reference package, not ours.
PRELUDE = f"""\
import os
import informix_db

assert "site-packages" in (informix_db.__file__ or ""), informix_db.__file__
assert informix_db.__version__ == {REFERENCE_VERSION!r}, informix_db.__version__


def _env_int(name):
    value = os.environ.get(name, "")
    return int(value) if value else None


PARAMS = dict(
    host=os.environ["IFX_HOST"],
    port=int(os.environ["IFX_PORT"]),
    user=os.environ["IFX_USER"],
    password=os.environ["IFX_PASSWORD"],
    database=os.environ.get("IFX_DATABASE") or None,
    server=os.environ["IFX_SERVER"],
)
TLS_PORT = _env_int("IFX_TLS_PORT")
TLS_CA = os.environ.get("IFX_TLS_CA") or None


def connect(**overrides):
    kwargs = dict(PARAMS, connect_timeout=10, read_timeout=30)
    kwargs.update(overrides)
    return informix_db.connect(**kwargs)


def drop_table(cur, table):
    try:
        cur.execute("DROP TABLE " + table)
    except informix_db.Error:
        pass

"""

RunReference = Callable[..., "subprocess.CompletedProcess[str]"]


def _venv_python() -> Path:
    return VENV_DIR / "bin" / "python"


@contextlib.contextmanager
def _venv_lock() -> Iterator[None]:
    # Parallel pytest workers must not build the venv at the same time. The
    # lock lives outside the work tree so it never shows up in git status.
    tag = hashlib.sha256(str(VENV_DIR).encode()).hexdigest()[:12]
    lock_path = Path(tempfile.gettempdir()) / f"informix_db-venv-ref-{tag}.lock"
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_reference_venv() -> Path:
    """Create ``.venv-ref`` with the pinned reference driver (cached by a stamp file).

    Raises ``RuntimeError`` with pip's output when the install fails.
    """
    with _venv_lock():
        python = _venv_python()
        if _STAMP.is_file() and python.is_file():
            return python
        if not python.is_file():
            subprocess.run(
                [sys.executable, "-m", "venv", "--clear", str(VENV_DIR)],
                check=True,
                capture_output=True,
                text=True,
                timeout=300,
            )
        install = [
            str(python),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            f"{REFERENCE_DIST}=={REFERENCE_VERSION}",
        ]
        find_links = os.environ.get("INFORMIX_REF_FIND_LINKS")
        if find_links:
            install += ["--find-links", find_links]
        result = subprocess.run(install, capture_output=True, text=True, timeout=600, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"pip install {REFERENCE_DIST}=={REFERENCE_VERSION} failed "
                f"(status {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        _STAMP.write_text(f"{REFERENCE_DIST}=={REFERENCE_VERSION}\n")
        return python


@pytest.fixture(scope="session")
def reference_python() -> Path:
    """Interpreter of the reference venv; skips when PyPI is unreachable."""
    try:
        return ensure_reference_venv()
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"reference driver venv unavailable (network/PyPI?): {exc}")


def _env_for(params: dict[str, object]) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "IFX_", "VIRTUAL_ENV"))
    }
    for key, value in params.items():
        env[f"IFX_{key.upper()}"] = "" if value is None else str(value)
    return env


def run_reference_script(
    python: Path,
    script: str,
    *,
    timeout: float = 180.0,
    check: bool = True,
    **params: object,
) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (after :data:`PRELUDE`) with the reference driver.

    ``params`` become ``IFX_<NAME>`` environment variables. With ``check``
    a non-zero exit fails the calling test, showing the script's stderr.
    """
    source = PRELUDE + textwrap.dedent(script)
    # A real file (not -c) so tracebacks show the failing source line.
    with tempfile.NamedTemporaryFile(
        "w", suffix=".py", prefix="refscript-", delete=False, encoding="utf-8"
    ) as handle:
        handle.write(source)
        script_path = handle.name
    try:
        result = subprocess.run(
            [str(python), "-I", script_path],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=_env_for(params),
            cwd=str(VENV_DIR),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(
            f"reference script timed out after {timeout:.0f}s\n"
            f"--- stdout ---\n{exc.stdout!r}\n--- stderr ---\n{exc.stderr!r}"
        )
    finally:
        os.unlink(script_path)
    if check and result.returncode != 0:
        pytest.fail(
            f"reference script exited with status {result.returncode}\n"
            f"--- stderr ---\n{result.stderr[-6000:]}\n--- stdout ---\n{result.stdout[-2000:]}",
            pytrace=False,
        )
    return result


@pytest.fixture
def run_reference(
    reference_python: Path, server: TestServer, conn_params: ConnParams
) -> RunReference:
    """``run_reference(script, **params)`` bound to the session's server.

    Defaults: ``conn_params`` (testdb as informix) plus ``tls_port`` and
    ``tls_ca`` when the server has a TLS listener; keyword arguments
    override any of them (``database="nologdb"``, ``password="x"``, ...).
    """
    defaults: dict[str, object] = {
        "host": conn_params.host,
        "port": conn_params.port,
        "user": conn_params.user,
        "password": conn_params.password,
        "database": conn_params.database,
        "server": conn_params.server,
        "tls_port": server.tls_port,
        "tls_ca": server.tls_ca_file,
    }

    def run(
        script: str, *, timeout: float = 180.0, check: bool = True, **params: object
    ) -> subprocess.CompletedProcess[str]:
        return run_reference_script(
            reference_python,
            script,
            timeout=timeout,
            check=check,
            **{**defaults, **params},
        )

    return run
