"""Degree and betweenness centrality of the network over time."""

from __future__ import annotations

from typing import Any, Iterable

import networkx as nx

from .temporal import snapshot


def centrality(G: nx.MultiDiGraph, times: Iterable[Any], acts: bool = False, as_of: str = "period") -> list[dict]:
    """Degree and betweenness centrality (normalised, on the undirected simple graph: parallel
    claims count once) of every node in the :func:`snapshot` at each of ``times``.

    Returns rows ``{"at", "node", "label", "kind", "degree", "betweenness", "neighbours"}``,
    sorted by time then by falling degree.

    >>> from graph.testing import fixture_store

    >>> from graph.network import project
    >>> G = project(fixture_store(), kinds=["group"])
    >>> top = centrality(G, [2021])[0]
    >>> top["at"], top["node"], round(top["degree"], 3) > 0
    ('2021', 'taliban', True)
    """
    rows: list[dict] = []
    for at in times:
        S = snapshot(G, at, acts=acts, as_of=as_of)
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


# ---------------------------------------------------------------------------------------- export
