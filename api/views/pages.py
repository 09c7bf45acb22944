"""Data for the HTML pages other than the network: the index (named groups with summaries made
from the graph) and the entity profile. Plain dicts, so every page has a JSON twin.

>>> from graph.testing import fixture_store
>>> groups = named_groups(fixture_store())
>>> [g["acronym"] for g in groups]
['IMU', 'KTJ', 'KIB', 'JA', 'IJU', 'HTS', 'ISKP']
>>> groups[0]["id"], groups[0]["summary"].startswith("Islamic Movement of Uzbekistan (IMU):")
('imu', True)
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from graph.read import queries
from graph.read.search import search_entities
from graph.store import GraphStore

from ..deps import get_store
from ..errors import ApiError
from . import models as view_models
from .network import NetworkQuery, build_view, claim_dates
from .templating import ERRORS, error_response, render, wants_json

router = APIRouter(tags=["pages"])

#: the groups the index presents, by the acronym each is known by (found through aliases)
NAMED_GROUPS = ("IMU", "KTJ", "KIB", "JA", "IJU", "HTS", "ISKP")

# which relations make the one-line summary, in order: (relation, direction, words)
_SUMMARY_PARTS = (
    ("leaderOf", "in", "led by"),
    ("founderOf", "in", "founded by"),
    ("factionOf", "out", "a faction of"),
    ("memberOfCoalition", "out", "part of"),
    ("memberOfCoalition", "in", "a coalition including"),
    ("affiliateOf", "out", "an affiliate of"),
    ("evolvedFrom", "out", "grew out of"),
    ("basedIn", "out", "based in"),
    ("activeIn", "out", "active in"),
    ("protectedBy", "out", "protected by"),
    ("rivalOf", "out", "rival of"),
    ("rivalOf", "in", "rival of"),
    ("alliedWith", "out", "allied with"),
    ("alliedWith", "in", "allied with"),
)
_MAX_PARTS = 4


def find_named_group(store: GraphStore, acronym: str) -> dict | None:
    """The group whose label or alias is exactly ``acronym`` (through the shared search)."""
    found = search_entities(store, acronym, kind="group", limit=5)
    exact = [hit for hit in found["items"] if hit["score"] >= 100]
    return exact[0] if exact else None


def _when(c: dict) -> str:
    text = claim_dates(c)
    return "" if text.startswith("undated") else f" ({text})"


def summary(store: GraphStore, entity_id: str, acronym: str | None = None) -> str:
    """One sentence about an entity made from its claims: who leads it, what it belongs to, where
    it is based, who protects it, with dates; then how many claims and sources back the profile.

    >>> from graph.testing import fixture_store
    >>> summary(fixture_store(), "iskp", "ISKP")
    'Islamic State Khorasan Province (ISKP): an affiliate of Islamic State; rival of Taliban. 2 claims from 1 source.'
    """
    profile = queries.entity_profile(store, entity_id)
    if profile is None:
        return ""
    by_key: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for group in profile["relations"]:
        by_key[(group["relation"], group["direction"])].extend(group["claims"])
    parts: list[str] = []
    for relation, direction, words in _SUMMARY_PARTS:
        claims = by_key.get((relation, direction), [])
        if not claims or len(parts) >= _MAX_PARTS:
            continue
        # current claims first, then the latest
        claims = sorted(claims, key=lambda c: (not c["current"], str(c.get("end") or "9999")), reverse=False)
        others: dict[str, str] = {}  # one mention per entity, with the dates of its best claim
        for c in claims:
            other = c["object"] if direction == "out" else c["subject"]
            if other and other["id"] not in others:
                others[other["id"]] = f"{other['label']}{_when(c)}"
        others = list(others.values())
        parts.append(f"{words} {', '.join(others[:2])}" + (f" and {len(others) - 2} more" if len(others) > 2 else ""))
    sources = {s["document"] for group in profile["relations"] for c in group["claims"] for s in c["sources"]}
    name = profile["label"] + (f" ({acronym})" if acronym and acronym != profile["label"] else "")
    body = "; ".join(parts) if parts else f"a {profile['kind']}"
    count = profile["claim_count"]
    tail = f"{count} claim{'s' if count != 1 else ''} from {len(sources)} source{'s' if len(sources) != 1 else ''}"
    return f"{name}: {body}. {tail}."


def named_groups(store: GraphStore) -> list[dict]:
    """The seven named groups with their summaries (a group missing from the graph is listed with
    ``id: None`` so that the page says so rather than hiding it)."""
    out = []
    for acronym in NAMED_GROUPS:
        hit = find_named_group(store, acronym)
        if hit is None:
            out.append({"acronym": acronym, "id": None, "label": None, "summary": "not in the graph yet",
                        "claims": 0})
            continue
        out.append({"acronym": acronym, "id": hit["id"], "label": hit["label"],
                    "summary": summary(store, hit["id"], acronym), "claims": hit.get("claims", 0)})
    return out


def index_data(store: GraphStore) -> dict:
    """The index page's data (made once per store: the API's store is read-only)."""
    from .network import _cache

    cache = _cache(store)
    if "index" not in cache:
        cache["index"] = _index_data(store)
    return cache["index"]


def _index_data(store: GraphStore) -> dict:
    stats = queries.graph_stats(store)
    return {
        "groups": named_groups(store),
        "stats": {"entities": stats["entities"], "claims": stats["claims"], "sources": stats["sources"],
                  "disputed_claims": stats["disputed_claims"], "entities_by_kind": stats["entities_by_kind"]},
        "links": {"network": "/views/network", "groups_network": "/views/network?kinds=group",
                  "sparql": "/sparql", "api_docs": "/docs", "search_api": "/entities?q="},
    }


def profile_data(store: GraphStore, entity_id: str) -> dict | None:
    """The profile (:func:`graph.read.queries.entity_profile`) with each claim's dates in words."""
    profile = queries.entity_profile(store, entity_id)
    if profile is None:
        return None
    for group in profile["relations"]:
        for c in group["claims"]:
            c["when"] = claim_dates({**c, "instantaneous": False})
            c["other"] = c["object"] if group["direction"] == "out" else c["subject"]
    profile["links"] = {
        "json": f"/views/entities/{entity_id}.json",
        "api": f"/entities/{entity_id}",
        "network": f"/views/network?focus={entity_id}&depth=1",
    }
    return profile


# ------------------------------------------------------------------------------------ index

@router.get("/", response_class=HTMLResponse, summary="Index page: search, the named groups, links (JSON: /index.json)")
def index(request: Request, store: Annotated[GraphStore, Depends(get_store)],
          q: Annotated[str | None, Query(description="Search text (the page also searches as you type)")] = None):
    """The index: a search box (using ``GET /entities?q=``), the seven named groups with one-line
    summaries generated from their claims, and links to the network, the SPARQL page and the API docs."""
    data = index_data(store)
    if wants_json(request):
        return JSONResponse(view_models.IndexPage(**data).model_dump())
    results = None
    if q and q.strip():
        from ..routers.entities import search

        try:
            results = search(store, q, None, 20, 0)["items"]
        except ApiError:
            results = []
    return render(request, "index.html", data=data, q=q or "", results=results, json_url="/index.json")


@router.get("/index.json", response_model=view_models.IndexPage, summary="Index page as JSON")
@router.get("/.json", response_model=view_models.IndexPage, include_in_schema=False)
def index_json(store: Annotated[GraphStore, Depends(get_store)]):
    return index_data(store)


# ------------------------------------------------------------------------------------ profiles

def entity_page(request: Request, store: GraphStore, entity_id: str) -> Response:
    """The HTML profile of an entity (what ``GET /entities/{id}`` answers to a browser)."""
    profile = profile_data(store, entity_id)
    if profile is None:
        return error_response(ApiError(404, "not_found", f"no entity with id {entity_id!r} (search with /entities?q=...)"))
    ego = build_view(store, NetworkQuery(focus=entity_id, depth=1))
    return render(request, "entity.html", profile=profile, view=ego, json_url=profile["links"]["json"])


@router.get("/views/entities/{entity_id}.json", response_model=view_models.ProfilePage, responses=ERRORS,
            summary="Entity profile page as JSON")
def entity_json(entity_id: str, store: Annotated[GraphStore, Depends(get_store)]):
    profile = profile_data(store, entity_id)
    if profile is None:
        return error_response(ApiError(404, "not_found", f"no entity with id {entity_id!r}"))
    return profile


@router.get("/views/entities/{entity_id}", response_class=HTMLResponse, responses=ERRORS,
            summary="Entity profile page: names, kind, claims by relation with dates and sources, ego network")
def entity_view(request: Request, entity_id: str, store: Annotated[GraphStore, Depends(get_store)]):
    if wants_json(request):
        result = entity_json(entity_id, store)
        if isinstance(result, Response):
            return result
        return JSONResponse(view_models.ProfilePage(**result).model_dump())
    return entity_page(request, store, entity_id)
