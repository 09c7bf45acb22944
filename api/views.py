"""Browser pages: the index, network views (pyvis data, drawn by vis-network) and entity profiles.

Every page has a JSON twin, Datasette style: add ``.json`` to the path (``/index.json``,
``/views/network.json?at=2015``, ``/views/entities/imu.json``) or ask for ``application/json``.

Safety and offline use:

* pages come from this package's Jinja2 templates with autoescaping on; the data a page's script
  needs travels as JSON inside ``<script type="application/json">`` (Jinja's ``tojson`` escapes
  ``<``, ``>``, ``&`` and quotes), and the scripts put names into text nodes or the canvas, never
  into ``innerHTML``; a Content-Security-Policy allows scripts from this server only;
* vis-network 9.1.2 is served from the copy inside the pyvis package (``/static/vis/``): no CDN.

Routes: ``/``, ``/views/network``, ``/views/entities/{id}`` (also what ``GET /entities/{id}``
answers to a browser, through :func:`entity_page`), and ``/static/*``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph.formats import negotiate
from graph.store import GraphStore

from . import view_models
from .deps import ApiError, get_store
from .models import ErrorBody
from .view_network import NetworkQuery, build_view, warm
from .view_pages import index_data, profile_data

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

router = APIRouter(tags=["pages"])

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True, default_for_string=True))

# scripts, styles, data and connections from this server only (vis-network sets inline styles)
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")


def vis_directory() -> Path:
    """The vis-network build shipped inside the pyvis package (vis-network.min.js and its CSS)."""
    import pyvis

    path = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
    if not (path / "vis-network.min.js").is_file():  # pragma: no cover - a broken pyvis install
        raise RuntimeError(f"vis-network not found in the pyvis package at {path}")
    return path


def mount_static(app: FastAPI) -> None:
    """Serve ``/static/vis/*`` (vis-network from pyvis) and ``/static/*`` (this package's files);
    and start making the network projection and layout of the app's store in the background."""
    app.mount("/static/vis", StaticFiles(directory=vis_directory()), name="vis")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    store = getattr(app.state, "store", None)
    if store is not None:
        threading.Thread(target=warm, args=(store,), name="cakg-views-warm", daemon=True).start()


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = env.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code, headers={"Content-Security-Policy": CSP, "Vary": "Accept"})


def _error(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def _wants_json(request: Request) -> bool:
    return negotiate(request.headers.get("accept"), ["text/html", "application/json"], default="text/html") == "application/json"


ERRORS = {404: {"model": ErrorBody, "description": "No such entity"},
          422: {"model": ErrorBody, "description": "A parameter is malformed (the body names it)"}}

# ------------------------------------------------------------------------------------ index

@router.get("/", response_class=HTMLResponse, summary="Index page: search, the named groups, links (JSON: /index.json)")
def index(request: Request, store: Annotated[GraphStore, Depends(get_store)],
          q: Annotated[str | None, Query(description="Search text (the page also searches as you type)")] = None):
    """The index: a search box (using ``GET /entities?q=``), the seven named groups with one-line
    summaries generated from their claims, and links to the network, the SPARQL page and the API docs."""
    data = index_data(store)
    if _wants_json(request):
        return JSONResponse(view_models.IndexPage(**data).model_dump())
    results = None
    if q and q.strip():
        from .search import search

        try:
            results = search(store, q, None, 20, 0)["items"]
        except ApiError:
            results = []
    return render(request, "index.html", data=data, q=q or "", results=results, json_url="/index.json")


@router.get("/index.json", response_model=view_models.IndexPage, summary="Index page as JSON")
@router.get("/.json", response_model=view_models.IndexPage, include_in_schema=False)
def index_json(store: Annotated[GraphStore, Depends(get_store)]):
    return index_data(store)


# ------------------------------------------------------------------------------------ network

Focus = Annotated[str | None, Query(description="Entity id at the centre of an ego network", examples=["imu"])]
Depth = Annotated[str | None, Query(description="Steps from the focus (0-4, default 1)", examples=["1"])]
AtDate = Annotated[str | None, Query(description="Show the graph as it stood at YYYY or YYYY-MM", examples=["2015"])]
Types = Annotated[str | None, Query(description="Relation types to show, comma-separated (default: all)",
                                    examples=["leaderOf,memberOfCoalition"])]
Kinds = Annotated[str | None, Query(description="Entity kinds to show, comma-separated (default: all)",
                                    examples=["group,person"])]


def _network(store, focus, depth, at, types, kinds) -> dict:
    return build_view(store, NetworkQuery.parse(focus=focus, depth=depth, at=at, types=types, kinds=kinds))


@router.get("/views/network.json", response_model=view_models.NetworkView, summary="Network view data as JSON",
            responses=ERRORS)
def network_json(store: Annotated[GraphStore, Depends(get_store)], focus: Focus = None, depth: Depth = None,
                 at: AtDate = None, types: Types = None, kinds: Kinds = None):
    """The nodes, edges and options the network page draws, for the same filters."""
    try:
        return _network(store, focus, depth, at, types, kinds)
    except ApiError as exc:
        return _error(exc)


@router.get("/views/network", response_class=HTMLResponse, responses=ERRORS,
            summary="Interactive network view (vis-network) with a time slider and filters")
def network_page(request: Request, store: Annotated[GraphStore, Depends(get_store)], focus: Focus = None,
                 depth: Depth = None, at: AtDate = None, types: Types = None, kinds: Kinds = None):
    """The whole graph, or the ego network of ``focus`` to ``depth`` steps, at a date, with only
    some relation types or entity kinds. The filters stay in the URL, so a view can be shared."""
    try:
        view = _network(store, focus, depth, at, types, kinds)
    except ApiError as exc:
        return _error(exc)
    if _wants_json(request):
        return JSONResponse(view)
    focus_label = None
    if view["meta"]["filters"]["focus"]:
        focus_label = next((n["label"] for n in view["nodes"] if n["id"] == view["meta"]["filters"]["focus"]), None)
    query = view["meta"]["query"]
    return render(request, "network.html", view=view, focus_label=focus_label,
                  json_url="/views/network.json" + (f"?{query}" if query else ""))


# ------------------------------------------------------------------------------------ profiles

def entity_page(request: Request, store: GraphStore, entity_id: str) -> Response:
    """The HTML profile of an entity (what ``GET /entities/{id}`` answers to a browser)."""
    profile = profile_data(store, entity_id)
    if profile is None:
        return _error(ApiError(404, "not_found", f"no entity with id {entity_id!r} (search with /entities?q=...)"))
    ego = build_view(store, NetworkQuery(focus=entity_id, depth=1))
    return render(request, "entity.html", profile=profile, view=ego, json_url=profile["links"]["json"])


@router.get("/views/entities/{entity_id}.json", response_model=view_models.ProfilePage, responses=ERRORS,
            summary="Entity profile page as JSON")
def entity_json(entity_id: str, store: Annotated[GraphStore, Depends(get_store)]):
    profile = profile_data(store, entity_id)
    if profile is None:
        return _error(ApiError(404, "not_found", f"no entity with id {entity_id!r}"))
    return profile


@router.get("/views/entities/{entity_id}", response_class=HTMLResponse, responses=ERRORS,
            summary="Entity profile page: names, kind, claims by relation with dates and sources, ego network")
def entity_view(request: Request, entity_id: str, store: Annotated[GraphStore, Depends(get_store)]):
    if _wants_json(request):
        result = entity_json(entity_id, store)
        if isinstance(result, Response):
            return result
        return JSONResponse(view_models.ProfilePage(**result).model_dump())
    return entity_page(request, store, entity_id)
