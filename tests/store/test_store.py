"""The store interface: the embedded Oxigraph store and a remote SPARQL endpoint answer alike."""

from __future__ import annotations

import pytest

from graph.store import SparqlEndpointStore, memory_store, to_python
from graph.vocab import ID

Q_PROTECTED = "SELECT ?g WHERE { ?g cakg:protectedBy id:taliban } ORDER BY ?g"


def test_memory_store_select_ask_bindings(store):
    rows = store.select(Q_PROTECTED)
    assert [r["g"] for r in rows] == sorted(r["g"] for r in rows) and len(rows) == 4
    assert store.ask("ASK { ?e skos:altLabel ?a }")
    bound = store.select("SELECT ?e ?l WHERE { ?e rdfs:label ?l }", {"e": str(ID["imu"])})
    assert bound == [{"e": str(ID["imu"]), "l": "Islamic Movement of Uzbekistan"}]
    assert store.count(str(ID["imu"])) > 3 and len(store) > 1000


def test_memory_store_is_writable_and_typed():
    s = memory_store('<http://e/a> <http://e/p> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .')
    assert s.select("SELECT ?o WHERE { ?s ?p ?o }") == [{"o": True}]
    assert to_python(None) is None


@pytest.mark.server
def test_remote_endpoint_store_matches_embedded(live_server, store):
    remote = SparqlEndpointStore(f"{live_server.url}/sparql")
    try:
        assert remote.select(Q_PROTECTED) == store.select(Q_PROTECTED)
        assert remote.ask("ASK { id:hts cakg:rivalOf id:hurras-ad-din }") is True
        bound = remote.select("SELECT ?e ?l WHERE { ?e rdfs:label ?l }", {"e": str(ID["imu"])})
        assert bound == [{"e": str(ID["imu"]), "l": "Islamic Movement of Uzbekistan"}]
        assert remote.count(str(ID["imu"])) == store.count(str(ID["imu"]))
        kind, body = remote.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3")
        assert kind == "graph" and body
    finally:
        remote.close()
