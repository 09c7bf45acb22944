"""What happened between two entities over time, and how relation types follow one another.

A dyad's history is the sequence of the *sets* of relation types that hold (or are presumed to)
between the two, as the time rule dates their ties: a new set begins where a tie begins or ends.
Transitions count real changes of that set (a type ending, another beginning), not the order in
which documents were written.

>>> from graph.testing import fixture_catalog
>>> from graph.network import project
>>> G = project(fixture_catalog())
>>> [(when, sorted(types)) for when, types in dyad_sequence(G, "imu", "usman-ghazi")]
[('2009-01-01', ['leaderOf']), ('2016-01-01', [])]
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from typing import Iterable

import networkx as nx

from ..timeline import ONE_DAY, Period
from .projection import edge_record, edge_status, filter_network
from .temporal import DEFAULT_STATUSES, _dyad


def _edges(G: nx.MultiDiGraph, a: str, b: str) -> list[tuple[str, str, dict]]:
    return [(u, v, d) for u, v in ((a, b), (b, a)) if G.has_edge(u, v) for d in G[u][v].values()]


def dyad_history(G: nx.MultiDiGraph, a: str, b: str) -> list[dict]:
    """Every tie between ``a`` and ``b`` (either direction), in the order they were first attested
    (:func:`graph.network.edge_record` dicts).

    >>> from graph.testing import fixture_catalog
    >>> from graph.network import project
    >>> [(r["relation"], r["first"]) for r in dyad_history(project(fixture_catalog()), "imu", "usman-ghazi")]
    [('leaderOf', '2009-01-01')]
    """
    recs = [edge_record(G, u, v, d) for u, v, d in _edges(G, a, b)]
    return sorted(recs, key=lambda r: (r["first"] or "9999", r["tie"]))


def dyad_sequence(G: nx.MultiDiGraph, a: str, b: str, statuses: tuple[str, ...] = DEFAULT_STATUSES,
                  acts: bool = False) -> list[tuple[str, frozenset[str]]]:
    """The dyad's relation-type sets over time: ``(first day, types)`` each time the set changes
    (an empty set once every tie has ended). One-off acts count only with ``acts``."""
    edges = [d for *_, d in _edges(G, a, b) if acts or not d["one_off"]]
    points = set()
    for d in edges:
        for day in (d["first"], d["ended_on"], d["last"] if d["one_off"] else None):
            if day:
                points.add(_dt.date.fromisoformat(day) + (ONE_DAY if day != d["first"] else _dt.timedelta(0)))
    seq: list[tuple[str, frozenset[str]]] = []
    for day in sorted(points):
        types = frozenset(d["relation"] for d in edges if edge_status(d, Period(day, day)) in statuses)
        if (not seq and types) or (seq and seq[-1][1] != types):
            seq.append((day.isoformat(), types))
    return seq


def dyad_histories(G: nx.MultiDiGraph, kinds: Iterable[str] | None = None,
                   relations: Iterable[str] | None = None) -> dict[tuple[str, str], list[dict]]:
    """:func:`dyad_history` of every linked pair (both ends of ``kinds``, edges of ``relations``).

    >>> from graph.testing import fixture_catalog
    >>> from graph.network import project
    >>> h = dyad_histories(project(fixture_catalog()), kinds=["group"])
    >>> [r["relation"] for r in h[("hts", "hurras-ad-din")]]
    ['rivalOf']
    """
    H = filter_network(G, kinds=kinds, relations=relations)
    pairs = sorted({_dyad(u, v) for u, v in H.edges() if u != v})
    return {p: dyad_history(H, *p) for p in pairs}


def dyad_transitions(G: nx.MultiDiGraph, pairs: Iterable[tuple[str, str]] | None = None) -> Counter:
    """How often, within a dyad, a relation type ended or gave way as another began: a Counter of
    ``(from type, to type)`` over consecutive sets of :func:`dyad_sequence` (``"∅"`` for no tie),
    over ``pairs`` (every linked pair by default).

    >>> from graph.testing import fixture_catalog
    >>> from graph.network import project
    >>> dyad_transitions(project(fixture_catalog()), [("imu", "usman-ghazi")])
    Counter({('leaderOf', '∅'): 1})
    """
    counts: Counter = Counter()
    for a, b in pairs if pairs is not None else sorted({_dyad(u, v) for u, v in G.edges() if u != v}):
        seq = [types for _, types in dyad_sequence(G, a, b)]
        for before, after in zip(seq, seq[1:]):
            gone, new = sorted(before - after) or ["∅"], sorted(after - before) or ["∅"]
            counts.update((x, y) for x in gone for y in new if (x, y) != ("∅", "∅"))
    return counts
