"""A FastAPI service on the informix_db asyncio pool.

Run it (settings from the environment, see docs/pool.md):

    export INFORMIX_DB_HOST=127.0.0.1 INFORMIX_DB_PORT=9088 INFORMIXSERVER=informix
    export INFORMIX_DB_USER=informix INFORMIX_DB_PASSWORD=... INFORMIX_DB_DATABASE=testdb
    export INFORMIX_DB_POOL_MIN_SIZE=2 INFORMIX_DB_POOL_MAX_SIZE=10
    uvicorn examples.fastapi_app:app

What it shows:

* the pool is opened in the lifespan (start-up fails fast if the database cannot be
  reached) and closed at shutdown;
* each request borrows a connection with ``async with pool.connection()``: it is returned
  whatever happens to the request, including a client that disconnects mid-query
  (the task is cancelled; a half-finished exchange is never reused);
* ``/health`` reports the pool's statistics and a live check, and answers 503 while the
  database is unreachable;
* pool exhaustion and an unreachable database answer 503 with ``Retry-After``, not 500.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

import informix_db
from informix_db import aio


def create_app(**pool_kwargs: Any) -> FastAPI:
    """The application; ``pool_kwargs`` go to ``aio.create_pool`` (anything not given
    comes from the environment)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await aio.create_pool(**pool_kwargs)
        try:
            yield
        finally:
            await app.state.pool.close(timeout=5.0)

    app = FastAPI(title="informix_db example", lifespan=lifespan)

    def pool_of(request: Request) -> aio.AsyncConnectionPool:
        pool: aio.AsyncConnectionPool = request.app.state.pool
        return pool

    @app.exception_handler(informix_db.PoolTimeoutError)
    async def exhausted(_request: Request, exc: informix_db.PoolTimeoutError) -> JSONResponse:
        return JSONResponse({"detail": "database busy", "reason": str(exc)}, status_code=503,
                            headers={"Retry-After": "1"})

    @app.exception_handler(informix_db.OperationalError)
    async def unavailable(_request: Request, exc: informix_db.OperationalError) -> JSONResponse:
        return JSONResponse({"detail": "database unavailable", "reason": str(exc)},
                            status_code=503, headers={"Retry-After": "2"})

    @app.get("/tables/{tabid}")
    async def table(tabid: int, request: Request) -> dict[str, Any]:
        async with pool_of(request).connection() as conn:
            cur = await conn.cursor()
            await cur.execute("SELECT tabid, tabname FROM systables WHERE tabid = ?", (tabid,))
            row = await cur.fetchone()
            await cur.close()
        if row is None:
            raise HTTPException(status_code=404, detail=f"no table with tabid {tabid}")
        return {"tabid": row[0], "tabname": str(row[1]).strip()}

    @app.get("/health")
    async def health(request: Request) -> JSONResponse:
        pool = pool_of(request)
        database = "ok"
        try:
            async with pool.connection(timeout=2.0) as conn:
                await conn.ping()
        except informix_db.Error as exc:
            database = f"unavailable: {exc}"
        stats = pool.stats()
        healthy = database == "ok" and not stats["closed"]
        return JSONResponse(
            {"status": "ok" if healthy else "degraded", "database": database, "pool": stats},
            status_code=200 if healthy else 503,
        )

    return app


# `uvicorn examples.fastapi_app:app`: nothing connects until the lifespan starts.
app = create_app()
