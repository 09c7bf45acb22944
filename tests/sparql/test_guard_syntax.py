"""Valid queries the guard's rdflib pre-parser used to refuse (issue 14)."""

from __future__ import annotations

import json

from api.sparql.guard import canonical_query, check_query
from api.sparql.worker import evaluate
from graph.store import memory_store


def test_negative_decimal_right_after_an_iri_is_accepted_and_answered():
    store = memory_store(b'<https://w3id.org/cakg/a> <https://w3id.org/cakg/b> "-1.0"^^'
                         b'<http://www.w3.org/2001/XMLSchema#decimal> .\n')
    for query in ("SELECT * WHERE { <a><b>-1.0 }", "ASK { <a> <b> ?x FILTER(?x = -1.00) }"):
        text, error = canonical_query(query)
        assert error is None and text == query  # the guard checks the very text the engine runs
        assert check_query(text) == (query.split()[0].title() + "Query", None)
        r = evaluate(store.native, {"query": query, "row_cap": 10, "result_media": "application/sparql-results+json"})
        assert r["status"] == 200, r
        doc = json.loads(r["body"])
        assert doc.get("boolean") is True or len(doc["results"]["bindings"]) == 1


def test_negative_numbers_of_every_kind_still_parse_and_bad_ones_still_fail():
    for query in ("SELECT * WHERE { ?s ?p -1 }", "SELECT * WHERE { ?s ?p -1.5e3 }", "SELECT * WHERE { ?s ?p -.5 }"):
        assert check_query(query)[1] is None, query
    assert check_query("SELECT * WHERE { ?s ?p -x }")[1]["error"] == "syntax_error"


def test_a_lone_surrogate_escape_is_a_syntax_error_and_astral_escapes_still_work():
    # W3C syn-invalid-codepoint-escaped-bad-01: \uD800 names no character (it used to reach the
    # engine and come back as a 400 query_error about UTF-8)
    for escape in (r"\uD800", r"\udfff", r"\U0000DC00"):
        error = canonical_query(f"SELECT * WHERE {{ ?s <http://a.example/p1> '{escape}' }}")[1]
        assert error["error"] == "syntax_error" and "surrogate" in error["message"], escape
    text, error = canonical_query(r"ASK { ?s ?p '\U0001F600\u00e9' }")
    assert error is None and "\U0001F600\u00e9" in text and check_query(text)[1] is None


def test_an_iri_token_read_as_comparisons_is_a_syntax_error():
    # W3C syn-bad-26: by the longest-token rule <?a&&?b> is one IRI, which cannot follow ?x in a FILTER
    for query in ("SELECT * WHERE { FILTER (?x<?a&&?b>?y) }", "ASK { ?s ?p ?o FILTER(?o<3&&?o>1) }"):
        error = check_query(query)[1]
        assert error["error"] == "syntax_error" and "IRI token" in error["message"], query
        assert error["line"] == 1 and query[error["column"] - 1] == "<"


def test_angle_brackets_that_are_no_iri_token_still_pass():
    for query in ("ASK { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
                  "ASK { ?s ?p ?o FILTER(?o<=3 && ?o>=1) }",
                  "ASK { ?s ?p '<b>' . ?s ?p \"<c>\" . ?s ?p '''x'<d>'y''' . ?s ?p \"\"\"\"<e>\"\"\" }",
                  "ASK { ?s ?p ?o } # FILTER(?x<?a&&?b>?y)",
                  "PREFIX ex: <http://e/> ASK { ex:a\\#b ex:c 'x' . ?s <http://e/#frag> ?o FILTER(?o<1) }",
                  "PREFIX : <> ASK { <> :p <#x> }",
                  "SELECT * WHERE { ?s ?p \"a\\\"<f>\" }"):
        assert check_query(canonical_query(query)[0])[1] is None, query
