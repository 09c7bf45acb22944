"""REST/JSON routes about entities: search, profiles, single claims, and the dereferenceable
entity IRIs.

Every route reads through the catalog (:mod:`graph.read`); nothing here can write to the store.

    curl 'http://127.0.0.1:8000/entities?q=hayat+tahrir+al+sham'
    curl 'http://127.0.0.1:8000/entities/imu'
    curl -L -H 'Accept: text/turtle' 'http://127.0.0.1:8000/id/imu'   # 303 to /entities/imu
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from graph.formats import GRAPH_OFFERS as RDF_MEDIA
from graph.formats import negotiate
from graph.read import queries
from graph.read.catalog import Catalog
from graph.read.search import MAX_QUERY_LENGTH, search_entities
from graph.store import GraphStore

from .. import models
from ..deps import get_catalog, get_store
from ..errors import ApiError, bad_parameter
from ..params import ERRORS, Limit, Offset, entity_or_404, json_response, page

router = APIRouter()

Cat = Annotated[Catalog, Depends(get_catalog)]
Store = Annotated[GraphStore, Depends(get_store)]


def check_kind(cat: Catalog, kind: str | None) -> str | None:
    """The entity kind filter, checked against the ontology (422 naming ``type`` if unknown)."""
    if kind is None or kind == "":
        return None
    kinds = cat.kinds()
    if kind not in kinds:
        raise bad_parameter("type", f"unknown entity kind {kind!r} (known: {', '.join(sorted(kinds))})")
    return kind


def search(cat: Catalog, q: str | None, kind: str | None, limit: int, offset: int) -> dict:
    """``{"total", "items"}``: ranked hits for ``q``, or every entity (by label) when ``q`` is empty."""
    kind = check_kind(cat, kind)
    if q is None or not q.strip():
        everything = queries.list_entities(cat, kind)
        items = [{**e, "matched": e["label"], "score": 0} for e in everything[offset:offset + limit]]
        return {"total": len(everything), "items": items}
    try:
        return search_entities(cat, q, kind=kind, limit=limit, offset=offset)
    except ValueError as exc:
        raise bad_parameter("q", str(exc)) from None


@router.get("/entities", response_model=models.Page[models.SearchHit], tags=["entities"], responses=ERRORS,
            summary="Search entities by label or alias")
def list_or_search_entities(
    request: Request,
    cat: Cat,
    q: Annotated[str | None, Query(max_length=MAX_QUERY_LENGTH,
                                   description=f"Text to find in labels and aliases (any script, at most "
                                               f"{MAX_QUERY_LENGTH} characters); folds case, diacritics, "
                                               "apostrophes and hyphens", examples=["hayat tahrir al sham"])] = None,
    type: Annotated[str | None, Query(description="Entity kind: group, person, state, territory, body, agency, "
                                                  "organisation, event", examples=["group"])] = None,
    limit: Limit = 20,
    offset: Offset = 0,
):
    """Ranked search (exact name, then prefix, then all words, then substring, then close
    spellings; labels before aliases); every entity by label when ``q`` is empty. Paginated with
    ``limit``/``offset``."""
    found = search(cat, q, type, limit, offset)
    return json_response(page(request, found["total"], limit, offset, found["items"]))


def _entity_rdf(store: GraphStore, entity_id: str, media: str) -> Response:
    body = queries.entity_rdf(store, entity_id, media)
    if body is None:
        raise ApiError(404, "not_found", f"no entity with id {entity_id!r}")
    return Response(body, media_type=media, headers={"Vary": "Accept"})


ENTITY_OFFERS = ["application/json", "text/html", *RDF_MEDIA]


# an unknown id: the JSON error body, or the HTML error page for a browser (as every page answers)
ENTITY_404 = {"description": "No such entity (the HTML error page when the client asks for HTML)",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}},
                          "text/html": {"schema": {"type": "string"}}}}


@router.get("/entities/{entity_id}", response_model=models.EntityProfile, tags=["entities"], responses={
    **ERRORS, 404: ENTITY_404, 200: {"content": {"text/html": {}, "text/turtle": {}, "application/ld+json": {}},
                    "description": "JSON profile; HTML for browsers; Turtle / JSON-LD / N-Triples / RDF/XML on request"}},
    summary="An entity's profile: every tie in and out, with its dates by the time rule, claims, sources and disputes")
def entity(request: Request, entity_id: str, cat: Cat, store: Store):
    """The profile by content negotiation: JSON by default, the HTML page to a browser
    (``Accept: text/html``), RDF (Turtle, JSON-LD, N-Triples, RDF/XML) to a client that asks."""
    media = negotiate(request.headers.get("accept"), ENTITY_OFFERS)
    if media is None:
        raise ApiError(406, "not_acceptable", f"cannot answer with {request.headers.get('accept')!r}; "
                       f"available: {', '.join(ENTITY_OFFERS)}")
    if media == "text/html":  # an unknown id answers the HTML error page
        from ..views.pages import entity_page  # the views import this module's search: import here

        html = entity_page(request, cat, entity_id)
        html.headers["Vary"] = "Accept"
        return html
    if media in RDF_MEDIA:
        return _entity_rdf(store, entity_id, media)
    profile = queries.entity_profile(cat, entity_id)
    if profile is None:
        raise ApiError(404, "not_found", f"no entity with id {entity_id!r} (search with /entities?q=...)")
    return json_response(profile)


@router.get("/id/{entity_id}", tags=["linked data"], status_code=303, responses={
    303: {"description": "See Other: /entities/{id}, the document about the entity (HTML, JSON or RDF by Accept)"},
    **ERRORS},
    summary="Dereference an entity IRI (https://w3id.org/cakg/id/{id}): 303 See Other to its document")
def entity_iri(request: Request, entity_id: str, cat: Cat):
    """Linked-data dereferencing of ``https://w3id.org/cakg/id/{id}``, one practice for every
    ``Accept`` (httpRange-14; "Cool URIs for the Semantic Web", 303 URIs forwarding to one generic
    document): the IRI names the entity, not a document, so it always answers ``303 See Other``
    to ``/entities/{id}``, the document about it, which gives HTML to a browser, RDF (Turtle,
    JSON-LD, N-Triples, RDF/XML) to a client asking for it and JSON otherwise. An unknown id is
    a 404 at once."""
    entity_or_404(cat, entity_id)
    return RedirectResponse(request.url_for("entity", entity_id=entity_id).path, status_code=303,
                            headers={"Vary": "Accept"})


@router.get("/claims/{claim_id}", response_model=models.Claim, tags=["entities"], responses=ERRORS,
            summary="One claim, with its sources, its tie and the claims disputing it")
def claim(claim_id: str, cat: Cat):
    found = cat.claim(claim_id)
    if found is None:
        raise ApiError(404, "not_found", f"no claim with id {claim_id!r}")
    return json_response(queries.claim_json(cat, found))
