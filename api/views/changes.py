"""``/views/changes``: what changed between two dates, in the browser, with a JSON twin.

The data is :func:`graph.read.changes.changes` (the one time rule: ties first attested and ended
in the window, one-off acts, pairs whose relation types changed, disputes that arose), each tie
with its claims and their citations; the page lists them by section, every entity linking to
its profile and every tie to its row there.

>>> from graph.testing import fixture_catalog
>>> data = changes_data(fixture_catalog(), "2015", "2015")
>>> data["counts"]["acts"] > 0 and all(c["cites"] for t in data["acts"] for c in t["claims"])
True
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from graph.network.prose import when_text
from graph.read.catalog import Catalog
from graph.read.changes import changes
from graph.read.queries import DEFAULT_STATUSES

from .. import models
from ..deps import get_catalog
from ..errors import ApiError, bad_parameter
from ..params import date_param, statuses_param, time_window
from .citations import cite_tie
from .templating import ERRORS, PAGE_ERRORS, error_response, page_error, render, wants_json

router = APIRouter(tags=["pages"])

SECTIONS = (("formed", "Formed", "ties first attested in the period (began: the text gives the start)"),
            ("ended", "Ended", "ties that ended in the period, and why"),
            ("acts", "Acts", "one-off acts dated in the period (killings, splits, defections, arrests ...)"),
            ("changed_type", "Changed type", "pairs linked at both ends of the period by different relation types"),
            ("newly_disputed", "Newly disputed", "pairs of contradicting claims both attested by the end of the period"))


def _when(t: dict) -> str:
    return when_text({"one_off": t["one_off"], "first": t["first_attested"], "last": t["last_attested"],
                      "ended_on": t["ended_on"], "end_reason": t["end_reason"],
                      "circa": any(c["circa"] for c in t.get("claims", ())),
                      "datings": sorted({c["dating"] for c in t.get("claims", ())})})


def default_window(cat: Catalog) -> tuple[str, str]:
    """The year before the latest year any tie was first attested, and that year."""
    years = [int(t.first[:4]) for t in cat.ties().values() if t.first and t.factual and not t.always]
    last = max(years) if years else 2021
    return str(last - 1), str(last)


def changes_data(cat: Catalog, start: str, end: str, statuses: tuple[str, ...] = DEFAULT_STATUSES) -> dict:
    """The changes between ``start`` and ``end`` with citations and a ``when`` text on each tie."""
    data = changes(cat, start, end, statuses)
    sources = cat.sources()
    for key in ("formed", "ended", "acts"):
        for t in data[key]:
            cite_tie(t, sources)
            t["when"] = _when(t)
    for pair in data["newly_disputed"]:
        for side in ("a", "b"):
            cite_tie({"claims": [pair[side]]}, sources)
    data["statuses"] = list(statuses)
    return data


def _parse(cat: Catalog, start: str | None, end: str | None, status: str | None) -> tuple[str, str, tuple[str, ...]]:
    """The window and statuses asked for (neither date: :func:`default_window`); 422 naming
    ``from``, ``to`` or ``status`` for a bad date, a missing end, ``from`` after ``to`` or an
    unknown status."""
    start, end = date_param("from", start), date_param("to", end)
    if start is None and end is None:
        start, end = default_window(cat)
    elif start is None:
        raise bad_parameter("from", "give the start of the period as well: from=YYYY[-MM[-DD]]")
    elif end is None:
        raise bad_parameter("to", "give the end of the period as well: to=YYYY[-MM[-DD]]")
    window = time_window(None, start, end)  # 422 naming 'from' when it is after 'to'
    return start, end, statuses_param([status] if status else None, window)


FromQ = Annotated[str | None, Query(alias="from", description="Start of the period (YYYY[-MM[-DD]]); default: "
                                                          "the year before the latest year with a new tie")]
ToQ = Annotated[str | None, Query(alias="to", description="End of the period (YYYY[-MM[-DD]]), inclusive")]
StatusQ = Annotated[str | None, Query(description="Statuses that count as linked when comparing relation types at "
                                                  "the two ends: holds, presumed, ended (default holds,presumed)")]
Cat = Annotated[Catalog, Depends(get_catalog)]


@router.get("/views/changes.json", response_model=models.Changes, responses=ERRORS,
            summary="What changed between two dates, as JSON (the change view's data)")
def changes_json(cat: Cat, start: FromQ = None, end: ToQ = None, status: StatusQ = None):
    try:
        a, b, statuses = _parse(cat, start, end, status)
    except ApiError as exc:
        return error_response(exc)
    return JSONResponse(changes_data(cat, a, b, statuses))


@router.get("/views/changes", response_class=HTMLResponse, responses=PAGE_ERRORS,
            summary="Change view: relations formed, ended, changed type or newly disputed between two dates")
def changes_page(request: Request, cat: Cat, start: FromQ = None, end: ToQ = None, status: StatusQ = None):
    """What changed between ``from`` and ``to`` (both inclusive), each tie with its sources."""
    try:
        a, b, statuses = _parse(cat, start, end, status)
    except ApiError as exc:
        return page_error(request, exc)
    data = changes_data(cat, a, b, statuses)
    if wants_json(request):
        return JSONResponse(data)
    query = f"from={a}&to={b}" + (f"&status={','.join(statuses)}" if status else "")
    return render(request, "changes.html", data=data, sections=SECTIONS, json_url=f"/views/changes.json?{query}")
