"""The graph as a temporal network: a networkx projection and the analyses built on it.

:func:`project` reads every claim whose object is an entity through a
:class:`~graph.store.GraphStore` and returns a :class:`networkx.MultiDiGraph` with one node per
entity and one edge per claim (keyed by the claim id). The other functions work on that graph:

* :func:`filter_network` — keep some entity kinds, relation types or categories;
* :func:`snapshot` — the standing relations at a date (or during a year or month);
* :func:`changes` — relations formed, ended, first reported, acts, and dyads whose type changed;
* :func:`dyad_history`, :func:`dyad_histories`, :func:`dyad_transitions` — what happened between
  two entities over time, and how relation types follow one another across all dyads;
* :func:`centrality` — degree and betweenness centrality per snapshot;
* :func:`export_network` — GraphML, GEXF (dynamic: edges carry start/end) or a CSV edge list.

Time on an edge
---------------
Each edge keeps the claim's dates as written (``start``, ``end``, ``as_of`` with their
precisions) and an effective interval ``begin`` .. ``finish`` (ISO days, ``None`` = open):

* ``begin`` is the first day of ``start``; else of ``as_of`` (the claim is known to hold from
  then: ``begin_kind`` says which, ``"as_of_defaulted"`` when the build took the source's date);
  else ``None`` (unknown: only an end is known);
* ``finish`` is the last day of ``end``; for a one-off act (``instantaneous``) the last day of
  its date; else ``None`` (the claim still holds, as the store's ``cakg:current`` says).

>>> from graph.testing import fixture_store
>>> G = project(fixture_store())
>>> d = G.edges["usman-ghazi", "imu", next(k for k, d in G["usman-ghazi"]["imu"].items() if d["start"] == "2009")]
>>> d["relation"], d["begin"], d["finish"], d["sources"]
('leaderOf', '2009-01-01', None, ['soliev-pantucci-2022:24'])
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import itertools
import re
from collections import Counter, defaultdict
from typing import Any, Iterable

import networkx as nx

from .config import local_id
from .dates import PartialDate, parse_date
from .store import GraphStore

PRECISION_ORDER = {"year": 0, "month": 1, "day": 2}

# ------------------------------------------------------------------------------------ projection

_NODES = """
SELECT ?id ?kind ?label ?subtype WHERE {
  ?e cakg:id ?id ; a ?class . ?class cakg:kindName ?kind . FILTER(?kind != "source")
  OPTIONAL { ?e rdfs:label ?label }
  OPTIONAL { ?e cakg:subtype ?subtype }
}"""

_ALIASES = """SELECT ?id ?alias ?lang WHERE { ?e cakg:id ?id ; skos:altLabel ?a . BIND(STR(?a) AS ?alias) BIND(LANG(?a) AS ?lang) }
ORDER BY ?id ?alias"""

_RELATIONS = """
SELECT ?rel ?label ?inverse ?category ?symmetric ?instantaneous WHERE {
  ?rel a cakg:Relation .
  OPTIONAL { ?rel rdfs:label ?label }
  OPTIONAL { ?rel cakg:inverseLabel ?inverse }
  OPTIONAL { ?rel cakg:category ?category }
  OPTIONAL { ?rel a owl:SymmetricProperty . BIND(true AS ?symmetric) }
  OPTIONAL { ?rel cakg:instantaneous ?instantaneous }
}"""

_CLAIMS = """
SELECT ?claim ?s ?o ?rel ?start ?end ?asOf ?sp ?ep ?ap ?from ?until ?defaulted ?circa ?disputed
       ?current ?role ?note WHERE {
  ?c a cakg:Claim ; cakg:id ?claim ; cakg:subject/cakg:id ?s ; cakg:object/cakg:id ?o ; cakg:relation ?rel .
  OPTIONAL { ?c cakg:start ?start . OPTIONAL { ?c cakg:startPrecision ?sp } }
  OPTIONAL { ?c cakg:end ?end . OPTIONAL { ?c cakg:endPrecision ?ep } }
  OPTIONAL { ?c cakg:asOf ?asOf . OPTIONAL { ?c cakg:asOfPrecision ?ap } }
  OPTIONAL { ?c cakg:validFrom ?from }
  OPTIONAL { ?c cakg:validUntil ?until }
  OPTIONAL { ?c cakg:asOfDefaulted ?defaulted }
  OPTIONAL { ?c cakg:circa ?circa }
  OPTIONAL { ?c cakg:disputed ?disputed }
  OPTIONAL { ?c cakg:current ?current }
  OPTIONAL { ?c cakg:role ?role }
  OPTIONAL { ?c rdfs:comment ?note }
}"""

_CITATIONS = """
SELECT ?claim ?doc ?first ?last WHERE {
  ?c a cakg:Claim ; cakg:id ?claim ; cakg:citation ?cit . ?cit cakg:document/cakg:id ?doc .
  OPTIONAL { ?cit cakg:lineStart ?first } OPTIONAL { ?cit cakg:lineEnd ?last }
} ORDER BY ?claim ?doc ?first ?last"""

_QUALIFIERS = "SELECT ?claim ?q WHERE { ?c a cakg:Claim ; cakg:id ?claim ; cakg:qualifier ?q } ORDER BY ?claim ?q"
_DISPUTES = "SELECT ?claim ?other WHERE { ?c cakg:id ?claim ; cakg:disputes/cakg:id ?other } ORDER BY ?claim ?other"


def _partial(value: Any) -> PartialDate | None:
    return parse_date(str(value)) if value not in (None, "") else None


def _interval(start: PartialDate | None, end: PartialDate | None, as_of: PartialDate | None,
              defaulted: bool, instantaneous: bool) -> tuple[str | None, str | None, str | None]:
    """(begin, finish, begin_kind) as described in the module docstring."""
    if start:
        begin, kind, first = start.first_day(), "start", start
    elif as_of:
        begin, kind, first = as_of.first_day(), "as_of_defaulted" if defaulted else "as_of", as_of
    else:
        begin, kind, first = None, None, None
    if end:
        finish = end.last_day()
    elif instantaneous and first:
        finish = first.last_day()
    else:
        finish = None
    iso = lambda d: d.isoformat() if d else None
    return iso(begin), iso(finish), kind


def relation_info(store: GraphStore) -> dict[str, dict]:
    """Relation metadata read from the ontology in the store: name -> label, category, flags.

    >>> from graph.testing import fixture_store
    >>> info = relation_info(fixture_store())
    >>> info["rivalOf"]["symmetric"], info["killedBy"]["instantaneous"], info["protectedBy"]["inverse_label"]
    (True, True, 'protects')
    """
    out: dict[str, dict] = {}
    for r in store.select(_RELATIONS):
        name = local_id(r["rel"])
        entry = out.setdefault(name, {"name": name, "label": name, "inverse_label": "", "category": "",
                                      "symmetric": False, "instantaneous": False})
        entry["label"] = r.get("label", entry["label"])
        entry["inverse_label"] = r.get("inverse", entry["inverse_label"]) or entry["label"]
        entry["category"] = r.get("category", entry["category"])
        entry["symmetric"] = entry["symmetric"] or bool(r.get("symmetric"))
        entry["instantaneous"] = entry["instantaneous"] or r.get("instantaneous") is True
    for entry in out.values():
        entry["inverse_label"] = entry["inverse_label"] or entry["label"]
    return out


def project(store: GraphStore, kinds: Iterable[str] | None = None, relations: Iterable[str] | None = None,
            categories: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The graph as a MultiDiGraph: entity ids as nodes, one edge per claim keyed by claim id.

    Node attributes: ``label``, ``kind``, ``subtype``, ``aliases`` (English ones as they are, others
    as ``text@lang``). Edge attributes: ``claim``, ``relation``,
    ``relation_label``, ``category``, ``symmetric``, ``instantaneous``, ``start``/``end``/``as_of``
    (as written) with ``start_precision``/``end_precision``/``as_of_precision`` and ``precision``
    (the coarsest of them), ``valid_from``/``valid_until``, ``begin``/``finish``/``begin_kind``
    (see the module docstring), ``as_of_defaulted``, ``circa``, ``current``, ``qualifiers``,
    ``sources`` (``doc:lines``), ``disputed`` and ``disputes`` (ids of contradicting claims),
    ``role`` and ``note``. Claims about figures (object is a quantity) are left out.
    ``kinds``/``relations``/``categories`` filter as :func:`filter_network` does.

    >>> from graph.testing import fixture_store
    >>> G = project(fixture_store())
    >>> G.nodes["imu"]["kind"], G.nodes["imu"]["label"], G.nodes["imu"]["aliases"]
    ('group', 'Islamic Movement of Uzbekistan', ['IDU@ru', 'IMU'])
    >>> sorted({d["relation"] for _, _, d in G.edges("kib", data=True)})
    ['memberOfCoalition']
    >>> groups = project(fixture_store(), kinds=["group"])
    >>> {groups.nodes[n]["kind"] for n in groups}
    {'group'}
    """
    info = relation_info(store)
    G = nx.MultiDiGraph()
    for r in store.select(_NODES):
        if r["id"] in G:  # a second class of the same kind (subtype class): keep the first
            continue
        G.add_node(r["id"], label=r.get("label", r["id"]), kind=r["kind"], subtype=r.get("subtype", ""), aliases=[])
    for r in store.select(_ALIASES):
        lang = r.get("lang", "")
        alias = r["alias"] if lang in ("", "en") else f"{r['alias']}@{lang}"
        if r["id"] in G and alias not in G.nodes[r["id"]]["aliases"]:
            G.nodes[r["id"]]["aliases"].append(alias)
    sources: dict[str, list[str]] = defaultdict(list)
    for r in store.select(_CITATIONS):
        first, last = r.get("first"), r.get("last")
        lines = "" if first is None else f":{first}" if last in (None, first) else f":{first}-{last}"
        text = r["doc"] + lines
        if text not in sources[r["claim"]]:
            sources[r["claim"]].append(text)
    qualifiers: dict[str, list[str]] = defaultdict(list)
    for r in store.select(_QUALIFIERS):
        qualifiers[r["claim"]].append(r["q"])
    disputes: dict[str, list[str]] = defaultdict(list)
    for r in store.select(_DISPUTES):
        disputes[r["claim"]].append(r["other"])
    for r in store.select(_CLAIMS):
        name = local_id(r["rel"])
        rel = info.get(name, {"label": name, "category": "", "symmetric": False, "instantaneous": False})
        start, end, as_of = _partial(r.get("start")), _partial(r.get("end")), _partial(r.get("asOf"))
        defaulted = r.get("defaulted") is True
        begin, finish, begin_kind = _interval(start, end, as_of, defaulted, rel["instantaneous"])
        precisions = [p for p in (r.get("sp"), r.get("ep"), r.get("ap")) if p]
        for node in (r["s"], r["o"]):
            if node not in G:
                G.add_node(node, label=node, kind="", subtype="", aliases=[])
        G.add_edge(
            r["s"], r["o"], key=r["claim"], claim=r["claim"], relation=name, relation_label=rel["label"],
            category=rel["category"], symmetric=rel["symmetric"], instantaneous=rel["instantaneous"],
            start=str(start or ""), end=str(end or ""), as_of=str(as_of or ""),
            start_precision=r.get("sp", ""), end_precision=r.get("ep", ""), as_of_precision=r.get("ap", ""),
            precision=min(precisions, key=PRECISION_ORDER.get, default=""),
            valid_from=r.get("from"), valid_until=r.get("until"),
            begin=begin, finish=finish, begin_kind=begin_kind, as_of_defaulted=defaulted,
            circa=r.get("circa") is True, current=r.get("current") is not False,
            qualifiers=qualifiers.get(r["claim"], []), sources=sources.get(r["claim"], []),
            disputed=r.get("disputed") is True, disputes=disputes.get(r["claim"], []),
            role=r.get("role", ""), note=r.get("note", ""),
        )
    if kinds is not None or relations is not None or categories is not None:
        G = filter_network(G, kinds=kinds, relations=relations, categories=categories)
    return G


def filter_network(G: nx.MultiDiGraph, kinds: Iterable[str] | None = None, relations: Iterable[str] | None = None,
                   categories: Iterable[str] | None = None, nodes: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """A copy of ``G`` with only nodes of these ``kinds`` (or these ``nodes``) and edges of these
    ``relations`` or relation ``categories``; ``None`` keeps everything. An edge stays only if both
    its ends stay. Isolated nodes of the kept kinds stay too.

    >>> from graph.testing import fixture_store
    >>> G = project(fixture_store())
    >>> H = filter_network(G, kinds=["group"], relations=["rivalOf"])
    >>> sorted((u, v) for u, v in H.edges())
    [('hts', 'hurras-ad-din'), ('iskp', 'taliban')]
    >>> sorted({d["category"] for *_, d in filter_network(G, categories=["designation"]).edges(data=True)})
    ['designation']
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


# ------------------------------------------------------------------------------------- time

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


def edge_record(G: nx.MultiDiGraph, u: str, v: str, data: dict) -> dict:
    """One edge as a flat dict (for tables): ends with labels, relation, dates, sources, disputes."""
    return {
        "claim": data["claim"], "source": u, "source_label": G.nodes[u].get("label", u),
        "target": v, "target_label": G.nodes[v].get("label", v), "relation": data["relation"],
        "relation_label": data["relation_label"], "category": data["category"],
        "start": data["start"], "end": data["end"], "as_of": data["as_of"], "precision": data["precision"],
        "begin": data["begin"], "finish": data["finish"], "begin_kind": data["begin_kind"],
        "circa": data["circa"], "qualifiers": list(data["qualifiers"]), "sources": list(data["sources"]),
        "disputed": data["disputed"], "disputes": list(data["disputes"]), "instantaneous": data["instantaneous"],
    }


def _dyad(u: str, v: str) -> tuple[str, str]:
    return (u, v) if u <= v else (v, u)


def dyad_types(G: nx.MultiDiGraph) -> dict[tuple[str, str], frozenset[str]]:
    """For each unordered pair of nodes with an edge: the set of relation types between them.

    >>> from graph.testing import fixture_store
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

def _when(d: dict) -> str:
    """Sort key for an edge: begin, else finish, else last."""
    return d["begin"] or d["finish"] or "9999"


def dyad_history(G: nx.MultiDiGraph, a: str, b: str) -> list[dict]:
    """Every claim between ``a`` and ``b`` (either direction), oldest first (:func:`edge_record`
    dicts; claims with no date at all sort last).

    >>> from graph.testing import fixture_store
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

def centrality(G: nx.MultiDiGraph, times: Iterable[Any], acts: bool = False, as_of: str = "period") -> list[dict]:
    """Degree and betweenness centrality (normalised, on the undirected simple graph: parallel
    claims count once) of every node in the :func:`snapshot` at each of ``times``.

    Returns rows ``{"at", "node", "label", "kind", "degree", "betweenness", "neighbours"}``,
    sorted by time then by falling degree.

    >>> from graph.testing import fixture_store
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

CSV_COLUMNS = ["claim", "source", "source_label", "target", "target_label", "relation", "relation_label",
               "category", "start", "end", "as_of", "precision", "begin", "finish", "begin_kind", "circa",
               "qualifiers", "sources", "disputed", "disputes", "instantaneous"]


def _flat(value: Any) -> Any:
    """An attribute value GraphML/GEXF can hold: lists joined by '; ', None dropped (returns None)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in value)
    return value


def flat_copy(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with list attributes joined by ``'; '`` and ``None`` attributes left out (GraphML and
    GEXF writers accept neither)."""
    H = nx.MultiDiGraph()
    H.graph.update({k: v for k, v in G.graph.items() if v is not None and not isinstance(v, (list, dict))})
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: _flat(v) for k, v in d.items() if v is not None})
    for u, v, k, d in G.edges(keys=True, data=True):
        H.add_edge(u, v, k, **{a: _flat(x) for a, x in d.items() if x is not None})
    return H


def to_csv(G: nx.MultiDiGraph) -> str:
    """The edge list as CSV (one row per claim, columns :data:`CSV_COLUMNS`), sorted by claim id.

    >>> from graph.testing import fixture_store
    >>> text = to_csv(project(fixture_store()))
    >>> text.splitlines()[0].split(",")[:6]
    ['claim', 'source', 'source_label', 'target', 'target_label', 'relation']
    """
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for u, v, d in sorted(G.edges(data=True), key=lambda e: e[2]["claim"]):
        rec = edge_record(G, u, v, d)
        writer.writerow({k: _flat(rec[k]) if rec[k] is not None else "" for k in CSV_COLUMNS})
    return buf.getvalue()


def to_graphml(G: nx.MultiDiGraph) -> bytes:
    """GraphML (networkx's writer, key ids = attribute names) with claim ids as edge ids; lists
    joined by ``'; '``, ``None`` left out, booleans written ``true``/``false`` as XML Schema wants
    (networkx writes ``True``/``False``).

    >>> from graph.testing import fixture_store
    >>> xml = to_graphml(project(fixture_store())).decode()
    >>> '<data key="disputed">false</data>' in xml and "False<" not in xml
    True
    """
    buf = io.BytesIO()
    nx.write_graphml(flat_copy(G), buf, encoding="utf-8", prettyprint=True, named_key_ids=True)
    xml = buf.getvalue().decode("utf-8")
    booleans = set(re.findall(r'<key id="([^"]+)"[^>]*attr\.type="boolean"', xml))
    xml = re.sub(r'<data key="([^"]+)">(True|False)</data>',
                 lambda m: f'<data key="{m.group(1)}">{m.group(2).lower()}</data>' if m.group(1) in booleans else m.group(0),
                 xml)
    return xml.encode("utf-8")


_GEXF_ATTRS = ("id", "label", "start", "end", "weight", "type", "kind")


def to_gexf(G: nx.MultiDiGraph) -> bytes:
    """GEXF 1.2 in dynamic mode: each edge carries ``start``/``end`` (ISO days, the effective
    interval; a missing end means it still holds), so Gephi's timeline plays the changes.

    What networkx's ``write_gexf`` does not do by itself and is fixed here:

    * its edge attributes ``start``/``end`` are the GEXF interval, so the claim's dates as written
      are renamed ``start_text``/``end_text`` and ``start``/``end`` set from ``begin``/``finish``;
    * it writes list values as dynamic-attribute triples and rejects ``None``: lists are joined,
      ``None`` dropped;
    * it marks the graph dynamic and sets ``timeformat`` only when some edge has a date: both are
      set on the graph element whatever the data;
    * it cannot mix edge directions: symmetric relations (rival of, allied with) get
      ``type="undirected"`` on their edge;
    * edges get ``label`` (the relation's label), ``id`` (the claim id) and ``kind`` (the relation),
      so Gephi keeps parallel claims of different relation types apart;
    * nodes get ``spells``: the union of their claims' intervals (:func:`merge_intervals`), so a
      node shows on the timeline only while one of its claims holds (a node with a claim open at
      both ends is always shown).

    >>> from graph.testing import fixture_store
    >>> xml = to_gexf(project(fixture_store())).decode()
    >>> 'mode="dynamic"' in xml and 'timeformat="date"' in xml
    True
    >>> re.search(r'<edge [^>]*kind="leaderOf"[^>]*start="2009-01-01"', xml) is not None
    True
    """
    H = nx.MultiDiGraph()
    H.graph.update(mode="dynamic", name="cakg")
    for n, d in G.nodes(data=True):
        attrs = {k: _flat(v) for k, v in d.items() if v is not None and k not in _GEXF_ATTRS or k == "label"}
        intervals = [(e["begin"], e["finish"]) for *_, e in itertools.chain(G.out_edges(n, data=True), G.in_edges(n, data=True))]
        spells = merge_intervals(intervals)
        if spells and spells != [(None, None)]:
            attrs["spells"] = spells
        H.add_node(n, **attrs)
    for u, v, k, d in G.edges(keys=True, data=True):
        attrs = {a: _flat(x) for a, x in d.items() if x is not None and a not in _GEXF_ATTRS}
        attrs["start_text"], attrs["end_text"] = d["start"], d["end"]
        attrs["id"], attrs["label"] = d["claim"], d["relation_label"]
        if d["begin"]:
            attrs["start"] = d["begin"]
        if d["finish"]:
            attrs["end"] = d["finish"]
        if d["symmetric"]:
            attrs["type"] = "undirected"
        H.add_edge(u, v, k, **attrs)
    buf = io.BytesIO()
    nx.write_gexf(H, buf, encoding="utf-8", prettyprint=True, version="1.2draft")
    xml = buf.getvalue().decode("utf-8")
    xml = re.sub(r"<graph ([^>]*)>", _fix_graph_element, xml, count=1)
    kinds = {d["claim"]: d["relation"] for *_, d in G.edges(data=True)}
    xml = re.sub(r'<edge ([^>]*?)id="([^"]*)"', lambda m: _add_kind(m, kinds), xml)
    return xml.encode("utf-8")


def merge_intervals(intervals: Iterable[tuple[str | None, str | None]]) -> list[tuple[str | None, str | None]]:
    """The union of closed day intervals (``None`` = open: before everything / after everything),
    as sorted disjoint intervals; intervals that touch on consecutive days are merged.

    >>> merge_intervals([("2015-01-01", "2015-12-31"), ("2016-01-01", None), ("2001-01-01", "2002-01-01")])
    [('2001-01-01', '2002-01-01'), ('2015-01-01', None)]
    >>> merge_intervals([(None, "2009-12-31"), ("2005-01-01", "2010-06-30")])
    [(None, '2010-06-30')]
    """
    lo, hi = "0000-01-01", "9999-12-31"
    spans = sorted((a or lo, b or hi) for a, b in intervals)
    merged: list[list[str]] = []
    for a, b in spans:
        if merged:
            last_end = merged[-1][1]
            next_day = last_end if last_end == hi else (_dt.date.fromisoformat(last_end) + _dt.timedelta(days=1)).isoformat()
            if a <= next_day:
                merged[-1][1] = max(last_end, b)
                continue
        merged.append([a, b])
    return [(None if a == lo else a, None if b == hi else b) for a, b in merged]


def _fix_graph_element(m: re.Match) -> str:
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
    attrs.update(mode="dynamic", timeformat="date")
    return "<graph " + " ".join(f'{k}="{v}"' for k, v in attrs.items()) + ">"


def _add_kind(m: re.Match, kinds: dict[str, str]) -> str:
    from xml.sax.saxutils import quoteattr, unescape

    claim = unescape(m.group(2), {"&quot;": '"'})
    kind = kinds.get(claim)
    head = f'<edge {m.group(1)}id="{m.group(2)}"'
    return f"{head} kind={quoteattr(kind)}" if kind else head


def export_network(store: GraphStore, fmt: str) -> bytes:
    """The whole network from ``store`` as ``graphml``, ``gexf`` or ``csv`` (UTF-8 bytes); used
    by ``cakg export --format graphml|gexf|csv``.

    >>> from graph.testing import fixture_store
    >>> export_network(fixture_store(), "csv").startswith(b"claim,source,")
    True
    >>> export_network(fixture_store(), "pdf")
    Traceback (most recent call last):
    ...
    ValueError: unknown network format 'pdf' (choose graphml, gexf or csv)
    """
    writers = {"graphml": to_graphml, "gexf": to_gexf, "csv": lambda G: to_csv(G).encode("utf-8")}
    if fmt not in writers:
        raise ValueError(f"unknown network format {fmt!r} (choose graphml, gexf or csv)")
    return writers[fmt](project(store))
