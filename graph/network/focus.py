"""Choosing what a notebook looks at, from the graph itself: entities by name, the places inside
a state, the groups tied to Central Asia (with the claims that tie them), the state an agency
belongs to.

>>> from graph.testing import fixture_catalog
>>> from graph.network import project
>>> G = project(fixture_catalog())
>>> find(G, "IMU"), find(G, "Shanghai Cooperation Organisation")
('imu', None)
>>> sorted(places_within(G, ["tajikistan"]))
['rasht-valley', 'tajikistan']
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

import networkx as nx

from .projection import edge_record

CENTRAL_ASIA = ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"]
TIES = ("originatesFrom", "basedIn")  # group -> place
OFFSHOOTS = ("factionOf", "splitFrom", "evolvedFrom")  # offshoot -> parent group
FOUNDS = ("founderOf",)  # parent group -> offshoot
LEADS = ("leaderOf", "founderOf", "commanderOf", "deputyLeaderOf")  # person -> group
PERSON_PLACE = ("nationalOf", "originatesFrom")


def find(G: nx.MultiDiGraph, name: str, kind: str | None = None) -> str | None:
    """The id of the node whose id, label or an alias is ``name`` (case-insensitive), or ``None``."""
    wanted = name.casefold()
    for n, d in G.nodes(data=True):
        if kind and d.get("kind") != kind:
            continue
        names = [n, d.get("label", "")] + [a.rsplit("@", 1)[0] for a in d.get("aliases", [])]
        if wanted in (x.casefold() for x in names):
            return n
    return None


def find_all(G: nx.MultiDiGraph, names: Iterable[str], kind: str | None = None) -> dict[str, str | None]:
    """:func:`find` for each name: ``{name: id or None}``."""
    return {name: find(G, name, kind) for name in names}


def places_within(G: nx.MultiDiGraph, roots: Iterable[str]) -> set[str]:
    """The ``roots`` and every node that is ``partOf`` one of them, directly or not."""
    inside = {r for r in roots if r in G}
    frontier = list(inside)
    while frontier:
        node = frontier.pop()
        for u, _, d in G.in_edges(node, data=True):
            if d["relation"] == "partOf" and u not in inside:
                inside.add(u)
                frontier.append(u)
    return inside


def groups_tied_to(G: nx.MultiDiGraph, places: Iterable[str]) -> dict[str, list[dict]]:
    """Groups tied to ``places`` (and the places within them): a group that originates from or is
    based in one, or that is led, founded or commanded by a national of (or a person from) one;
    then, until nothing changes, the factions, splinters and offshoots of a tied group and the
    groups a tied group founded. Returns ``{group: [edge records of the claims that tie it]}``.

    >>> from graph.testing import fixture_catalog
    >>> from graph.network import project
    >>> G = project(fixture_catalog())
    >>> tied = groups_tied_to(G, ["kyrgyzstan", "tajikistan"])
    >>> sorted(tied)
    ['iju', 'jamaat-ansarullah']
    >>> [(r["source"], r["relation"], r["target"]) for r in tied["iju"]]
    [('ilimbek-mamatov', 'nationalOf', 'kyrgyzstan'), ('ilimbek-mamatov', 'leaderOf', 'iju')]
    """
    area = places_within(G, places)
    ties: dict[str, list[dict]] = defaultdict(list)
    for u, v, d in G.edges(data=True):
        if v in area and d["relation"] in TIES and G.nodes[u].get("kind") == "group":
            ties[u].append(edge_record(G, u, v, d))
    for u, v, d in G.edges(data=True):
        if v in area and d["relation"] in PERSON_PLACE and G.nodes[u].get("kind") == "person":
            for _, group, e in G.out_edges(u, data=True):
                if e["relation"] in LEADS and G.nodes[group].get("kind") == "group":
                    ties[group] += [edge_record(G, u, v, d), edge_record(G, u, group, e)]
    changed = True
    while changed:
        changed = False
        for u, v, d in G.edges(data=True):
            if G.nodes[u].get("kind") != "group" or G.nodes[v].get("kind") != "group":
                continue
            child = u if d["relation"] in OFFSHOOTS and v in ties else v if d["relation"] in FOUNDS and u in ties else None
            if child and child not in ties:
                ties[child] = [edge_record(G, u, v, d)]
                changed = True
    return dict(sorted(ties.items()))


def state_of(G: nx.MultiDiGraph, node: str) -> str | None:
    """The state a node is or belongs to (following ``partOf``), or ``None``.

    >>> from graph.testing import fixture_catalog
    >>> from graph.network import project
    >>> G = project(fixture_catalog())
    >>> state_of(G, "rasht-valley"), state_of(G, "tajikistan"), state_of(G, "csto")
    ('tajikistan', 'tajikistan', None)
    """
    seen, frontier = set(), [node]
    while frontier:
        n = frontier.pop(0)
        if n in seen or n not in G:
            continue
        seen.add(n)
        if G.nodes[n].get("kind") == "state":
            return n
        frontier += [v for _, v, d in G.out_edges(n, data=True) if d["relation"] == "partOf"]
    return None
