"""Guard coverage: every SPARQL 1.1 built-in and XSD cast is accepted (and runs); a function IRI
outside SPARQL 1.1 is refused, naming it."""

from __future__ import annotations

import pytest

from api.sparql.functions import AGGREGATES, BUILT_INS, CASTS
from api.sparql.guard import check_query
from api.sparql.worker import evaluate
from graph.store import memory_store

WHERE = "?s ?p ?o . BIND(1 AS ?n) BIND('abc'@en AS ?t) BIND(NOW() AS ?d)"
QUERIES = ([(name, f"SELECT ?x WHERE {{ {WHERE} BIND({e} AS ?x) }}") for name, e in BUILT_INS.items()]
           + [(name, f"SELECT ({e} AS ?x) WHERE {{ {WHERE} }}") for name, e in AGGREGATES.items()]
           + [(iri, f"SELECT ?x WHERE {{ {WHERE} BIND(<{iri}>(?n) AS ?x) }}") for iri in CASTS])
STORE = memory_store(b"<http://e/a> <http://e/p> <http://e/b> .\n")


@pytest.mark.parametrize("name,query", QUERIES, ids=[n for n, _ in QUERIES])
def test_each_standard_function_is_accepted_and_evaluated(name, query):
    assert check_query(query)[1] is None
    r = evaluate(STORE.native, {"query": query, "row_cap": 5, "result_media": "application/sparql-results+json"})
    assert r["status"] == 200, r


def test_the_table_covers_sparql_1_1():
    assert len(BUILT_INS) + len(AGGREGATES) >= 60 and len(CASTS) == 7


@pytest.mark.parametrize("query", ["PREFIX ex: <http://e/> SELECT ?x WHERE { BIND(ex:f(1) AS ?x) }",
                                   "SELECT ?x WHERE { FILTER(<http://e/f>(?x)) }",
                                   "ASK { { SELECT * WHERE { BIND(<http://e/f>() AS ?y) } } }"])
def test_a_non_standard_function_is_refused_by_name(query):
    error = check_query(query)[1]
    assert error["error"] == "function_refused" and error["function"] == "http://e/f"
    assert "<http://e/f>" in error["message"]
