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
