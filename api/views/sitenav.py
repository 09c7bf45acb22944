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

def _served_paths(app: Any) -> set[str]:
    paths = getattr(app.state, "site_paths", None) if app is not None else None
    if paths is None and app is not None:
        paths = {getattr(r, "path", None) for r in app.routes}
        app.state.site_paths = paths
    return paths or set()


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
