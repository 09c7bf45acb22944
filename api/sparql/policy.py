"""The refusal policy of ``/sparql``: every valid SPARQL request it declines to run, in one table.

A refusal is an answer with a JSON body whose ``error`` is one of the codes below. Anything else
that is not a 200 is a fault of the request (``syntax_error``, ``query_too_long`` ...) or a limit
(``timeout``, ``too_many_queries``, ``result_too_large``), never a policy. The W3C syntax-suite
test (``tests/sparql/test_w3c_syntax.py``) sends every valid query of the suites and accepts only
a 200 or one of these refusals; the README prints this table (``python -m api.sparql.policy``
writes it as Markdown, and a test checks the README carries it).

>>> sorted(REFUSALS)
['dataset_refused', 'function_refused', 'service_refused', 'update_refused']
>>> REFUSALS["dataset_refused"].status
(400,)
"""

from __future__ import annotations

from typing import NamedTuple


class Refusal(NamedTuple):
    status: tuple[int, ...]  # the HTTP status codes it answers with
    what: str  # the requests it covers
    why: str  # the reason, and what allows it


REFUSALS: dict[str, Refusal] = {
    "service_refused": Refusal(
        (400,), "`SERVICE` (federated query), anywhere in the query",
        "the server never fetches other endpoints or URLs on a client's behalf (no SSRF); federation has "
        "its own, optional specification (SPARQL 1.1 Federated Query)"),
    "dataset_refused": Refusal(
        (400,), "`FROM` / `FROM NAMED` in the query; the `default-graph-uri` / `named-graph-uri` parameters",
        "every query runs over the endpoint's one default graph; the SPARQL 1.1 Protocol (§2.1.4) lets a "
        "service refuse a request that names its own RDF dataset"),
    "update_refused": Refusal(
        (400, 403), "SPARQL Update (`INSERT`, `DELETE`, `LOAD`, `CLEAR`, `DROP`, `CREATE`, `ADD`, `MOVE`, "
        "`COPY`): 400 as a query, 403 through `update=` or `application/sparql-update`",
        "the endpoint is read-only; the graph changes only by `cakg build` from the seeds"),
    "function_refused": Refusal(
        (400,), "a function IRI that is neither a SPARQL 1.1 built-in nor an XSD cast (extension functions, "
        "Virtuoso's `bif:` / `sql:`), named in the message",
        "no extension functions are installed (Query §17.6 leaves them to each service): the embedded "
        "engine would fail the whole query on one, and vendor functions can reach the engine's host"),
}


def markdown_table() -> str:
    """The table as Markdown, for the README.

    >>> markdown_table().splitlines()[0]
    '| `error` | status | refused | why |'
    """
    rows = ["| `error` | status | refused | why |", "|---|---|---|---|"]
    for code, r in REFUSALS.items():
        rows.append(f"| `{code}` | {' / '.join(map(str, r.status))} | {r.what} | {r.why} |")
    return "\n".join(rows)


if __name__ == "__main__":  # pragma: no cover
    print(markdown_table())
