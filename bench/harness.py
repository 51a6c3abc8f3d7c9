"""Runs every benchmark workload with both drivers against one test server.

Usually started by ``bench/run.sh``, which builds everything first. On its own::

    python bench/harness.py --server-bin target/release/informix-testserver \
        --ours-python .venv/bin/python --ref-python .venv-ref/bin/python [--quick]

or against a server that is already running (``--host/--port``, and
``--control-port`` or ``--server-pid`` for the round-trip counters).

For each workload and each round it starts one worker process per driver, the
reference first and ours second (A B A B ...), each with its own virtualenv's
interpreter. The value reported for a driver is the median over rounds of the
per-process medians; the ratio is reference time / our time (for throughput,
our rate / reference rate; for memory, reference peak / our peak), so above 1
means we are better.

Stdlib only, apart from the chart (``bench/chart.py``, matplotlib when present).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
WORKER = BENCH_DIR / "worker.py"
FINDINGS = BENCH_DIR / "findings.md"
DRIVERS = ("ref", "ours")
DRIVER_LABEL = {"ref": "reference (informix-driver, pure Python)", "ours": "ours (Rust core)"}
DATABASE = "benchdb"
USER = ("informix", "in4mix")
SERVER_NAME = "informix"


# ---------------------------------------------------------------------------
# the plan
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class Case:
    """One row (or group of rows) of the results table."""

    key: str
    label: str
    workload: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    rounds: int | None = None  # None: the plan's default
    budget_s: float | None = None
    min_reps: int = 3
    max_reps: int = 2000
    warmup: int = 1
    rt_ops: int = 10
    timeout_s: float = 300.0
    goal: float | None = None  # minimum ratio (reference / ours)
    goal_text: str | None = None


@dataclasses.dataclass
class Plan:
    sizes: list[int]  # fetch / executemany sizes
    stream_rows: int
    rounds: int
    budget_s: float
    thread_duration_s: float
    aio_batches: int
    cases: list[Case]


def human_rows(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def build_plan(mode: str, sizes: list[int] | None = None, rounds: int | None = None,
               stream_rows: int | None = None) -> Plan:
    """``full`` (published numbers), ``quick`` (a couple of minutes) or ``smoke`` (seconds)."""
    if mode == "full":
        plan = Plan(sizes=[1000, 10_000, 100_000], stream_rows=1_000_000, rounds=5,
                    budget_s=1.0, thread_duration_s=2.0, aio_batches=5, cases=[])
    elif mode == "quick":
        plan = Plan(sizes=[1000, 10_000], stream_rows=100_000, rounds=2, budget_s=0.3,
                    thread_duration_s=0.5, aio_batches=2, cases=[])
    elif mode == "smoke":
        plan = Plan(sizes=[100], stream_rows=100, rounds=1, budget_s=0.02,
                    thread_duration_s=0.2, aio_batches=1, cases=[])
    else:
        raise ValueError(mode)
    if sizes:
        plan.sizes = sorted(sizes)
    if rounds:
        plan.rounds = rounds
    if stream_rows:
        plan.stream_rows = stream_rows
    smoke = mode == "smoke"
    heavy_rounds = plan.rounds if mode != "full" else 3
    reps = 1 if smoke else 3
    cases = plan.cases
    cases.append(Case("select1", "SELECT 1 (execute + fetchall, open connection)", "select1",
                      goal=2.0, min_reps=reps))
    for n in plan.sizes:
        big = n >= 100_000
        for mode_name, label in (("fetchall", "fetchall"), ("iterate", "iteration")):
            cases.append(Case(
                f"fetch_{n}_{mode_name}", f"fetch {human_rows(n)} rows, {label}", "fetch",
                {"rows": n, "mode": mode_name},
                rounds=heavy_rounds if big else None,
                budget_s=None if smoke else (2.0 if big else None),
                min_reps=reps, rt_ops=1,
                goal=10.0 if n == 100_000 else None))
    for n in plan.sizes:
        big = n >= 100_000
        cases.append(Case(
            f"executemany_{n}", f"executemany {human_rows(n)} rows, one transaction",
            "executemany", {"rows": n}, rounds=heavy_rounds if big else None,
            budget_s=None if smoke else (2.0 if big else None), min_reps=reps, rt_ops=1,
            goal=3.0 if n == 10_000 else None))
    cases.append(Case("pool_cycle", "pool acquire + SELECT 1 + release", "pool_cycle",
                      goal=3.0, min_reps=reps))
    for threads in (8, 32):
        cases.append(Case(
            f"threads_{threads}", f"{threads} threads, pool of 8 (queries/s)", "threads",
            {"threads": threads, "pool": 8, "duration": plan.thread_duration_s},
            goal=5.0 if threads == 8 else None))
    cases.append(Case("cold_connect", "cold connect + close", "cold_connect", min_reps=reps))
    cases.append(Case("aio_tasks", "asyncio: 200 tasks, pool of 10 (per-task latency)",
                      "aio_tasks", {"tasks": 200, "pool": 10, "batches": plan.aio_batches}))
    cases.append(Case("aio_single", "asyncio: one awaited SELECT 1", "aio_single",
                      {"block": 5 if smoke else 50}, min_reps=reps,
                      goal_text="awaited ≤ 1.3 × sync (ours)"))
    cases.append(Case(
        "stream_memory", f"peak RSS streaming {human_rows(plan.stream_rows)} rows (iteration)",
        "stream_memory", {"rows": plan.stream_rows},
        rounds=min(plan.rounds, 2 if mode == "full" else plan.rounds), timeout_s=900))
    return plan


# ---------------------------------------------------------------------------
# the test server
# ---------------------------------------------------------------------------


class ServerProcess:
    """One informix-testserver on loopback, with its control channel."""

    def __init__(self, binary: Path, log_path: Path, cpus: set[int] | None = None) -> None:
        # Run a private copy: other test runs on a shared machine clean up after
        # themselves by process name, and must not end the benchmark midway.
        private = log_path.parent / "bench-ifx-server"
        shutil.copy2(binary, private)
        argv = [str(private), "--listen", "127.0.0.1:0", "--server-name", SERVER_NAME,
                "--user", f"{USER[0]}:{USER[1]}", "--database", f"{DATABASE}:logged",
                "--control", "127.0.0.1:0"]
        self.log = log_path.open("wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True, bufsize=1,
                                     # Pinning is only used when the harness runs on its
                                     # own (it starts no threads), never under pytest.
                                     preexec_fn=pinner(cpus))  # noqa: PLW1509
        self.host = "127.0.0.1"
        self.port = 0
        self.control_port = 0
        deadline = time.monotonic() + 30
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"test server exited early; see {log_path}")
            match = re.match(r"^listening (sqli|control) (\S+):(\d+)", line.strip())
            if match and match.group(1) == "sqli":
                self.host, self.port = match.group(2), int(match.group(3))
            elif match:
                self.control_port = int(match.group(3))
                break
        if not self.port or not self.control_port:
            self.stop()
            raise RuntimeError("test server did not report its listeners")

    def check_alive(self, during: str) -> None:
        status = self.proc.poll()
        if status is not None:
            raise RuntimeError(f"the test server exited (status {status}) during {during}; "
                               f"see {self.log.name}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def pinner(cpus: set[int] | None) -> Any:
    """A ``preexec_fn`` that confines the child (and every thread it starts) to ``cpus``."""
    if not cpus:
        return None

    def pin() -> None:
        os.sched_setaffinity(0, cpus)

    return pin


def split_cpus() -> tuple[set[int], set[int]] | None:
    """(worker CPUs, server CPUs): the lower and upper halves of the CPUs we may use.

    On a 2-vCPU VM an idle vCPU halts, and waking it costs tens of µs; whether the
    client and the server happen to share a CPU then swings a one-row query between
    ~25 µs and ~125 µs from one process to the next. Giving each side its own CPUs,
    like a client machine and a server machine, makes every round trip pay the same
    wake-up and keeps the two sides from competing for a core.
    """
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return None
    if len(allowed) < 2:
        return None
    half = len(allowed) // 2
    return set(allowed[:half]), set(allowed[half:])


def discover_control_port(pid: int, exclude: set[int]) -> int | None:
    """The control listener of a running server: its LISTEN sockets minus the SQLI ones.

    For a server started by someone else (the pytest fixture) that did not pass
    ``--control``. Linux only; None when it cannot tell.
    """
    try:
        inodes = set()
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        ports = []
        with open("/proc/net/tcp") as handle:
            next(handle)
            for line in handle:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in inodes:  # 0A = LISTEN
                    ports.append(int(fields[1].split(":")[1], 16))
    except OSError:
        return None
    candidates = [p for p in ports if p not in exclude]
    for port in candidates:
        if _control_ping("127.0.0.1", port):
            return port
    return None


def _control_ping(host: str, port: int) -> bool:
    import socket

    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(b"ping\n")
            return sock.recv(100).startswith(b"ok")
    except OSError:
        return False


# ---------------------------------------------------------------------------
# running workers
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class Target:
    host: str
    port: int
    control_port: int | None
    database: str = DATABASE
    user: str = USER[0]
    password: str = USER[1]
    server: str = SERVER_NAME

    def conn(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "user": self.user,
                "password": self.password, "database": self.database, "server": self.server}


def worker_env() -> dict[str, str]:
    # Nothing from the caller's Python environment may leak into a worker.
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}


def control_command(port: int | None, line: str) -> str | None:
    """One command on the server's control channel; None when there is none."""
    if not port:
        return None
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(line.encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
        return reply.decode().strip()


def run_worker(python: Path, cfg: dict[str, Any], timeout: float,
               cpus: set[int] | None = None) -> dict[str, Any]:
    if cfg.get("control") and cfg.get("reset_control"):
        # Zero the counters and forget closed sessions: each worker starts clean.
        try:
            control_command(cfg["control"][1], "reset")
        except OSError as exc:
            return {"ok": False, "error": f"control channel unreachable: {exc}"}
    started = time.perf_counter()
    try:
        proc = subprocess.run([str(python), "-I", str(WORKER), json.dumps(cfg)],
                              capture_output=True, text=True, timeout=timeout,
                              env=worker_env(), cwd=str(BENCH_DIR), check=False,
                              preexec_fn=pinner(cpus))
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"worker timed out after {timeout:.0f}s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    try:
        out = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        out = {"ok": False, "error": f"worker exited {proc.returncode} without a result: "
                                     f"{proc.stderr[-2000:]}"}
    out["wall_s"] = time.perf_counter() - started
    return out


@dataclasses.dataclass
class Runner:
    plan: Plan
    target: Target
    pythons: dict[str, Path]  # driver -> interpreter
    prefix: str = "bench"
    log: Any = sys.stderr
    # Only on a server of our own: `reset` also clears faults other users may have set.
    reset_control: bool = True
    server: ServerProcess | None = None
    worker_cpus: set[int] | None = None
    sys_path: dict[str, str] = dataclasses.field(default_factory=dict)  # driver -> path

    def cfg(self, case: Case, driver: str = "ours") -> dict[str, Any]:
        return {
            "sys_path": self.sys_path.get(driver),
            "workload": case.workload,
            "params": case.params,
            "conn": self.target.conn(),
            "control": ["127.0.0.1", self.target.control_port]
            if self.target.control_port else None,
            "prefix": self.prefix,
            "budget_s": case.budget_s if case.budget_s is not None else self.plan.budget_s,
            "min_reps": case.min_reps,
            "max_reps": case.max_reps,
            "warmup": case.warmup,
            "rt_ops": case.rt_ops,
            "reset_control": self.reset_control,
        }

    def say(self, text: str) -> None:
        print(text, file=self.log, flush=True)

    def setup(self) -> dict[str, Any]:
        """Create and fill the tables once, with our driver (the reference if ours fails)."""
        sizes = sorted(set(self.plan.sizes) | {self.plan.stream_rows})
        case = Case("setup", "setup", "setup", {"sizes": sizes})
        errors = []
        for driver in ("ours", "ref"):
            if driver not in self.pythons:
                continue
            self.say(f"== creating tables {', '.join(f'{self.prefix}_{n}' for n in sizes)} "
                     f"({driver} driver)")
            out = run_worker(self.pythons[driver], self.cfg(case, driver), timeout=1800,
                             cpus=self.worker_cpus)
            if out.get("ok"):
                out["by"] = driver
                self.say(f"   done in {out['value']:.1f}s")
                return out
            errors.append(f"{driver}: {out.get('error')}\n{out.get('traceback', '')}")
        raise RuntimeError("setup failed:\n" + "\n".join(errors))

    def drop(self) -> None:
        sizes = sorted(set(self.plan.sizes) | {self.plan.stream_rows})
        driver = "ours" if "ours" in self.pythons else "ref"
        run_worker(self.pythons[driver], self.cfg(Case("drop", "drop", "drop", {"sizes": sizes})),
                   timeout=120)

    def run(self) -> dict[str, Any]:
        results: dict[str, Any] = {}
        for case in self.plan.cases:
            rounds = case.rounds or self.plan.rounds
            per: dict[str, list[dict[str, Any]]] = {d: [] for d in self.pythons}
            for r in range(rounds):
                for driver in DRIVERS:  # A B A B: reference, then ours, every round
                    if driver not in self.pythons:
                        continue
                    out = run_worker(self.pythons[driver], self.cfg(case, driver), case.timeout_s,
                                     self.worker_cpus)
                    if self.server is not None:
                        self.server.check_alive(f"{case.key}, round {r + 1}, {driver}")
                    out.pop("traceback", None) if out.get("ok") else None
                    per[driver].append(out)
                    self.say(f"   {case.key:<22} round {r + 1}/{rounds} {driver:<4} "
                             f"{describe(out)}")
            results[case.key] = {"case": dataclasses.asdict(case), "runs": per,
                                 "summary": {d: summarize(runs) for d, runs in per.items()}}
        return results


def describe(out: dict[str, Any]) -> str:
    if not out.get("ok"):
        return "n/a: " + str(out.get("unsupported") or out.get("error"))[:200]
    return f"{fmt_value(out['value'], out['unit'])}  ({out.get('reps')} reps, " \
           f"{out.get('wall_s', 0):.1f}s)"


def _median(values: Iterator[Any]) -> float | None:
    vals = [v for v in values if isinstance(v, (int, float))]
    return statistics.median(vals) if vals else None


EXTRA_KEYS = ("round_trips", "replies", "server_busy_s", "bytes_in", "bytes_out", "p50_s", "p99_s", "sync_s", "await_over_sync", "baseline_mib",
              "growth_mib", "elapsed_s", "rows_per_s", "tasks_per_s", "batch_wall_s")


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if r.get("ok")]
    if not ok:
        first = runs[0] if runs else {}
        return {"ok": False, "reason": first.get("unsupported") or first.get("error") or "no run"}
    summary: dict[str, Any] = {
        "ok": True,
        "unit": ok[0]["unit"],
        "value": _median(r["value"] for r in ok),
        "rounds": len(ok),
        "per_round": [r["value"] for r in ok],
        "spread": (max(r["value"] for r in ok) - min(r["value"] for r in ok)),
        "failed_rounds": len(runs) - len(ok),
        "driver": ok[0].get("driver"),
        "first_row": ok[0].get("first_row"),
    }
    for key in EXTRA_KEYS:
        summary[key] = _median(r.get(key) for r in ok)
    return summary


# ---------------------------------------------------------------------------
# reporting
# ---------------------------------------------------------------------------


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:.0f} µs"
        if value < 1:
            return f"{value * 1e3:.2f} ms"
        return f"{value:.2f} s"
    if unit == "qps":
        return f"{value:,.0f} q/s"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    return f"{value:g} {unit}"


def fmt_rt(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def ratio_of(unit: str, ref: float | None, ours: float | None) -> float | None:
    if not ref or not ours:
        return None
    return ours / ref if unit == "qps" else ref / ours


@dataclasses.dataclass
class Row:
    key: str
    label: str
    unit: str
    ref: float | None
    ours: float | None
    rt_ref: float | None
    rt_ours: float | None
    goal: float | None = None
    note: str = ""
    busy_ref: float | None = None  # server busy time per operation
    busy_ours: float | None = None

    @property
    def ratio(self) -> float | None:
        return ratio_of(self.unit, self.ref, self.ours)


def table_rows(results: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for key, entry in results.items():
        case = entry["case"]
        s_ref = entry["summary"].get("ref", {"ok": False})
        s_ours = entry["summary"].get("ours", {"ok": False})

        def get(s: dict[str, Any], field: str = "value") -> float | None:
            return s.get(field) if s.get("ok") else None

        unit = s_ours.get("unit") or s_ref.get("unit") or "s"
        note = ""
        for name, s in (("ours", s_ours), ("reference", s_ref)):
            if not s.get("ok") and s.get("reason"):
                note += f"{name}: {str(s['reason'])[:120]}. "
        if s_ref.get("ok") and s_ours.get("ok") and s_ref.get("first_row") != s_ours.get(
                "first_row"):
            note += "first rows differ between drivers! "
        if key == "aio_tasks":
            rows.append(Row(key + "_p50", case["label"].replace("latency", "p50 latency"), "s",
                            get(s_ref, "p50_s"), get(s_ours, "p50_s"), get(s_ref, "round_trips"),
                            get(s_ours, "round_trips"), None, note))
            rows.append(Row(key + "_p99", case["label"].replace("latency", "p99 latency"), "s",
                            get(s_ref, "p99_s"), get(s_ours, "p99_s"), get(s_ref, "round_trips"),
                            get(s_ours, "round_trips"), None, note))
            continue
        if key == "aio_single":
            extra = []
            for name, s in (("reference", s_ref), ("ours", s_ours)):
                if s.get("ok") and s.get("await_over_sync"):
                    extra.append(f"{name}: {s['await_over_sync']:.2f}× its sync "
                                 f"({fmt_value(s['sync_s'], 's')})")
            note += "awaited / sync: " + "; ".join(extra) if extra else ""
        if key == "stream_memory":
            extra = []
            for name, s in (("reference", s_ref), ("ours", s_ours)):
                if s.get("ok"):
                    extra.append(f"{name} +{s['growth_mib']:.0f} MiB over "
                                 f"{s['baseline_mib']:.0f} MiB, {fmt_value(s['elapsed_s'], 's')}")
            note += "; ".join(extra)
        rows.append(Row(key, case["label"], unit, get(s_ref), get(s_ours), get(s_ref, "round_trips"),
                        get(s_ours, "round_trips"), case.get("goal"), note,
                        get(s_ref, "server_busy_s"), get(s_ours, "server_busy_s")))
    return rows


def goal_lines(results: dict[str, Any], rows: list[Row]) -> list[tuple[str, str, str, bool | None]]:
    """(goal, measured, verdict, met) for every goal of issue 6 that this run covers."""
    out = []
    for row in rows:
        if row.goal is None:
            continue
        met = None if row.ratio is None else row.ratio >= row.goal
        out.append((f"{row.label}: ratio ≥ {row.goal:g}×",
                    "n/a" if row.ratio is None else f"{row.ratio:.2f}×",
                    {None: "not measured", True: "met", False: "**missed**"}[met], met))
    single = results.get("aio_single", {}).get("summary", {}).get("ours", {})
    if "aio_single" in results:
        value = single.get("await_over_sync") if single.get("ok") else None
        met = None if value is None else value <= 1.3
        out.append(("awaited SELECT 1 within 1.3× of sync (ours)",
                    "n/a" if value is None else f"{value:.2f}×",
                    {None: "not measured", True: "met", False: "**missed**"}[met], met))
    return out


def git_describe() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=REPO_ROOT, capture_output=True, text=True,
                               check=False).stdout.strip()
        return sha + (" (+ uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine_info() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "unknown"
    try:
        with open("/proc/meminfo") as handle:
            kb = int(handle.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    rustc = "unknown"
    if shutil.which("rustc"):
        rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True,
                               cwd=REPO_ROOT, check=False).stdout.strip() or rustc
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "rustc": rustc,
        "commit": git_describe(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def rounds_text(results: dict[str, Any], default: int) -> str:
    """'5 rounds (3 for a, b; 2 for c)': the rounds each workload ran."""
    other: dict[int, list[str]] = {}
    for entry in results.values():
        rounds = entry["case"].get("rounds") or default
        if rounds != default:
            other.setdefault(rounds, []).append(entry["case"]["label"])
    text = f"{default} round{'s' if default != 1 else ''} per workload"
    if other:
        text += " (" + "; ".join(f"{n} for {', '.join(labels)}"
                                 for n, labels in sorted(other.items(), reverse=True)) + ")"
    return text


def render_markdown(report: dict[str, Any], chart_name: str | None) -> str:
    results = report["results"]
    rows = table_rows(results)
    info = report["machine"]
    plan = report["plan"]
    drivers = report["drivers"]
    lines = [
        "# Benchmarks: informix_db (Rust core) against the pure-Python reference driver",
        "",
        "Generated by `bash bench/run.sh` (" + report["mode"] + " mode); do not edit by hand —",
        "the findings section comes from `bench/findings.md`.",
        "",
        "Both drivers run against the same `informix-testserver` (SQLI over loopback, SQLite",
        "engine), each in its own virtualenv and its own process, alternating reference, ours,",
        "reference, ours … for every workload. A value is the median over rounds of each",
        "process's median; **ratio = reference / ours** for times and memory, ours / reference",
        "for queries per second, so above 1× means ours is better. *Round trips* are the turns",
        "the test server counts per operation (it sent everything it owed, then waited for the",
        "client; pipelined requests share one turn): what each operation pays in latency.",
        "",
        f"- **Date:** {info['date']} · **commit:** {info['commit']}",
        (f"- **Machine:** {info['cpu']}, {info['cores']} cores, {info['memory']} RAM, "
        f"{info['os']}; server and client run on this one machine"),
        f"- **Software:** Python {info['python']}, {info['rustc']}; "
        + ", ".join(f"{DRIVER_LABEL[d]} {v}" for d, v in drivers.items()),
        (f"- **Placement:** {report.get('placement', 'n/a')}; load average "
        f"{report['loadavg']['before'][0]:.2f} before, {report['loadavg']['after'][0]:.2f} "
        "after (other work on the machine shows here; it was not controlled)"),
        (f"- **Plan:** {rounds_text(results, plan['rounds'])}; "
        f"timing budget {plan['budget_s']} s per process (2 s for 100k rows), threads run "
        f"{plan['thread_duration_s']} s each; total {report['elapsed_s'] / 60:.1f} min"),
    ]
    build = report.get("ours_build") or {}
    if build.get("debug_build"):
        lines.append("- **WARNING:** our extension was a debug build during this run "
                     f"(`{build.get('file')}`); the numbers are not representative.")
    setup = report.get("setup") or {}
    if setup and not setup.get("datetime_qualified", True):
        lines.append("- **Note:** the server did not accept `DATETIME YEAR TO SECOND`; the "
                     "tables were created with a plain `DATETIME` column instead "
                     f"(`{setup.get('ddl')}`).")
    lines += ["", "| workload | reference | ours | ratio | goal | round trips/op (ref / ours) |",
              "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        ratio = "n/a" if row.ratio is None else f"**{row.ratio:.2f}×**"
        goal = ""
        if row.goal is not None:
            goal = f"≥ {row.goal:g}×" + ("" if row.ratio is None else
                                         (" ✓" if row.ratio >= row.goal else " ✗"))
        lines.append(f"| {row.label} | {fmt_value(row.ref, row.unit)} | "
                     f"{fmt_value(row.ours, row.unit)} | {ratio} | {goal} | "
                     f"{fmt_rt(row.rt_ref)} / {fmt_rt(row.rt_ours)} |")
    notes = [(row.label, row.note.strip()) for row in rows if row.note.strip()]
    if notes:
        lines += ["", "Notes:", ""]
        lines += [f"- *{label}*: {note}" for label, note in notes]
    lines += ["", "## Goals (issue 6)", "", "| goal | measured | verdict |", "|---|---:|---|"]
    for goal, measured, verdict, _ in goal_lines(results, rows):
        lines.append(f"| {goal} | {measured} | {verdict} |")
    if chart_name:
        lines += ["", f"![ratios per workload]({chart_name})"]
    split = [r for r in rows if r.unit == "s" and r.key not in ("aio_tasks_p50", "aio_tasks_p99")
             and None not in (r.ref, r.ours, r.busy_ref, r.busy_ours)]
    if split:
        lines += [
            "", "## Where the time goes", "",
            "*Server* is the test server's own handling time per operation (`busy_us` from its",
            "control channel: engine + encoding), the same work for both drivers; *client* is",
            "the rest of the wall time (driver, Python, kernel, loopback). For results larger",
            "than 4 KiB the server answers fetches while the query still runs and the client",
            "converts rows meanwhile: the two overlap, and *client* is then only the part of",
            "the client's work that the server's time does not hide (a small value means the",
            "server's time bounds ours). *Ceiling* is the ratio we would get if our client",
            "side cost nothing: reference time / server time.", "",
            ("| workload | reference: client + server | ours: client + server | client ratio "
            "| ceiling |"), "|---|---:|---:|---:|---:|"]
        for r in split:
            c_ref, c_ours = r.ref - r.busy_ref, r.ours - r.busy_ours
            client_ratio = f"{c_ref / c_ours:.1f}×" if c_ours > 0 else "n/a"
            ceiling = f"{r.ref / r.busy_ours:.1f}×" if r.busy_ours > 0 else "n/a"
            lines.append(f"| {r.label} | {fmt_value(c_ref, 's')} + {fmt_value(r.busy_ref, 's')} "
                         f"| {fmt_value(c_ours, 's')} + {fmt_value(r.busy_ours, 's')} "
                         f"| {client_ratio} | {ceiling} |")
    lines += ["", "## Reproduce", "", "```", ("bash bench/run.sh           # full run, "
              "writes docs/benchmarks.md and docs/benchmarks.png"),
              "bash bench/run.sh --quick   # smaller sizes, 2 rounds; writes bench/out/", "```",
              "", "Raw per-round numbers of the last run: `bench/out/results.json`."]
    if FINDINGS.is_file():
        lines += ["", FINDINGS.read_text().strip()]
    return "\n".join(lines) + "\n"


def print_table(rows: list[Row], stream: Any = sys.stdout) -> None:
    width = max(len(r.label) for r in rows) if rows else 10
    print(f"{'workload':<{width}}  {'reference':>12}  {'ours':>12}  {'ratio':>8}  "
          f"{'rt ref/ours':>12}", file=stream)
    for r in rows:
        ratio = "n/a" if r.ratio is None else f"{r.ratio:.2f}x"
        flag = "" if r.goal is None or r.ratio is None else (
            "  goal ok" if r.ratio >= r.goal else f"  MISSED (goal {r.goal:g}x)")
        print(f"{r.label:<{width}}  {fmt_value(r.ref, r.unit):>12}  {fmt_value(r.ours, r.unit):>12}"
              f"  {ratio:>8}  {fmt_rt(r.rt_ref) + ' / ' + fmt_rt(r.rt_ours):>12}{flag}",
              file=stream)


# ---------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------


def extension_check(python: Path, path: str | None) -> dict[str, Any]:
    """Where our extension module is, and whether it looks like a debug build.

    Debug builds carry Rust's `precondition_check` symbols; release builds do not.
    Benchmarking one by mistake would make every number meaningless.
    """
    probe = ("import sys, json\n"
             "if len(sys.argv) > 1: sys.path.insert(0, sys.argv[1])\n"
             "from informix_db import _native\n"
             "print(json.dumps(_native.__file__))")
    argv = [str(python), "-I", "-c", probe] + ([path] if path else [])
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, env=worker_env())
    if proc.returncode != 0:
        return {"file": None, "debug_build": None, "error": proc.stderr[-500:]}
    so = Path(json.loads(proc.stdout))
    data = so.read_bytes()
    return {"file": str(so), "size": len(data), "mtime": so.stat().st_mtime,
            "debug_build": b"precondition_check" in data}


def run(args: argparse.Namespace) -> dict[str, Any]:
    mode = "smoke" if args.smoke else ("quick" if args.quick else "full")
    plan = build_plan(mode, args.sizes, args.rounds, args.stream_rows)
    if args.only:
        plan.cases = [c for c in plan.cases if any(re.search(p, c.key) for p in args.only)]
    # absolute() and not resolve(): a venv's python is a symlink that must stay one.
    pythons: dict[str, Path] = {"ours": Path(args.ours_python).absolute()}
    if args.ref_python:
        pythons = {"ref": Path(args.ref_python).absolute(), **pythons}
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    build = extension_check(pythons["ours"], args.ours_path)
    if build.get("debug_build"):
        print(f"!! {build['file']} is a DEBUG build: these numbers will not mean much",
              file=sys.stderr)
    server = None
    cpus = None
    placement = "no CPU pinning"
    started = time.perf_counter()
    load_before = os.getloadavg()
    try:
        if args.port:
            control = args.control_port
            if control is None and args.server_pid:
                control = discover_control_port(args.server_pid, {args.port})
            target = Target(args.host, args.port, control, database=args.database)
        else:
            cpus = split_cpus() if args.pin else None
            server = ServerProcess(Path(args.server_bin), out_dir / "testserver.log",
                                   cpus[1] if cpus else None)
            target = Target(server.host, server.port, server.control_port)
            if cpus:
                placement = (f"server on CPU {sorted(cpus[1])}, "
                             f"workers on CPU {sorted(cpus[0])}")
            print(f"== test server on {server.host}:{server.port} "
                  f"(control {server.control_port}, pid {server.proc.pid}); {placement}",
                  file=sys.stderr)
        runner = Runner(plan, target, pythons, prefix=args.prefix,
                        reset_control=server is not None, server=server,
                        worker_cpus=cpus[0] if cpus else None,
                        sys_path={"ours": str(Path(args.ours_path).absolute())}
                        if args.ours_path else {})
        versions = {}
        setup = runner.setup()
        try:
            results = runner.run()
        finally:
            if args.drop_after:
                runner.drop()
        for entry in results.values():
            for driver, summary in entry["summary"].items():
                if summary.get("ok") and summary.get("driver"):
                    versions[driver] = summary["driver"]["version"]
    finally:
        if server is not None:
            server.stop()
    report = {
        "mode": mode,
        "machine": machine_info() | ({"commit": args.commit} if args.commit else {}),
        "plan": {k: v for k, v in dataclasses.asdict(plan).items() if k != "cases"},
        "drivers": {d: versions.get(d, "?") for d in pythons},
        "control_channel": target.control_port is not None,
        "placement": placement,
        "ours_build": build,
        "loadavg": {"before": load_before, "after": os.getloadavg()},
        "setup": {k: v for k, v in setup.items() if k not in ("samples", "driver")},
        "results": results,
        "elapsed_s": time.perf_counter() - started,
    }
    (out_dir / "results.json").write_text(json.dumps(report, indent=1, default=str))
    rows = table_rows(results)
    print_table(rows)
    chart_name = None
    if args.png:
        chart = run_chart(args.chart_python or sys.executable, out_dir / "results.json",
                          Path(args.png))
        if chart:
            chart_name = os.path.relpath(args.png, Path(args.markdown).parent) \
                if args.markdown else Path(args.png).name
    if args.markdown:
        Path(args.markdown).write_text(render_markdown(report, chart_name))
        print(f"== wrote {args.markdown}" + (f" and {args.png}" if chart_name else ""),
              file=sys.stderr)
    report["rows"] = [dataclasses.asdict(r) | {"ratio": r.ratio} for r in rows]
    return report


def run_chart(python: str, results_json: Path, png: Path) -> bool:
    proc = subprocess.run([python, str(BENCH_DIR / "chart.py"), str(results_json), str(png)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"!! chart failed: {proc.stderr[-1500:]}", file=sys.stderr)
        return False
    print(proc.stderr.strip(), file=sys.stderr) if proc.stderr.strip() else None
    return True


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes, 2 rounds")
    p.add_argument("--smoke", action="store_true", help="tiny sizes, 1 round (tests)")
    p.add_argument("--ours-python", default=str(REPO_ROOT / ".venv/bin/python"))
    p.add_argument("--ours-path", default=None,
                   help="directory holding a snapshot of our informix_db package, put first "
                        "on the workers' path (run.sh: so a rebuild elsewhere cannot swap it)")
    p.add_argument("--ref-python", default=None, help="interpreter of the reference venv; "
                   "omitted: our driver only")
    p.add_argument("--chart-python", default=None, help="interpreter with matplotlib")
    p.add_argument("--server-bin", default=str(REPO_ROOT / "target/release/informix-testserver"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="use a running server instead")
    p.add_argument("--control-port", type=int, default=None)
    p.add_argument("--server-pid", type=int, default=None,
                   help="find the control port of a running server from its pid")
    p.add_argument("--database", default=DATABASE)
    p.add_argument("--pin", action=argparse.BooleanOptionalAction, default=True,
                   help="give the server and the workers separate CPUs (own server only)")
    p.add_argument("--prefix", default="bench", help="table name prefix")
    p.add_argument("--drop-after", action="store_true", help="drop the tables at the end")
    p.add_argument("--sizes", type=int, nargs="+", default=None)
    p.add_argument("--stream-rows", type=int, default=None)
    p.add_argument("--rounds", type=int, default=None)
    p.add_argument("--only", nargs="+", default=None, help="regexes of case keys to run")
    p.add_argument("--out-dir", default=str(BENCH_DIR / "out"))
    p.add_argument("--render", default=None, metavar="RESULTS_JSON",
                   help="only rewrite --markdown/--png from a saved results.json")
    p.add_argument("--commit", default=None, help="commit label for the report "
                   "(default: git describe of this checkout)")
    p.add_argument("--markdown", default=None, help="write the report here")
    p.add_argument("--png", default=None, help="write the chart here")
    return p.parse_args(argv)


def render_only(args: argparse.Namespace) -> int:
    """Rewrites the report (and chart) from a saved results.json, without running anything."""
    results_json = Path(args.render)
    report = json.loads(results_json.read_text())
    chart_name = None
    if args.png and run_chart(args.chart_python or sys.executable, results_json, Path(args.png)):
        chart_name = os.path.relpath(args.png, Path(args.markdown).parent) \
            if args.markdown else Path(args.png).name
    if args.markdown:
        Path(args.markdown).write_text(render_markdown(report, chart_name))
    print_table(table_rows(report["results"]))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render:
        return render_only(args)
    report = run(args)
    failed = [key for key, entry in report["results"].items()
              if not entry["summary"].get("ours", {}).get("ok")
              and "unsupported" not in str(entry["runs"].get("ours", [{}])[0])]
    if failed:
        print(f"!! our driver failed: {', '.join(failed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
