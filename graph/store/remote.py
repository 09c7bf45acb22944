"""A remote SPARQL 1.1 endpoint as a :class:`~graph.store.base.GraphStore` (read-only).

With ``graph``, every query reads that named graph as its default graph (the protocol's
``default-graph-uri``) and sees no named graph, so a graph published with ``cakg publish`` answers
as the embedded store does. An engine that does not answer raises
:class:`~graph.store.engine_client.StoreUnavailable` (the API answers 503 naming the engine and URL)
after at most ``connect_timeout`` seconds when it is down.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import pyoxigraph as ox

from ..formats import media_type
from ..formats import rdf_format as _rdf
from ..formats import results_format as _results
from .base import GraphStore, to_python, to_term
from .engine_client import EngineClient, StoreUnavailable, engine_client

JSON_RESULTS = "application/sparql-results+json"


def _literal(term: dict) -> ox.Literal:
    if "xml:lang" in term:
        return ox.Literal(term["value"], language=term["xml:lang"])
    if "datatype" in term:
        return ox.Literal(term["value"], datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(term["value"])


def json_term(term: dict) -> Any:
    """A SPARQL JSON term (``typed-literal`` too, as Virtuoso writes) as a pyoxigraph term."""
    kind = term["type"]
    if kind == "uri":
        return ox.NamedNode(term["value"])
    if kind == "bnode":
        return ox.BlankNode(term["value"])
    return _literal(term)


_PROLOGUE = re.compile(r"(?:\s+|#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.I)


def query_form(sparql: str) -> str:
    """The form of a query (``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``), read after its prologue.

    >>> query_form("PREFIX a: <http://a/> # a note\\n construct { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    rest = sparql[_PROLOGUE.match(sparql).end():]
    word = re.match(r"[A-Za-z]+", rest)
    return word.group(0).upper() if word else ""


def boolean_answer(document: dict) -> bool:
    """An ASK answer from SPARQL JSON (Virtuoso may write it as one row, ``__ASK_RETVAL``)."""
    if "boolean" in document:
        return bool(document["boolean"])
    rows = document.get("results", {}).get("bindings", [])
    value = next(iter(rows[0].values()), {}).get("value") if rows else "0"
    return value in ("1", "true")


class SparqlEndpointStore(GraphStore):
    """A remote SPARQL 1.1 endpoint (read-only). Bindings travel as a trailing VALUES clause."""

    def __init__(self, endpoint: str, timeout: float = 30.0, *, graph: str | None = None, kind: str | None = None,
                 connect_timeout: float = 2.0, engine: EngineClient | None = None):
        self.endpoint, self.graph, self.timeout, self.connect_timeout = endpoint, graph, timeout, connect_timeout
        self._kind = kind
        self._engine = engine
        self._lock = threading.Lock()
        self.generation = graph

    @property
    def engine(self) -> EngineClient:
        """The engine client, made on first use (so a server can start while its engine is down)."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = engine_client(self.endpoint, self._kind, timeout=self.timeout,
                                                 connect_timeout=self.connect_timeout)
        return self._engine

    @property
    def engine_name(self) -> str:
        return self._engine.name if self._engine else "SPARQL"

    def with_graph(self, graph: str | None) -> "SparqlEndpointStore":
        """The same engine (one connection pool) read through another graph."""
        return SparqlEndpointStore(self.endpoint, self.timeout, graph=graph, kind=self._kind,
                                   connect_timeout=self.connect_timeout, engine=self.engine)

    def _inline(self, sparql: str, bindings: dict[str, Any] | None) -> str:
        sparql = self.with_prefixes(sparql)
        if bindings:
            names = " ".join(f"?{name}" for name in bindings)
            values = " ".join(str(to_term(v)) for v in bindings.values())
            sparql += f"\nVALUES ({names}) {{ ({values}) }}"
        return sparql

    def _post(self, sparql: str, accept: str, timeout: float | None = None, max_bytes: int | None = None):
        try:
            engine = self.engine
        except StoreUnavailable as exc:
            raise StoreUnavailable(exc.engine, self.endpoint, exc.reason) from None
        return engine.query(sparql, accept, graph=self.graph, timeout=timeout, max_bytes=max_bytes)

    def _bindings(self, sparql: str) -> list[dict]:
        return json.loads(self._post(sparql, JSON_RESULTS).content)["results"]["bindings"]

    def select(self, sparql, bindings=None):
        rows = []
        for b in self._bindings(self._inline(sparql, bindings)):
            row = {}
            for name, term in b.items():
                if term["type"] == "uri":
                    row[name] = term["value"]
                elif term["type"] == "bnode":
                    row[name] = "_:" + term["value"]
                else:
                    row[name] = to_python(_literal(term))
            rows.append(row)
        return rows

    def ask(self, sparql, bindings=None):
        return boolean_answer(json.loads(self._post(self._inline(sparql, bindings), JSON_RESULTS).content))

    def sparql(self, sparql, result_format="json", rdf_format="turtle"):
        # graphs are asked for as Turtle, which every engine writes alike (Virtuoso's N-Triples
        # negotiation differs), and written again in the format asked for
        if query_form(sparql) in ("SELECT", "ASK"):
            return "results", self._post(sparql, media_type(_results(result_format))).content
        r = self._post(sparql, "text/turtle")
        fmt = _rdf(rdf_format)
        if fmt == ox.RdfFormat.TURTLE:
            return "graph", r.content
        return "graph", ox.serialize(ox.parse(r.content, format=ox.RdfFormat.TURTLE), format=fmt)

    def triples(self, subject=None, predicate=None, obj=None):
        s = f"<{subject}>" if subject else "?s"
        p = f"<{predicate}>" if predicate else "?p"
        o = str(to_term(obj)) if obj is not None else "?o"
        for row in self._bindings(f"SELECT * WHERE {{ {s} {p} {o} }}"):
            yield (to_term(subject) if subject else json_term(row["s"]),
                   to_term(predicate) if predicate else json_term(row["p"]),
                   to_term(obj) if obj is not None else json_term(row["o"]))

    def count(self, subject=None, predicate=None, obj=None):
        s = f"<{subject}>" if subject else "?s"
        p = f"<{predicate}>" if predicate else "?p"
        o = str(to_term(obj)) if obj is not None else "?o"
        rows = self._bindings(f"SELECT (COUNT(*) AS ?n) WHERE {{ {s} {p} {o} }}")
        return int(rows[0]["n"]["value"]) if rows else 0

    def export(self, rdf_format="turtle"):
        kind, body = self.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", rdf_format=rdf_format)
        return body

    def close(self):
        if self._engine is not None:
            self._engine.close()
