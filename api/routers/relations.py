"""REST/JSON routes about relations: the groups and their affiliations at a date, all relations of
some types at a date, the relation types, and the disputes.

    curl 'http://127.0.0.1:8000/groups/imu/affiliations?at=2021'
    curl 'http://127.0.0.1:8000/relations?type=protectedBy&at=2021'
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from graph.read import queries
from graph.store import GraphStore

from .. import models
from ..deps import get_store
from ..errors import ApiError
from ..params import (
    ERRORS,
    At,
    Limit,
    Offset,
    TypeFilter,
    entity_or_404,
    json_response,
    page,
    relation_types_param,
    time_window,
)

router = APIRouter()


# ---------------------------------------------------------------------------- groups

@router.get("/groups", response_model=models.Page[models.EntitySummary], tags=["groups"], responses=ERRORS,
            summary="Militant groups, by label")
def groups(request: Request, store: Annotated[GraphStore, Depends(get_store)], limit: Limit = 100, offset: Offset = 0):
    every = queries.list_entities(store, "group")
    return page(request, len(every), limit, offset, every[offset:offset + limit])


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
    at, start, end = time_window(at, start, end)
    brief = entity_or_404(store, group_id)
    if brief["kind"] != "group":
        raise ApiError(404, "not_a_group", f"{group_id!r} is a {brief['kind']}, not a group (see /entities/{group_id})")
    rels = relation_types_param(store, types)
    items = queries.affiliations(store, group_id, at=at, start=start, end=end, relations=rels or None, figures=figures)
    return json_response({"entity": brief, "at": at, "from": start, "to": end, "types": rels, "total": len(items), "items": items})


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
    at, start, end = time_window(at, start, end)
    rels = relation_types_param(store, types)
    items = queries.relations_at(store, rels or None, at=at, start=start, end=end, figures=figures)
    return json_response(page(request, len(items), limit, offset, items[offset:offset + limit]))


@router.get("/relation-types", response_model=list[models.RelationType], tags=["relations"],
            summary="The relation types of the ontology (for the type filters)")
def relation_types(store: Annotated[GraphStore, Depends(get_store)]):
    return list(queries.relation_types(store).values())


@router.get("/disputes", response_model=list[models.DisputePair], tags=["relations"],
            summary="Pairs of claims that contradict each other")
def disputes(store: Annotated[GraphStore, Depends(get_store)]):
    return json_response(queries.disputes(store))
