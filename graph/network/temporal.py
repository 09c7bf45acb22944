"""The network at a date and what changed between two dates.

>>> from graph.testing import fixture_store
>>> from graph.network import project
>>> len(snapshot(project(fixture_store()), 2015)) > 0
True
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from ..dates import parse_date
from .projection import edge_record


def period(at: Any) -> tuple[str, str]:
    """The first and last day (ISO) of a date given as ``2015``, ``"2015-08"``, ``"2015-08-01"`` or a
    :class:`datetime.date`.

    >>> period(2015), period("2015-02")
    (('2015-01-01', '2015-12-31'), ('2015-02-01', '2015-02-28'))
    """
    d = parse_date(at)
    return d.first_day().isoformat(), d.last_day().isoformat()

def holds_during(data: dict, first: str, last: str, as_of: str = "period") -> bool:
    """Whether an edge's effective interval meets the days ``first`` .. ``last``.

    ``as_of="period"`` (default, the rule the API and the views follow too) holds a claim known
    only ``as of`` a date at the period of that date; ``as_of="onward"`` carries it forward from
    then on (as the store's ``current`` flag does), for trend analyses that say so.

    >>> e = {"begin": "2021-01-01", "finish": None, "begin_kind": "as_of", "as_of": "2021"}
    >>> holds_during(e, "2023-01-01", "2023-12-31"), holds_during(e, "2023-01-01", "2023-12-31", as_of="onward")
    (False, True)
    """
    begin, finish = data["begin"], data["finish"]
    if as_of == "period" and (data.get("begin_kind") or "").startswith("as_of") and not data.get("end"):
        finish = period(data["as_of"])[1]
    return (begin is None or begin <= last) and (finish is None or finish >= first)

def snapshot(G: nx.MultiDiGraph, at: Any, acts: bool = False, as_of: str = "period",
             keep_isolated: bool = False) -> nx.MultiDiGraph:
    """The network as it stood at ``at``: the edges whose interval meets that date (a year or a
    month means any time in it). One-off acts (killings, splits, defections) are left out unless
    ``acts=True``; then those dated within ``at`` are in. Nodes without an edge are dropped unless
    ``keep_isolated``. ``as_of`` is passed to :func:`holds_during`.

    >>> from graph.testing import fixture_store

    >>> from graph.network import project
    >>> G = project(fixture_store())
    >>> sorted(d["relation"] for *_, d in snapshot(G, 2010).edges("imu", data=True))
    ['basedIn']
    >>> sorted((u, d["start"], d["end"]) for u, v, d in snapshot(G, 2010).edges(data=True) if d["relation"] == "leaderOf" and v == "imu")
    [('usman-ghazi', '', '2015'), ('usman-ghazi', '2009', '')]
    >>> sorted({d["relation"] for *_, d in snapshot(G, 2015, acts=True).edges("usman-ghazi", data=True)})
    ['defectedTo', 'killedBy', 'leaderOf']
    >>> snapshot(G, 2015).graph["at"]
    '2015'
    """
    first, last = period(at)
    H = nx.MultiDiGraph()
    H.graph.update(G.graph, at=str(parse_date(at)), first=first, last=last)
    if keep_isolated:
        H.add_nodes_from(G.nodes(data=True))
    for u, v, k, d in G.edges(keys=True, data=True):
        if d["instantaneous"] and not acts:
            continue
        if d["instantaneous"] and d["begin_kind"] == "as_of_defaulted":
            continue  # an undated act: when it happened is unknown
        if holds_during(d, first, last, as_of):
            for n in (u, v):
                if n not in H:
                    H.add_node(n, **G.nodes[n])
            H.add_edge(u, v, k, **d)
    return H

def _dyad(u: str, v: str) -> tuple[str, str]:
    return (u, v) if u <= v else (v, u)

def dyad_types(G: nx.MultiDiGraph) -> dict[tuple[str, str], frozenset[str]]:
    """For each unordered pair of nodes with an edge: the set of relation types between them.

    >>> from graph.testing import fixture_store

    >>> from graph.network import project
    >>> dyad_types(project(fixture_store()))[("hts", "kib")]
    frozenset({'memberOfCoalition'})
    """
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u, v, d in G.edges(data=True):
        out[_dyad(u, v)].add(d["relation"])
    return {k: frozenset(s) for k, s in out.items()}

def changes(G: nx.MultiDiGraph, start: Any, end: Any, as_of: str = "period") -> dict[str, list[dict]]:
    """What changed between ``start`` and ``end`` (both inclusive: ``2014, 2015`` is two years).

    * ``formed``: standing relations whose known start falls in the window;
    * ``ended``: standing relations whose known end falls in the window;
    * ``reported``: standing relations without a known start first reported (as of) in the window;
    * ``acts``: one-off acts (killings, splits, defections, arrests) dated in the window;
    * ``changed_type``: pairs of nodes linked both at ``start`` and at ``end`` (see
      :func:`snapshot`) by different sets of relation types: ``{"dyad", "labels", "before", "after"}``.

    Each list is sorted by date; the edge lists hold :func:`edge_record` dicts.

    >>> from graph.testing import fixture_store

    >>> from graph.network import project
    >>> c = changes(project(fixture_store()), 2015, 2015)
    >>> sorted((r["source"], r["relation"], r["target"]) for r in c["acts"])[:2]
    [('imu-uzbek-faction', 'splitFrom', 'imu'), ('usman-ghazi', 'defectedTo', 'islamic-state')]
    >>> c = changes(project(fixture_store()), 2009, 2021)
    >>> [(r["source"], r["relation"], r["target"], r["begin"]) for r in c["formed"]][:1]
    [('usman-ghazi', 'leaderOf', 'imu', '2009-01-01')]
    >>> ("faryab", "imu") in {tuple(r["dyad"]) for r in c["changed_type"]}
    False
    """
    first, last = period(start)[0], period(end)[1]
    out: dict[str, list[dict]] = {"formed": [], "ended": [], "reported": [], "acts": [], "changed_type": []}
    inside = lambda day: day is not None and first <= day <= last
    for u, v, d in G.edges(data=True):
        rec = edge_record(G, u, v, d)
        if d["instantaneous"]:
            if d["begin_kind"] != "as_of_defaulted" and inside(d["begin"]):
                out["acts"].append(rec)
            continue
        if d["begin_kind"] == "start" and inside(d["begin"]):
            out["formed"].append(rec)
        elif d["begin_kind"] in ("as_of", "as_of_defaulted") and inside(d["begin"]):
            out["reported"].append(rec)
        if d["end"] and inside(d["finish"]):
            out["ended"].append(rec)
    before = dyad_types(snapshot(G, start, as_of=as_of))
    after = dyad_types(snapshot(G, end, as_of=as_of))
    for dyad in sorted(set(before) & set(after)):
        if before[dyad] != after[dyad]:
            out["changed_type"].append({
                "dyad": list(dyad), "labels": [G.nodes[n].get("label", n) for n in dyad],
                "before": sorted(before[dyad]), "after": sorted(after[dyad])})
    for key in ("formed", "reported", "acts"):
        out[key].sort(key=lambda r: (r["begin"] or "", r["claim"]))
    out["ended"].sort(key=lambda r: (r["finish"] or "", r["claim"]))
    return out


# ------------------------------------------------------------------------------------- dyads
