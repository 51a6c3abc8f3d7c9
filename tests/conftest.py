"""Shared fixtures: the Informix test server and connection parameters.

One ``informix-testserver`` process serves the whole session. Its plain and
TLS ports are chosen by the OS (``--listen 127.0.0.1:0``) and read back from
the ``listening ...`` lines it prints once ready. TLS material (a throwaway
CA and a ``localhost`` leaf) is generated per session, so nothing secret is
ever checked in.

Users' acceptance tests import :class:`ConnParams` from here, so its shape
is part of the contract.
"""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import os
import queue
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0

SERVER_NAME = "informix"
ADMIN_USER = ("informix", "in4mix")
APP_USER = ("app", "secret")
DATABASES = {"testdb": "logged", "nologdb": "unlogged", "ansidb": "ansi"}

_LISTEN_RE = re.compile(r"^listening (sqli|sqli\+tls|control) (\S+):(\d+)\s*$")


@dataclasses.dataclass(frozen=True)
class ConnParams:
    """Everything ``informix_db.connect`` needs to reach one database."""

    host: str
    port: int
    user: str
    password: str
    database: str
    server: str


@dataclasses.dataclass(frozen=True)
class TestServer:
    """A running test server: where it listens and how it was started."""

    __test__ = False  # not a test class, despite the name

    host: str
    port: int
    tls_port: int | None
    tls_ca_file: Path | None
    tls_unavailable_reason: str | None
    pid: int
    binary: Path
    argv: tuple[str, ...]
    stderr_path: Path
    server_name: str = SERVER_NAME
    control_port: int | None = None
    users: tuple[tuple[str, str], ...] = (ADMIN_USER, APP_USER)
    databases: tuple[tuple[str, str], ...] = tuple(DATABASES.items())

    def params(self, database: str = "testdb", *, user: str = ADMIN_USER[0]) -> ConnParams:
        """Connection parameters for ``database`` as ``user`` (plain port)."""
        password = dict(self.users)[user]
        return ConnParams(self.host, self.port, user, password, database, self.server_name)


# ---------------------------------------------------------------------------
# locating and starting the binary
# ---------------------------------------------------------------------------


def find_testserver_binary() -> Path | None:
    """``$INFORMIX_TESTSERVER``, else the release build, else the debug build."""
    override = os.environ.get("INFORMIX_TESTSERVER")
    if override:
        path = Path(override)
        return path if path.is_absolute() else REPO_ROOT / path
    for profile in ("release", "debug"):
        candidate = REPO_ROOT / "target" / profile / "informix-testserver"
        if candidate.is_file():
            return candidate
    return None


def generate_tls_material(directory: Path) -> tuple[Path, Path, Path]:
    """Write a CA and a CA-signed leaf for localhost/127.0.0.1.

    Returns ``(ca_cert, leaf_cert_chain, leaf_key)`` as PEM paths. EC P-256
    keys keep generation fast; the leaf chain file carries leaf + CA.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    not_before = now - datetime.timedelta(days=1)
    not_after = now + datetime.timedelta(days=30)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "informix_db test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )

    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )

    pem = serialization.Encoding.PEM
    ca_path = directory / "ca.pem"
    cert_path = directory / "server.pem"
    key_path = directory / "server.key"
    ca_path.write_bytes(ca_cert.public_bytes(pem))
    cert_path.write_bytes(leaf_cert.public_bytes(pem) + ca_cert.public_bytes(pem))
    key_path.write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return ca_path, cert_path, key_path


def build_argv(binary: Path, tls: tuple[Path, Path] | None) -> list[str]:
    """The exact command line contract agreed with the test server."""
    argv = [str(binary), "--listen", "127.0.0.1:0"]
    if tls is not None:
        cert, key = tls
        argv += ["--tls-listen", "127.0.0.1:0", "--tls-cert", str(cert), "--tls-key", str(key)]
    argv += ["--server-name", SERVER_NAME]
    for user, password in (ADMIN_USER, APP_USER):
        argv += ["--user", f"{user}:{password}"]
    for name, mode in DATABASES.items():
        argv += ["--database", f"{name}:{mode}"]
    return argv


class _EarlyExit(RuntimeError):
    """The server process ended before reporting its listeners."""

    def __init__(self, status: int) -> None:
        super().__init__(f"test server exited with status {status} before ready")
        self.status = status


class _Launch:
    """One server process plus a thread that keeps its stdout drained."""

    def __init__(self, argv: list[str], stderr_path: Path) -> None:
        self.argv = argv
        self.stderr_path = stderr_path
        self._stderr = stderr_path.open("wb")
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=REPO_ROOT,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._pump, name="testserver-stdout", daemon=True)
        self._reader.start()

    def _pump(self) -> None:
        # Keep reading for the whole session so a chatty server never
        # blocks on a full pipe; lines after readiness are discarded.
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_ready(self, want_tls: bool, timeout: float) -> dict[str, tuple[str, int]]:
        """Collect ``listening`` lines until every expected listener reported."""
        wanted = {"sqli", "sqli+tls"} if want_tls else {"sqli"}
        found: dict[str, tuple[str, int]] = {}
        deadline = time.monotonic() + timeout
        while not wanted <= found.keys():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no readiness lines within {timeout:.0f}s (saw {found})")
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                code = self.proc.wait(timeout=5)
                raise _EarlyExit(code)
            match = _LISTEN_RE.match(line.strip())
            if match:
                found[match.group(1)] = (match.group(2), int(match.group(3)))
        # The control channel line follows the listeners; pick it up if it comes soon.
        control_deadline = time.monotonic() + 2.0
        while "control" not in found and time.monotonic() < control_deadline:
            try:
                line = self.lines.get(timeout=max(0.0, control_deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            match = _LISTEN_RE.match(line.strip())
            if match:
                found[match.group(1)] = (match.group(2), int(match.group(3)))
        return found

    def stderr_text(self) -> str:
        if not self._stderr.closed:
            self._stderr.flush()
        try:
            return self.stderr_path.read_text(errors="replace")[-8000:]
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not exit in time."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)
        self._reader.join(timeout=2)
        self._stderr.close()


def _failure(message: str, launch: _Launch) -> str:
    return (
        f"{message}\ncommand: {' '.join(launch.argv)}\n"
        f"--- test server stderr ({launch.stderr_path}) ---\n{launch.stderr_text()}"
    )


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need the server are marked ``integration`` automatically."""
    for item in items:
        if "server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestServer]:
    """Start the test server once per session; SIGTERM it at the end.

    Skips when the binary is not built, unless ``INFORMIX_REQUIRE_SERVER=1``
    (CI) turns that into a failure. If the binary rejects the TLS options it
    is restarted without them and only the TLS fixtures skip.
    """
    binary = find_testserver_binary()
    if binary is None or not binary.is_file():
        message = (
            f"informix-testserver binary not found ({binary or 'target/*/informix-testserver'});"
            " build it with `cargo build -p informix-testserver` or set INFORMIX_TESTSERVER"
        )
        if os.environ.get("INFORMIX_REQUIRE_SERVER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    workdir = tmp_path_factory.mktemp("testserver")
    ca_path, cert_path, key_path = generate_tls_material(workdir)

    require = os.environ.get("INFORMIX_REQUIRE_SERVER") == "1"
    tls_reason: str | None = None
    launch = _Launch(build_argv(binary, (cert_path, key_path)), workdir / "stderr-tls.log")
    try:
        listeners = launch.wait_ready(want_tls=True, timeout=READY_TIMEOUT)
    except _EarlyExit:
        # Most likely a binary that predates the TLS options: retry without.
        last = (launch.stderr_text().strip().splitlines() or ["(no stderr)"])[-1]
        tls_reason = f"test server does not support TLS yet: {last}"
        launch.stop()
        launch = _Launch(build_argv(binary, None), workdir / "stderr.log")
        try:
            listeners = launch.wait_ready(want_tls=False, timeout=READY_TIMEOUT)
        except _EarlyExit as exc:
            launch.stop()
            if exc.status == 0 and not require:
                # A clean exit without listening is the pre-implementation stub.
                pytest.skip(f"test server {binary} exits at once without listening (a stub?)")
            pytest.fail(_failure(f"test server failed to start: {exc}", launch), pytrace=False)
        except TimeoutError as exc:
            launch.stop()
            pytest.fail(_failure(f"test server not ready: {exc}", launch), pytrace=False)
    except TimeoutError as exc:
        launch.stop()
        pytest.fail(_failure(f"test server not ready: {exc}", launch), pytrace=False)

    host, port = listeners["sqli"]
    tls_port = listeners["sqli+tls"][1] if "sqli+tls" in listeners else None
    info = TestServer(
        host=host,
        port=port,
        tls_port=tls_port,
        tls_ca_file=ca_path if tls_port is not None else None,
        tls_unavailable_reason=tls_reason,
        pid=launch.proc.pid,
        binary=binary,
        argv=tuple(launch.argv),
        stderr_path=launch.stderr_path,
        control_port=listeners["control"][1] if "control" in listeners else None,
    )
    try:
        yield info
    finally:
        launch.stop()


@pytest.fixture(scope="session")
def tls_port(server: TestServer) -> int:
    """Port of the TLS listener (skips if the server has none)."""
    if server.tls_port is None:
        pytest.skip(server.tls_unavailable_reason or "test server has no TLS listener")
    return server.tls_port


@pytest.fixture(scope="session")
def tls_ca_file(server: TestServer, tls_port: int) -> Path:
    """PEM file of the CA that signed the server's certificate."""
    assert server.tls_ca_file is not None
    return server.tls_ca_file


@pytest.fixture(scope="session")
def conn_params(server: TestServer) -> ConnParams:
    """Default target: ``testdb``, a logged database."""
    return server.params("testdb")


@pytest.fixture(scope="session")
def logged_db_params(server: TestServer) -> ConnParams:
    """A logged (transactional) database."""
    return server.params("testdb")


@pytest.fixture(scope="session")
def nolog_params(server: TestServer) -> ConnParams:
    """A database without logging (no transactions)."""
    return server.params("nologdb")


@pytest.fixture(scope="session")
def ansi_params(server: TestServer) -> ConnParams:
    """An ANSI-mode database (implicit transactions)."""
    return server.params("ansidb")


@pytest.fixture(scope="session")
def app_params(server: TestServer) -> ConnParams:
    """``testdb`` as the unprivileged ``app`` user."""
    return server.params("testdb", user=APP_USER[0])


# ---------------------------------------------------------------------------
# fault injection through the test server's control channel
# ---------------------------------------------------------------------------


class Control:
    """Line client for the test server's control channel (see docs/testserver.md)."""

    def __init__(self, host: str, port: int) -> None:
        import socket

        self._sock = socket.create_connection((host, port), timeout=10)
        self._file = self._sock.makefile("rw", encoding="utf-8", newline="\n")
        self._lock = threading.Lock()

    def send(self, command: str) -> str:
        """Sends one command; returns the reply line. Raises on an ``err`` reply."""
        with self._lock:
            self._file.write(command.strip() + "\n")
            self._file.flush()
            reply = self._file.readline().strip()
        if not reply.startswith("ok"):
            raise RuntimeError(f"control command {command!r} failed: {reply}")
        return reply[2:].strip()

    def json(self, command: str) -> object:
        import json

        body = self.send(command)
        return json.loads(body) if body else None

    def close(self) -> None:
        try:
            self._file.close()
        finally:
            self._sock.close()


@pytest.fixture
def control(server: TestServer) -> Iterator[Control]:
    """The control channel; every fault it injected is cleared afterwards."""
    if server.control_port is None:
        pytest.skip("test server has no control channel")
    ctl = Control(server.host, server.control_port)
    try:
        yield ctl
    finally:
        try:
            ctl.send("refuse off")
            ctl.send("delay 0")
            ctl.send("cut off")
        finally:
            ctl.close()
