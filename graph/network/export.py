"""The network as GraphML, GEXF (dynamic, with the time rule's statuses) or a CSV edge list.

Every export has one edge per tie with the rule's days (``first``, ``last``, ``presumed_until``,
``ended_on``, ``end_reason``) and its claims; the GEXF edges also carry spells and a dynamic
``status`` attribute (``holds`` over the attested span, ``presumed`` after it), so Gephi's timeline
plays the same statuses the API answers.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import itertools
import re
from typing import Any, Iterable

import networkx as nx

from ..read.catalog import Catalog
from ..timeline import spans
from .projection import edge_record, project

CSV_COLUMNS = ["tie", "source", "source_label", "target", "target_label", "relation", "relation_label", "category",
               "first", "last", "presumed_until", "ended_on", "end_reason", "one_off", "circa", "datings",
               "qualifiers", "claims", "sources", "disputed", "disputes", "spans"]
_SKIP = {"rule"}  # the timeline.Tie object on each edge: not an attribute a file can hold


def _flat(value: Any) -> Any:
    """An attribute value GraphML/GEXF can hold: lists joined by '; '."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in value)
    return value


def _attrs(d: dict) -> dict:
    return {k: _flat(v) for k, v in d.items() if v is not None and k not in _SKIP and not isinstance(v, dict)}


def flat_copy(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with list attributes joined by ``'; '`` and ``None`` (and non-scalar) attributes left
    out (GraphML and GEXF writers accept neither)."""
    H = nx.MultiDiGraph()
    H.graph.update({k: v for k, v in G.graph.items() if v is not None and not isinstance(v, (list, dict))})
    for n, d in G.nodes(data=True):
        H.add_node(n, **_attrs(d))
    for u, v, k, d in G.edges(keys=True, data=True):
        H.add_edge(u, v, k, **_attrs(d))
    return H


def to_csv(G: nx.MultiDiGraph) -> str:
    """The edge list as CSV (one row per tie, columns :data:`CSV_COLUMNS`), sorted by tie key.

    >>> from graph.testing import fixture_catalog
    >>> text = to_csv(project(fixture_catalog()))
    >>> text.splitlines()[0].split(",")[:6]
    ['tie', 'source', 'source_label', 'target', 'target_label', 'relation']
    """
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for u, v, d in sorted(G.edges(data=True), key=lambda e: e[2]["tie"]):
        rec = edge_record(G, u, v, d)
        row = {k: _flat(rec[k]) if rec[k] is not None else "" for k in CSV_COLUMNS}
        row["spans"] = spans_text(rec["spans"])
        writer.writerow(row)
    return buf.getvalue()


def spans_text(runs: list[dict]) -> str:
    """A tie's runs (:func:`graph.timeline.span_dicts`) as one CSV cell: ``status from/to`` joined
    by ``'; '`` (an open side left empty), so a spreadsheet can read a tie's status at any date
    without working the rule out again.

    >>> spans_text([{"status": "holds", "from": "2015-01-01", "to": "2016-12-31"}, {"status": "presumed", "from": "2017-01-01", "to": None}])
    'holds 2015-01-01/2016-12-31; presumed 2017-01-01/'
    """
    return "; ".join(f"{r['status']} {r['from'] or ''}/{r['to'] or ''}" for r in runs)


def to_graphml(G: nx.MultiDiGraph) -> bytes:
    """GraphML (networkx's writer, key ids = attribute names) with tie keys as edge ids; lists
    joined by ``'; '``, ``None`` left out, booleans written ``true``/``false`` as XML Schema wants
    (networkx writes ``True``/``False``).

    >>> from graph.testing import fixture_catalog
    >>> xml = to_graphml(project(fixture_catalog())).decode()
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


_GEXF_ATTRS = ("id", "label", "start", "end", "weight", "type", "kind", "spells", "status")


def _iso(day: _dt.date | None) -> str | None:
    return day.isoformat() if day else None


def edge_spells(d: dict) -> list[tuple[str, str | None, str | None]]:
    """``(status, first day, last day)`` of the runs in which an edge's tie holds or is presumed
    (ISO days, ``None`` = open): what the GEXF export writes."""
    return [(s, _iso(a), _iso(b)) for s, a, b in spans(d["rule"]) if s in ("holds", "presumed")]


def to_gexf(G: nx.MultiDiGraph) -> bytes:
    """GEXF 1.2 in dynamic mode: each edge (a tie) has ``spells`` for the runs in which it holds or
    is presumed, and a dynamic ``status`` attribute saying which, so Gephi's timeline plays the
    statuses of the time rule.

    What networkx's ``write_gexf`` does not do by itself and is fixed here:

    * it writes list values as dynamic-attribute triples and rejects ``None``: lists are joined,
      ``None`` dropped;
    * it marks the graph dynamic and sets ``timeformat`` only when some element has a date: both
      are set on the graph element whatever the data;
    * it cannot mix edge directions: symmetric relations (rival of, allied with) get
      ``type="undirected"`` on their edge;
    * edges get ``label`` (the relation's label), ``id`` (the tie key) and ``kind`` (the relation),
      so Gephi keeps parallel ties of different relation types apart;
    * nodes get ``spells``: the union of their edges' spells (:func:`merge_intervals`), so a node
      shows on the timeline only while one of its ties holds or is presumed.

    >>> from graph.testing import fixture_catalog
    >>> xml = to_gexf(project(fixture_catalog())).decode()
    >>> 'mode="dynamic"' in xml and 'timeformat="date"' in xml
    True
    >>> re.search(r'<edge [^>]*id="usman-ghazi--leaderOf--imu"[^>]*kind="leaderOf"', xml) is not None
    True
    >>> len(re.findall(r'<attribute id="[^"]+" title="status"', xml))
    1
    """
    H = nx.MultiDiGraph()
    H.graph.update(mode="dynamic", name="cakg")
    for n, d in G.nodes(data=True):
        attrs = {k: v for k, v in _attrs(d).items() if k not in _GEXF_ATTRS or k == "label"}
        runs = [(a, b) for *_, e in itertools.chain(G.out_edges(n, data=True), G.in_edges(n, data=True))
                for _, a, b in edge_spells(e)]
        node_spells = merge_intervals(runs)
        if node_spells and node_spells != [(None, None)]:
            attrs["spells"] = node_spells
        H.add_node(n, **attrs)
    for u, v, k, d in G.edges(keys=True, data=True):
        attrs = {a: x for a, x in _attrs(d).items() if a not in _GEXF_ATTRS}
        attrs["id"], attrs["label"] = d["tie"], d["relation_label"]
        runs = edge_spells(d)
        if runs and runs != [("holds", None, None)]:
            attrs["spells"] = [(a, b) for _, a, b in runs]
            attrs["status"] = [(s, a, b) for s, a, b in runs]
        elif runs:
            attrs["status"] = "holds"
        if d["symmetric"]:
            attrs["type"] = "undirected"
        H.add_edge(u, v, k, **attrs)
    buf = io.BytesIO()
    nx.write_gexf(H, buf, encoding="utf-8", prettyprint=True, version="1.2draft")
    xml = buf.getvalue().decode("utf-8")
    xml = re.sub(r"<graph ([^>]*)>", _fix_graph_element, xml, count=1)
    xml = _one_status_attribute(xml)
    kinds = {d["tie"]: d["relation"] for *_, d in G.edges(data=True)}
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
    ordered = sorted((a or lo, b or hi) for a, b in intervals)
    merged: list[list[str]] = []
    for a, b in ordered:
        if merged:
            last_end = merged[-1][1]
            next_day = last_end if last_end == hi else (_dt.date.fromisoformat(last_end) + _dt.timedelta(days=1)).isoformat()
            if a <= next_day:
                merged[-1][1] = max(last_end, b)
                continue
        merged.append([a, b])
    return [(None if a == lo else a, None if b == hi else b) for a, b in merged]


def _one_status_attribute(xml: str) -> str:
    """networkx declares ``status`` twice when some edges have runs and others (timeless ties) a
    status at every date: once dynamic, once static. Keep the dynamic one only: a value without
    ``start``/``end`` holds at every date, as GEXF reads it."""
    blocks = {m.group(1): m.group(2) for m in re.finditer(r'<attributes mode="(static|dynamic)" class="edge">(.*?)</attributes>',
                                                          xml, flags=re.S)}
    find = lambda mode: re.search(r'<attribute id="([^"]+)" title="status"', blocks.get(mode, ""))
    dynamic, static = find("dynamic"), find("static")
    if not (dynamic and static):
        return xml
    xml = re.sub(r'\s*<attribute id="%s" title="status"[^>]*/>' % re.escape(static.group(1)), "", xml, count=1)
    return xml.replace(f'<attvalue for="{static.group(1)}" ', f'<attvalue for="{dynamic.group(1)}" ')


def _fix_graph_element(m: re.Match) -> str:
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
    attrs.update(mode="dynamic", timeformat="date")
    return "<graph " + " ".join(f'{k}="{v}"' for k, v in attrs.items()) + ">"


def _add_kind(m: re.Match, kinds: dict[str, str]) -> str:
    from xml.sax.saxutils import quoteattr, unescape

    tie = unescape(m.group(2), {"&quot;": '"'})
    kind = kinds.get(tie)
    head = f'<edge {m.group(1)}id="{m.group(2)}"'
    return f"{head} kind={quoteattr(kind)}" if kind else head


def export_network(cat: Catalog, fmt: str) -> bytes:
    """The whole network of a catalog as ``graphml``, ``gexf`` or ``csv`` (UTF-8 bytes); used by
    ``cakg export --format graphml|gexf|csv``.

    >>> from graph.testing import fixture_catalog
    >>> export_network(fixture_catalog(), "csv").startswith(b"tie,source,")
    True
    >>> export_network(fixture_catalog(), "pdf")
    Traceback (most recent call last):
    ...
    ValueError: unknown network format 'pdf' (choose graphml, gexf or csv)
    """
    writers = {"graphml": to_graphml, "gexf": to_gexf, "csv": lambda G: to_csv(G).encode("utf-8")}
    if fmt not in writers:
        raise ValueError(f"unknown network format {fmt!r} (choose graphml, gexf or csv)")
    return writers[fmt](project(cat))
