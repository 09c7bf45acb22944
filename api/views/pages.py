"""The index page and the entity profile pages (their data in :mod:`api.views.profile`), each with
a JSON twin.

>>> from graph.testing import fixture_catalog
>>> groups = named_groups(fixture_catalog())
>>> [g["acronym"] for g in groups]
['IMU', 'KTJ', 'KIB', 'JA', 'IJU', 'HTS', 'ISKP']
>>> groups[0]["id"], groups[0]["summary"].startswith("Islamic Movement of Uzbekistan (IMU) is a")
('imu', True)
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from graph.read import queries
from graph.read.catalog import Catalog
from graph.read.search import MAX_QUERY_LENGTH

from ..deps import get_catalog
from ..errors import ApiError
from . import models as view_models
from .groups import NAMED_GROUPS, find_named_group
from .network import NetworkQuery, build_view
from .profile import profile_data, timeline_chart_of
from .templating import ERRORS, PAGE_ERRORS, error_response, page_error, render, wants_json

router = APIRouter(tags=["pages"])


def summary(cat: Catalog, entity_id: str) -> str:
    """The profile's summary paragraph as one line of text (for the index).

    >>> from graph.testing import fixture_catalog
    >>> print(summary(fixture_catalog(), "iskp"))
    Islamic State Khorasan Province (ISKP) is a militant group. Affiliate of Islamic State (attested 2021 ...
    """
    profile = profile_data(cat, entity_id)
    return " ".join(s["text"] for s in profile["summary"]) if profile else ""


def named_groups(cat: Catalog) -> list[dict]:
    """The seven named groups with their summaries (a group missing from the graph is listed with
    ``id: None`` so that the page says so rather than hiding it)."""
    out = []
    for acronym in NAMED_GROUPS:
        hit = find_named_group(cat, acronym)
        if hit is None:
            out.append({"acronym": acronym, "id": None, "label": None, "summary": "not in the graph yet", "claims": 0})
            continue
        profile = profile_data(cat, hit["id"])
        out.append({"acronym": acronym, "id": hit["id"], "label": hit["label"],
                    "summary": " ".join(s["text"] for s in profile["summary"]), "claims": profile["claim_count"]})
    return out


def index_data(cat: Catalog) -> dict:
    """The index page's data (made once per catalog)."""
    def build():
        stats = queries.graph_stats(cat.store)
        return {
            "groups": named_groups(cat),
            "stats": {"entities": stats["entities"], "claims": stats["claims"], "sources": stats["sources"],
                      "disputed_claims": stats["disputed_claims"], "entities_by_kind": stats["entities_by_kind"]},
            "links": {"network": "/views/network", "groups_network": "/views/network?kinds=group",
                      "lineage": "/views/lineage", "changes": "/views/changes", "sparql": "/sparql",
                      "api_docs": "/docs", "search_api": "/entities?q="},
        }
    return cat.memo("index-page", build)


# ------------------------------------------------------------------------------------ index

@router.get("/", response_class=HTMLResponse, summary="Index page: search, the named groups, links (JSON: /index.json)")
def index(request: Request, cat: Annotated[Catalog, Depends(get_catalog)],
          q: Annotated[str | None, Query(max_length=MAX_QUERY_LENGTH,
                                         description="Search text (the page also searches as you type)")] = None):
    """The index: a search box (using ``GET /entities?q=``), the seven named groups with summaries
    generated from their ties, and links to the network, lineage and change views, the SPARQL page
    and the API docs."""
    data = index_data(cat)
    if wants_json(request):
        return JSONResponse(view_models.IndexPage(**data).model_dump())
    results = None
    if q and q.strip():
        from ..routers.entities import search

        try:
            results = search(cat, q, None, 20, 0)["items"]
        except ApiError:
            results = []
    return render(request, "index.html", data=data, q=q or "", results=results, json_url="/index.json")


@router.get("/index.json", response_model=view_models.IndexPage, summary="Index page as JSON")
@router.get("/.json", response_model=view_models.IndexPage, include_in_schema=False)
def index_json(cat: Annotated[Catalog, Depends(get_catalog)]):
    return index_data(cat)


# ------------------------------------------------------------------------------------ profiles

def entity_page(request: Request, cat: Catalog, entity_id: str) -> Response:
    """The HTML profile of an entity (what ``GET /entities/{id}`` answers to a browser)."""
    profile = profile_data(cat, entity_id)
    if profile is None:
        return page_error(request, ApiError(404, "not_found", f"no entity with id {entity_id!r} (search with /entities?q=...)"))
    ego = build_view(cat, NetworkQuery(focus=entity_id, depth=1))
    return render(request, "entity.html", profile=profile, view=ego, chart=timeline_chart_of(profile),
                  json_url=profile["links"]["json"])


@router.get("/views/entities/{entity_id}.json", response_model=view_models.ProfilePage, responses=ERRORS,
            summary="Entity profile page as JSON")
def entity_json(entity_id: str, cat: Annotated[Catalog, Depends(get_catalog)]):
    profile = profile_data(cat, entity_id)
    if profile is None:
        return error_response(ApiError(404, "not_found", f"no entity with id {entity_id!r}"))
    return JSONResponse(view_models.ProfilePage(**profile).model_dump())


@router.get("/views/entities/{entity_id}", response_class=HTMLResponse, responses=PAGE_ERRORS,
            summary="Entity profile page: summary, timeline, ties by family with dates, claims, sources, ego network")
def entity_view(request: Request, entity_id: str, cat: Annotated[Catalog, Depends(get_catalog)]):
    if wants_json(request):
        return entity_json(entity_id, cat)
    return entity_page(request, cat, entity_id)


