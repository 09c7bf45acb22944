"""One-pattern lookups answered in the server process (:mod:`api.sparql.lookup`).

Three things must hold: the tokenizer accepts only queries that really are one triple pattern
(checked against rdflib's parse and algebra, on hand-picked and generated texts); a lookup's answer
is the worker's answer, in every result format; and over the HTTP route a lookup skips the pool
while everything else (more rows than the in-process bound, truncation, syntax errors) is answered
as before.
"""

from __future__ import annotations

import json
import re
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.sparql import lookup
from api.sparql.guard import canonical_query
from api.sparql.worker import evaluate
from graph.testing import fixture_store

ACCEPTED = [
    "SELECT ?p ?o WHERE { id:imu ?p ?o }",
    "select ?p ?o where { id:imu ?p ?o . }",
    "SELECT * { ?s rdfs:label 'Islamic Movement of Uzbekistan'@en }",
    "PREFIX ex: <http://example.org/> BASE <http://b/> SELECT ?s { ?s ex:p <rel> } LIMIT 3 OFFSET 1",
    "SELECT ?s WHERE { ?s a cakg:Group } OFFSET 2",
    "SELECT ?c ?v { ?c cakg:value ?v } # a comment with } . ?x ?y ?z inside",
    "SELECT $s ?o { $s <https://w3id.org/cakg/vocab#fighterCount> ?o }",
    "SELECT ?s { ?s ?p 12 }",
    "SELECT ?s { ?s ?p -1.5e3 }",
    "SELECT ?s { ?s ?p true }",
    "SELECT ?s { ?s ?p \"with \\\" quote } and { braces\"^^xsd:string }",
    "SELECT ?p { [] ?p ?o }",
    "SELECT ?p { _:b ?p ?o }",
    "SELECT ?s {?s ?p 5.}",
    "SELECT ?s WHERE { ?s ?p ?o } # } UNION { ?a ?b ?c",  # all a comment: the LIMIT goes on a new line
]

REJECTED = [
    "SELECT ?s WHERE { ?s ?p ?s }",  # a repeated variable: the engine scans for matches
    "SELECT ?s WHERE { ?s ?p $s }",  # the same variable, other sigil
    "SELECT ?s WHERE { _:b ?p _:b }",
    "SELECT * WHERE { ?s ?p ?o . ?o ?q ?r }",
    "SELECT * WHERE { ?s ?p ?o , ?r }",
    "SELECT * WHERE { ?s ?p ?o ; ?q ?r }",
    "SELECT * WHERE { ?s <p>/<q> ?o }",
    "SELECT * WHERE { ?s <p>* ?o }",
    "SELECT * WHERE { ?s ^<p> ?o }",
    "SELECT * WHERE { [ ?p ?o ] ?q ?r }",
    "SELECT * WHERE { ?s ?p ( 1 2 ) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o > 1) }",
    "SELECT * WHERE { OPTIONAL { ?s ?p ?o } }",
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "SELECT * FROM <http://x/> WHERE { ?s ?p ?o }",
    "SELECT DISTINCT ?p WHERE { ?s ?p ?o }",
    "SELECT REDUCED ?p WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s",
    "SELECT ?p WHERE { ?s ?p ?o } GROUP BY ?p",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { <a> }",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 LIMIT 2",
    f"SELECT ?s WHERE {{ ?s ?p ?o }} OFFSET {lookup.MAX_OFFSET + 1}",
    "SELECT ?s WHERE { ?s ?p ?o } #" + "x" * lookup.MAX_LENGTH,  # too long to tokenize on the event loop
    "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DELETE WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p '''long''' }",
    "SELECT ?s WHERE { ?s ?p ?o BIND(1 AS ?x) }",
    "SELECT ?s WHERE { <<?a ?b ?c>> ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o",
    "",
]


@pytest.mark.parametrize("query", ACCEPTED)
def test_lookups_are_recognised(query):
    assert lookup.recognise(query) is not None
    assert _one_pattern(query), "rdflib does not read this as one triple pattern"


@pytest.mark.parametrize("query", REJECTED)
def test_everything_else_is_not(query):
    assert lookup.recognise(query) is None


def _one_pattern(query: str) -> bool | None:
    """rdflib's reading: a SELECT whose algebra is one triple pattern, projected and maybe sliced
    (True), another query (False), or no valid query at all (None)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import Query

    from graph.vocab import PREFIXES

    try:
        algebra = translateQuery(Query.parse_string(query, parse_all=True), initNs=PREFIXES).algebra
    except Exception:  # noqa: BLE001 - not a valid query (for rdflib)
        return None
    if algebra.name != "SelectQuery":
        return False
    node = algebra["p"]
    if node.name == "Slice":
        node = node["p"]
    if node.name != "Project":
        return False
    node = node["p"]
    return node.name == "BGP" and len(node["triples"]) == 1


NATIVE = fixture_store().native

# texts made of lookup-like pieces and of pieces that make them something else: whenever the
# tokenizer says "lookup", rdflib must read one triple pattern
PIECES = ["SELECT", "select", "WHERE", "{", "}", ".", ";", ",", "*", "?s", "?p", "?o", "$s", "_:b", "[]", "[",
          "]", "a", "<http://e/x>", "<rel>", "id:imu", "rdfs:label", "ex:", "'x'", "\"y\"@en", "'1'^^xsd:integer",
          "12", "5.", "-1.5e3", "true", "LIMIT", "OFFSET", "3", "PREFIX", "ex:", "<http://e/>", "BASE", "FILTER",
          "(", ")", "OPTIONAL", "UNION", "SERVICE", "DISTINCT", "ORDER", "BY", "VALUES", "/", "|", "^", "#c\n",
          "# } { ?x ?y ?z\n", "'}'", "\"{ ?a ?b ?c }\"", "GRAPH", "FROM", "ASK", "BIND", "AS", "<<", ">>"]
SHAPE = ["SELECT", "?p", "?o", "WHERE", "{", "id:imu", "?p", "?o", "}"]


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(SHAPE)), st.sampled_from(PIECES)), max_size=4),
       st.lists(st.integers(0, len(SHAPE) - 1), max_size=2), st.sampled_from([" ", "\n", "", "\t"]))
def test_the_tokenizer_never_accepts_more_than_one_pattern(inserts, drops, space):
    tokens = [t for i, t in enumerate(SHAPE) if i not in drops]
    for at, piece in inserts:
        tokens.insert(min(at, len(tokens)), piece)
    query = space.join(tokens) if space else " ".join(tokens).replace(" {", "{").replace("} ", "}")
    if lookup.recognise(query) is not None:
        reading = _one_pattern(query)
        if reading is None:  # invalid: the engine must say so too, so the pool's guard answers
            assert lookup.answer(NATIVE, {"query": query, "row_cap": 10}) is None, query
        else:
            assert reading, query


PROLOGUE_PIECES = ["PREFIX ex: <http://e/>", "prefix : <http://e/>", "PREFIX ex:<http://e/>", "BASE <http://b/>",
                   "base<x>", "PREFIXex: <http://e/>", "PREFIX ex:a <http://e/>", "PREFIX ex: # c\n <http://e/>",
                   "PREFIX 1x: <http://e/>", "PREFIX ex: <http://e/ x>", "PREFIX ex.: <x>", "PREFIX e.x: <x>",
                   "PREFIX ex:%41 <x>", "PREFIX ex: ex:", "PREFIX", "BASE", " ", "\n", "\t", "#", "##", "# PREFIX\n",
                   "#\n", "PREFIX-x: <x>", "PREFIX ex: <x>PREFIX ey: <y>", "PREFIX ex: <a> BASE <b>", "SELECT"]


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PROLOGUE_PIECES), max_size=6), st.sampled_from(["", " ", "\n"]),
       st.sampled_from(ACCEPTED + ["SELECT ?s WHERE { ?s ?p ?s }", "ASK { ?s ?p ?o }"]))
def test_the_prologue_read_in_one_match_reads_as_the_token_loop_does(pieces, glue, body):
    query = glue.join(pieces) + glue + body
    with mock.patch.object(lookup, "_PROLOGUE", re.compile("")):  # every token read by the loop
        reference = lookup.recognise.__wrapped__(query)
    assert lookup.recognise.__wrapped__(query) == reference, query


def test_a_long_prologue_is_recognised_in_one_match():
    prologue = "".join(f"PREFIX p{k}: <http://e/{k}/> # {k}\n" for k in range(16))
    query = prologue + "SELECT ?p ?o WHERE { p3:x ?p ?o }"
    assert lookup._PROLOGUE.match(query).end() == len(prologue)
    assert lookup.recognise(query) == lookup.Lookup(None, 0, len(prologue), len(query), "p")


# ---------------------------------------------------------------------------- same answers

MEDIA = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
         "text/tab-separated-values"]
SAME = [
    "SELECT ?p ?o WHERE { id:imu ?p ?o }",
    "SELECT * { ?s rdfs:label ?l } LIMIT 40",
    "SELECT ?s ?o { ?s skos:altLabel ?o } OFFSET 3",
    "SELECT ?c ?v WHERE { ?c cakg:value ?v }",
    "SELECT ?s ?p WHERE { ?s ?p id:taliban }",
    "SELECT ?s ?unbound WHERE { ?s a cakg:Group }",
    "SELECT ?s WHERE { ?s ?p 'no such literal' }",
    "SELECT ?s WHERE { ?s a cakg:Group } # } UNION { ?a ?b ?c",
    "SELECT * { ?s rdfs:label ?l } LIMIT 100000",
    "SELECT ?s WHERE { ?s a cakg:Group } LIMIT 100000 OFFSET 2",
    "SELECT ?s WHERE { ?s a cakg:Group } OFFSET 1 LIMIT 5000 # trailing",
]


@pytest.fixture(scope="module")
def native():
    return fixture_store().native


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize("query", SAME)
def test_a_lookup_answers_as_the_worker_does(native, query, media):
    job = {"query": query, "result_media": media, "graph_media": "text/turtle", "row_cap": 10_000}
    fast, slow = lookup.answer(native, job), evaluate(native, job)
    assert fast is not None and slow["status"] == 200
    assert (fast["rows"], fast["truncated"], fast["media"]) == (slow["rows"], slow["truncated"], slow["media"])
    if media.endswith("json"):
        assert json.loads(fast["body"]) == json.loads(slow["body"])
    else:
        assert fast["body"] == slow["body"]


def test_more_rows_than_the_bound_go_to_the_pool(native, monkeypatch):
    job = {"query": "SELECT * WHERE { ?s ?p ?o }", "result_media": MEDIA[0], "row_cap": 10_000}
    total = evaluate(native, job)["rows"]
    monkeypatch.setattr(lookup, "FAST_ROWS", total - 1)
    assert lookup.answer(native, job) is None
    monkeypatch.setattr(lookup, "FAST_ROWS", total)
    assert lookup.answer(native, job)["rows"] == total
    assert lookup.answer(native, {**job, "row_cap": total - 1}) is None  # the pool cuts and says so
    # a LIMIT past the bound: the engine still writes at most bound rows, so when they fit the
    # answer is whole and given here; when they do not, the pool answers
    big = {**job, "query": job["query"] + " LIMIT 100000"}
    assert lookup.answer(native, big)["rows"] == total
    monkeypatch.setattr(lookup, "FAST_ROWS", total - 1)
    assert lookup.answer(native, big) is None


def test_the_engine_writes_at_most_one_row_past_the_bound(native, monkeypatch):
    seen = []

    class Spy:
        def query(self, text, **kwargs):
            seen.append(text)
            return native.query(text, **kwargs)

    monkeypatch.setattr(lookup, "FAST_ROWS", 7)
    pattern = "SELECT * WHERE { ?s a cakg:Claim }"
    # the LIMIT the engine gets is the client's, or one past the bound if that is smaller (or there
    # is none): that row, when it comes, says the pool must answer
    for query, sent, pooled in [
            (pattern, [f"{pattern}\nLIMIT 8"], True),
            (f"{pattern} LIMIT 100000 OFFSET 3", [f"{pattern} \nLIMIT 8 OFFSET 3"], True),
            (f"{pattern} OFFSET 3 LIMIT 2 # a comment", [f"{pattern} \nLIMIT 2 OFFSET 3"], False),
            (f"PREFIX ex: <http://e/> {pattern} # }} LIMIT 1",
             [f"PREFIX ex: <http://e/> {pattern} # }} LIMIT 1\nLIMIT 8"], True)]:
        seen.clear()
        assert (lookup.answer(Spy(), {"query": query, "row_cap": 10_000}) is None) == pooled, query
        assert seen == sent, query
    seen.clear()
    few = "SELECT ?p WHERE { id:imu ?p id:taliban }"
    rows = lookup.answer(Spy(), {"query": few, "row_cap": 10_000})["rows"]
    assert 0 < rows <= 7 and seen == [f"{few}\nLIMIT 8"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.tuples(st.text(alphabet='ab"\\{},:[] \n\u00e9', max_size=12),
                                 st.sampled_from(["", "en", "xsd:string", "xsd:date", "triple"])), max_size=6),
       names=st.sampled_from([("s", "o"), ("type", "value"), ("value", "type"), ("head", "x"), ("subject", "o"),
                              ("o", "s")]),
       unbound=st.booleans())
def test_rows_are_counted_whatever_the_literals_hold(values, names, unbound):
    """count_rows, with and without the lookup's key, against the JSON parsed: literals full of
    quotes, braces and commas, language tags and datatypes, triple terms, variables named like the
    document's own keys, projected variables the pattern does not bind."""
    import pyoxigraph as ox

    store = ox.Store()
    for k, (v, tag) in enumerate(values):
        obj = (ox.Literal(v, language=tag) if tag == "en" else
               ox.Triple(ox.NamedNode("http://e/t"), ox.NamedNode("http://e/q"), ox.Literal(v)) if tag == "triple" else
               ox.Literal(v, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#" + tag[4:])) if tag else
               ox.Literal(v))
        store.add(ox.Quad(ox.NamedNode(f"http://e/{k}"), ox.NamedNode("http://e/p"), obj))
    s, o = names
    for select in ("*", f"?{s} ?{o}", f"?{o}", f"?{s} ?unbound" if unbound else f"?{o} ?{s}", "?unbound"):
        query = f"SELECT {select} WHERE {{ ?{s} ?p ?{o} }}"
        found = lookup.recognise(query)
        assert found is not None, query
        body = store.query(query).serialize(format=ox.QueryResultsFormat.JSON)
        rows = len(json.loads(body)["results"]["bindings"])
        assert rows == len(values)
        assert lookup.count_rows(body) == rows, (query, body)
        assert lookup.count_rows(body, found.key) == rows, (query, found.key, body)
        if select == "?unbound":
            assert found.key is None  # no projected variable is bound by the pattern


def test_an_engine_syntax_error_goes_to_the_pool(native):
    assert lookup.recognise(canonical_query("SELECT ?s { ?s nope:x ?o }")[0]) is not None
    assert lookup.answer(native, {"query": "SELECT ?s { ?s nope:x ?o }", "row_cap": 10}) is None


# ---------------------------------------------------------------------------- over HTTP

@pytest.fixture
def small_cap_client():
    from fastapi.testclient import TestClient

    from api.app import create_app
    from graph.settings import Settings

    app = create_app(fixture_store(), Settings(sparql_row_cap=5))
    with TestClient(app) as client:
        client.app_ = app
        yield client


def test_a_lookup_over_http_skips_the_pool(small_cap_client):
    r = small_cap_client.get("/sparql", params={"query": "SELECT ?p WHERE { id:imu ?p id:taliban }"})
    assert r.status_code == 200, r.text
    assert r.headers["x-sparql-rows"] == str(len(r.json()["results"]["bindings"]))
    assert "x-sparql-truncated" not in r.headers
    assert getattr(small_cap_client.app_.state, "sparql_runtime", None) is None  # no worker was needed


def test_a_lookup_over_the_row_cap_is_cut_by_the_pool_as_before(small_cap_client):
    r = small_cap_client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200, r.text
    assert r.headers["x-sparql-truncated"] == "true" and r.headers["x-sparql-rows"] == "5"
    assert len(r.json()["results"]["bindings"]) == 5
    assert small_cap_client.app_.state.sparql_runtime is not None


def test_a_lookup_s_syntax_error_is_worded_by_the_guard(small_cap_client):
    r = small_cap_client.get("/sparql", params={"query": "SELECT ?s { ?s nope:x ?o }"})
    assert r.status_code == 400 and r.json()["error"] == "query_error" and "nope" in r.json()["message"]
