"""The ego network walked out from its focus (:func:`graph.network.ego.ego_network`) is exactly what
filtering the whole projection and then keeping the entities within ``depth`` steps gave (the
network view's way before), on the fixture graph and the project's seed graph, for every focus
and many filters; and the network JSON of an ego network is the same either way."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

import graph.network as gn
from graph.network.ego import ego_network, node_rank
from graph.settings import PROJECT_ROOT
from graph.testing import fixture_catalog


def whole_graph_way(G, focus, depth, kinds=None, relations=None, at=None, start=None, end=None,
                    statuses=gn.temporal.DEFAULT_STATUSES):
    """The ego network as the view made it before: filter all of ``G``, then keep the steps."""
    H = gn.filter_network(G, kinds=kinds) if kinds is not None else G
    if at is not None or start is not None or end is not None:
        H = gn.snapshot(H, at, start=start, end=end, statuses=statuses, acts=True)
    if relations is not None:
        H = gn.filter_network(H, relations=relations)
    if focus not in H:
        if kinds is not None and G.nodes[focus].get("kind") not in kinds:
            H = nx.MultiDiGraph()
        H = H.copy() if H is G else H
        H.add_node(focus, **G.nodes[focus])
    keep = nx.single_source_shortest_path_length(H.to_undirected(as_view=True), focus, cutoff=depth)
    return gn.filter_network(H, nodes=keep)


def edges(H):
    return [(u, v, k, sorted(d.items(), key=lambda kv: kv[0])) for u, v, k, d in H.edges(keys=True, data=True)]


def filter_sets(G):
    relations = sorted({d["relation"] for *_, d in G.edges(data=True)})
    kinds = sorted({d.get("kind") for _, d in G.nodes(data=True)})
    yield {}
    yield {"kinds": kinds[:2]}
    yield {"relations": relations[::3]}
    for year in ("2001", "2010", "2015-06", "2021"):
        yield {"at": year}
    yield {"at": "2014", "statuses": ("ended",)}
    yield {"start": "2008", "end": "2012", "relations": relations[::2], "kinds": kinds[1:]}
    yield {"start": "2016"}


def seed_catalog():
    return fixture_catalog(PROJECT_ROOT / "seeds")


@pytest.mark.parametrize("make", [fixture_catalog, seed_catalog], ids=["fixture", "seeds"])
def test_ego_network_is_the_whole_graph_way(make):
    G = gn.project(make())
    rank = node_rank(G)
    by_degree = sorted(G, key=lambda n: -G.degree(n))
    foci = list(G) if len(G) <= 200 else by_degree[:6] + list(G)[:: max(1, len(G) // 14)]
    compared = nonempty = 0
    for focus, depth, filters in itertools.product(foci, (0, 1, 2), list(filter_sets(G))):
        if len(G) > 200 and depth == 2 and focus in by_degree[:6]:
            continue  # hubs at depth 2 are most of the graph: slow to compare, nothing new
        expected = whole_graph_way(G, focus, depth, **filters)
        got = ego_network(G, focus, depth, rank=rank, **filters)
        # without a date in the same order too (the layouts are made from those, and depend on it);
        # a snapshot orders its nodes by the first edge at them, which nothing reads
        ordered = (lambda x: x) if not {"at", "start"} & set(filters) else sorted
        assert ordered(list(got.nodes(data=True))) == ordered(list(expected.nodes(data=True))), (focus, depth, filters)
        assert ordered(edges(got)) == ordered(edges(expected)), (focus, depth, filters)
        if expected.graph:  # (the old way dropped the header when the focus is of a kind left out)
            assert got.graph == expected.graph
        compared += 1
        nonempty += got.number_of_edges() > 0
    assert compared and nonempty > compared / 4  # the filters leave something to compare


def test_every_node_is_within_reach_over_edges_that_pass():
    G = gn.project(seed_catalog())
    focus = max(G, key=G.degree)
    H = ego_network(G, focus, 1, at="2015")
    assert focus in H
    for n in H:
        assert n == focus or H.has_edge(focus, n) or H.has_edge(n, focus)
    for u, v, k, d in H.edges(keys=True, data=True):
        assert d["status"] in ("holds", "presumed") and d["claims"] and d["sources"]
        assert gn.edge_status(G.edges[u, v, k], gn.as_period("2015")) == d["status"]


def test_network_json_of_an_ego_network_is_the_same(monkeypatch):
    """build_view over the new walk and over the old whole-graph filters: the same JSON."""
    from api.views import network as view

    Catalog = seed_catalog().__class__
    catalogs = {}  # one per way, so that the layouts each memoizes are its own

    def view_of(select, q):
        cat = catalogs.setdefault(select, Catalog(seed_catalog().store, f"ego-test-{len(catalogs)}"))
        monkeypatch.setattr(view, "select_graph", select)
        return view.build_view(cat, q)

    new_select = view.select_graph

    def old_select(cat, q):
        view._check_names(cat, q)
        G = view.projection(cat)
        return whole_graph_way(G, q.focus, q.depth, kinds=q.kinds, relations=q.types, at=q.at, start=q.start,
                               end=q.end, statuses=q.status)

    G = gn.project(seed_catalog())
    hubs = sorted(G, key=lambda n: -G.degree(n))[:3]
    relations = tuple(sorted({d["relation"] for *_, d in G.edges(data=True)})[::2])
    for focus in hubs:
        for q in (view.NetworkQuery(focus=focus), view.NetworkQuery(focus=focus, depth=2, at="2015"),
                  view.NetworkQuery(focus=focus, types=relations, start="2005", end="2012")):
            assert view_of(new_select, q) == view_of(old_select, q), q
