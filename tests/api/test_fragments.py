"""Triple Pattern Fragments: matching triples, paging controls, count metadata, formats, errors."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routers.fragments import PAGE_SIZE
from graph.testing import fixture_store

HYDRA = "http://www.w3.org/ns/hydra/core#"
VOID = "http://rdfs.org/ns/void#"
ID = "https://w3id.org/cakg/id/"
CAKG = "https://w3id.org/cakg/ontology#"


@pytest.fixture(scope="module")
def c():
    with TestClient(create_app(fixture_store())) as client:
        yield client


def parse(r) -> list[ox.Triple]:
    return list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))


def meta(triples, prop):
    return [t.object for t in triples if t.predicate.value == prop]


def test_pattern_matches_and_counts(c):
    r = c.get("/fragments", params={"predicate": CAKG + "protectedBy", "object": "id:taliban"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = parse(r)
    data = [t for t in triples if t.predicate.value == CAKG + "protectedBy"]
    assert sorted(t.subject.value[len(ID):] for t in data) == ["iju", "imu", "jamaat-ansarullah", "kib-afghan-wing"]
    assert [int(x.value) for x in meta(triples, VOID + "triples")] == [4]
    assert [int(x.value) for x in meta(triples, HYDRA + "totalItems")] == [4]
    assert meta(triples, HYDRA + "next") == [] and meta(triples, HYDRA + "previous") == []
    template = meta(triples, HYDRA + "template")[0].value
    assert template.endswith("/fragments{?subject,predicate,object}")
    assert len(meta(triples, HYDRA + "mapping")) == 3


def test_paging_walks_the_whole_graph(c):
    store = fixture_store()
    total = len(store)
    r = c.get("/fragments")
    triples = parse(r)
    assert int(meta(triples, VOID + "triples")[0].value) == total
    seen, url, pages = set(), "/fragments", 0
    while url and pages < 100:
        triples = parse(c.get(url))
        controls = {HYDRA + p for p in ("next", "previous", "first", "template", "mapping", "variable", "property",
                                        "search", "totalItems", "itemsPerPage", "variableRepresentation")}
        data = [t for t in triples if not str(t.subject.value).startswith("http://testserver/fragments")
                and t.predicate.value not in controls | {VOID + "triples", VOID + "subset"}]
        data = [t for t in data if not t.subject.value.startswith("http://testserver/")]
        seen.update(data)
        nxt = meta(triples, HYDRA + "next")
        url = nxt[0].value.replace("http://testserver", "") if nxt else None
        pages += 1
    assert pages == -(-total // PAGE_SIZE)
    assert len(seen) == total
    second = parse(c.get("/fragments", params={"page": 2}))
    assert meta(second, HYDRA + "previous")[0].value.endswith("page=1")


def test_literal_objects_and_prefixed_names(c):
    r = c.get("/fragments", params={"predicate": "skos:altLabel", "object": '"IDU"@ru'})
    subjects = {t.subject.value for t in parse(r) if t.predicate.value.endswith("altLabel")}
    assert subjects == {ID + "imu"}
    r = c.get("/fragments", params={"subject": "<" + ID + "imu>", "predicate": CAKG + "seedLine",
                                    "object": '"4"^^<http://www.w3.org/2001/XMLSchema#integer>'})
    assert int(meta(parse(r), VOID + "triples")[0].value) == 1
    r = c.get("/fragments", params={"object": '"4"^^http://www.w3.org/2001/XMLSchema#integer', "subject": "id:imu"})
    assert int(meta(parse(r), VOID + "triples")[0].value) == 1  # TPF's own literal syntax, no angle brackets
    r = c.get("/fragments", params={"subject": "?s", "predicate": "", "object": "id:imu"})
    assert int(meta(parse(r), VOID + "triples")[0].value) > 5


def test_formats(c):
    q = {"subject": "id:imu", "predicate": "rdfs:label"}
    jl = c.get("/fragments", params=q, headers={"Accept": "application/ld+json"})
    assert jl.headers["content-type"].startswith("application/ld+json")
    assert any(n.get("@id") == ID + "imu" for n in json.loads(jl.content))
    nt = c.get("/fragments", params=q, headers={"Accept": "application/n-triples"})
    assert f"<{ID}imu> <http://www.w3.org/2000/01/rdf-schema#label>" in nt.text
    trig = c.get("/fragments", params=q, headers={"Accept": "application/trig"})
    quads = list(ox.parse(trig.content, format=ox.RdfFormat.TRIG))
    data = [x for x in quads if x.graph_name == ox.DefaultGraph()]
    assert [x.subject.value for x in data] == [ID + "imu"]  # metadata sits in its own graph
    assert any(x.predicate.value == VOID + "triples" and x.graph_name != ox.DefaultGraph() for x in quads)
    assert c.get("/fragments", params=q, headers={"Accept": "image/gif"}).status_code == 406


@pytest.mark.parametrize("params, parameter", [
    ({"subject": '"literal"'}, "subject"),
    ({"predicate": "not an iri"}, "predicate"),
    ({"object": '"unterminated'}, "object"),
    ({"page": 0}, "page"),
    ({"page": "x"}, "page"),
])
def test_bad_terms_are_422(c, params, parameter):
    r = c.get("/fragments", params=params)
    assert r.status_code == 422 and r.json()["parameter"] == parameter, r.json()


def test_empty_page_beyond_the_end(c):
    r = c.get("/fragments", params={"subject": "id:imu", "page": 50})
    triples = parse(r)
    assert not [t for t in triples if t.subject.value == ID + "imu"]
    assert meta(triples, HYDRA + "next") == []
