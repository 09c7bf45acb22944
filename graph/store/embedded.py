"""The embedded store: pyoxigraph, either the persistent store built by ``cakg build``
(:func:`open_store`) or an in-memory one (:func:`memory_store`, for tests).

>>> s = memory_store(b'<http://e/a> <http://e/p> <http://e/b> .')
>>> len(s), s.ask("ASK { <http://e/a> ?p ?o }")
(1, True)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..formats import rdf_format as _rdf
from ..formats import results_format as _results
from ..settings import Settings
from .base import GraphStore, StoreDamaged, StoreMissing, solution_rows, to_term
from .datadir import current_store_path


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
        return solution_rows(self._query(sparql, bindings))[1]

    def ask(self, sparql, bindings=None):
        return bool(self._query(sparql, bindings))

    def sparql(self, sparql, result_format="json", rdf_format="turtle"):
        result = self._store.query(sparql)
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            return "results", result.serialize(format=_results(result_format))
        return "graph", ox.serialize(result, format=_rdf(rdf_format))

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
        fmt = _rdf(rdf_format)
        kwargs = {} if fmt.supports_datasets else {"from_graph": ox.DefaultGraph()}
        return self._store.dump(format=fmt, **kwargs)

    def load(self, data: bytes | str, rdf_format: str = "ntriples") -> None:
        if self.read_only:
            raise PermissionError("this store is read-only")
        self._store.bulk_load(input=data, format=_rdf(rdf_format))

    def flush(self) -> None:
        if not self.read_only:
            self._store.flush()


def memory_store(data: bytes | str | None = None, rdf_format: str = "ntriples") -> OxigraphStore:
    """An in-memory store, optionally loaded with RDF (N-Triples by default)."""
    store = OxigraphStore(ox.Store())
    if data:
        store.load(data, rdf_format)
    return store


def open_store(data: Path | None = None) -> OxigraphStore:
    """Open the current built store read-only; raise :class:`StoreMissing` if there is none and
    :class:`StoreDamaged` if it cannot be read."""
    path = current_store_path(data)
    if path is None:
        raise StoreMissing(f"no store in {Path(data or Settings().data_dir)}: run 'cakg build' first")
    try:
        return OxigraphStore(ox.Store.read_only(str(path)), path=path, read_only=True)
    except (OSError, RuntimeError, ValueError) as exc:
        raise StoreDamaged(f"the store at {path} is damaged ({exc}): run 'cakg build' to build a new one") from exc
