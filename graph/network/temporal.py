"""The network at a date: the edges whose tie holds (or is presumed to) then.

Statuses come from the one time rule (:func:`graph.timeline.status_at`), so a snapshot shows what
``/relations?at=`` and ``/views/network?at=`` show for the same date.

>>> from graph.testing import fixture_catalog
>>> from graph.network import project
>>> G = project(fixture_catalog())
>>> S = snapshot(G, 2010)
>>> sorted((u, d["relation"], d["status"]) for u, v, d in S.edges(data=True) if v == "imu")
[('usman-ghazi', 'leaderOf', 'holds')]
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from ..dates import parse_date
from ..timeline import Period, period
from .projection import edge_status

DEFAULT_STATUSES = ("holds", "presumed")


def as_period(at: Any = None, start: Any = None, end: Any = None) -> Period:
    """A :class:`graph.timeline.Period` from a date (``2015``, ``"2015-08"``, a ``datetime.date``),
    a range ``start``..``end``, or a period itself.

    >>> as_period(2015).first.isoformat(), as_period(start=2014, end=2015).last.isoformat()
    ('2015-01-01', '2015-12-31')
    """
    if isinstance(at, Period):
        return at
    if at is not None:
        return period(parse_date(at))
    return period(start=str(parse_date(start)) if start is not None else None,
                  end=str(parse_date(end)) if end is not None else None)


def period_attrs(when: Period, at: Any = None) -> dict[str, str | None]:
    """What a snapshot records of its period in ``H.graph``: ``at`` (the date asked, or
    ``first/last``), ``first`` and ``last`` (ISO days, ``None`` = open).

    >>> period_attrs(as_period(start=2014, end=2015))
    {'at': '2014-01-01/2015-12-31', 'first': '2014-01-01', 'last': '2015-12-31'}
    """
    iso = lambda d: d.isoformat() if d else ""  # noqa: E731
    label = str(parse_date(at)) if at is not None and not isinstance(at, Period) else f"{iso(when.first)}/{iso(when.last)}"
    return {"at": label, "first": iso(when.first) or None, "last": iso(when.last) or None}


def snapshot(G: nx.MultiDiGraph, at: Any = None, *, start: Any = None, end: Any = None,
             statuses: tuple[str, ...] = DEFAULT_STATUSES, acts: bool = True, keep_isolated: bool = False) -> nx.MultiDiGraph:
    """The network at ``at`` (a year, month or day) or over ``start``..``end``: the edges whose tie
    has one of ``statuses`` then, each with its ``status``. One-off acts dated then are in
    (``acts=False`` leaves them out). Nodes without an edge are dropped unless ``keep_isolated``.
    ``H.graph["at"]`` names the period.

    >>> from graph.testing import fixture_catalog
    >>> from graph.network import project
    >>> G = project(fixture_catalog())
    >>> sorted({d["relation"] for *_, d in snapshot(G, 2015).edges("usman-ghazi", data=True)})
    ['defectedTo', 'killedBy', 'leaderOf']
    >>> snapshot(G, 2015).graph["at"]
    '2015'
    """
    when = as_period(at, start, end)
    H = nx.MultiDiGraph()
    H.graph.update(G.graph, **period_attrs(when, at))
    if keep_isolated:
        H.add_nodes_from(G.nodes(data=True))
    for u, v, k, d in G.edges(keys=True, data=True):
        if d["one_off"] and not acts:
            continue
        status = edge_status(d, when)
        if status in statuses:
            for n in (u, v):
                if n not in H:
                    H.add_node(n, **G.nodes[n])
            H.add_edge(u, v, k, **{**d, "status": status})
    return H


def _dyad(u: str, v: str) -> tuple[str, str]:
    return (u, v) if u <= v else (v, u)


def dyad_types(G: nx.MultiDiGraph) -> dict[tuple[str, str], frozenset[str]]:
    """For each unordered pair of nodes with an edge: the set of relation types between them.

    >>> from graph.testing import fixture_catalog
    >>> from graph.network import project
    >>> dyad_types(project(fixture_catalog()))[("hts", "kib")]
    frozenset({'memberOfCoalition'})
    """
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u, v, d in G.edges(data=True):
        out[_dyad(u, v)].add(d["relation"])
    return {k: frozenset(s) for k, s in out.items()}
