"""The graph as a networkx ``MultiDiGraph``: one node per entity, one edge per tie.

Edges come from the catalog's ties (:mod:`graph.timeline`: the claims of one subject, relation
and object, dated by the time rule), keyed by the tie's key, so the network at a date
(:func:`graph.network.snapshot`) is exactly what the API answers at that date. Figures are not
edges.

>>> from graph.testing import fixture_catalog
>>> G = project(fixture_catalog())
>>> d = G.edges["usman-ghazi", "imu", "usman-ghazi--leaderOf--imu"]
>>> d["relation"], d["first"], d["ended_on"], d["end_reason"], len(d["claims"])
('leaderOf', '2009-01-01', '2015-12-31', 'death', 2)
"""

from __future__ import annotations

from typing import Iterable

import networkx as nx

from ..read.catalog import Catalog, TieRecord
from ..timeline import Period, span_dicts, status_at


def _edge_attrs(cat: Catalog, tie: TieRecord, meta: dict) -> dict:
    every = cat.claims()
    claims = [every[cid] for cid in tie.claims if cid in every]
    sources: list[str] = []
    for c in claims:
        for s in c.sources:
            text = s.document + ("" if s.line_start is None else f":{s.line_start}" if s.line_end in (None, s.line_start)
                                 else f":{s.line_start}-{s.line_end}")
            if text not in sources:
                sources.append(text)
    return dict(
        tie=tie.key, relation=tie.relation, relation_label=tie.relation_label, category=meta.get("category", ""),
        symmetric=meta.get("symmetric", False), one_off=tie.one_off, always=tie.always, factual=tie.factual,
        first=tie.first, last=tie.last, presumed_until=tie.presumed_until, ended_on=tie.ended_on,
        end_reason=tie.end_reason, ended_by=tie.ended_by,
        claims=list(tie.claims), sources=sources,
        qualifiers=sorted({q for c in claims for q in c.qualifiers}),
        datings=sorted({c.dating for c in claims}), circa=any(c.circa for c in claims),
        disputed=tie.disputed, disputes=sorted({o for c in claims for o in c.disputed_by}),
        roles=sorted({c.role for c in claims if c.role}),
        rule=tie.timeline_tie(),
    )


def project(cat: Catalog, kinds: Iterable[str] | None = None, relations: Iterable[str] | None = None,
            categories: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The graph as a MultiDiGraph: entity ids as nodes, one edge per tie keyed by the tie's key.

    Node attributes: ``label``, ``kind``, ``subtype``, ``aliases`` (English ones as they are,
    others as ``text@lang``). Edge attributes: ``tie``, ``relation``, ``relation_label``,
    ``category``, ``symmetric``, ``one_off``, ``always``, ``factual``; the rule's days ``first``,
    ``last``, ``presumed_until``, ``ended_on`` (ISO, ``None`` = none) and ``end_reason``,
    ``ended_by``; ``claims`` (the attestations), ``sources`` (``doc:lines``), ``qualifiers``,
    ``datings``, ``circa``, ``disputed``, ``disputes``, ``roles``; and ``rule`` (the
    :class:`graph.timeline.Tie`, for :func:`edge_status`). ``G.graph`` carries the colours of the
    relation families and entity kinds. ``kinds``/``relations``/``categories`` filter as
    :func:`filter_network` does.

    >>> from graph.testing import fixture_catalog
    >>> G = project(fixture_catalog())
    >>> G.nodes["imu"]["kind"], G.nodes["imu"]["label"], G.nodes["imu"]["aliases"]
    ('group', 'Islamic Movement of Uzbekistan', ['IDU@ru', 'IMU'])
    >>> sorted({d["relation"] for _, _, d in G.edges("kib", data=True)})
    ['memberOfCoalition']
    """
    meta = cat.relation_types()
    G = nx.MultiDiGraph()
    G.graph["families"] = {name: f["color"] for name, f in cat.families().items()}
    G.graph["kinds"] = {name: k["color"] for name, k in cat.kinds().items()}
    for e in cat.entities().values():
        aliases = [a.text if a.lang in ("", "en") else f"{a.text}@{a.lang}" for a in e.aliases]
        G.add_node(e.id, label=e.label, kind=e.kind, subtype=e.subtype or "", aliases=aliases)
    for tie in cat.ties().values():
        if tie.object is None:
            continue
        for node in (tie.subject, tie.object):
            if node.id not in G:
                G.add_node(node.id, label=node.label or node.id, kind=node.kind or "", subtype="", aliases=[])
        G.add_edge(tie.subject.id, tie.object.id, key=tie.key, **_edge_attrs(cat, tie, meta.get(tie.relation, {})))
    if kinds is not None or relations is not None or categories is not None:
        G = filter_network(G, kinds=kinds, relations=relations, categories=categories)
    return G


def edge_status(data: dict, when: Period) -> str | None:
    """The status (``holds``, ``presumed``, ``ended`` or ``None``) of an edge's tie at ``when``."""
    return status_at(data["rule"], when)


def filter_network(G: nx.MultiDiGraph, kinds: Iterable[str] | None = None, relations: Iterable[str] | None = None,
                   categories: Iterable[str] | None = None, nodes: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """A copy of ``G`` with only nodes of these ``kinds`` (or these ``nodes``) and edges of these
    ``relations`` or relation ``categories``; ``None`` keeps everything. An edge stays only if both
    its ends stay. Isolated nodes of the kept kinds stay too.

    >>> from graph.testing import fixture_catalog
    >>> G = project(fixture_catalog())
    >>> H = filter_network(G, kinds=["group"], relations=["rivalOf"])
    >>> sorted((u, v) for u, v in H.edges())
    [('hts', 'hurras-ad-din'), ('iskp', 'taliban')]
    """
    kinds = set(kinds) if kinds is not None else None
    relations = set(relations) if relations is not None else None
    categories = set(categories) if categories is not None else None
    chosen = set(nodes) if nodes is not None else None
    keep = [n for n, d in G.nodes(data=True)
            if (kinds is None or d.get("kind") in kinds) and (chosen is None or n in chosen)]
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from((n, G.nodes[n]) for n in keep)
    H.add_edges_from(
        (u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)
        if u in H and v in H and (relations is None or d["relation"] in relations)
        and (categories is None or d["category"] in categories))
    return H


def edge_record(G: nx.MultiDiGraph, u: str, v: str, data: dict) -> dict:
    """One edge as a flat dict (for tables and sentences): its ends with labels, the relation,
    the rule's days and ``spans`` (its runs: :func:`graph.timeline.span_dicts`), the status (when the
    edge comes from a snapshot), claims, sources, disputes."""
    return {
        "tie": data["tie"], "source": u, "source_label": G.nodes[u].get("label", u),
        "target": v, "target_label": G.nodes[v].get("label", v), "relation": data["relation"],
        "relation_label": data["relation_label"], "category": data["category"], "one_off": data["one_off"],
        "first": data["first"], "last": data["last"], "presumed_until": data["presumed_until"],
        "ended_on": data["ended_on"], "end_reason": data["end_reason"], "status": data.get("status"),
        "circa": data["circa"], "datings": list(data["datings"]), "qualifiers": list(data["qualifiers"]),
        "claims": list(data["claims"]), "sources": list(data["sources"]), "disputed": data["disputed"],
        "disputes": list(data["disputes"]), "spans": span_dicts(data["rule"]),
    }
