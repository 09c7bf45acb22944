"""The one store interface that the API, the views, the CLI and the notebooks use.

* :mod:`graph.store.base`      :class:`GraphStore`, what every store offers; terms as plain values
* :mod:`graph.store.embedded`  :class:`OxigraphStore`: the built store (:func:`open_store`) or one in memory
* :mod:`graph.store.remote`    :class:`SparqlEndpointStore`: any SPARQL 1.1 endpoint over HTTP
* :mod:`graph.store.datadir`   the data folder: one directory per build, ``current`` pointing at the live one
* :mod:`graph.store.engine_client`  which engine is at a URL; querying, loading and the live-graph pointer
* :mod:`graph.store.publish`   ``cakg publish``: a built graph into a new named graph, then made live
* :mod:`graph.store.engines`   the Oxigraph server and Virtuoso started on 127.0.0.1 (tests, benchmarks)
"""

from __future__ import annotations

from .base import GraphStore, StoreDamaged, StoreMissing, to_python, to_term
from .datadir import build_info, current_store_path, store_problem
from .embedded import OxigraphStore, memory_store, open_store
from .engine_client import AnswerTooLarge, EngineRefused, EngineTimeout, StoreUnavailable
from .remote import SparqlEndpointStore

__all__ = ["AnswerTooLarge", "EngineRefused", "EngineTimeout", "GraphStore", "OxigraphStore", "SparqlEndpointStore", "StoreDamaged",
           "StoreMissing",
           "StoreUnavailable", "build_info", "current_store_path", "store_problem",
           "memory_store", "open_store", "store_from_env", "to_python", "to_term"]


def store_from_env() -> GraphStore:
    """The store named by ``CAKG_STORE_URL`` (a remote engine, read through its live graph) or
    else the embedded one."""
    from ..settings import Settings

    url = Settings().store_url
    if not url:
        return open_store()
    root = SparqlEndpointStore(url)
    return root.with_graph(root.engine.live_graph())
