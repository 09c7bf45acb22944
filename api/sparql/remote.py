"""Guarded SPARQL over a remote engine (``cakg serve --store URL``).

The guard runs here exactly as for the embedded store (:func:`~api.sparql.guard.canonical_query`,
:func:`~api.sparql.guard.check_query`: no update, no SERVICE, no FROM, no Virtuoso ``bif:``/``sql:``
function); the canonical text the guard checked, with the standard PREFIX block in front, is then
sent to the engine, read through the live graph (``default-graph-uri``), with the engine's own time
limit set (Virtuoso's ``timeout`` parameter; the Oxigraph server's ``--timeout-s``) and the HTTP
read bounded too. The engine's answer is parsed and written again in the format asked for, cut at
the row cap, so the answer has the same shape as over the embedded store. The engine's answer is
read as a stream and dropped past :data:`READ_FACTOR` times the response-size cap (422
``result_too_large``), so one query cannot make this process hold an answer of any size.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from graph.formats import results_format
from graph.store import AnswerTooLarge, EngineRefused, SparqlEndpointStore
from graph.store.remote import boolean_answer
from graph.vocab import sparql_prefixes

from .guard import _error, canonical_query, check_query
from .ordering import total_order
from .worker import TRUNCATED_LINK, graph_result

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: how many times the response-size cap (``sparql_max_result_bytes``) of an engine's answer is read
#: before it is dropped: the engine's JSON or Turtle is longer than what is written back, and rows
#: past the row cap are cut only after reading
READ_FACTOR = 4


class RemoteTimeout(Exception):
    """The engine ran past the time limit."""


def _clean(term: dict) -> dict:
    """A SPARQL JSON term as the embedded engine writes it (Virtuoso says ``typed-literal`` and
    types plain strings)."""
    if term.get("type") == "typed-literal":
        term = {**term, "type": "literal"}
    if term.get("datatype") == XSD_STRING:
        term = {k: v for k, v in term.items() if k != "datatype"}
    return term


def evaluate_remote(store: SparqlEndpointStore, job: dict, timeout: float) -> dict:
    """Check one query and run it on the remote engine; the same result dict as
    :func:`api.sparql.worker.evaluate`. :class:`RemoteTimeout` when the engine overran."""
    from graph.store import EngineTimeout

    query, error = canonical_query(job["query"])
    if error:
        return dict(error)
    form, error = check_query(query)
    if error:
        return dict(error)  # a copy: check_query's answers are cached, and the caller pops from it
    graph = form in ("ConstructQuery", "DescribeQuery")
    media = (job.get("graph_media") or "text/turtle") if graph else (job.get("result_media") or "application/sparql-results+json")
    row_cap = int(job.get("row_cap", 10_000))
    accept = "text/turtle" if graph else "application/sparql-results+json"
    try:
        # the ORDER BY total order (api/sparql/ordering.py) for the Oxigraph server too: its sort aborts
        # the whole server process on the same mixed-type keys (W3C syntax-order-04 killed it).
        # Virtuoso sorts any terms, and refuses those keys over an aggregate's alias.
        if store.engine.kind != "virtuoso":
            query = total_order(query)
        read_cap = READ_FACTOR * int(job["max_bytes"]) if job.get("max_bytes") else None
        r = store._post(sparql_prefixes() + query, accept, timeout=timeout, max_bytes=read_cap)
    except AnswerTooLarge as exc:
        return _error(422, "result_too_large", f"the {exc.engine} engine's answer is over {exc.limit:,} bytes "
                      f"({READ_FACTOR} times sparql_max_result_bytes); select fewer or shorter values, or add LIMIT",
                      limit=int(job["max_bytes"]))
    except EngineTimeout:
        raise RemoteTimeout() from None
    except EngineRefused as exc:
        if "timeout" in exc.body.lower() or "S1TAT" in exc.body:
            raise RemoteTimeout() from None
        return _error(400, "query_error", f"the {exc.engine} engine refused the query: {exc.body[:300]}")
    if r.headers.get("x-sql-state") == "S1TAT":  # Virtuoso's 'anytime' answer: partial, cut by its timeout
        raise RemoteTimeout()
    if graph:
        return graph_result(ox.parse(r.content, format=ox.RdfFormat.TURTLE), media, row_cap)
    document = json.loads(r.content)
    if form == "AskQuery":
        answer = {"head": {}, "boolean": boolean_answer(document)}
        body = ox.parse_query_results(json.dumps(answer).encode(), format=ox.QueryResultsFormat.JSON).serialize(
            format=results_format(media))
        return {"status": 200, "media": media, "rows": 1, "truncated": False, "body": body}
    names = list(document["head"].get("vars", []))
    bindings = document["results"]["bindings"]
    truncated = len(bindings) > row_cap
    bindings = [{k: _clean(v) for k, v in b.items()} for b in bindings[:row_cap]]
    out = {"head": {"vars": names}, "results": {"bindings": bindings}}
    fmt = results_format(media)
    if fmt == ox.QueryResultsFormat.JSON:
        if truncated:
            out["head"]["link"] = [f"{TRUNCATED_LINK}?rowCap={row_cap}"]  # as the embedded worker does
        body = json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode()
    else:
        body = ox.parse_query_results(json.dumps(out).encode(), format=ox.QueryResultsFormat.JSON).serialize(format=fmt)
    return {"status": 200, "media": media, "body": body, "rows": len(bindings), "truncated": truncated}
