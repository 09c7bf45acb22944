"""REST/JSON routes about the sources: the documents, the claims citing each, and the counts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from graph.read import queries
from graph.store import GraphStore

from .. import models
from ..deps import get_store
from ..errors import ApiError
from ..params import ERRORS, json_response

router = APIRouter()


@router.get("/sources", response_model=list[models.SourceSummary], tags=["sources"], summary="Source documents")
def sources(store: Annotated[GraphStore, Depends(get_store)]):
    return queries.list_sources(store)


@router.get("/sources/{source_id}", response_model=models.SourceDetail, tags=["sources"], responses=ERRORS,
            summary="A source document and the claims that cite it")
def source(source_id: str, store: Annotated[GraphStore, Depends(get_store)]):
    found = queries.source_detail(store, source_id)
    if found is None:
        raise ApiError(404, "not_found", f"no source with id {source_id!r} (see /sources)")
    return json_response(found)


@router.get("/stats", response_model=models.Stats, tags=["sources"], summary="Counts of entities, claims, sources")
def stats(store: Annotated[GraphStore, Depends(get_store)]):
    return queries.graph_stats(store)
