"""The graph as a networkx ``MultiDiGraph``: one node per entity, one edge per claim.

>>> from graph.testing import fixture_store
>>> G = project(fixture_store())
>>> d = G.edges["usman-ghazi", "imu", next(k for k, d in G["usman-ghazi"]["imu"].items() if d["start"] == "2009")]
>>> d["relation"], d["begin"], d["finish"], d["sources"]
('leaderOf', '2009-01-01', None, ['soliev-pantucci-2022:24'])
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

import networkx as nx

from ..dates import PartialDate, parse_date
from ..store import GraphStore
from ..vocab import local_id

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

_QUALIFIERS = "SELECT ?claim ?q WHERE { ?c a cakg:Claim ; cakg:id ?claim ; cakg:qualifier/cakg:name ?q } ORDER BY ?claim ?q"

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
    from ..read.queries import families, kind_styles

    info = relation_info(store)
    G = nx.MultiDiGraph()
    G.graph["families"] = {name: f["color"] for name, f in families(store).items()}
    G.graph["kinds"] = {name: k["color"] for name, k in kind_styles(store).items()}
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
