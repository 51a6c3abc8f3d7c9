"""One benchmark workload, run by one driver, in one process.

The harness (``bench/harness.py``) starts this script once per (workload,
driver, round) with the interpreter of that driver's virtualenv, in isolated
mode (``python -I``), so ``import informix_db`` picks whichever driver is
installed there: ours (the Rust core) or the pure-Python reference
(``informix-driver``). The script therefore uses only the API the two drivers
share: ``connect``, cursors, ``executemany``, ``commit``, ``create_pool`` /
``pool.connection()`` and ``informix_db.aio``.

Input: one JSON argument (see ``harness.py`` for the fields). Output: one JSON
object on the last line of stdout. Timings come from ``time.perf_counter``
around the timed section only; data generation, ``gc.collect()`` and clean-up
happen outside it. Round trips per operation are read from the test server's
control channel (``counters``) in a separate, untimed pass, so the control
traffic never lands inside a timing.

Stdlib only: the same file runs unchanged in both virtualenvs.
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
import gc
import json
import os
import resource
import socket
import statistics
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any


def _prepend_path() -> None:
    """Our driver runs from a snapshot of the package (see bench/run.sh), put first on the path."""
    if len(sys.argv) > 1:
        extra = json.loads(sys.argv[1]).get("sys_path")
        if extra:
            sys.path.insert(0, extra)


_prepend_path()

import informix_db  # after the path is set

SELECT1 = "SELECT 1 FROM systables WHERE tabid = 1"
COLUMNS = "id, name, amount, ts, ratio"
DDL_VARIANTS = (
    # What Informix (and the finished test server) accepts.
    ("CREATE TABLE {t} (id INTEGER NOT NULL, name VARCHAR(40), amount DECIMAL(12,2), "
    "ts DATETIME YEAR TO SECOND, ratio FLOAT)"),
    # Fallback for an engine that does not parse DATETIME qualifiers yet.
    ("CREATE TABLE {t} (id INTEGER NOT NULL, name VARCHAR(40), amount DECIMAL(12,2), "
    "ts DATETIME, ratio FLOAT)"),
)
EPOCH = datetime.datetime(2020, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------


def make_row(i: int) -> tuple[Any, ...]:
    """Row ``i`` of every benchmark table: five mixed columns, varied widths."""
    return (
        i,
        f"customer-{i:07d}-" + "x" * (i % 17),
        decimal.Decimal(f"{i % 1000000}.{i % 100:02d}"),
        EPOCH + datetime.timedelta(seconds=i * 61),
        i / 7.0,
    )


def table(prefix: str, rows: int) -> str:
    return f"{prefix}_{rows}"


# ---------------------------------------------------------------------------
# the control channel
# ---------------------------------------------------------------------------


class Control:
    """``counters`` from the test server's loopback control channel."""

    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=10)
        self.file = self.sock.makefile("rwb", buffering=0)

    def command(self, line: str) -> Any:
        self.sock.sendall(line.encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("control channel closed")
            reply += chunk
        text = reply.decode().strip()
        if not text.startswith("ok"):
            raise RuntimeError(f"control {line!r}: {text}")
        rest = text[2:].strip()
        return json.loads(rest) if rest else None

    def snapshot(self) -> dict[str, float]:
        """Server totals: round trips (replies), bytes each way, and busy time in µs."""
        totals = self.command("counters")
        sessions = self.command("sessions all")
        return {
            "round_trips": totals["round_trips"],
            "replies": totals.get("replies", totals["round_trips"]),
            "bytes_in": totals["bytes_in"],
            "bytes_out": totals["bytes_out"],
            "busy_us": sum(x.get("busy_us", 0) for x in sessions),
        }

    def close(self) -> None:
        try:
            self.sock.sendall(b"quit\n")
        except OSError:
            pass
        self.sock.close()


class Counter:
    """What the server did between ``start()`` and ``stop()``, per operation.

    ``round_trips`` counts turns: the server sent all it owed and waited for the client
    (pipelined requests share one), which is what latency pays; ``replies`` one per request;
    ``busy_us`` is the server's own handling time (engine + encoding), so
    ``op time - busy`` is what the client and the network cost. Only one worker
    talks to the server at a time, so the totals' deltas are ours.
    """

    FIELDS = ("round_trips", "replies", "bytes_in", "bytes_out", "busy_us")

    def __init__(self, control: Control | None) -> None:
        self.control = control
        self.total = dict.fromkeys(self.FIELDS, 0.0)
        self.ops = 0
        self._mark: dict[str, float] = {}

    def start(self) -> None:
        if self.control is not None:
            self._mark = self.control.snapshot()

    def stop(self, ops: int = 1) -> None:
        if self.control is not None:
            time.sleep(0.005)  # let a reply that needs no answer (SQ_EXIT) be counted
            now = self.control.snapshot()
            for key in self.FIELDS:
                self.total[key] += now[key] - self._mark[key]
            self.ops += ops

    def per_op(self) -> dict[str, float | None]:
        if self.control is None or self.ops == 0:
            return {"round_trips": None}
        out: dict[str, float | None] = {k: v / self.ops for k, v in self.total.items()}
        out["server_busy_s"] = self.total["busy_us"] / self.ops / 1e6
        del out["busy_us"]
        return out


# ---------------------------------------------------------------------------
# timing helpers
# ---------------------------------------------------------------------------


class Spec:
    """Parameters common to every workload (from the harness)."""

    def __init__(self, cfg: dict[str, Any]) -> None:
        self.conn: dict[str, Any] = cfg["conn"]
        self.params: dict[str, Any] = cfg.get("params", {})
        self.prefix: str = cfg.get("prefix", "bench")
        self.budget = float(cfg.get("budget_s", 1.0))
        self.min_reps = int(cfg.get("min_reps", 3))
        self.max_reps = int(cfg.get("max_reps", 1000))
        self.warmup = int(cfg.get("warmup", 1))
        self.rt_ops = int(cfg.get("rt_ops", 3))
        control = cfg.get("control")
        self.control = Control(control[0], int(control[1])) if control else None


def connect(spec: Spec, **extra: Any) -> Any:
    return informix_db.connect(**spec.conn, **extra)


def repeat(spec: Spec, op: Callable[[], Any], reset: Callable[[], Any] | None = None,
           *, collect: bool = False) -> list[float]:
    """Warm-up, then time ``op`` until the budget is spent (min/max repetitions).

    ``reset`` runs untimed before every repetition (clean-up, fresh data).
    ``collect`` runs a full ``gc.collect()`` before each repetition (large results).
    """
    for _ in range(spec.warmup):
        if reset is not None:
            reset()
        op()
    samples: list[float] = []
    deadline = time.perf_counter() + spec.budget
    while len(samples) < spec.max_reps and (
        len(samples) < spec.min_reps or time.perf_counter() < deadline
    ):
        if reset is not None:
            reset()
        if collect:
            gc.collect()
        t0 = time.perf_counter()
        op()
        samples.append(time.perf_counter() - t0)
    return samples


def count_round_trips(spec: Spec, op: Callable[[], Any],
                      reset: Callable[[], Any] | None = None) -> dict[str, float | None]:
    """Untimed pass: what the server did per ``op`` (``reset`` not counted)."""
    counter = Counter(spec.control)
    if spec.control is None:
        return counter.per_op()
    for _ in range(max(1, spec.rt_ops)):
        if reset is not None:
            reset()
        counter.start()
        op()
        counter.stop()
    return counter.per_op()


def result(samples: list[float], server: dict[str, float | None], unit: str = "s",
           **extra: Any) -> dict[str, Any]:
    return {
        "unit": unit,
        "value": statistics.median(samples) if samples else None,
        "samples": samples,
        "reps": len(samples),
        **server,
        **extra,
    }


def rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def first_row_text(rows: list[Any]) -> str | None:
    return repr(tuple(rows[0])) if rows else None


# ---------------------------------------------------------------------------
# workloads
# ---------------------------------------------------------------------------


def w_setup(spec: Spec) -> dict[str, Any]:
    """Create and fill every benchmark table (once per run, untimed)."""
    sizes: list[int] = sorted(set(spec.params["sizes"]))
    chunk = int(spec.params.get("chunk", 20000))
    conn = connect(spec)
    cur = conn.cursor()
    ddl_used = None
    created = {}
    t0 = time.perf_counter()
    for name in [table(spec.prefix, n) for n in sizes] + [f"{spec.prefix}_ins"]:
        try:
            cur.execute(f"DROP TABLE {name}")
            conn.commit()
        except informix_db.Error:
            conn.rollback()
        errors = []
        for ddl in DDL_VARIANTS if ddl_used is None else (ddl_used,):
            try:
                cur.execute(ddl.format(t=name))
                conn.commit()
                ddl_used = ddl
                break
            except informix_db.Error as exc:
                conn.rollback()
                errors.append(f"{ddl.format(t=name)}: {exc}")
        else:
            raise RuntimeError("cannot create a benchmark table:\n" + "\n".join(errors))
    sql = f"INSERT INTO {{t}} ({COLUMNS}) VALUES (?, ?, ?, ?, ?)"
    # Every table holds rows 1..n of the same generator, filled in chunks.
    for n in sizes:
        name = table(spec.prefix, n)
        for start in range(1, n + 1, chunk):
            rows = [make_row(i) for i in range(start, min(n, start + chunk - 1) + 1)]
            cur.executemany(sql.format(t=name), rows)
            conn.commit()
        cur.execute(f"SELECT COUNT(*) FROM {name}")
        created[name] = int(cur.fetchall()[0][0])
        if created[name] != n:
            raise RuntimeError(f"{name}: expected {n} rows, found {created[name]}")
    conn.close()
    return {"unit": "s", "value": time.perf_counter() - t0, "samples": [],
            "tables": created, "ddl": ddl_used,
            "datetime_qualified": ddl_used == DDL_VARIANTS[0]}


def w_drop(spec: Spec) -> dict[str, Any]:
    """Drop the benchmark tables (the smoke test cleans up after itself)."""
    conn = connect(spec)
    cur = conn.cursor()
    for name in [table(spec.prefix, n) for n in spec.params["sizes"]] + [f"{spec.prefix}_ins"]:
        try:
            cur.execute(f"DROP TABLE {name}")
            conn.commit()
        except informix_db.Error:
            conn.rollback()
    conn.close()
    return {"unit": "s", "value": 0.0, "samples": []}


def w_select1(spec: Spec) -> dict[str, Any]:
    conn = connect(spec)
    cur = conn.cursor()

    def op() -> None:
        cur.execute(SELECT1)
        cur.fetchall()

    samples = repeat(spec, op)
    rt = count_round_trips(spec, op)
    conn.close()
    return result(samples, rt)


def w_fetch(spec: Spec) -> dict[str, Any]:
    rows = int(spec.params["rows"])
    mode = spec.params["mode"]  # "fetchall" | "iterate"
    conn = connect(spec)
    cur = conn.cursor()
    sql = f"SELECT {COLUMNS} FROM {table(spec.prefix, rows)}"
    seen: dict[str, Any] = {}

    if mode == "fetchall":
        def op() -> None:
            cur.execute(sql)
            got = cur.fetchall()
            seen["n"] = len(got)
            seen["first"] = first_row_text(got)
            del got
    else:
        def op() -> None:
            cur.execute(sql)
            n = 0
            first = None
            for row in cur:
                if first is None:
                    first = row
                n += 1
            seen["n"] = n
            seen["first"] = first_row_text([first] if first is not None else [])

    samples = repeat(spec, op, collect=True)
    rt = count_round_trips(spec, op)
    conn.close()
    if seen.get("n") != rows:
        raise RuntimeError(f"expected {rows} rows, fetched {seen.get('n')}")
    return result(samples, rt, rows=seen["n"], first_row=seen["first"],
                  rows_per_s=rows / statistics.median(samples))


def w_executemany(spec: Spec) -> dict[str, Any]:
    rows = int(spec.params["rows"])
    target = f"{spec.prefix}_ins"
    conn = connect(spec)
    cur = conn.cursor()
    data = [make_row(i) for i in range(1, rows + 1)]
    sql = f"INSERT INTO {target} ({COLUMNS}) VALUES (?, ?, ?, ?, ?)"

    def reset() -> None:
        cur.execute(f"DELETE FROM {target}")
        conn.commit()
        gc.collect()

    def op() -> None:
        # One transaction: the implicit BEGIN, every row, the COMMIT.
        cur.executemany(sql, data)
        conn.commit()

    samples = repeat(spec, op, reset)
    rt = count_round_trips(spec, op, reset)
    cur.execute(f"SELECT COUNT(*) FROM {target}")
    count = int(cur.fetchall()[0][0])
    reset()
    conn.close()
    if count != rows:
        raise RuntimeError(f"expected {rows} rows inserted, found {count}")
    return result(samples, rt, rows_per_s=rows / statistics.median(samples))


def make_pool(spec: Spec, size: int, min_size: int | None = None) -> Any:
    return informix_db.create_pool(**spec.conn, min_size=size if min_size is None else min_size,
                                   max_size=size)


def w_pool_cycle(spec: Spec) -> dict[str, Any]:
    """Acquire a pooled connection, run SELECT 1, release it."""
    pool = make_pool(spec, 1)

    def op() -> None:
        with pool.connection() as conn:
            cur = conn.cursor()
            cur.execute(SELECT1)
            cur.fetchall()
            cur.close()

    samples = repeat(spec, op)
    rt = count_round_trips(spec, op)
    pool.close()
    return result(samples, rt)


def w_threads(spec: Spec) -> dict[str, Any]:
    """``threads`` threads share a pool of ``pool`` connections for ``duration`` seconds."""
    n_threads = int(spec.params["threads"])
    pool_size = int(spec.params["pool"])
    duration = float(spec.params["duration"])
    pool = make_pool(spec, pool_size)
    counts = [0] * n_threads
    latencies: list[list[float]] = [[] for _ in range(n_threads)]
    errors: list[str] = []
    barrier = threading.Barrier(n_threads + 1)
    stop = threading.Event()

    def one() -> None:
        with pool.connection() as conn:
            cur = conn.cursor()
            cur.execute(SELECT1)
            cur.fetchall()
            cur.close()

    def body(k: int) -> None:
        try:
            for _ in range(3):  # warm-up: every thread has touched the pool
                one()
            barrier.wait()
            lat = latencies[k]
            while not stop.is_set():
                t0 = time.perf_counter()
                one()
                lat.append(time.perf_counter() - t0)
                counts[k] += 1
        except Exception as exc:  # noqa: BLE001 - reported in the result
            errors.append(f"{type(exc).__name__}: {exc}")
            barrier.abort()

    threads = [threading.Thread(target=body, args=(k,), daemon=True) for k in range(n_threads)]
    for t in threads:
        t.start()
    counter = Counter(spec.control)
    barrier.wait(timeout=120)
    t0 = time.perf_counter()
    counter.start()
    time.sleep(duration)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    elapsed = time.perf_counter() - t0
    total = sum(counts)
    counter.stop(total)
    pool.close()
    if errors:
        raise RuntimeError("; ".join(errors[:3]))
    lat = sorted(x for per in latencies for x in per)
    return {
        "unit": "qps",
        "value": total / elapsed,
        "samples": [total / elapsed],
        "reps": total,
        **counter.per_op(),
        "p50_s": lat[len(lat) // 2] if lat else None,
        "p99_s": lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else None,
    }


def w_cold_connect(spec: Spec) -> dict[str, Any]:
    def op() -> None:
        conn = connect(spec)
        conn.close()

    samples = repeat(spec, op)
    rt = count_round_trips(spec, op)
    return result(samples, rt)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def w_aio_tasks(spec: Spec) -> dict[str, Any]:
    """``tasks`` concurrent tasks over an async pool of ``pool``: latency per task."""
    from informix_db import aio

    n_tasks = int(spec.params["tasks"])
    pool_size = int(spec.params["pool"])
    batches = int(spec.params.get("batches", 3))

    async def main() -> dict[str, Any]:
        pool = await aio.create_pool(**spec.conn, min_size=pool_size, max_size=pool_size)

        async def one(lat: list[float]) -> None:
            t0 = time.perf_counter()
            async with pool.connection() as conn:
                cur = await conn.cursor()
                await cur.execute(SELECT1)
                await cur.fetchall()
            lat.append(time.perf_counter() - t0)

        async def batch() -> tuple[list[float], float]:
            lat: list[float] = []
            t0 = time.perf_counter()
            await asyncio.gather(*(one(lat) for _ in range(n_tasks)))
            return lat, time.perf_counter() - t0

        await batch()  # warm-up: every pooled connection (and its thread) exists
        every: list[float] = []
        p50s, p99s, walls = [], [], []
        counter = Counter(spec.control)
        for _ in range(batches):
            counter.start()
            lat, wall = await batch()
            counter.stop(n_tasks)
            every.extend(lat)
            p50s.append(percentile(lat, 0.50))
            p99s.append(percentile(lat, 0.99))
            walls.append(wall)
        await pool.close()
        return {
            "unit": "s",
            "value": statistics.median(p50s),
            "samples": p50s,
            "reps": len(every),
            "p50_s": statistics.median(p50s),
            "p99_s": statistics.median(p99s),
            "batch_wall_s": statistics.median(walls),
            "tasks_per_s": n_tasks / statistics.median(walls),
            **counter.per_op(),
        }

    return asyncio.run(main())


def w_aio_single(spec: Spec) -> dict[str, Any]:
    """One awaited SELECT 1 on an async connection, against the same query in sync code.

    Both run in this process, interleaved in blocks, so they see the same machine state.
    """
    from informix_db import aio

    block = int(spec.params.get("block", 50))

    async def main() -> dict[str, Any]:
        aconn = await aio.connect(**spec.conn)
        acur = await aconn.cursor()
        sconn = connect(spec)
        scur = sconn.cursor()
        async_s: list[float] = []
        sync_s: list[float] = []

        async def a_op() -> None:
            await acur.execute(SELECT1)
            await acur.fetchall()

        def s_op() -> None:
            scur.execute(SELECT1)
            scur.fetchall()

        for _ in range(max(1, spec.warmup) * 5):
            await a_op()
            s_op()
        deadline = time.perf_counter() + spec.budget
        while len(async_s) < spec.min_reps or (
            time.perf_counter() < deadline and len(async_s) < spec.max_reps
        ):
            for _ in range(block):
                t0 = time.perf_counter()
                s_op()
                sync_s.append(time.perf_counter() - t0)
            for _ in range(block):
                t0 = time.perf_counter()
                await a_op()
                async_s.append(time.perf_counter() - t0)
        counter = Counter(spec.control)
        for _ in range(max(1, spec.rt_ops)):
            counter.start()
            await a_op()
            counter.stop()
        sconn.close()
        await aconn.close()
        sync_med = statistics.median(sync_s)
        async_med = statistics.median(async_s)
        return {
            "unit": "s",
            "value": async_med,
            "samples": [async_med],
            "reps": len(async_s),
            "sync_s": sync_med,
            "await_over_sync": async_med / sync_med,
            **counter.per_op(),
        }

    return asyncio.run(main())


def w_stream_memory(spec: Spec) -> dict[str, Any]:
    """Iterate over every row of a large table; report the process's RSS high-water mark."""
    rows = int(spec.params["rows"])
    conn = connect(spec)
    cur = conn.cursor()
    cur.execute(SELECT1)
    cur.fetchall()
    gc.collect()
    base = rss_mib()
    counter = Counter(spec.control)
    counter.start()
    t0 = time.perf_counter()
    cur.execute(f"SELECT {COLUMNS} FROM {table(spec.prefix, rows)}")
    n = 0
    for _row in cur:
        n += 1
    elapsed = time.perf_counter() - t0
    counter.stop()
    peak = rss_mib()
    conn.close()
    if n != rows:
        raise RuntimeError(f"expected {rows} rows, streamed {n}")
    return {
        "unit": "MiB",
        "value": peak,
        "samples": [peak],
        "reps": 1,
        "baseline_mib": base,
        "growth_mib": peak - base,
        "elapsed_s": elapsed,
        "rows_per_s": rows / elapsed,
        **counter.per_op(),
    }


WORKLOADS: dict[str, Callable[[Spec], dict[str, Any]]] = {
    "setup": w_setup,
    "drop": w_drop,
    "select1": w_select1,
    "fetch": w_fetch,
    "executemany": w_executemany,
    "pool_cycle": w_pool_cycle,
    "threads": w_threads,
    "cold_connect": w_cold_connect,
    "aio_tasks": w_aio_tasks,
    "aio_single": w_aio_single,
    "stream_memory": w_stream_memory,
}


def driver_info() -> dict[str, Any]:
    try:
        from informix_db import _native  # noqa: F401 - present in ours only
        rust_core = True
    except ImportError:
        rust_core = False
    return {
        "version": getattr(informix_db, "__version__", "?"),
        "file": informix_db.__file__ or "",
        "rust_core": rust_core,
        "python": sys.version.split()[0],
        "pid": os.getpid(),
    }


def main() -> int:
    cfg = json.loads(sys.argv[1])
    name = cfg["workload"]
    out: dict[str, Any] = {"workload": name, "driver": driver_info(), "ok": False}
    spec = None
    try:
        spec = Spec(cfg)
        if name in ("pool_cycle", "threads") and not hasattr(informix_db, "create_pool"):
            out.update(unsupported="informix_db.create_pool is missing")
        elif name in ("aio_tasks", "aio_single") and not _has_aio():
            out.update(unsupported="informix_db.aio is missing")
        else:
            out.update(WORKLOADS[name](spec))
            out["ok"] = True
    except Exception as exc:  # noqa: BLE001 - the harness reports it
        out["error"] = f"{type(exc).__name__}: {exc}"
        out["traceback"] = traceback.format_exc()[-4000:]
    finally:
        if spec is not None and spec.control is not None:
            spec.control.close()
    out["maxrss_mib"] = rss_mib()
    sys.stdout.write(json.dumps(out, default=str) + "\n")
    sys.stdout.flush()
    return 0


def _has_aio() -> bool:
    try:
        import informix_db.aio  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
