"""The benchmark harness (bench/) still runs: every workload at tiny sizes, one round.

Runs ``bench/harness.py`` in smoke mode against the session's test server, with our
driver (this interpreter) and, when its virtualenv can be had, the reference driver.
Checks only that it completes and produces the result structure: no timing
assertions, the numbers at these sizes mean nothing.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import REPO_ROOT, TestServer

BENCH = REPO_ROOT / "bench"
PREFIX = "bsmoke"


def _load_harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_harness", BENCH / "harness.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _reference_python() -> Path | None:
    try:
        from tests.reference.conftest import ensure_reference_venv

        return ensure_reference_venv()
    except Exception:  # noqa: BLE001 - no network, no reference: ours alone
        return None


@pytest.fixture(scope="module")
def smoke_report(server: TestServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    harness = _load_harness()
    out = tmp_path_factory.mktemp("bench")
    params = server.params("testdb")
    argv = [
        "--smoke",
        "--host", params.host, "--port", str(params.port),
        "--server-pid", str(server.pid), "--database", params.database,
        "--prefix", PREFIX, "--drop-after",
        "--ours-python", sys.executable,
        "--chart-python", sys.executable,
        "--out-dir", str(out),
        "--markdown", str(out / "benchmarks.md"),
        "--png", str(out / "benchmarks.png"),
    ]
    ref = _reference_python()
    if ref is not None:
        argv += ["--ref-python", str(ref)]
    report: dict[str, Any] = harness.run(harness.parse_args(argv))
    report["_out"] = out
    report["_cases"] = [c.key for c in harness.build_plan("smoke").cases]
    return report


def test_every_workload_ran_with_our_driver(smoke_report: dict[str, Any]) -> None:
    results = smoke_report["results"]
    assert list(results) == smoke_report["_cases"]
    for key, entry in results.items():
        runs = entry["runs"]["ours"]
        assert len(runs) == 1, key
        run = runs[0]
        # A workload whose API our package does not offer yet (pool, aio) says so;
        # anything else must have completed.
        assert run.get("ok") or run.get("unsupported"), (key, run.get("error"),
                                                         run.get("traceback"))
        if run.get("ok"):
            assert run["driver"]["rust_core"] is True, key
            assert isinstance(run["value"], float) and run["value"] > 0, key
            assert run["unit"] in ("s", "qps", "MiB"), key
            summary = entry["summary"]["ours"]
            assert summary["ok"] and summary["value"] == run["value"], key


def test_round_trips_come_from_the_control_channel(smoke_report: dict[str, Any]) -> None:
    if not smoke_report["control_channel"]:
        pytest.skip("control port of the session's server not found (/proc unavailable?)")
    select1 = smoke_report["results"]["select1"]["runs"]["ours"][0]
    assert select1["round_trips"] >= 1
    assert select1["server_busy_s"] >= 0
    fetch = smoke_report["results"]["fetch_100_fetchall"]["runs"]["ours"][0]
    assert fetch["rows"] == 100 and fetch["round_trips"] >= 1


def test_reference_driver_when_available(smoke_report: dict[str, Any]) -> None:
    if "ref" not in smoke_report["drivers"]:
        pytest.skip("reference driver venv unavailable")
    select1 = smoke_report["results"]["select1"]["runs"]["ref"][0]
    assert select1["ok"], select1.get("error")
    assert select1["driver"]["rust_core"] is False
    fetch = smoke_report["results"]["fetch_100_fetchall"]["summary"]
    # Both drivers read the same first row from the same table.
    assert fetch["ref"]["first_row"] == fetch["ours"]["first_row"]
    rows = {r["key"]: r for r in smoke_report["rows"]}
    assert rows["select1"]["ratio"] > 0


def test_report_files(smoke_report: dict[str, Any]) -> None:
    out: Path = smoke_report["_out"]
    saved = json.loads((out / "results.json").read_text())
    assert set(saved["results"]) == set(smoke_report["results"])
    markdown = (out / "benchmarks.md").read_text()
    assert "| workload | reference | ours | ratio |" in markdown
    assert "SELECT 1" in markdown
    if "ref" in smoke_report["drivers"]:
        assert (out / "benchmarks.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
