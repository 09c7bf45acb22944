"""Degree and betweenness centrality of the network over time (over ties that hold or are
presumed to at each date, by the one time rule)."""

from __future__ import annotations

from typing import Any, Iterable

import networkx as nx

from .temporal import DEFAULT_STATUSES, snapshot


def centrality(G: nx.MultiDiGraph, times: Iterable[Any], statuses: tuple[str, ...] = DEFAULT_STATUSES,
               acts: bool = False) -> list[dict]:
    """Degree and betweenness centrality (normalised, on the undirected simple graph: parallel
    ties count once) of every node in the :func:`graph.network.snapshot` at each of ``times``
    (ties with one of ``statuses``; one-off acts only with ``acts``).

    Returns rows ``{"at", "node", "label", "kind", "degree", "betweenness", "neighbours"}``,
    sorted by time then by falling degree.

    >>> from graph.testing import fixture_catalog
    >>> from graph.network import project
    >>> G = project(fixture_catalog(), kinds=["group"])
    >>> top = centrality(G, [2021])[0]
    >>> top["at"], top["node"], round(top["degree"], 3) > 0
    ('2021', 'taliban', True)
    """
    rows: list[dict] = []
    for at in times:
        S = snapshot(G, at, statuses=statuses, acts=acts)
        U = nx.Graph()
        U.add_nodes_from(S.nodes)
        U.add_edges_from((u, v) for u, v in S.edges() if u != v)
        degree = nx.degree_centrality(U) if len(U) > 1 else {n: 0.0 for n in U}
        between = nx.betweenness_centrality(U) if len(U) > 2 else {n: 0.0 for n in U}
        at_rows = [{"at": S.graph["at"], "node": n, "label": G.nodes[n].get("label", n),
                    "kind": G.nodes[n].get("kind", ""), "degree": degree[n], "betweenness": between[n],
                    "neighbours": U.degree(n)} for n in U]
        rows.extend(sorted(at_rows, key=lambda r: (-r["degree"], -r["betweenness"], r["node"])))
    return rows
