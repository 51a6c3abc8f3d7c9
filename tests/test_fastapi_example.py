"""examples/fastapi_app.py under load: 200 concurrent requests through httpx's ASGI
transport, with the pool opened and closed by the app's lifespan. No errors, never more
connections than max_size, nothing left checked out, and no session left on the server
after shutdown."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import ConnParams

pytestmark = pytest.mark.integration

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "fastapi_app.py"


def _load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fastapi_app_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _live_sessions(control: Any) -> int:
    return len(control.json("sessions"))


async def test_200_concurrent_requests(conn_params: ConnParams, control: Any) -> None:
    module = _load_example()
    max_size = 8
    app = module.create_app(
        host=conn_params.host, port=conn_params.port, user=conn_params.user,
        password=conn_params.password, database=conn_params.database,
        server=conn_params.server, min_size=2, max_size=max_size, acquire_timeout=30.0,
    )
    sessions_before = _live_sessions(control)
    sizes: list[int] = []
    async with app.router.lifespan_context(app):
        pool = app.state.pool
        assert pool.size == 2
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://example") as client:
            stop = False

            async def monitor() -> None:
                while not stop:
                    sizes.append(pool.size)
                    await asyncio.sleep(0.001)

            mon = asyncio.ensure_future(monitor())
            responses = await asyncio.gather(
                *(client.get("/tables/1") for _ in range(200)),
                *(client.get("/health") for _ in range(5)),
            )
            stop = True
            await mon
            missing = await client.get("/tables/999999")
        assert missing.status_code == 404
        statuses = [r.status_code for r in responses]
        assert statuses == [200] * 205, [r.text for r in responses if r.status_code != 200][:3]
        assert all(r.json() == {"tabid": 1, "tabname": "systables"} for r in responses[:200])
        health = responses[-1].json()
        assert health["status"] == "ok"
        assert health["pool"]["max_size"] == max_size
        assert max(sizes) <= max_size
        for _ in range(200):
            s = pool.stats()
            if s["in_use"] == 0 and s["waiting"] == 0:
                break
            await asyncio.sleep(0.01)
        s = pool.stats()
        assert s["in_use"] == 0 and s["waiting"] == 0 and s["timeouts"] == 0
        assert s["acquisitions"] >= 206
    assert pool.closed and pool.size == 0
    for _ in range(100):
        if _live_sessions(control) <= sessions_before:
            break
        await asyncio.sleep(0.02)
    assert _live_sessions(control) <= sessions_before


async def test_health_reports_database_down(conn_params: ConnParams, control: Any) -> None:
    module = _load_example()
    app = module.create_app(
        host=conn_params.host, port=conn_params.port, user=conn_params.user,
        password=conn_params.password, database=conn_params.database,
        server=conn_params.server, min_size=1, max_size=2, health_check_after=0.0,
        reconnect_base=1.0, reconnect_max=1.0,
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://example") as client:
            control.send("refuse -908")
            control.send("kill all")
            down = await client.get("/health")
            assert down.status_code == 503
            assert down.json()["status"] == "degraded"
            table = await client.get("/tables/1")
            assert table.status_code == 503
            assert table.headers.get("retry-after")
            control.send("refuse off")
