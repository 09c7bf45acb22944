"""The FastAPI application: REST/JSON, guarded SPARQL, triple pattern fragments and browser views.

``create_app`` is a factory so that tests can hand it any :class:`graph.store.GraphStore`
(an in-memory fixture store) while ``cakg serve`` gives it the embedded store.

Module ownership (keep each module doing one thing):

* :mod:`api.deps`     shared dependencies injected into routes (the store, the settings)
* :mod:`api.errors`   JSON error bodies and the handlers that produce them
* :mod:`api.params`   parameter types and checks the REST routes share; the JSON answer
* :mod:`api.models`   typed response models (what ``/docs`` documents)
* :mod:`api.routers`  REST/JSON routes (entities, relations, sources) and triple pattern fragments
* :mod:`api.sparql`   the SPARQL 1.1 protocol endpoint: guard, sandboxed worker pool, description
* :mod:`api.views`    HTML pages with JSON twins: index, network views (pyvis), entity profiles
* :mod:`api.docs`     ``/docs`` and ``/redoc`` from this server's own copies of Swagger UI and ReDoc
* :mod:`api.middleware` what wraps every response: security headers, ``HEAD`` as ``GET``
* :mod:`api.links`    links in answers: relative, or on the configured public URL, never the Host header

Every error is answered as JSON ``{"error": ..., "message": ..., "parameter": ...}``.
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from graph.read.live import LiveGraph
from graph.settings import Settings
from graph.store import GraphStore

from .errors import install_error_handlers
from .middleware import HeadAsGet, SecurityHeaders

#: graphs up to this many triples are read whole into the catalog at start-up (in the background)
WARM_MAX_TRIPLES = 500_000


def _triples(store: GraphStore) -> int:
    """The store's size: from its build.json when it has one (counting 5 M triples takes seconds)."""
    from pathlib import Path

    from graph.store import build_info

    path = getattr(store, "path", None)
    info = build_info(Path(path)) if path else None
    triples = info.get("triples") if info else None
    return triples if isinstance(triples, int) else len(store)


def _warm(live: LiveGraph) -> None:
    from .views.network import warm as warm_views

    try:
        gen = live.current()
        if _triples(gen.store) <= WARM_MAX_TRIPLES:
            gen.catalog.warm()
            warm_views(gen.catalog)
    except ConnectionError:  # a remote engine that is down: requests answer 503 until it is back
        pass


class CakgApp(FastAPI):
    """FastAPI with two layers outside everything else, even outside the handler that answers an
    unexpected error with a 500 (see :mod:`api.middleware`): security headers on every response,
    and ``HEAD`` answered like ``GET`` without the body."""

    def build_middleware_stack(self):
        return SecurityHeaders(HeadAsGet(super().build_middleware_stack()))


def create_app(store: GraphStore | None = None, settings: Settings | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # read the claim and entity tables and lay out the network in the background, so the
        # first requests are fast
        threading.Thread(target=_warm, args=(app.state.live,), daemon=True, name="cakg-warm").start()
        from .sparql.pool import close_runtime, prestart

        prestart(app)  # the SPARQL workers too, unless sparql_prestart is off
        yield

        close_runtime(app)  # stop the SPARQL worker processes

    app = CakgApp(  # /docs and /redoc come from api.docs: served from this server, no CDN
        title="cakg: Central Asian militancy knowledge graph",
        description="Sourced, time-aware claims about Central Asian militant groups, the people in them, "
                    "the states and territories they act in and the regional bodies that respond to them.",
        version="0.1.0",
        lifespan=lifespan, docs_url=None, redoc_url=None,
    )
    app.state.settings = settings or Settings.from_env()
    app.state.live = LiveGraph(store) if store is not None else LiveGraph.from_settings(app.state.settings)
    install_error_handlers(app)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False,
                       allow_methods=["GET", "HEAD", "POST", "OPTIONS"], allow_headers=["*"],
                       expose_headers=["X-SPARQL-Truncated", "X-SPARQL-Row-Cap", "X-SPARQL-Rows", "X-Total-Count"])
    from . import sparql, views
    from .docs import install_docs
    from .routers import entities, fragments, relations, sources
    from .views.templating import mount_static

    for router in (sparql.router, entities.router, relations.router, sources.router, fragments.router, views.router):
        app.include_router(router)
    install_docs(app)  # (its /static/docs mount before the /static one)
    mount_static(app)
    return app
