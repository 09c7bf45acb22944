"""Network views: the graph (or part of it) as vis-network nodes, edges and options.

The projection, the time snapshot and the kind/relation filters come from :mod:`graph.network`
(one edge per tie: the claims of one subject, relation and object). This module turns a filtered
projection into what the browser draws:

* one edge per tie, listing its claims, with its status at the date asked (a presumed tie is
  drawn faded); its tooltip gives the rule's days, qualifiers and sources; an edge is dashed
  when a claim of it is disputed;
* node colour and shape by entity kind, size by degree in the view; edge colour by relation
  type (each type a shade of its family's colour), an arrow for directed relations, none for
  symmetric ones;
* positions from a layout computed once per catalog for the whole graph over all dates, or for
  an ego network over all dates, so a view keeps its shape while the time slider moves;
  physics (vis-network's force simulation) only below :data:`PHYSICS_MAX_NODES` nodes.

Nothing here produces HTML: labels and tooltips are plain strings that the page's script puts
into the canvas or into text nodes, so no entity name can inject markup.

>>> from graph.testing import fixture_catalog
>>> view = build_view(fixture_catalog(), NetworkQuery(focus="imu", depth=1))
>>> sorted(n["id"] for n in view["nodes"])[:3]
['faryab', 'imu', 'imu-uzbek-faction']
>>> view["meta"]["physics"]
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from graph import network as gn
from graph.dates import parse_date
from graph.network.ego import ego_network, node_rank
from graph.read.catalog import Catalog

from ..deps import get_catalog
from ..errors import ApiError, bad_parameter
from . import models as view_models
from .groups import named_group_ids
from .templating import ERRORS, PAGE_ERRORS, error_response, page_error, render, wants_json

router = APIRouter(tags=["pages"])

#: above this many nodes the view is drawn at precomputed positions with physics off
PHYSICS_MAX_NODES = 500
#: above this many nodes a layout is computed with igraph's grid Fruchterman-Reingold (C) instead
#: of networkx's spring layout (pure Python/numpy: ~13 s for 10 iterations on 5,000 nodes)
NX_LAYOUT_MAX_NODES = 400
MAX_DEPTH = 4
#: what a view without a focus shows: the named groups and their direct ties (the default), or all
SCOPES = ("groups", "all")

#: entity kinds the page groups into one collapsible cluster each (vis-network clustering)
CLUSTERS = {"territory": "places", "event": "events"}

DEFAULT_KIND_STYLE = {"color": "#bcbd22", "shape": "dot"}
DEFAULT_COLOUR = "#555555"


#: line styles that tell the relation types of one family apart (vis-network ``dashes``), combined
#: with :data:`WIDTHS`: 7 x 2 = 14 distinct styles, as many as the largest family has types
DASHES: tuple = (False, [10, 5], [2, 4], [12, 4, 2, 4], [5, 2], [16, 6], [2, 2, 8, 2])
WIDTHS = (1.6, 3.6)


def relation_styles(relations: dict[str, dict], families: dict[str, dict]) -> dict[str, dict]:
    """How each relation type is drawn: its family's colour (``ontology/vocabulary.ttl``), and a
    line style (dash pattern and width) of its own within the family.

    >>> fams = {"group-group": {"color": "#d62728"}}
    >>> s = relation_styles({"alliedWith": {"category": "group-group"}, "rivalOf": {"category": "group-group"}}, fams)
    >>> s["alliedWith"]["color"] == s["rivalOf"]["color"] == "#d62728"
    True
    >>> (s["alliedWith"]["dashes"], s["alliedWith"]["width"]), (s["rivalOf"]["dashes"], s["rivalOf"]["width"])
    ((False, 1.6), ([10, 5], 1.6))
    """
    out: dict[str, dict] = {}
    by_category: dict[str, list[str]] = {}
    for rel, meta in relations.items():
        by_category.setdefault(meta.get("category", ""), []).append(rel)
    for category, rels in by_category.items():
        colour = families.get(category, {}).get("color", DEFAULT_COLOUR)
        for i, rel in enumerate(sorted(rels, key=lambda r: relations[r].get("label", r))):
            out[rel] = {"color": colour, "dashes": DASHES[i % len(DASHES)],
                        "width": WIDTHS[(i // len(DASHES)) % len(WIDTHS)]}
    return out


def dash_array(dashes) -> str:
    """A vis-network dash pattern as an SVG ``stroke-dasharray`` (for the legend's swatches).

    >>> dash_array(False), dash_array([10, 5])
    ('none', '10 5')
    """
    return " ".join(str(d) for d in dashes) if dashes else "none"



@dataclass(frozen=True)
class NetworkQuery:
    """The filters of a network view, as they appear in its URL.

    >>> NetworkQuery.parse(at="2015", types="leaderOf,rivalOf", kinds="group,person").query_string()
    'at=2015&types=leaderOf%2CrivalOf&kinds=group%2Cperson'
    """

    focus: str | None = None
    depth: int = 1
    at: str | None = None
    types: tuple[str, ...] | None = None   # relation names; None = every type
    kinds: tuple[str, ...] | None = None   # entity kinds; None = every kind
    start: str | None = None               # a range: from .. to (instead of at)
    end: str | None = None
    status: tuple[str, ...] = ("holds", "presumed")  # which ties to show at a date
    scope: str = "groups"                  # without a focus: "groups" (the named groups and their
                                           # direct ties) or "all" (the whole graph)

    @staticmethod
    def _split(value: str | None) -> tuple[str, ...] | None:
        if value is None:
            return None
        return tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))

    @staticmethod
    def _date(name: str, value: str | None) -> str | None:
        """A year, month or full day, checked as the REST routes check it (422 naming ``name``)."""
        from ..params import date_param

        return date_param(name, (value or "").strip() or None)

    @classmethod
    def parse(cls, focus: str | None = None, depth: int | str | None = None, at: str | None = None,
              types: str | None = None, kinds: str | None = None, start: str | None = None,
              end: str | None = None, status: str | None = None, scope: str | None = None) -> "NetworkQuery":
        """From raw query parameters; raises a 422 :class:`ApiError` naming a malformed one."""
        from graph.read.queries import check_statuses

        focus = (focus or "").strip() or None
        try:
            depth_value = 1 if depth in (None, "") else int(depth)
        except (TypeError, ValueError):
            raise bad_parameter("depth", f"not a whole number: {depth!r}") from None
        if not 0 <= depth_value <= MAX_DEPTH:
            raise bad_parameter("depth", f"must be between 0 and {MAX_DEPTH}, got {depth_value}")
        at, start, end = cls._date("at", at), cls._date("from", start), cls._date("to", end)
        if at and (start or end):
            raise bad_parameter("at", "give either 'at' or 'from'/'to', not both")
        if start and end and parse_date(start).first_day() > parse_date(end).last_day():
            raise bad_parameter("from", f"'from' ({start}) is after 'to' ({end})")
        try:
            statuses = check_statuses([status] if status else None)
        except ValueError as exc:
            raise bad_parameter("status", str(exc)) from None
        if status and not (at or start or end):
            raise bad_parameter("status", "a status is a status at a date: give at= or from=/to= as well")
        scope = (scope or "").strip() or "groups"
        if scope not in SCOPES:
            raise bad_parameter("scope", f"expected one of {', '.join(SCOPES)}, got {scope!r}")
        return cls(focus=focus, depth=depth_value, at=at, types=cls._split(types), kinds=cls._split(kinds),
                   start=start, end=end, status=statuses, scope=scope)

    @property
    def dated(self) -> bool:
        return bool(self.at or self.start or self.end)

    def params(self) -> dict[str, str]:
        """The non-default filters as URL parameters."""
        out: dict[str, str] = {}
        if self.focus:
            out["focus"] = self.focus
            out["depth"] = str(self.depth)
        elif self.scope != "groups":
            out["scope"] = self.scope
        if self.at:
            out["at"] = self.at
        if self.start:
            out["from"] = self.start
        if self.end:
            out["to"] = self.end
        if self.dated and self.status != ("holds", "presumed"):
            out["status"] = ",".join(self.status)
        if self.types is not None:
            out["types"] = ",".join(self.types)
        if self.kinds is not None:
            out["kinds"] = ",".join(self.kinds)
        return out

    def query_string(self) -> str:
        from urllib.parse import urlencode

        return urlencode(self.params())


# ------------------------------------------------------------------------------ computed once per catalog

def projection(cat: Catalog) -> nx.MultiDiGraph:
    """The whole graph as :func:`graph.network.project` gives it (once per catalog)."""
    return cat.memo("network-projection", lambda: gn.project(cat))


def layout(G: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions (in vis-network pixels) for every node of ``G``.

    Small graphs use networkx's spring layout; larger ones igraph's grid Fruchterman-Reingold,
    which is implemented in C (5,000 nodes in well under a second).

    >>> pos = layout(nx.path_graph(["a", "b", "c"]))
    >>> sorted(pos) == ["a", "b", "c"] and all(len(p) == 2 for p in pos.values())
    True
    """
    U = nx.Graph()
    U.add_nodes_from(G.nodes)
    U.add_edges_from((u, v) for u, v in G.edges() if u != v)
    n = len(U)
    if n == 0:
        return {}
    if n == 1:
        return {next(iter(U)): (0.0, 0.0)}
    if n <= NX_LAYOUT_MAX_NODES:
        raw = nx.spring_layout(U, seed=seed, method="force", k=1.5 / math.sqrt(n))
    else:
        import random

        import igraph as ig

        rng = random.Random(seed)  # the start positions, so the layout is the same at every call
        nodes = list(U)
        index = {node: i for i, node in enumerate(nodes)}
        g = ig.Graph(n=n, edges=[(index[u], index[v]) for u, v in U.edges()])
        start = [[rng.uniform(-1, 1) * math.sqrt(n), rng.uniform(-1, 1) * math.sqrt(n)] for _ in nodes]
        ig.set_random_number_generator(rng)  # igraph draws from its own generator otherwise
        try:
            coords = g.layout_fruchterman_reingold(niter=300, grid="grid", seed=start).coords
        finally:
            ig.set_random_number_generator(random)
        raw = {node: coords[i] for i, node in enumerate(nodes)}
    # centre on the median, scale so that 95% of nodes fall within the radius, and pull the few
    # outliers (small components pushed far out) in to just beyond it, so they do not shrink the rest
    xs = sorted(p[0] for p in raw.values())
    ys = sorted(p[1] for p in raw.values())
    cx, cy = xs[n // 2], ys[n // 2]
    radii = sorted(math.hypot(x - cx, y - cy) for x, y in raw.values())
    r95 = radii[min(n - 1, int(n * 0.95))] or 1.0
    size = 45.0 * math.sqrt(n)  # pixels from the centre: keeps an average spacing of ~90 px
    out = {}
    for node, (x, y) in raw.items():
        dx, dy = (x - cx) / r95, (y - cy) / r95
        r = math.hypot(dx, dy)
        if r > 1.15:
            dx, dy = dx / r * (1.15 + 0.1 * math.tanh(r - 1.15)), dy / r * (1.15 + 0.1 * math.tanh(r - 1.15))
        out[node] = (round(dx * size, 1), round(dy * size, 1))
    return out


def global_layout(cat: Catalog) -> dict[str, tuple[float, float]]:
    """The layout of the whole graph (all ties of all dates), computed once per catalog and used
    by every whole-graph view, so that moving the time slider shows change, not a reshuffle."""
    return cat.memo("network-layout", lambda: layout(projection(cat)))


def view_layout(cat: Catalog, q: "NetworkQuery") -> dict[str, tuple[float, float]]:
    """The positions of a view's nodes, the same at every date and range: the whole graph's
    layout, or the layout of the union over all dates of an ego network or of the named groups'
    view (computed once per set of filters), so that moving the time slider shows change, not a
    reshuffle."""
    if not q.focus and q.scope == "all":
        return global_layout(cat)

    def build():
        H = select_graph(cat, NetworkQuery(focus=q.focus, depth=q.depth, types=q.types, kinds=q.kinds, scope=q.scope))
        pos = layout(H)
        return pos
    return cat.memo(("view-layout", q.focus, q.depth if q.focus else None, q.scope, q.types, q.kinds), build)


def warm(cat: Catalog) -> None:
    """Make the projection and the whole-graph layout now (the app does this in a background
    thread at start-up, so that the first visitor of a large graph does not wait for them)."""
    try:
        global_layout(cat)
        years_covered(cat)
        types_present(cat, None)
    except Exception:  # noqa: BLE001 - a request will compute (and report) it again
        import logging

        logging.getLogger(__name__).exception("warming the network view caches failed")


def years_covered(cat: Catalog) -> tuple[int, int] | None:
    """The first and last year any tie is attested or ended (for the time slider)."""
    def build():
        years = [int(d[key][:4]) for *_, d in projection(cat).edges(data=True)
                 for key in ("first", "last", "ended_on") if d.get(key)]
        return (min(years), max(years)) if years else None
    return cat.memo("network-years", build)


# ------------------------------------------------------------------------------ text for tooltips

def _edge_cites(cat: Catalog, d: dict) -> list[str]:
    """The short citations of a tie's claims, once each ("Soliev & Pantucci 2022, l. 24")."""
    from .citations import cite

    every, sources = cat.claims(), cat.sources()
    shorts = [cite(s, sources)["short"] for cid in d["claims"] if cid in every for s in every[cid].sources]
    return list(dict.fromkeys(shorts))


def _edge_title(G: nx.MultiDiGraph, u: str, v: str, d: dict, cites: list[str] | None = None) -> str:
    from graph.network.prose import when_text

    rec = gn.edge_record(G, u, v, d)
    lines = [f"{G.nodes[u].get('label', u)} — {d['relation_label']} — {G.nodes[v].get('label', v)}",
             (f"{d['status']} · " if d.get("status") else "") + when_text(rec)]
    if d.get("qualifiers"):
        lines.append(", ".join(d["qualifiers"]))
    if d.get("roles"):
        lines.append(", ".join(d["roles"]))
    lines.append(f"{len(d['claims'])} claim(s); sources: {'; '.join(cites or d['sources'])}")
    if d.get("disputed"):
        lines.append("DISPUTED" + (f" by {', '.join(d['disputes'])}" if d.get("disputes") else ""))
    return "\n".join(lines)


def types_present(cat: Catalog, kinds: tuple[str, ...] | None) -> set[str]:
    """Relation types with at least one tie between entities of these kinds (the checkboxes)."""
    def build():
        G = projection(cat)
        keep = None if kinds is None else set(kinds)
        return {d["relation"] for u, v, d in G.edges(data=True)
                if keep is None or (G.nodes[u].get("kind") in keep and G.nodes[v].get("kind") in keep)}
    return cat.memo(("network-types", kinds), build)


def _check_names(cat: Catalog, q: NetworkQuery) -> None:
    relations = cat.relation_types()
    for name in q.types or ():
        if name not in relations:
            raise bad_parameter("types", f"unknown relation type {name!r} (see /relation-types)")
    kinds = cat.kinds()
    for name in q.kinds or ():
        if name not in kinds:
            raise bad_parameter("kinds", f"unknown entity kind {name!r} (known: {', '.join(sorted(kinds))})")
    if q.focus and cat.entity(q.focus) is None:
        raise ApiError(404, "not_found", f"no entity with id {q.focus!r} (search with /entities?q=...)",
                       parameter="focus")


def select_graph(cat: Catalog, q: NetworkQuery) -> nx.MultiDiGraph:
    """The ties (edges) and entities (nodes) a query keeps, one edge per tie.

    Order: entity kinds, then the date or range (:func:`graph.network.snapshot`: the ties with one
    of ``q.status`` then, each with its status; one-off acts dated then are in), then relation
    types, then the ego network of ``focus`` (``depth`` steps in either direction). Without a date
    every entity of the kept kinds is a node and every tie an edge; with a date only those with a
    tie then (and the focus). An ego network is walked out from its focus with the same filters
    (:func:`graph.network.ego.ego_network`), never filtering the whole graph.

    >>> from graph.testing import fixture_catalog
    >>> H = select_graph(fixture_catalog(), NetworkQuery(at="2010", types=("leaderOf",)))
    >>> sorted((u, v, d["status"]) for u, v, d in H.edges(data=True))
    [('usman-ghazi', 'imu', 'holds')]
    """
    _check_names(cat, q)
    G = projection(cat)
    if q.focus:  # walks out from the focus: the cost of the ego network, not of the whole graph
        return ego_network(G, q.focus, q.depth, kinds=q.kinds, relations=q.types, at=q.at, start=q.start,
                           end=q.end, statuses=q.status, rank=cat.memo("network-rank", lambda: node_rank(G)))
    H = gn.filter_network(G, kinds=q.kinds) if q.kinds is not None else G  # (filtering copies)
    if q.dated:
        H = gn.snapshot(H, q.at, start=q.start, end=q.end, statuses=q.status, acts=True)
    if q.types is not None:
        H = gn.filter_network(H, relations=q.types)
    if q.scope == "groups":
        return _named_groups_view(cat, G, H)
    return H


def _named_groups_view(cat: Catalog, G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The named groups (always, even without a tie at the date) and their direct ties: the edges
    with a named group at one end, and the entities at their other ends."""
    named = [g for g in named_group_ids(cat) if g in G]
    edges = [(u, v, k, d) for u, v, k, d in H.edges(keys=True, data=True) if u in named or v in named]
    out = nx.MultiDiGraph()
    out.graph.update(H.graph)
    for node in named:
        out.add_node(node, **G.nodes[node])
    for u, v, k, d in edges:
        for node in (u, v):
            if node not in out:
                out.add_node(node, **H.nodes[node])
        out.add_edge(u, v, k, **d)
    return out


def build_view(cat: Catalog, q: NetworkQuery) -> dict[str, Any]:
    """Nodes, edges and vis-network options for a query, plus ``meta``: counts, the filters, the
    legend, the relation types on offer and the years for the slider. Nodes and edges are the
    plain dicts vis-network's ``DataSet`` takes (the page draws them with the vis-network build
    that ships inside pyvis). Each edge is a tie: it lists its claims and, at a date, its
    ``status`` (a presumed tie is drawn faded)."""
    H = select_graph(cat, q)
    relations = cat.relation_types()
    styles = cat.kinds()
    fams = cat.families()

    degree: dict[str, int] = {n: 0 for n in H}
    for u, v in H.edges():
        degree[u] += 1
        degree[v] += 1
    n_nodes = len(H)
    physics = n_nodes <= PHYSICS_MAX_NODES
    positions = view_layout(cat, q)
    named = set(named_group_ids(cat))

    nodes: list[dict] = []
    edges: list[dict] = []
    for node in sorted(H):
        data = H.nodes[node]
        kind = data.get("kind", "")
        style = styles.get(kind, DEFAULT_KIND_STYLE)
        x, y = positions.get(node, (0.0, 0.0))
        kind_text = style.get("label", kind) + (f" ({data['subtype']})" if data.get("subtype") else "")
        nodes.append(dict(
            id=node, label=data.get("label", node), shape=style["shape"], color=style["color"],
            size=round(8 + 5 * math.sqrt(degree[node]), 1), x=x, y=y, kind=kind,
            title=f"{data.get('label', node)}\n{kind_text}\n{degree[node]} relation(s) in this view\n"
                  f"click to open the profile",
            borderWidth=3 if node == q.focus or (not q.focus and node in named) else 1,
            named=node in named, aliases=[a for a in data.get("aliases", []) if "@" not in a],
        ))
    line_styles = relation_styles(relations, fams)
    plain = {"color": DEFAULT_COLOUR, "dashes": False, "width": WIDTHS[0]}
    for u, v, key, d in sorted(H.edges(keys=True, data=True), key=lambda e: e[2]):
        meta = relations.get(d["relation"], {})
        status = d.get("status")
        style = line_styles.get(d["relation"], plain)
        arrows: dict[str, Any] = {"to": {"enabled": not meta.get("symmetric"), "scaleFactor": 0.6}}
        if d["disputed"]:  # a disputed tie: a circle half-way along the edge
            arrows["middle"] = {"enabled": True, "type": "circle", "scaleFactor": 0.7}
        edges.append(dict(
            {"from": u, "to": v}, id=key, relation=d["relation"], category=d["category"],
            color={"color": style["color"], "opacity": 0.35 if status == "presumed" else 1.0},
            arrows=arrows, dashes=style["dashes"], width=style["width"], disputed=d["disputed"],
            status=status, claims=list(d["claims"]), title=_edge_title(H, u, v, d, _edge_cites(cat, d)),
        ))

    all_types = sorted(types_present(cat, q.kinds),
                       key=lambda r: (relations.get(r, {}).get("category", ""), relations.get(r, {}).get("label", r)))
    years = years_covered(cat)
    return {
        "nodes": nodes,
        "edges": edges,
        "options": _options(physics, n_nodes),
        "meta": {
            "node_count": len(nodes),
            "edge_count": len(edges),
            "claim_count": sum(len(e["claims"]) for e in edges),
            "physics": physics,
            "filters": {"focus": q.focus, "depth": q.depth if q.focus else None,
                        "scope": None if q.focus else q.scope, "at": q.at, "from": q.start,
                        "to": q.end, "status": list(q.status) if q.dated else None,
                        "types": list(q.types) if q.types is not None else None,
                        "kinds": list(q.kinds) if q.kinds is not None else None},
            "query": q.query_string(),
            "years": {"first": years[0], "last": years[1]} if years else None,
            "relation_types": [{"name": r, "label": relations.get(r, {}).get("label", r),
                                "category": relations.get(r, {}).get("category", ""),
                                "color": line_styles.get(r, plain)["color"],
                                "dashes": line_styles.get(r, plain)["dashes"],
                                "dash_array": dash_array(line_styles.get(r, plain)["dashes"]),
                                "width": line_styles.get(r, plain)["width"],
                                "symmetric": relations.get(r, {}).get("symmetric", False),
                                "shown": q.types is None or r in q.types} for r in all_types],
            "kinds": [{"name": k, "label": style["label"], "color": style["color"], "shape": style["shape"],
                       "shown": q.kinds is None or k in q.kinds} for k, style in styles.items()],
            "categories": [{"name": f["name"], "label": f["label"], "color": f["color"],
                            "in_view": sum(1 for e in edges if e["category"] == f["name"])} for f in fams.values()],
            "named_groups": sorted(named & set(H)),
            "clusters": [{"kind": k, "label": CLUSTERS[k], "count": sum(1 for n in nodes if n["kind"] == k)}
                         for k in CLUSTERS],
        },
    }


def _options(physics: bool, n_nodes: int) -> dict:
    big = not physics
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False},
        "nodes": {"font": {"size": 14, "face": "sans-serif"}, "borderWidthSelected": 3},
        "edges": {
            "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "arrows": {"to": {"scaleFactor": 0.6}},
            "font": {"size": 10},
            "selectionWidth": 2,
        },
        "interaction": {
            "hover": not big, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
            "navigationButtons": False, "keyboard": True,
        },
        "physics": {
            "enabled": physics,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -4000, "springLength": 120, "springConstant": 0.03,
                          "damping": 0.3, "avoidOverlap": 0.2},
            "stabilization": {"enabled": physics, "iterations": 200, "fit": True},
        },
    }


# ------------------------------------------------------------------------------------ network

Focus = Annotated[str | None, Query(description="Entity id at the centre of an ego network", examples=["imu"])]
Depth = Annotated[str | None, Query(description="Steps from the focus (0-4, default 1)", examples=["1"])]
AtDate = Annotated[str | None, Query(description="Show the graph as it stood at YYYY, YYYY-MM or YYYY-MM-DD",
                                     examples=["2015"])]
FromDate = Annotated[str | None, Query(alias="from", description="Range mode: the ties of any date from ... (YYYY[-MM[-DD]])")]
ToDate = Annotated[str | None, Query(alias="to", description="... to this date")]
Status = Annotated[str | None, Query(description="Statuses shown at a date: holds, presumed, ended (default holds,presumed)")]
Types = Annotated[str | None, Query(description="Relation types to show, comma-separated (default: all)",
                                    examples=["leaderOf,memberOfCoalition"])]
Kinds = Annotated[str | None, Query(description="Entity kinds to show, comma-separated (default: all)",
                                    examples=["group,person"])]
Scope = Annotated[str | None, Query(description="Without a focus: groups (the seven named groups and their direct ties, "
                                              "the default) or all (the whole graph)", examples=["all"])]
Cat = Annotated[Catalog, Depends(get_catalog)]


def _network(cat, focus, depth, at, types, kinds, start=None, end=None, status=None, scope=None) -> dict:
    return build_view(cat, NetworkQuery.parse(focus=focus, depth=depth, at=at, types=types, kinds=kinds,
                                              start=start, end=end, status=status, scope=scope))


@router.get("/views/network.json", response_model=view_models.NetworkView, summary="Network view data as JSON",
            responses=ERRORS)
def network_json(cat: Cat, focus: Focus = None, depth: Depth = None, at: AtDate = None, start: FromDate = None,
                 end: ToDate = None, status: Status = None, types: Types = None, kinds: Kinds = None,
                 scope: Scope = None):
    """The nodes, edges and options the network page draws, for the same filters."""
    try:
        return _network(cat, focus, depth, at, types, kinds, start, end, status, scope)
    except ApiError as exc:
        return error_response(exc)


@router.get("/views/network", response_class=HTMLResponse, responses=PAGE_ERRORS,
            summary="Interactive network view (vis-network) with a time slider (a date or a range) and filters")
def network_page(request: Request, cat: Cat, focus: Focus = None, depth: Depth = None, at: AtDate = None,
                 start: FromDate = None, end: ToDate = None, status: Status = None, types: Types = None,
                 kinds: Kinds = None, scope: Scope = None):
    """The seven named groups and their direct ties (the default), the whole graph (``scope=all``), or the ego network of ``focus`` to ``depth`` steps, at a date or over a
    range, with only some relation types or entity kinds. The filters stay in the URL, so a view
    can be shared; node positions are computed once for all dates, so moving the slider shows change."""
    try:
        view = _network(cat, focus, depth, at, types, kinds, start, end, status, scope)
    except ApiError as exc:
        return page_error(request, exc)
    if wants_json(request):
        return JSONResponse(view)
    focus_label = None
    if view["meta"]["filters"]["focus"]:
        focus_label = next((n["label"] for n in view["nodes"] if n["id"] == view["meta"]["filters"]["focus"]), None)
    query = view["meta"]["query"]
    return render(request, "network.html", view=view, focus_label=focus_label,
                  json_url="/views/network.json" + (f"?{query}" if query else ""))
