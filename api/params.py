"""What the REST routes share: parameter types and their checks (dates, time windows, relation
type filters, paging) and the JSON answer. Every check that fails raises a 422 naming the parameter.
"""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import Query, Request
from fastapi.responses import Response

from graph.dates import parse_date
from graph.read import queries
from graph.read.catalog import Catalog
from graph.timeline import Period, period

from . import models
from .errors import ApiError, bad_parameter
from .links import relative_url

ERRORS = {
    404: {"model": models.ErrorBody, "description": "No such thing"},
    422: {"model": models.ErrorBody, "description": "A parameter is malformed (the body names it)"},
}

#: every whole number a route takes is bounded (a number past 64 bits cannot even be written as
#: JSON by orjson, nor used as a slice bound): the largest offset, and the largest page number
MAX_OFFSET = 1_000_000_000
MAX_PAGE = 10_000_000
Limit = Annotated[int, Query(ge=1, le=1000, description="Page size (1-1000)")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"Items to skip (0-{MAX_OFFSET:,})")]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page number (1-{MAX_PAGE:,})")]
TypeFilter = Annotated[list[str] | None, Query(
    alias="type", description="Relation type(s) (e.g. protectedBy) or families (e.g. group-group); "
                              "repeat the parameter or separate with commas. See /relation-types.")]
At = Annotated[str | None, Query(description="A year, month or day: YYYY, YYYY-MM or YYYY-MM-DD", examples=["2021"])]
From = Annotated[str | None, Query(alias="from", description="Start of a period (YYYY[-MM[-DD]])", examples=["2014"])]
To = Annotated[str | None, Query(alias="to", description="End of a period (YYYY[-MM[-DD]])", examples=["2016"])]
StatusFilter = Annotated[list[str] | None, Query(
    alias="status", description="Which ties to keep at the date: holds (attested then), presumed (carried forward after "
                                "the last attestation), ended; default holds,presumed. Needs at or from/to.")]
Figures = Annotated[bool, Query(description="Include figures (fighter counts ...)")]


def json_response(data) -> Response:
    """Plain dicts from graph.read.queries, sent as they are (serialised by orjson). The route's
    ``response_model`` documents them (tests check they validate); skipping per-request
    validation and the standard json module makes a large profile several times faster."""
    return Response(orjson.dumps(data), media_type="application/json")


def page(request: Request, total: int, limit: int, offset: int, items: list) -> dict:
    """A page of ``items`` with relative ``next``/``previous`` links (never built from the Host header)."""
    def link(new_offset: int) -> str:
        return relative_url(request, offset=new_offset, limit=limit)

    return {
        "total": total, "limit": limit, "offset": offset, "items": items,
        "next": link(offset + limit) if offset + limit < total else None,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
    }


def date_param(name: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    try:
        return str(parse_date(value))
    except ValueError as exc:
        raise bad_parameter(name, str(exc)) from None


def time_window(at: str | None, start: str | None, end: str | None) -> Period | None:
    """The period asked for by ``at`` or ``from``/``to`` (``None`` when no date is given); 422
    naming the parameter for a bad date, both forms at once, or ``from`` after ``to``."""
    at, start, end = date_param("at", at), date_param("from", start), date_param("to", end)
    if at and (start or end):
        raise bad_parameter("at", "give either 'at' or 'from'/'to', not both")
    if start and end and parse_date(start).first_day() > parse_date(end).last_day():
        raise bad_parameter("from", f"'from' ({start}) is after 'to' ({end})")
    if at:
        return period(at)
    if start or end:
        return period(start=start, end=end)
    return None


def statuses_param(status: list[str] | None, when: Period | None) -> tuple[str, ...]:
    """The statuses to keep; 422 naming ``status`` for an unknown one or one without a date."""
    try:
        chosen = queries.check_statuses(status)
    except ValueError as exc:
        raise bad_parameter("status", str(exc)) from None
    if status and when is None:
        raise bad_parameter("status", "a status is a status at a date: give at= or from=/to= as well")
    return chosen


def relation_types_param(cat: Catalog, types: list[str] | None) -> list[str]:
    try:
        return cat.resolve_relations(types or [])
    except ValueError as exc:
        raise bad_parameter("type", str(exc)) from None


def entity_or_404(cat: Catalog, entity_id: str) -> dict:
    brief = queries.entity_brief(cat, entity_id)
    if brief is None:
        raise ApiError(404, "not_found", f"no entity with id {entity_id!r} (search with /entities?q=...)")
    return brief
