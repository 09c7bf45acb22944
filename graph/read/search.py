"""Entity search over labels and aliases, folded (:func:`graph.text.fold`) and ranked.

>>> from graph.testing import fixture_store
>>> search_entities(fixture_store(), "ktj")["items"][0]["id"]
'ktj'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..store import GraphStore
from ..text import compact, fold
from .queries import _entity_table, _memo, list_entities


@dataclass
class _Named:
    entity: dict
    blob: str = ""  # every folded name, for a quick "could it match at all" test
    names: list[tuple[str, str, bool, str, tuple[str, ...]]] = field(default_factory=list)
    # (name, folded, is_label, compact, words)

def _search_index(store: GraphStore) -> list[_Named]:
    def build():
        table = _entity_table(store)
        index = []
        for e in list_entities(store):
            named = _Named(e)
            for is_label, key in ((True, "labels"), (False, "aliases")):
                for n in table[e["id"]][key]:
                    folded = fold(n["text"])
                    named.names.append((n["text"], folded, is_label, folded.replace(" ", ""), tuple(folded.split())))
            named.blob = " | ".join(f"{n[1]} {n[3]}" for n in named.names)
            index.append(named)
        return index

    return _memo(store, "search", build)

def _score(query_words: list[str], query_compact: str, name_compact: str, words: tuple[str, ...],
           is_label: bool) -> int:
    if not name_compact or query_compact[0] not in name_compact:
        return 0
    bonus = 5 if is_label else 0
    if name_compact == query_compact:
        return 100 + bonus
    if name_compact.startswith(query_compact):
        return 80 + bonus
    if all(any(w.startswith(q) for w in words) for q in query_words):
        return 60 + bonus
    if query_compact in name_compact:
        return 40 + bonus
    return 0

def search_entities(store: GraphStore, q: str, kind: str | None = None, limit: int = 20, offset: int = 0) -> dict:
    """Entities whose label or an alias matches ``q``, best first.

    Matching folds case, diacritics, apostrophes and hyphens (:func:`graph.text.fold`), so
    ``hayat tahrir al sham`` finds *Hay'at Tahrir al-Sham*. Ranking: exact name > name starting
    with the query > every query word starts a word of the name > the query inside the name; a
    label beats an alias; ties by shorter label. If nothing matches, close spellings are tried.
    Returns ``{"total": n, "items": [...]}`` where each item has id, kind, label, ``matched``
    (the name that matched) and ``score``.

    >>> from graph.testing import fixture_store
    >>> search_entities(fixture_store(), "hayat tahrir al sham")["items"][0]["id"]
    'hts'
    >>> search_entities(fixture_store(), "Mahdi Arsalan")["items"][0]["id"]
    'muhammad-sharifov'
    """
    qf, qc = fold(q), compact(q)
    query_words = qf.split()
    if not qc:
        raise ValueError("the search text has no letters or digits")
    hits = []
    for named in _search_index(store):
        if kind and named.entity["kind"] != kind:
            continue
        if not all(w in named.blob for w in query_words) and qc not in named.blob:
            continue  # no name can match: every kind of match needs the words (or the compact form)
        best, matched = 0, ""
        for name, _folded, is_label, name_compact, words in named.names:
            s = _score(query_words, qc, name_compact, words, is_label)
            if s > best:
                best, matched = s, name
        if best:
            hits.append((best, matched, named.entity))
    if not hits:  # nothing literal: try close spellings (typos, transliterations)
        import difflib

        for named in _search_index(store):
            if kind and named.entity["kind"] != kind:
                continue
            best, matched = 0.0, ""
            for name, folded, *_ in named.names:
                for candidate in {folded.replace(" ", ""), *(folded.split() if " " not in qf else ())}:
                    ratio = difflib.SequenceMatcher(None, qc, candidate).ratio()
                    if ratio > best:
                        best, matched = ratio, name
            if best >= 0.75:
                hits.append((int(best * 30), matched, named.entity))
    hits.sort(key=lambda h: (-h[0], len(h[2]["label"]), h[2]["label"].lower()))
    items = [{**e, "matched": m, "score": s} for s, m, e in hits[offset:offset + limit]]
    return {"total": len(hits), "items": items}


# ---------------------------------------------------------------------------- claims
