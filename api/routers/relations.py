"""REST/JSON routes about relations: the groups and their affiliations at a date, all relations of
some types at a date, what changed between two dates, the relation types, and the disputes.

Relations at a date are ties (:mod:`graph.timeline`), each with its ``status`` then: ``holds``
(attested at that date), ``presumed`` (carried forward after its last attestation, nothing has
ended it) or, when asked for, ``ended``; each lists the claims that attest it.

    curl 'http://127.0.0.1:8000/groups/imu/affiliations?at=2021'
    curl 'http://127.0.0.1:8000/relations?type=protectedBy&at=2021&status=holds'
    curl 'http://127.0.0.1:8000/changes?from=2014&to=2016'
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from graph.read import queries
from graph.read.catalog import Catalog
from graph.read.changes import changes as changes_between

from .. import models
from ..deps import get_catalog
from ..errors import ApiError, bad_parameter
from ..params import (
    ERRORS,
    At,
    Figures,
    From,
    Limit,
    Offset,
    StatusFilter,
    To,
    TypeFilter,
    date_param,
    entity_or_404,
    json_response,
    page,
    relation_types_param,
    statuses_param,
    time_window,
)

router = APIRouter()

Cat = Annotated[Catalog, Depends(get_catalog)]


# ---------------------------------------------------------------------------- groups

@router.get("/groups", response_model=models.Page[models.EntitySummary], tags=["groups"], responses=ERRORS,
            summary="Militant groups, by label")
def groups(request: Request, cat: Cat, limit: Limit = 100, offset: Offset = 0):
    every = queries.list_entities(cat, "group")
    return page(request, len(every), limit, offset, every[offset:offset + limit])


@router.get("/groups/{group_id}/affiliations", response_model=models.AffiliationsResponse,
            response_model_by_alias=True, tags=["groups"], responses=ERRORS,
            summary="A group's relations as they stood at a date, or over a period")
def group_affiliations(group_id: str, cat: Cat, at: At = None, start: From = None, end: To = None,
                       types: TypeFilter = None, status: StatusFilter = None, figures: Figures = False):
    """The group's ties in and out with their status at ``at`` (a year, month or day) or over
    ``from``..``to``: by default those that hold or are presumed then (``status`` narrows or adds
    ``ended``); every tie without a date."""
    when = time_window(at, start, end)
    statuses = statuses_param(status, when)
    brief = entity_or_404(cat, group_id)
    if brief["kind"] != "group":
        raise ApiError(404, "not_a_group", f"{group_id!r} is a {brief['kind']}, not a group (see /entities/{group_id})")
    rels = relation_types_param(cat, types)
    items = queries.affiliations(cat, group_id, when, rels or None, statuses, figures)
    return json_response({"entity": brief, "at": date_param("at", at), "from": date_param("from", start),
                          "to": date_param("to", end), "status": list(statuses) if when else [], "types": rels,
                          "total": len(items), "items": items})


# ---------------------------------------------------------------------------- relations

@router.get("/relations", response_model=models.Page[models.Tie], tags=["relations"], responses=ERRORS,
            summary="All relations of given types at a date, with their status")
def relations(request: Request, cat: Cat, types: TypeFilter = None, at: At = None, start: From = None, end: To = None,
              status: StatusFilter = None, figures: Figures = False, limit: Limit = 100, offset: Offset = 0):
    """Ties of the given relation types (all without ``type``) with their status at ``at`` or over
    ``from``..``to`` (by default those that hold or are presumed); every tie without a date."""
    when = time_window(at, start, end)
    statuses = statuses_param(status, when)
    rels = relation_types_param(cat, types)
    items = queries.relations_at(cat, rels or None, when, statuses, figures)
    return json_response(page(request, len(items), limit, offset, items[offset:offset + limit]))


@router.get("/changes", response_model=models.Changes, tags=["relations"], responses=ERRORS,
            summary="What changed between two dates: ties formed and ended, acts, changed relation types, new disputes")
def changes(cat: Cat, start: From = None, end: To = None):
    """Between ``from`` and ``to`` (both needed, both inclusive): ties first attested and ended,
    one-off acts, pairs whose relation types changed, and disputes that arose, each with its claims
    and sources."""
    if not start:
        raise bad_parameter("from", "give the start of the period: from=YYYY[-MM[-DD]]")
    if not end:
        raise bad_parameter("to", "give the end of the period: to=YYYY[-MM[-DD]]")
    time_window(None, start, end)
    return json_response(changes_between(cat, date_param("from", start), date_param("to", end)))


@router.get("/relation-types", response_model=list[models.RelationType], tags=["relations"],
            summary="The relation types of the ontology (for the type filters)")
def relation_types(cat: Cat):
    return list(cat.relation_types().values())


@router.get("/disputes", response_model=list[models.DisputePair], tags=["relations"],
            summary="Pairs of claims that contradict each other, with the reason")
def disputes(cat: Cat):
    return json_response(queries.disputes(cat))
