"""The one store interface that the API, the views, the CLI and the notebooks use.

Implementations:

* :class:`OxigraphStore` — pyoxigraph, either the embedded persistent store built by
  ``cakg build`` (:func:`open_store`) or an in-memory one (:func:`memory_store`, for tests);
* :class:`SparqlEndpointStore` — any SPARQL 1.1 endpoint over HTTP.

Rows come back as plain Python values (IRIs and strings as ``str``, numbers as ``int``/``float``,
booleans as ``bool``), so callers never depend on one RDF library's term classes.

>>> from graph.store import memory_store
>>> s = memory_store(b'<http://e/a> <http://e/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .')
>>> s.select("SELECT ?o WHERE { <http://e/a> ?p ?o }")
[{'o': 1}]
"""

from __future__ import annotations

import json
import os
import re
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Iterator

import pyoxigraph as ox

from .config import data_dir as default_data_dir
from .config import sparql_prefixes

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
}
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


class StoreMissing(FileNotFoundError):
    """No built store where one was expected (run ``cakg build``)."""


def to_python(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        value = term.value
        try:
            if dt in (XSD + "integer", XSD + "int", XSD + "long", XSD + "nonNegativeInteger"):
                return int(value)
            if dt in (XSD + "decimal", XSD + "double", XSD + "float"):
                return float(value)
            if dt == XSD + "boolean":
                return value in ("true", "1")
        except ValueError:
            return value
        return value
    return str(term)


def to_term(value: Any) -> Any:
    """A Python value as a pyoxigraph term (``str`` starting with a scheme -> IRI)."""
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, str) and re.match(r"^[a-z][a-z0-9+.-]*:", value) and " " not in value:
        return ox.NamedNode(value)
    return ox.Literal(str(value))


class GraphStore(ABC):
    """What every store offers. Queries may omit the standard PREFIX block: it is added."""

    @abstractmethod
    def select(self, sparql: str, bindings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a SELECT; one dict per solution (unbound variables are left out).

        ``bindings`` fixes variables to values (an IRI as ``str``, or a number, bool or literal);
        a bound variable must appear in the SELECT projection."""

    @abstractmethod
    def ask(self, sparql: str, bindings: dict[str, Any] | None = None) -> bool: ...

    @abstractmethod
    def sparql(self, sparql: str, result_format: str = "json", rdf_format: str = "turtle") -> tuple[str, bytes]:
        """Run any read query and serialise the result: returns (kind, body) where kind is
        ``"results"`` (SELECT/ASK, in ``result_format``) or ``"graph"`` (CONSTRUCT/DESCRIBE, in ``rdf_format``)."""

    @abstractmethod
    def triples(self, subject: str | None = None, predicate: str | None = None, obj: Any = None) -> Iterator[tuple]:
        """Triples matching a pattern (``None`` is a wildcard), as pyoxigraph terms."""

    @abstractmethod
    def export(self, rdf_format: str = "turtle") -> bytes: ...

    def count(self, subject: str | None = None, predicate: str | None = None, obj: Any = None) -> int:
        return sum(1 for _ in self.triples(subject, predicate, obj))

    def __len__(self) -> int:
        return self.count()

    def close(self) -> None:  # pragma: no cover - nothing to release by default
        pass

    @staticmethod
    def with_prefixes(sparql: str) -> str:
        return sparql if re.search(r"^\s*PREFIX\s+cakg:", sparql, re.I | re.M) else sparql_prefixes() + sparql


class OxigraphStore(GraphStore):
    def __init__(self, store: ox.Store, path: Path | None = None, read_only: bool = False):
        self._store = store
        self.path = path
        self.read_only = read_only

    @property
    def native(self) -> ox.Store:
        """The underlying pyoxigraph store (for the SPARQL endpoint's own guarded evaluation)."""
        return self._store

    def _query(self, sparql: str, bindings: dict[str, Any] | None):
        subs = {ox.Variable(k): to_term(v) for k, v in (bindings or {}).items()}
        return self._store.query(self.with_prefixes(sparql), substitutions=subs or None)

    def select(self, sparql, bindings=None):
        solutions = self._query(sparql, bindings)
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = to_python(value)
            rows.append(row)
        return rows

    def ask(self, sparql, bindings=None):
        return bool(self._query(sparql, bindings))

    def sparql(self, sparql, result_format="json", rdf_format="turtle"):
        result = self._store.query(sparql)
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            return "results", result.serialize(format=RESULT_FORMATS[result_format])
        return "graph", ox.serialize(result, format=RDF_FORMATS[rdf_format])

    def triples(self, subject=None, predicate=None, obj=None):
        s = ox.NamedNode(subject) if subject else None
        p = ox.NamedNode(predicate) if predicate else None
        o = to_term(obj) if obj is not None else None
        for quad in self._store.quads_for_pattern(s, p, o, ox.DefaultGraph()):
            yield quad.subject, quad.predicate, quad.object

    def count(self, subject=None, predicate=None, obj=None):
        if subject is None and predicate is None and obj is None:
            return len(self._store)
        return super().count(subject, predicate, obj)

    def export(self, rdf_format="turtle"):
        fmt = RDF_FORMATS[rdf_format]
        kwargs = {} if fmt.supports_datasets else {"from_graph": ox.DefaultGraph()}
        return self._store.dump(format=fmt, **kwargs)

    def load(self, data: bytes | str, rdf_format: str = "ntriples") -> None:
        if self.read_only:
            raise PermissionError("this store is read-only")
        self._store.bulk_load(input=data, format=RDF_FORMATS[rdf_format])

    def flush(self) -> None:
        if not self.read_only:
            self._store.flush()


def memory_store(data: bytes | str | None = None, rdf_format: str = "ntriples") -> OxigraphStore:
    """An in-memory store, optionally loaded with RDF (N-Triples by default)."""
    store = OxigraphStore(ox.Store())
    if data:
        store.load(data, rdf_format)
    return store


# ---------------------------------------------------------------------------- data directory
# data/
#   stores/<stamp>/         one complete store per successful build, with build.json inside
#   current -> stores/...   symlink swapped atomically after a build succeeds


def current_store_path(data: Path | None = None) -> Path | None:
    link = Path(data or default_data_dir()) / "current"
    if not link.exists():
        return None
    return link.resolve()


def build_info(path: Path | None) -> dict | None:
    if path is None or not (path / "build.json").exists():
        return None
    return json.loads((path / "build.json").read_text())


def open_store(data: Path | None = None) -> OxigraphStore:
    """Open the current built store read-only; raise :class:`StoreMissing` if there is none."""
    path = current_store_path(data)
    if path is None:
        raise StoreMissing(f"no store in {Path(data or default_data_dir())}: run 'cakg build' first")
    return OxigraphStore(ox.Store.read_only(str(path)), path=path, read_only=True)


class SparqlEndpointStore(GraphStore):
    """A remote SPARQL 1.1 endpoint (read-only). Bindings travel as a trailing VALUES clause."""

    def __init__(self, endpoint: str, timeout: float = 30.0):
        import httpx

        self.endpoint = endpoint
        self._client = httpx.Client(timeout=timeout)

    def _inline(self, sparql: str, bindings: dict[str, Any] | None) -> str:
        sparql = self.with_prefixes(sparql)
        if bindings:
            names = " ".join(f"?{name}" for name in bindings)
            values = " ".join(str(to_term(v)) for v in bindings.values())
            sparql += f"\nVALUES ({names}) {{ ({values}) }}"
        return sparql

    def _post(self, sparql: str, accept: str) -> bytes:
        r = self._client.post(self.endpoint, data={"query": sparql}, headers={"Accept": accept})
        r.raise_for_status()
        return r.content

    def select(self, sparql, bindings=None):
        body = json.loads(self._post(self._inline(sparql, bindings), "application/sparql-results+json"))
        rows = []
        for b in body["results"]["bindings"]:
            row = {}
            for name, term in b.items():
                if term["type"] == "uri":
                    row[name] = term["value"]
                elif term["type"] == "bnode":
                    row[name] = "_:" + term["value"]
                else:
                    row[name] = to_python(ox.Literal(term["value"], datatype=ox.NamedNode(term["datatype"]))
                                          if "datatype" in term else ox.Literal(term["value"]))
            rows.append(row)
        return rows

    def ask(self, sparql, bindings=None):
        return bool(json.loads(self._post(self._inline(sparql, bindings), "application/sparql-results+json"))["boolean"])

    def sparql(self, sparql, result_format="json", rdf_format="turtle"):
        accept = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values"}[result_format]
        rdf_accept = RDF_FORMATS[rdf_format].media_type
        r = self._client.post(self.endpoint, data={"query": sparql}, headers={"Accept": f"{accept}, {rdf_accept}"})
        r.raise_for_status()
        kind = "results" if "sparql-results" in r.headers.get("content-type", "") or r.headers.get(
            "content-type", "").startswith(("text/csv", "text/tab")) else "graph"
        return kind, r.content

    def triples(self, subject=None, predicate=None, obj=None):
        s = f"<{subject}>" if subject else "?s"
        p = f"<{predicate}>" if predicate else "?p"
        o = str(to_term(obj)) if obj is not None else "?o"
        for row in self._client.post(self.endpoint, data={"query": f"SELECT * WHERE {{ {s} {p} {o} }}"},
                                     headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]:
            def term(name, fixed):
                if fixed:
                    return to_term(fixed)
                t = row[name]
                if t["type"] == "uri":
                    return ox.NamedNode(t["value"])
                if t["type"] == "bnode":
                    return ox.BlankNode(t["value"])
                if "xml:lang" in t:
                    return ox.Literal(t["value"], language=t["xml:lang"])
                return ox.Literal(t["value"], datatype=ox.NamedNode(t["datatype"])) if "datatype" in t else ox.Literal(t["value"])
            yield term("s", subject), term("p", predicate), term("o", obj)

    def export(self, rdf_format="turtle"):
        kind, body = self.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", rdf_format=rdf_format)
        return body

    def close(self):
        self._client.close()


def store_from_env() -> GraphStore:
    """The store named by ``CAKG_SPARQL_ENDPOINT`` (remote) or else the embedded one."""
    endpoint = os.environ.get("CAKG_SPARQL_ENDPOINT")
    return SparqlEndpointStore(endpoint) if endpoint else open_store()
