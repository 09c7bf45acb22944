"""What happened between two entities over time, and how relation types follow one another."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

import networkx as nx

from .projection import edge_record, filter_network
from .temporal import _dyad


def _when(d: dict) -> str:
    """Sort key for an edge: begin, else finish, else last."""
    return d["begin"] or d["finish"] or "9999"

def dyad_history(G: nx.MultiDiGraph, a: str, b: str) -> list[dict]:
    """Every claim between ``a`` and ``b`` (either direction), oldest first (:func:`edge_record`
    dicts; claims with no date at all sort last).

    >>> from graph.testing import fixture_store

    >>> from graph.network import project
    >>> G = project(fixture_store())
    >>> [(r["source"], r["relation"], r["start"] or r["as_of"]) for r in dyad_history(G, "imu", "usman-ghazi")]
    [('usman-ghazi', 'leaderOf', '2009'), ('usman-ghazi', 'leaderOf', '')]
    """
    recs = []
    for u, v in ((a, b), (b, a)):
        if G.has_edge(u, v):
            for d in G[u][v].values():
                recs.append((_when(d), d["claim"], edge_record(G, u, v, d)))
    return [r for *_, r in sorted(recs, key=lambda t: t[:2])]

def dyad_histories(G: nx.MultiDiGraph, kinds: Iterable[str] | None = None,
                   relations: Iterable[str] | None = None) -> dict[tuple[str, str], list[dict]]:
    """:func:`dyad_history` of every linked pair (both ends of ``kinds``, edges of ``relations``).

    >>> from graph.testing import fixture_store

    >>> from graph.network import project
    >>> h = dyad_histories(project(fixture_store()), kinds=["group"])
    >>> [r["relation"] for r in h[("hts", "hurras-ad-din")]]
    ['rivalOf']
    """
    H = filter_network(G, kinds=kinds, relations=relations)
    pairs = sorted({_dyad(u, v) for u, v in H.edges() if u != v})
    return {p: dyad_history(H, *p) for p in pairs}

def dyad_sequence(history: list[dict]) -> list[tuple[str, str]]:
    """The order in which relation types appear in a dyad history: ``(date, relation)`` with runs
    of the same relation collapsed. Claims without any date are left out (their order is unknown).

    >>> dyad_sequence([{"begin": "2001-01-01", "finish": None, "relation": "a"},
    ...                {"begin": "2005-01-01", "finish": None, "relation": "a"},
    ...                {"begin": None, "finish": "2010-12-31", "relation": "b"}])
    [('2001-01-01', 'a'), ('2010-12-31', 'b')]
    """
    seq: list[tuple[str, str]] = []
    for r in sorted(history, key=_when):
        when = r["begin"] or r["finish"]
        if when is None:
            continue
        if not seq or seq[-1][1] != r["relation"]:
            seq.append((when, r["relation"]))
    return seq

def dyad_transitions(histories: dict[tuple[str, str], list[dict]]) -> Counter:
    """How often relation type X is followed by relation type Y within a dyad (a Counter of
    ``(X, Y)``), over all given dyad histories (see :func:`dyad_sequence`).

    >>> h = {("a", "b"): [{"begin": "2001-01-01", "finish": None, "relation": "alliedWith"},
    ...                   {"begin": "2009-01-01", "finish": None, "relation": "rivalOf"}]}
    >>> dyad_transitions(h)
    Counter({('alliedWith', 'rivalOf'): 1})
    """
    counts: Counter = Counter()
    for history in histories.values():
        seq = [rel for _, rel in dyad_sequence(history)]
        counts.update(zip(seq, seq[1:]))
    return counts


# ------------------------------------------------------------------------------------ centrality
