"""The FastAPI application: REST/JSON, guarded SPARQL, triple pattern fragments and browser views.

``create_app`` is a factory so that tests can hand it any :class:`graph.store.GraphStore`
(an in-memory fixture store) while ``cakg serve`` gives it the embedded store.

Module ownership (keep each module doing one thing):

* :mod:`api.deps`       shared dependencies (the store, settings), JSON errors, content negotiation
* :mod:`api.rest`       REST/JSON routes (entities, groups, relations, disputes, sources, stats)
* :mod:`api.sparql`     the SPARQL 1.1 protocol endpoint with its guards, and its HTML page
                        (evaluation in killable worker processes: :mod:`api.sparql_worker`)
* :mod:`api.fragments`  triple pattern fragments
* :mod:`api.views`      HTML pages: index, network views (pyvis), entity profiles

Every error is answered as JSON ``{"error": ..., "message": ..., "parameter": ...}``.
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.read import queries
from graph.settings import Settings
from graph.store import GraphStore, store_from_env

from .deps import ApiError


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError):
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError):
        problems = []
        first = None
        for err in exc.errors():
            loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body", "header")]
            name = ".".join(loc) or "request"
            first = first or name
            problems.append(f"{name}: {err.get('msg', 'invalid')}"
                            + (f" (got {err['input']!r})" if "input" in err and err["input"] is not None else ""))
        return JSONResponse({"error": "invalid_parameter", "message": "; ".join(problems), "parameter": first},
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        kind = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no route for {request.url.path} (see /docs)"
        return JSONResponse({"error": kind, "message": message}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))


def create_app(store: GraphStore | None = None, settings: Settings | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # read the claim and entity tables in the background, so the first requests are fast
        threading.Thread(target=queries.warm, args=(app.state.store,), daemon=True, name="cakg-warm").start()
        yield
        from .sparql import close_runtime

        close_runtime(app)  # stop the SPARQL worker processes

    app = FastAPIOffline(  # Swagger UI and ReDoc served from the package: /docs works offline
        title="cakg: Central Asian militancy knowledge graph",
        description="Sourced, time-aware claims about Central Asian militant groups, the people in them, "
                    "the states and territories they act in and the regional bodies that respond to them.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.store = store if store is not None else store_from_env()
    app.state.settings = settings or Settings.from_env()
    _install_error_handlers(app)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False,
                       allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["*"],
                       expose_headers=["X-SPARQL-Truncated", "X-SPARQL-Row-Cap", "X-SPARQL-Rows", "X-Total-Count"])
    from . import fragments, rest, sparql, views  # noqa: WPS433 (routers register on import)

    for module in (rest, sparql, fragments, views):
        app.include_router(module.router)
    views.mount_static(app)
    return app
