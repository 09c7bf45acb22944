"""The store interface (:class:`GraphStore`) and the conversion of terms to plain values.

Rows come back as plain Python values (IRIs and strings as ``str``, numbers as ``int``/``float``,
booleans as ``bool``), so callers never depend on one RDF library's term classes.

>>> from graph.store import memory_store
>>> s = memory_store(b'<http://e/a> <http://e/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .')
>>> s.select("SELECT ?o WHERE { <http://e/a> ?p ?o }")
[{'o': 1}]
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any, Iterator

import pyoxigraph as ox

from ..vocab import sparql_prefixes

XSD = "http://www.w3.org/2001/XMLSchema#"
class StoreMissing(FileNotFoundError):
    """No built store where one was expected (run ``cakg build``)."""


class StoreDamaged(StoreMissing):
    """The built store is there but cannot be read (run ``cakg build`` to build a new one)."""


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


def solution_rows(solutions, convert=to_python, limit: int | None = None) -> tuple[list[str], list[dict], bool]:
    """The variables, rows and whether ``limit`` cut them, of pyoxigraph ``QuerySolutions``;
    each row maps a bound variable to ``convert(term)`` (unbound variables are left out).

    >>> import pyoxigraph as ox
    >>> s = ox.Store(); s.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x")))
    >>> solution_rows(s.query("SELECT ?s ?o ?none WHERE { ?s ?p ?o }"))
    (['s', 'o', 'none'], [{'s': 'http://e/a', 'o': 'x'}], False)
    """
    names = [v.value for v in solutions.variables]
    rows, truncated = [], False
    for i, solution in enumerate(solutions):
        if limit is not None and i >= limit:
            truncated = True
            break
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = convert(term)
        rows.append(row)
    return names, rows, truncated


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
