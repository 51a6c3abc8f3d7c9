"""The informix_db demo: starts the bundled test server and uses the driver for real.

Run it with ``bash scripts/demo.sh``. It shows a plain connection, a connection pool
shared by 8 threads, the asyncio pool, and TLS with certificate verification, printing
what it does at each step.
"""

from __future__ import annotations

import argparse
import asyncio
import decimal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import build_argv, generate_tls_material

import informix_db
from informix_db import aio


def say(msg: str) -> None:
    print(f"[demo] {msg}", flush=True)


def start_server(binary: Path, workdir: Path) -> tuple[subprocess.Popen[str], int, int, Path]:
    ca, chain, key = generate_tls_material(workdir)
    argv = build_argv(binary, (chain, key))
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    ports: dict[str, int] = {}
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while ("sqli" not in ports or "sqli+tls" not in ports) and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the test server exited before it was ready")
        parts = line.split()
        if len(parts) == 3 and parts[0] == "listening":
            ports[parts[1]] = int(parts[2].rsplit(":", 1)[1])
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    return proc, ports["sqli"], ports["sqli+tls"], ca


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server-binary", type=Path,
                        default=REPO / "target" / "release" / "informix-testserver")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, port, tls_port, ca = start_server(args.server_binary, Path(tmp))
        say(f"test server listening on 127.0.0.1:{port} (TLS on {tls_port})")
        try:
            run(port, tls_port, ca)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            say(f"test server stopped (exit code {proc.returncode})")


def run(port: int, tls_port: int, ca: Path) -> None:
    params = {"host": "127.0.0.1", "port": port, "user": "informix", "password": "in4mix",
              "database": "testdb", "server": "informix"}

    say("1. one connection: create a table and load 1,000 rows with executemany")
    with informix_db.connect(**params) as conn:
        say(f"   {conn!r}, server {conn.server_version}")
        cur = conn.cursor()
        cur.execute("DROP TABLE IF EXISTS orders")
        cur.execute("CREATE TABLE orders (id SERIAL, customer VARCHAR(40), "
                    "amount DECIMAL(12,2), placed DATETIME YEAR TO SECOND)")
        rows = [(f"customer {i % 37}", decimal.Decimal(i) / 4, f"2026-11-{1 + i % 28:02d} 12:00:00")
                for i in range(1000)]
        cur.executemany("INSERT INTO orders (customer, amount, placed) VALUES (?, ?, ?)", rows)
        conn.commit()
        cur.execute("SELECT COUNT(*), SUM(amount) FROM orders")
        count, total = cur.fetchone()
        say(f"   {count} rows, total amount {total}")

    say("2. a pool of 4 connections shared by 8 threads, 25 queries each")
    pool = informix_db.create_pool(**params, min_size=1, max_size=4)
    done = []

    def worker(n: int) -> None:
        for i in range(25):
            with pool.connection() as conn:
                cur = conn.cursor()
                cur.execute("SELECT customer, amount FROM orders WHERE id = ?", (1 + (n * 25 + i) % 1000,))
                done.append(cur.fetchone())

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    say(f"   {len(done)} queries in {elapsed * 1000:.0f} ms; pool size {pool.size}, "
        f"idle {pool.idle_count}")
    pool.close()

    say("3. asyncio: 50 concurrent tasks over an aio pool of 5")

    async def async_part() -> None:
        apool = await aio.create_pool(**params, min_size=1, max_size=5)

        async def task(n: int) -> int:
            async with apool.connection() as conn:
                cur = await conn.cursor()
                await cur.execute("SELECT id FROM orders WHERE id = ?", (n + 1,))
                row = await cur.fetchone()
                await cur.close()
                return int(row[0])

        results = await asyncio.gather(*(task(n) for n in range(50)))
        say(f"   {len(results)} results, all correct: {results == list(range(1, 51))}; "
            f"pool size {apool.size}")
        await apool.close()

    asyncio.run(async_part())

    say("4. a pool over TLS, verifying the server certificate against the demo CA")
    tls_params = {**params, "port": tls_port, "host": "localhost"}
    with informix_db.create_pool(**tls_params, tls=True, tls_ca_file=str(ca),
                                 min_size=1, max_size=2) as tls_pool:
        with tls_pool.connection() as conn:
            cur = conn.cursor()
            cur.execute("SELECT FIRST 3 customer, amount FROM orders ORDER BY id")
            for row in cur:
                say(f"   {row}")
        say(f"   TLS pool size {tls_pool.size}")
    say("   and a server certificate from an unknown CA is refused:")
    try:
        informix_db.connect(**{**params, "port": tls_port, "host": "localhost"}, tls=True,
                            tls_ca_file=str(Path(__file__)))
    except informix_db.Error as e:
        say(f"   {type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
