"""REST/JSON routes about the sources: the documents (and the chapters of the conference volume),
the claims citing each, and the counts of the graph."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from graph.read import queries
from graph.read.catalog import Catalog

from .. import models
from ..deps import get_catalog
from ..errors import ApiError
from ..params import ERRORS, json_response

router = APIRouter()


@router.get("/sources", response_model=list[models.SourceSummary], tags=["sources"],
            summary="Source documents and the chapters of the conference volume")
def sources(cat: Annotated[Catalog, Depends(get_catalog)]):
    return json_response(queries.list_sources(cat))


@router.get("/sources/{source_id}", response_model=models.SourceDetail, tags=["sources"], responses=ERRORS,
            summary="A source document (or chapter) and the claims that cite it")
def source(source_id: str, cat: Annotated[Catalog, Depends(get_catalog)]):
    found = queries.source_detail(cat, source_id)
    if found is None:
        raise ApiError(404, "not_found", f"no source with id {source_id!r} (see /sources)")
    return json_response(found)


@router.get("/stats", response_model=models.Stats, tags=["sources"], summary="Counts of entities, claims, ties, sources")
def stats(cat: Annotated[Catalog, Depends(get_catalog)]):
    # counted once per generation of the graph (nine aggregate queries: ~70 ms on the seed graph)
    return queries.catalog_stats(cat)
