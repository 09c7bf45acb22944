"""REST/JSON routes: entities (search, profile), groups and their affiliations at a date,
relations at a date, disputes, sources, stats, and the dereferenceable entity IRIs.

Every route reads through :mod:`graph.read.queries`; nothing here can write to the store.

Examples (the server from ``cakg serve``)::

    curl 'http://127.0.0.1:8000/entities?q=hayat+tahrir+al+sham'
    curl 'http://127.0.0.1:8000/groups/imu/affiliations?at=2021'
    curl 'http://127.0.0.1:8000/relations?type=protectedBy&at=2021'
    curl -H 'Accept: text/turtle' 'http://127.0.0.1:8000/id/imu'
"""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from graph.dates import parse_date
from graph.formats import GRAPH_OFFERS as RDF_MEDIA
from graph.formats import negotiate
from graph.read import queries
from graph.store import GraphStore

from . import models
from .deps import ApiError, bad_parameter, get_store
from .search import search

router = APIRouter()

ERRORS = {
    404: {"model": models.ErrorBody, "description": "No such thing"},
    422: {"model": models.ErrorBody, "description": "A parameter is malformed (the body names it)"},
}

Limit = Annotated[int, Query(ge=1, le=1000, description="Page size (1-1000)")]
Offset = Annotated[int, Query(ge=0, description="Items to skip")]
TypeFilter = Annotated[list[str] | None, Query(
    alias="type", description="Relation type(s) (e.g. protectedBy) or categories (e.g. group-group); "
                              "repeat the parameter or separate with commas. See /relation-types.")]
At = Annotated[str | None, Query(description="A year, month or day: YYYY, YYYY-MM or YYYY-MM-DD", examples=["2021"])]


def _json(data) -> Response:
    """Plain dicts from graph.read.queries, sent as they are (serialised by orjson). The route's
    ``response_model`` documents them (tests check they validate); skipping per-request
    validation and the standard json module makes a large profile several times faster."""
    return Response(orjson.dumps(data), media_type="application/json")


def _page(request: Request, total: int, limit: int, offset: int, items: list) -> dict:
    def link(new_offset: int) -> str:
        return str(request.url.include_query_params(offset=new_offset, limit=limit))

    return {
        "total": total, "limit": limit, "offset": offset, "items": items,
        "next": link(offset + limit) if offset + limit < total else None,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
    }


def _date(name: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    try:
        return str(parse_date(value))
    except ValueError as exc:
        raise bad_parameter(name, str(exc)) from None


def _time_window(at: str | None, start: str | None, end: str | None) -> tuple[str | None, str | None, str | None]:
    at, start, end = _date("at", at), _date("from", start), _date("to", end)
    if at and (start or end):
        raise bad_parameter("at", "give either 'at' or 'from'/'to', not both")
    if start and end and parse_date(start).first_day() > parse_date(end).last_day():
        raise bad_parameter("from", f"'from' ({start}) is after 'to' ({end})")
    return at, start, end


def _relation_types(store: GraphStore, types: list[str] | None) -> list[str]:
    try:
        return queries.resolve_relation_types(store, types or [])
    except ValueError as exc:
        raise bad_parameter("type", str(exc)) from None


def _entity_or_404(store: GraphStore, entity_id: str) -> dict:
    brief = queries.entity_brief(store, entity_id)
    if brief is None:
        raise ApiError(404, "not_found", f"no entity with id {entity_id!r} (search with /entities?q=...)")
    return brief


# ---------------------------------------------------------------------------- entities

@router.get("/entities", response_model=models.Page[models.SearchHit], tags=["entities"], responses=ERRORS,
            summary="Search entities by label or alias")
def list_or_search_entities(
    request: Request,
    store: Annotated[GraphStore, Depends(get_store)],
    q: Annotated[str | None, Query(description="Text to find in labels and aliases; folds case, diacritics, "
                                               "apostrophes and hyphens", examples=["hayat tahrir al sham"])] = None,
    type: Annotated[str | None, Query(description="Entity kind: group, person, state, territory, body, agency, "
                                                  "organisation, event", examples=["group"])] = None,
    limit: Limit = 20,
    offset: Offset = 0,
):
    """Ranked search (exact name, then prefix, then all words, then substring; labels before
    aliases); every entity by label when ``q`` is empty. Paginated with ``limit``/``offset``."""
    found = search(store, q, type, limit, offset)
    return _json(_page(request, found["total"], limit, offset, found["items"]))


def _entity_html(request: Request, store: GraphStore, entity_id: str) -> Response | None:
    try:
        from .views import entity_page
    except ImportError:  # the views module is not there: fall back to JSON
        return None
    page = entity_page(request, store, entity_id)
    if isinstance(page, Response):
        return page
    from fastapi.responses import HTMLResponse

    return HTMLResponse(str(page))


def _entity_rdf(store: GraphStore, entity_id: str, media: str) -> Response:
    body = queries.entity_rdf(store, entity_id, media)
    if body is None:
        raise ApiError(404, "not_found", f"no entity with id {entity_id!r}")
    return Response(body, media_type=media, headers={"Vary": "Accept"})


ENTITY_OFFERS = ["application/json", "text/html", *RDF_MEDIA]


@router.get("/entities/{entity_id}", response_model=models.EntityProfile, tags=["entities"], responses={
    **ERRORS, 200: {"content": {"text/html": {}, "text/turtle": {}, "application/ld+json": {}},
                    "description": "JSON profile; HTML for browsers; Turtle / JSON-LD / N-Triples / RDF/XML on request"}},
    summary="An entity's profile: every claim in and out, with dates, sources and disputes")
def entity(request: Request, entity_id: str, store: Annotated[GraphStore, Depends(get_store)]):
    """The profile by content negotiation: JSON by default, the HTML page to a browser
    (``Accept: text/html``), RDF (Turtle, JSON-LD, N-Triples, RDF/XML) to a client that asks."""
    media = negotiate(request.headers.get("accept"), ENTITY_OFFERS)
    if media is None:
        raise ApiError(406, "not_acceptable", f"cannot answer with {request.headers.get('accept')!r}; "
                       f"available: {', '.join(ENTITY_OFFERS)}")
    if media == "text/html":
        if queries.entity_brief(store, entity_id) is None:
            raise ApiError(404, "not_found", f"no entity with id {entity_id!r}")
        html = _entity_html(request, store, entity_id)
        if html is not None:
            html.headers["Vary"] = "Accept"
            return html
    elif media in RDF_MEDIA:
        return _entity_rdf(store, entity_id, media)
    profile = queries.entity_profile(store, entity_id)
    if profile is None:
        raise ApiError(404, "not_found", f"no entity with id {entity_id!r} (search with /entities?q=...)")
    return _json(profile)


@router.get("/id/{entity_id}", tags=["linked data"], status_code=303, responses={
    303: {"description": "See /entities/{id} (HTML or JSON)"},
    200: {"content": {m: {} for m in RDF_MEDIA}, "description": "The entity's RDF description"}, **ERRORS},
    summary="Dereference an entity IRI (https://w3id.org/cakg/id/{id})")
def entity_iri(request: Request, entity_id: str, store: Annotated[GraphStore, Depends(get_store)]):
    """Linked-data dereferencing of ``https://w3id.org/cakg/id/{id}``: RDF (Turtle, JSON-LD,
    N-Triples, RDF/XML) when the client asks for it, else ``303 See Other`` to ``/entities/{id}``
    (which gives HTML to a browser and JSON to scripts)."""
    media = negotiate(request.headers.get("accept"), ["text/html", "application/json", *RDF_MEDIA])
    if media in RDF_MEDIA:
        return _entity_rdf(store, entity_id, media)
    _entity_or_404(store, entity_id)
    return RedirectResponse(str(request.url_for("entity", entity_id=entity_id).path), status_code=303,
                            headers={"Vary": "Accept"})


@router.get("/claims/{claim_id}", response_model=models.Claim, tags=["entities"], responses=ERRORS,
            summary="One claim, with its sources and the claims disputing it")
def claim(claim_id: str, store: Annotated[GraphStore, Depends(get_store)]):
    found = queries.claim(store, claim_id)
    if found is None:
        raise ApiError(404, "not_found", f"no claim with id {claim_id!r}")
    return found


# ---------------------------------------------------------------------------- groups

@router.get("/groups", response_model=models.Page[models.EntitySummary], tags=["groups"], responses=ERRORS,
            summary="Militant groups, by label")
def groups(request: Request, store: Annotated[GraphStore, Depends(get_store)], limit: Limit = 100, offset: Offset = 0):
    every = queries.list_entities(store, "group")
    return _page(request, len(every), limit, offset, every[offset:offset + limit])


@router.get("/groups/{group_id}/affiliations", response_model=models.AffiliationsResponse,
            response_model_by_alias=True, tags=["groups"], responses=ERRORS,
            summary="A group's relations as they stood at a date, or over a period")
def group_affiliations(
    group_id: str,
    store: Annotated[GraphStore, Depends(get_store)],
    at: At = None,
    start: Annotated[str | None, Query(alias="from", description="Period start (YYYY[-MM[-DD]])")] = None,
    end: Annotated[str | None, Query(alias="to", description="Period end (YYYY[-MM[-DD]])")] = None,
    types: TypeFilter = None,
    figures: Annotated[bool, Query(description="Include figures (fighter counts ...)")] = False,
):
    """Claims in and out of the group that hold at ``at`` (a year, month or day) or at some time in
    ``from``..``to``; all of them without a date. Validity-interval semantics: a claim holds from its
    start to its end (open on a missing side); a claim known only *as of* a date is included at
    that date and flagged ``as_of_only``."""
    at, start, end = _time_window(at, start, end)
    brief = _entity_or_404(store, group_id)
    if brief["kind"] != "group":
        raise ApiError(404, "not_a_group", f"{group_id!r} is a {brief['kind']}, not a group (see /entities/{group_id})")
    rels = _relation_types(store, types)
    items = queries.affiliations(store, group_id, at=at, start=start, end=end, relations=rels or None, figures=figures)
    return _json({"entity": brief, "at": at, "from": start, "to": end, "types": rels, "total": len(items), "items": items})


# ---------------------------------------------------------------------------- relations, disputes, sources

@router.get("/relations", response_model=models.Page[models.Claim], tags=["relations"], responses=ERRORS,
            summary="All relations of given types at a date")
def relations(
    request: Request,
    store: Annotated[GraphStore, Depends(get_store)],
    types: TypeFilter = None,
    at: At = None,
    start: Annotated[str | None, Query(alias="from")] = None,
    end: Annotated[str | None, Query(alias="to")] = None,
    figures: Annotated[bool, Query(description="Include figures (fighter counts ...)")] = False,
    limit: Limit = 100,
    offset: Offset = 0,
):
    """Claims of the given relation types (all without ``type``) that hold at ``at`` or within
    ``from``..``to`` (every claim without a date), same semantics as group affiliations."""
    at, start, end = _time_window(at, start, end)
    rels = _relation_types(store, types)
    items = queries.relations_at(store, rels or None, at=at, start=start, end=end, figures=figures)
    return _json(_page(request, len(items), limit, offset, items[offset:offset + limit]))


@router.get("/relation-types", response_model=list[models.RelationType], tags=["relations"],
            summary="The relation types of the ontology (for the type filters)")
def relation_types(store: Annotated[GraphStore, Depends(get_store)]):
    return list(queries.relation_types(store).values())


@router.get("/disputes", response_model=list[models.DisputePair], tags=["relations"],
            summary="Pairs of claims that contradict each other")
def disputes(store: Annotated[GraphStore, Depends(get_store)]):
    return _json(queries.disputes(store))


@router.get("/sources", response_model=list[models.SourceSummary], tags=["sources"], summary="Source documents")
def sources(store: Annotated[GraphStore, Depends(get_store)]):
    return queries.list_sources(store)


@router.get("/sources/{source_id}", response_model=models.SourceDetail, tags=["sources"], responses=ERRORS,
            summary="A source document and the claims that cite it")
def source(source_id: str, store: Annotated[GraphStore, Depends(get_store)]):
    found = queries.source_detail(store, source_id)
    if found is None:
        raise ApiError(404, "not_found", f"no source with id {source_id!r} (see /sources)")
    return _json(found)


@router.get("/stats", response_model=models.Stats, tags=["sources"], summary="Counts of entities, claims, sources")
def stats(store: Annotated[GraphStore, Depends(get_store)]):
    return queries.graph_stats(store)
