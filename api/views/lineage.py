"""``/views/lineage``: the lineage of the militant groups as lanes over time (splits, mergers,
origins, pledges, umbrella joins, factions, affiliations, defections as connectors; leaders as
marks on their group's lane), drawn as server-side SVG (no script, no CDN), with a JSON twin.
``?focus=imu`` (or ``/views/entities/imu/lineage``) keeps the groups within ``depth`` lineage
steps of one group.

>>> from graph.testing import fixture_catalog
>>> data = lineage_data(fixture_catalog(), "imu", 1)
>>> data["focus"], "imu-uzbek-faction" in data["index"]
('imu', True)
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from graph.read.catalog import Catalog
from graph.read.lineage import KIND_LABELS, lineage

from ..deps import get_catalog
from ..errors import ApiError, bad_parameter
from . import models as view_models
from .changes import _when
from .charts import LINEAGE_COLOURS, lineage_chart
from .citations import cite_tie
from .templating import ERRORS, PAGE_ERRORS, error_response, page_error, render, wants_json

router = APIRouter(tags=["pages"])
MAX_DEPTH = 6

Cat = Annotated[Catalog, Depends(get_catalog)]
Focus = Annotated[str | None, Query(description="A group: only the groups within `depth` lineage steps of it", examples=["imu"])]
Depth = Annotated[str | None, Query(description=f"Lineage steps from the focus (1-{MAX_DEPTH}, default 2)")]


def _parse(cat: Catalog, focus: str | None, depth: str | None) -> tuple[str | None, int]:
    focus = (focus or "").strip() or None
    try:
        d = 2 if depth in (None, "") else int(depth)
    except ValueError:
        raise bad_parameter("depth", f"not a whole number: {depth!r}") from None
    if not 1 <= d <= MAX_DEPTH:
        raise bad_parameter("depth", f"must be between 1 and {MAX_DEPTH}, got {d}")
    if focus is not None:
        e = cat.entity(focus)
        if e is None:
            raise ApiError(404, "not_found", f"no entity with id {focus!r} (search with /entities?q=...)", parameter="focus")
        if e.kind != "group":
            raise bad_parameter("focus", f"{focus!r} is a {e.kind}; the lineage is of militant groups")
    return focus, d


def lineage_data(cat: Catalog, focus: str | None = None, depth: int = 2) -> dict:
    """:func:`graph.read.lineage.lineage` with citations and a ``when`` text on every tie."""
    def build():
        data = lineage(cat, focus, depth)
        sources = cat.sources()
        for event in data["events"]:
            cite_tie(event, sources)
            event["when"] = _when(event)
        for lane in data["lanes"]:
            for item in lane["leaders"]:
                cite_tie(item, sources)
                item["when"] = _when(item)
        data["kinds"] = [{"kind": k, "label": KIND_LABELS[k], "colour": c} for k, c in LINEAGE_COLOURS.items()]
        return data
    return cat.memo(("lineage-view", focus, depth), build)


@router.get("/views/lineage.json", response_model=view_models.LineageView, responses=ERRORS,
            summary="The lineage view's data: group lanes, leaders, and the events between groups")
def lineage_json(cat: Cat, focus: Focus = None, depth: Depth = None):
    try:
        f, d = _parse(cat, focus, depth)
    except ApiError as exc:
        return error_response(exc)
    return JSONResponse(lineage_data(cat, f, d))


@router.get("/views/lineage", response_class=HTMLResponse, responses=PAGE_ERRORS,
            summary="Lineage view: groups as lanes over time, with splits, mergers, pledges, umbrella joins and defections")
def lineage_page(request: Request, cat: Cat, focus: Focus = None, depth: Depth = None):
    try:
        f, d = _parse(cat, focus, depth)
    except ApiError as exc:
        return page_error(request, exc)
    data = lineage_data(cat, f, d)
    if wants_json(request):
        return JSONResponse(data)
    query = f"?focus={f}&depth={d}" if f else ""
    focus_label = cat.entity(f).label if f else None
    return render(request, "lineage.html", data=data, chart=lineage_chart(data), focus_label=focus_label,
                  json_url=f"/views/lineage.json{query}")


@router.get("/views/entities/{entity_id}/lineage", include_in_schema=False)
def entity_lineage(entity_id: str, depth: Depth = None):
    from urllib.parse import urlencode

    params = {"focus": entity_id} | ({"depth": depth} if depth else {})
    return RedirectResponse(f"/views/lineage?{urlencode(params)}", status_code=307)
