"""Issue 14, item 2: SPARQL keeps answering after two rebuilds prune the store the server opened."""

from __future__ import annotations

import os
import shutil

import pyoxigraph as ox
import pytest

from api.sparql.pool import QueryTimeout, SparqlPool, pool_source
from graph.store import OxigraphStore

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def _build(data, name: str, marker: str) -> None:
    """A 'build': a new store folder with a marker triple, then ``current`` swapped to it."""
    path = data / "stores" / name
    store = ox.Store(str(path))
    store.extend([ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.NamedNode(f"urn:o{j}"))
                  for i in range(40) for j in range(40)])
    store.add(ox.Quad(ox.NamedNode("urn:build"), ox.NamedNode("urn:is"), ox.Literal(marker)))
    store.flush()
    del store
    tmp = data / "current.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(path.relative_to(data), tmp)
    os.replace(tmp, data / "current")


def _marker(pool) -> str:
    r = pool.run({"query": "SELECT ?m WHERE { <urn:build> <urn:is> ?m }", "result_media": "text/csv",
                  "row_cap": 10}, 5.0, wait=60)  # a replacement worker may take long to start on a loaded machine
    assert r["status"] == 200, r
    return r["body"].decode().split()[-1]


def test_pool_survives_two_rebuilds_that_prune_its_store(tmp_path):
    data = tmp_path / "data"
    (data / "stores").mkdir(parents=True)
    _build(data, "b1", "one")
    served = OxigraphStore(ox.Store.read_only(str(data / "stores" / "b1")), path=data / "stores" / "b1")
    pool = SparqlPool(pool_source(served), size=1)
    try:
        assert _marker(pool) == "one"
        for n, marker in ((2, "two"), (3, "three")):
            old = os.path.realpath(data / "current")
            _build(data, f"b{n}", marker)
            shutil.rmtree(old)  # the build prunes the previous store
            # a runaway query past the timeout kills the worker; its replacement must start on the live store
            with pytest.raises(QueryTimeout):
                pool.run({"query": RUNAWAY, "result_media": "text/csv", "row_cap": 10}, 0.3)
            assert _marker(pool) == marker
        assert pool.kills >= 2
    finally:
        pool.close()
