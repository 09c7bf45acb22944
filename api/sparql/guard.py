"""The SPARQL guard: what a query must pass before any engine sees it.

1. the query text is made canonical (:func:`canonical_query`): the codepoint escapes ``\\uXXXX`` /
   ``\\UXXXXXXXX`` are expanded once, as SPARQL 1.1 Query §19.2 says, before any parsing;
2. that canonical text is parsed with rdflib's SPARQL 1.1 grammar and translated to algebra
   (:func:`check_query`); updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE ...), ``SERVICE``
   anywhere (it would make the server fetch URLs) and ``FROM``/``FROM NAMED`` are refused;
3. the same canonical text, the one the guard checked, is what the engine evaluates: guard and
   engine never see two different queries.

>>> check_query("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")[1]["error"]
'service_refused'
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from graph.vocab import PREFIXES

VENDOR_SCHEMES = ("bif:", "sql:")  # Virtuoso built-ins: never standard, refused by policy
UPDATE_WORDS = "INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY"


# ============================================================================ guards (rdflib)


def _error(status: int, error: str, message: str, **extra) -> dict:
    return {"status": status, "error": error, "message": message, **extra}


def _walk(node: Any, seen: set[int] | None = None):
    """Every rdflib algebra/parse node (CompValue) under ``node``."""
    from rdflib.plugins.sparql.parserutils import CompValue

    seen = seen if seen is not None else set()
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value, seen)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value, seen)
    elif hasattr(node, "asList") and not isinstance(node, str):  # pyparsing ParseResults
        for value in node:
            yield from _walk(value, seen)


_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def canonical_query(query: str) -> tuple[str | None, dict | None]:
    r"""The query with its codepoint escapes expanded once (SPARQL 1.1 Query §19.2), as
    ``(text, None)``, or ``(None, error)``. This text is both what the guard checks and what the
    engine runs. An expansion that leaves a new escape behind (``\u005Cu000A``) is refused:
    a second expansion by either parser would make it mean something else.

    >>> canonical_query(r"SELECT * WHERE { # \u000a ?s ?p ?o }")[0]
    'SELECT * WHERE { # \n ?s ?p ?o }'
    >>> canonical_query(r"ASK { ?s ?p '\u005Cu0041' }")[1]["error"]
    'syntax_error'
    """
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    query = query.removeprefix("\ufeff")  # a byte-order mark some editors write first
    try:
        text = expandUnicodeEscapes(query)
    except ValueError as exc:
        return None, _error(400, "syntax_error", f"SPARQL syntax error: {exc}")
    if _ESCAPE.search(text):
        return None, _error(400, "syntax_error", "SPARQL syntax error: a codepoint escape (\\u or \\U) expands "
                            "to another escape; write the character itself")
    surrogate = _SURROGATE.search(text)
    if surrogate:  # \uD800 ... \uDFFF name no character (SPARQL 1.1 Query §19.2 allows characters only)
        return None, _error(400, "syntax_error", f"SPARQL syntax error: the codepoint escape for "
                            f"U+{ord(surrogate.group()):04X} (a UTF-16 surrogate) names no character")
    return text, None


ENGINE_SCHEMES = ("bif:", "sql:")


def _engine_function(parsed) -> str | None:
    """The first IRI in the parse tree in one of Virtuoso's function schemes (``bif:``, ``sql:``).

    >>> _engine_function(__import__("rdflib.plugins.sparql.parser", fromlist=["Query"]).Query.parse_string(
    ...     "PREFIX bif: <bif:> SELECT * WHERE { ?s ?p ?o FILTER(bif:contains(?o, 'x')) }"))
    'bif:contains'
    """
    from rdflib import URIRef
    from rdflib.plugins.sparql.parserutils import CompValue

    seen: set[int] = set()
    stack = [parsed]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, URIRef):
            if str(node).lower().startswith(ENGINE_SCHEMES):
                return str(node)
        elif isinstance(node, CompValue):
            if node.name == "pname" and str(node.get("prefix", "")).lower() in ("bif", "sql"):
                return f"{node.get('prefix')}:{node.get('localname', '')}"
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or (hasattr(node, "asList") and not isinstance(node, str)):
            stack.extend(node)
    return None


def _negative_decimals() -> None:
    """rdflib 7 negates a parsed ``-1.0`` with ``-Literal(...)``, which raises "Not a number" for
    xsd:decimal, so a valid query such as ``SELECT * WHERE { <a> <b> -1.0 }`` was refused. The
    guard's parse gets a parse action that writes the negative lexical form instead; the query text
    itself is untouched, so guard and engine still read the same query."""
    from rdflib import Literal
    from rdflib.plugins.sparql import parser

    parser.DECIMAL_NEGATIVE.set_parse_action(lambda t: Literal("-" + str(t[0]), datatype=t[0].datatype))


_negative_decimals()


# the tokens that can hold a "<...>" that is no IRI (the four string forms, a comment, a local-name
# escape such as ex:a\#b), then IRIREF itself (Query §19.8), then anything else
_TOKENS = re.compile(
    r'(?P<skip>"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""' r"|'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"' r"|'(?:[^'\\\n\r]|\\.)*'" r"|#[^\n\r]*|\\.)"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)' r"""|[^"'<#\\]+|.""", re.DOTALL)


def _iri_token_misread(query: str, parsed) -> tuple[int, str] | None:
    """The first ``<...>`` that SPARQL's longest-token rule makes an IRI (Query §19.8: the lexer
    takes the longest match) but rdflib's parse read as something else, as ``(offset, text)``.
    ``FILTER(?x<?a&&?b>?y)`` holds the IRI ``<?a&&?b>``, so it is a syntax error (W3C test
    syn-bad-26); rdflib and Oxigraph both read two comparisons.

    >>> from rdflib.plugins.sparql.parser import Query
    >>> q = "SELECT * WHERE { FILTER(?x<?a&&?b>?y) }"
    >>> _iri_token_misread(q, Query.parse_string(q))
    (26, '<?a&&?b>')
    >>> q = "SELECT * WHERE { <a> ?p '<b>' FILTER(?p < ?q && ?q > 1) } # <c>"
    >>> _iri_token_misread(q, Query.parse_string(q)) is None
    True
    """
    from rdflib import URIRef
    from rdflib.plugins.sparql.parserutils import CompValue

    tokens = [(m.start(), m.group("iri")) for m in _TOKENS.finditer(query) if m.group("iri")]
    if not tokens:
        return None
    iris: set[str] = set()
    seen: set[int] = set()
    stack = [parsed]
    while stack:
        node = stack.pop()
        if isinstance(node, URIRef):
            iris.add(str(node))
        elif id(node) not in seen:
            seen.add(id(node))
            if isinstance(node, CompValue):
                stack.extend(node.values())
            elif isinstance(node, (list, tuple)) or (hasattr(node, "asList") and not isinstance(node, str)):
                stack.extend(node)
    for start, text in tokens:
        if text[1:-1] not in iris:
            return start, text
    return None


def _standard_function(iri) -> bool:
    """A function IRI SPARQL 1.1 defines: an XSD cast (§17.5; any XSD datatype, the engine judges
    which it can cast to). rdflib gives prefixed names already expanded."""
    return str(iri).startswith("http://www.w3.org/2001/XMLSchema#")


def _function_refused(iri) -> tuple[None, dict]:
    return None, _error(400, "function_refused", f"the function <{iri}> is refused: this endpoint runs the SPARQL "
                        "1.1 built-ins and XSD casts only (api/sparql/functions.py)", function=str(iri))


@lru_cache(maxsize=512)
def check_query(query: str) -> tuple[str | None, dict | None]:
    """Parse and inspect a query that is already canonical (:func:`canonical_query`): ``(form,
    None)`` if allowed (form is ``SelectQuery``, ``AskQuery``, ``ConstructQuery`` or
    ``DescribeQuery``), else ``(None, error)``. The grammar runs on the text as given, with no
    second expansion of escapes, so the guard sees exactly what the engine will run.

    >>> check_query("SELECT * WHERE { ?s ?p ?o }")[0]
    'SelectQuery'
    >>> check_query("DROP ALL")[1]["error"]
    'update_refused'
    >>> e = check_query("SELECT * WHERE { ?s ?p }")[1]
    >>> e["error"], e["line"], e["column"]
    ('syntax_error', 1, 18)
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import Query, UpdateUnit

    try:
        parsed = Query.parse_string(query, parse_all=True)
    except ParseException as exc:
        try:
            UpdateUnit.parse_string(query, parse_all=True)
        except Exception:  # noqa: BLE001 - not an update either: report the query syntax error
            message = str(exc)
            return None, _error(400, "syntax_error", f"SPARQL syntax error: {message}", line=exc.lineno, column=exc.col)
        return None, _error(400, "update_refused", "this endpoint is read-only: SPARQL updates "
                            f"({UPDATE_WORDS} ...) are refused")
    except RecursionError:
        return None, _error(400, "syntax_error", "SPARQL syntax error: the query nests groups too deeply for the guard")
    except Exception as exc:  # noqa: BLE001 - rdflib raises plain exceptions for some bad input
        return None, _error(400, "syntax_error", f"SPARQL syntax error: {exc}")
    misread = _iri_token_misread(query, parsed)
    if misread:
        start, text = misread
        return None, _error(400, "syntax_error", f"SPARQL syntax error: {text} is one IRI token (the longest "
                            "match, SPARQL 1.1 Query §19.8), which cannot stand here; to compare, put spaces "
                            "around < and >", line=query.count("\n", 0, start) + 1,
                            column=start - query.rfind("\n", 0, start))
    for node in _walk(parsed):
        for value in node.values():
            if isinstance(value, str) and value.lower().startswith(VENDOR_SCHEMES):
                return None, _error(400, "function_refused", f"vendor functions ({value.split(':')[0]}:) are refused: "
                                    "this endpoint runs standard SPARQL 1.1 only")
        if node.name == "Function" and isinstance(node.get("iri"), str) and not _standard_function(node["iri"]):
            return _function_refused(node["iri"])
        if node.name in ("ServiceGraphPattern",):
            return None, _error(400, "service_refused", "SERVICE (federated query) is refused: this endpoint "
                                "never fetches other endpoints or URLs")
        if node.name == "DatasetClause":
            return None, _error(400, "dataset_refused", "FROM / FROM NAMED are refused: queries run over "
                                "this endpoint's one default graph (drop the clause)")
    refused = _engine_function(parsed)
    if refused:
        return None, _error(400, "function_refused", f"{refused} is refused: engine-specific functions (Virtuoso's "
                            "bif: and sql:) are not part of SPARQL 1.1 and may reach the engine's host")
    try:
        algebra = translateQuery(parsed, initNs=PREFIXES).algebra
    except Exception as exc:  # noqa: BLE001 - e.g. an unknown prefix
        if "prefix" in str(exc).lower():
            return None, _error(400, "query_error", f"the query cannot be evaluated: {exc}")
        # rdflib's algebra step has gaps (DESCRIBE * ...); the parse tree was checked above, so
        # the form comes from it and the engine judges the rest
        return parsed[1].name, None
    for node in _walk(algebra):
        if node.name == "Function" and not _standard_function(node.get("iri")):  # prefixed names resolved here
            return _function_refused(node.get("iri"))
        if node.name == "ServiceGraphPattern":  # pragma: no cover - already caught in the parse tree
            return None, _error(400, "service_refused", "SERVICE (federated query) is refused")
    if algebra.get("datasetClause"):  # pragma: no cover - already caught in the parse tree
        return None, _error(400, "dataset_refused", "FROM / FROM NAMED are refused")
    return algebra.name, None


# ============================================================================ evaluation (pyoxigraph)
