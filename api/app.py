"""The FastAPI application: REST/JSON, guarded SPARQL, triple pattern fragments and browser views.

``create_app`` is a factory so that tests can hand it any :class:`graph.store.GraphStore`
(an in-memory fixture store) while ``cakg serve`` gives it the embedded store.

Module ownership (keep each module doing one thing):

* :mod:`api.deps`       shared dependencies (the store, settings)
* :mod:`api.rest`       REST/JSON routes (entities, groups, relations, disputes, sources, stats)
* :mod:`api.sparql`     the SPARQL 1.1 protocol endpoint with its guards, and its HTML page
* :mod:`api.fragments`  triple pattern fragments
* :mod:`api.views`      HTML pages: index, network views (pyvis), entity profiles
"""

from __future__ import annotations

from fastapi import FastAPI

from graph.store import GraphStore, store_from_env

from .deps import Settings


def create_app(store: GraphStore | None = None, settings: Settings | None = None) -> FastAPI:
    app = FastAPI(
        title="cakg: Central Asian militancy knowledge graph",
        description="Sourced, time-aware claims about Central Asian militant groups, the people in them, "
                    "the states and territories they act in and the regional bodies that respond to them.",
        version="0.1.0",
    )
    app.state.store = store if store is not None else store_from_env()
    app.state.settings = settings or Settings.from_env()
    from . import fragments, rest, sparql, views  # noqa: WPS433 (routers register on import)

    for module in (rest, sparql, fragments, views):
        app.include_router(module.router)
    views.mount_static(app)
    return app
