"""Real SPARQL clients work unchanged against a live uvicorn on 127.0.0.1: SPARQLWrapper and
rdflib's SPARQLStore (GET and POST, SELECT, ASK, CONSTRUCT, DESCRIBE, several result formats)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, N3, POST, TURTLE, XML, SPARQLWrapper

pytestmark = pytest.mark.server

CAKG = "https://w3id.org/cakg/ontology#"
ID = "https://w3id.org/cakg/id/"
PREFIXES = f"PREFIX cakg: <{CAKG}>\nPREFIX id: <{ID}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
PROTECTED = PREFIXES + "SELECT ?g ?label WHERE { ?g cakg:protectedBy id:taliban ; rdfs:label ?label } ORDER BY ?g"


def endpoint(live_server) -> str:
    return live_server.url + "/sparql"


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_json(live_server, method):
    sw = SPARQLWrapper(endpoint(live_server))
    sw.setQuery(PROTECTED)
    sw.setReturnFormat(JSON)
    sw.setMethod(method)
    rows = sw.query().convert()["results"]["bindings"]
    assert [r["g"]["value"][len(ID):] for r in rows] == ["iju", "imu", "jamaat-ansarullah", "kib-afghan-wing"]
    assert rows[1]["label"]["xml:lang"] == "en"


def test_sparqlwrapper_xml_csv_ask(live_server):
    sw = SPARQLWrapper(endpoint(live_server))
    sw.setQuery(PROTECTED)
    sw.setReturnFormat(XML)
    doc = sw.query().convert()  # a DOM document
    assert len(doc.getElementsByTagName("result")) == 4
    sw.setReturnFormat(CSV)
    text = sw.query().convert().decode()
    assert text.splitlines()[0] == "g,label" and len(text.strip().splitlines()) == 5
    sw.setQuery(PREFIXES + "ASK { id:kib cakg:memberOfCoalition id:hts }")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True


def test_sparqlwrapper_construct_and_describe(live_server):
    sw = SPARQLWrapper(endpoint(live_server))
    sw.setQuery(PREFIXES + "CONSTRUCT { ?g cakg:protectedBy id:taliban } WHERE { ?g cakg:protectedBy id:taliban }")
    sw.setReturnFormat(TURTLE)
    g = Graph().parse(data=sw.query().convert(), format="turtle")
    assert len(g) == 4
    sw.setReturnFormat(XML)  # RDF/XML, parsed by SPARQLWrapper into an rdflib Graph
    assert len(sw.query().convert()) == 4
    sw.setQuery(PREFIXES + "DESCRIBE id:imu")
    sw.setReturnFormat(N3)
    described = Graph().parse(data=sw.query().convert(), format="turtle")
    assert (URIRef(ID + "imu"), URIRef(CAKG + "protectedBy"), URIRef(ID + "taliban")) in described


def test_sparqlwrapper_sees_errors(live_server):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sw = SPARQLWrapper(endpoint(live_server))
    sw.setQuery("SELECT * WHERE { ?s ?p }")
    sw.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed):
        sw.query()


@pytest.mark.parametrize("method", ["GET", "POST_FORM"])
def test_rdflib_sparqlstore(live_server, method):
    store = SPARQLStore(endpoint(live_server), method=method, returnFormat="json")
    g = Graph(store=store)
    rows = list(g.query(PROTECTED))
    assert [str(r.g)[len(ID):] for r in rows] == ["iju", "imu", "jamaat-ansarullah", "kib-afghan-wing"]
    assert rows[1].label == Literal("Islamic Movement of Uzbekistan", lang="en")
    assert g.query(PREFIXES + "ASK { id:imu a cakg:MilitantGroup }").askAnswer is True
    constructed = g.query(PREFIXES + "CONSTRUCT { ?g cakg:protectedBy id:taliban } WHERE { ?g cakg:protectedBy id:taliban }")
    assert len(constructed.graph) == 4
    # the triple-pattern interface of an rdflib Graph over the store
    labels = list(g.objects(URIRef(ID + "imu"), URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    assert labels == [Literal("Islamic Movement of Uzbekistan", lang="en")]
    assert (URIRef(ID + "imu"), URIRef(CAKG + "protectedBy"), URIRef(ID + "taliban")) in g


def test_rdflib_sparqlstore_xml_default(live_server):
    g = Graph(store=SPARQLStore(endpoint(live_server)))  # default: SPARQL XML results, RDF/XML graphs
    assert len(list(g.query(PROTECTED))) == 4
    assert len(g.query(PREFIXES + "DESCRIBE id:hts").graph) > 5


def test_rdflib_sparqlstore_is_read_only(live_server):
    g = Graph(store=SPARQLStore(endpoint(live_server)))
    with pytest.raises(TypeError):
        g.add((URIRef("urn:a"), URIRef("urn:b"), URIRef("urn:c")))
