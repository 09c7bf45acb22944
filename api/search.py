"""Entity search for ``GET /entities?q=``: folding, ranking and paging.

The matching itself is :func:`graph.read.search.search_entities` (shared with the views and the
notebooks), which folds case, diacritics, apostrophes and hyphens with :mod:`graph.text`, so
``hayat tahrir al sham`` finds *Hay'at Tahrir al-Sham* and ``KTJ``, ``IDU`` or ``Mahdi Arsalan``
resolve through aliases. This module turns a request into a page of typed hits.

>>> from graph.testing import fixture_store
>>> search(fixture_store(), "ktj", None, 10, 0)["items"][0]["id"]
'ktj'
"""

from __future__ import annotations

from graph.read.queries import entity_kinds, list_entities
from graph.read.search import search_entities
from graph.store import GraphStore

from .deps import bad_parameter


def check_kind(store: GraphStore, kind: str | None) -> str | None:
    """The entity kind filter, checked against the ontology (422 naming ``type`` if unknown)."""
    if kind is None or kind == "":
        return None
    kinds = entity_kinds(store)
    if kind not in kinds:
        raise bad_parameter("type", f"unknown entity kind {kind!r} (known: {', '.join(sorted(kinds))})")
    return kind


def search(store: GraphStore, q: str | None, kind: str | None, limit: int, offset: int) -> dict:
    """``{"total", "items"}``: ranked hits for ``q``, or every entity (by label) when ``q`` is empty."""
    kind = check_kind(store, kind)
    if q is None or not q.strip():
        everything = list_entities(store, kind)
        items = [{**e, "matched": e["label"], "score": 0} for e in everything[offset:offset + limit]]
        return {"total": len(everything), "items": items}
    try:
        return search_entities(store, q, kind=kind, limit=limit, offset=offset)
    except ValueError as exc:
        raise bad_parameter("q", str(exc)) from None
