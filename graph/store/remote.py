"""A remote SPARQL 1.1 endpoint as a :class:`~graph.store.base.GraphStore` (read-only)."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from ..formats import media_type
from ..formats import rdf_format as _rdf
from ..formats import results_format as _results
from .base import GraphStore, to_python, to_term


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
        accept = media_type(_results(result_format))
        rdf_accept = media_type(_rdf(rdf_format))
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
