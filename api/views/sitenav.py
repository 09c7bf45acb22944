"""The site navigation: one list of links, shown on every page that extends ``base.html``
(through its ``_nav.html`` include; the templates get :func:`site_links` as a global).

A link is listed only when the app serves its path, so the navigation never points at a page
that is not there.
"""

from __future__ import annotations

from typing import Any

#: (path the link goes to, route path that must exist, label)
LINKS = (
    ("/", "/", "Search"),
    ("/views/network", "/views/network", "Network"),
    ("/views/network?scope=all", "/views/network", "Whole graph"),
    ("/views/lineage", "/views/lineage", "Lineage"),
    ("/views/changes", "/views/changes", "Changes"),
    ("/sparql", "/sparql", "SPARQL"),
    ("/docs", "/docs", "API docs"),
    ("/redoc", "/redoc", "API reference"),
)

def _serves(app: Any, path: str) -> bool:
    """Whether a ``GET`` of ``path`` reaches one of the app's routes. Routes are asked through
    Starlette's public ``matches``, which also sees routes inside included routers (FastAPI 0.165
    nests them in an ``_IncludedRouter`` that has no ``path`` of its own)."""
    from starlette.routing import Match

    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "query_string": b"",
             "headers": [], "path_params": {}}
    return any(route.matches(scope)[0] is Match.FULL for route in app.routes)


def _served_paths(app: Any) -> set[str]:
    """The route paths of :data:`LINKS` that the app serves (worked out on the first request,
    when every router is in; kept on ``app.state``)."""
    paths = getattr(app.state, "site_paths", None)
    if paths is None:
        paths = app.state.site_paths = {route for _, route, _ in LINKS if _serves(app, route)}
    return paths


def site_links(request: Any = None) -> list[dict]:
    """The navigation's links for this request (``current`` marks the page shown)."""
    app = request.scope.get("app") if request is not None else None
    served = _served_paths(app) if app is not None else None
    here = request.url.path if request is not None else None
    return [{"href": href, "label": label, "current": here == href}
            for href, route, label in LINKS if served is None or route in served]


def _register() -> None:
    from .templating import env

    env.globals["site_links"] = site_links


_register()
