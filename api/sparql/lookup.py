"""One-pattern lookups: SELECT queries of a single triple pattern, answered in the server process.

Most SPARQL a client sends by hand is a lookup: *what do we know about this entity* (``SELECT ?p ?o
WHERE { id:imu ?p ?o }``), *who points at it*, *which things have this label*. Such a query is one
triple pattern, which the engine answers by scanning one index range lazily, so its cost is
bounded by the rows it returns, exactly like a Triple Pattern Fragment (``/fragments``). For these
the worker pool (:mod:`api.sparql.pool`), a pipe and rdflib's parse of every new text are pure
overhead: :func:`recognise` finds them with a strict tokenizer (no parser), and :func:`answer`
evaluates them over the store the server already has open, at most ``FAST_ROWS`` rows; anything
else, or a lookup with more rows than that, goes to the pool as before. The engine is sent the
query with its ``LIMIT`` lowered to one row past ``FAST_ROWS`` (or that limit added), so it never
writes more rows than that here, whatever limit the client wrote: when the rows fit, the answer is
whole; when the extra row comes back, the pool answers instead. So a lookup that goes to the pool
holds the event loop no longer than the biggest one answered here (250 rows of three variables:
about 1.7 ms at 1 M triples).

The tokenizer accepts only: a prologue of ``PREFIX``/``BASE``; ``SELECT`` with ``*`` or plain
variables; an optional ``WHERE``; braces round exactly one triple whose terms are variables, IRIs,
prefixed names, blank nodes, ``a`` or literals, with no variable (or blank node label) twice (a
repeated variable makes the engine scan for matches that may never come); then at most one
``LIMIT`` and one ``OFFSET`` (at most ``MAX_OFFSET``, since skipped rows are read too), in a text
of at most ``MAX_LENGTH`` characters (longer texts go to the pool untokenized). Any other
token (a keyword such as ``SERVICE``, ``FILTER``, ``DISTINCT``, ``ORDER``, a function call, a
property path, ``VALUES``) means *not a lookup*. So no query reaches the engine here that the
guard (:mod:`api.sparql.guard`) would refuse: none of its refusals (updates, ``SERVICE``,
``FROM``, functions) can be spelled with these tokens. The engine still parses the text itself;
if it calls it a syntax error, the query goes to the pool, whose guard words the error.

>>> recognise("SELECT ?p ?o WHERE { id:imu ?p ?o }")
Lookup(limit=None, offset=0, select=0, head=35, key='p')
>>> recognise("SELECT * { ?s rdfs:label 'IMU'@en . } LIMIT 5 OFFSET 2")
Lookup(limit=5, offset=2, select=0, head=38, key='s')
>>> recognise("SELECT ?s WHERE { ?s ?p ?s }") is None  # a repeated variable
True
>>> recognise("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }") is None
True
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from graph.formats import results_format
from graph.vocab import PREFIXES

from .guard import canonical_query
from .worker import BASE_IRI, capped

# a lookup with more rows than this is answered by the pool: the rows written on the event loop are
# bounded (250 rows of three variables took 1.7 ms at 1 M triples, 1,000 rows 6.8 ms)
FAST_ROWS = 250
MAX_OFFSET = 10_000  # rows the engine reads and skips before the first answer
MAX_LENGTH = 4_000  # characters: a lookup is short, and a long text is not tokenized on the event loop

_PN_PREFIX = r"[A-Za-z](?:[\w\-]|\.(?=[\w\-]))*"
_PN_LOCAL = r"(?:[\w:]|%[0-9A-Fa-f]{2})(?:[\w:\-]|%[0-9A-Fa-f]{2}|\.(?=[\w:\-%]))*"
_ECHAR_STRING = r'"(?:[^"\\\n\r]|\\[tbnrf"\'\\])*"' r"|'(?:[^'\\\n\r]|\\[tbnrf\"'\\])*'"
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_TOKEN = re.compile(
    r"(?P<ws>(?:\s|#[^\n\r]*)+)"
    rf"|(?P<iri>{_IRI})"
    r"|(?P<var>[?$]\w+)"
    r"|(?P<bnode>_:\w+|\[\s*\])"
    rf"|(?P<literal>(?:{_ECHAR_STRING})(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:{_IRI}|(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?))?"
    r"|[+-]?(?:\d+\.\d*[eE][+-]?\d+|\.?\d+[eE][+-]?\d+|\d*\.\d+|\d+)(?![\w:])(?!\.\d)"
    r"|(?:true|false)(?![\w:.-]))"
    rf"|(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)"
    r"|(?P<word>[A-Za-z]+)(?![\w:.-])"
    r"|(?P<punct>[{}.*])",
    re.DOTALL,
)


# a prologue of PREFIX and BASE declarations (and the space and comments round them), read in one
# match: what the token loop below would read one token at a time (a prologue of 16 prefixes is
# about 100 tokens: 60 us); the space is atomic, since giving any back never helps the match
# (and "###..." would otherwise split in exponentially many ways)
_SPACE = r"(?>(?:\s|#[^\n\r]*)*)"
_PROLOGUE = re.compile(
    rf"(?:{_SPACE}(?:(?i:PREFIX)(?![\w:.-]){_SPACE}(?:{_PN_PREFIX})?:(?![\w:]|%[0-9A-Fa-f]{{2}}){_SPACE}{_IRI}"
    rf"|(?i:BASE)(?![\w:.-]){_SPACE}{_IRI}))*{_SPACE}")


class Lookup(NamedTuple):
    """A recognised lookup: its ``LIMIT`` (None: none), ``OFFSET`` (0: none), where in the text its
    ``SELECT`` starts (after the prologue), where its ``LIMIT``/``OFFSET`` clauses start (``head``:
    the query without them is ``text[:head]``), and a projected variable that every row binds, by
    which :func:`count_rows` counts them (None when there is none that can serve)."""

    limit: int | None
    offset: int
    select: int
    head: int
    key: str | None


def _tokens(text: str, pos: int = 0) -> tuple[list[tuple[str, str]], list[int]] | None:
    """``(kind, text)`` of every token from ``pos`` on (whitespace and comments dropped) and where
    each starts, or None at the first character no token of the lookup grammar starts with."""
    out, starts = [], []
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            return None
        kind = m.lastgroup
        if kind != "ws":
            out.append((kind, m.group()))
            starts.append(pos)
        pos = m.end()
    return out, starts


@lru_cache(maxsize=1024)  # a pure function of the text (at most MAX_LENGTH); clients repeat their lookups
def recognise(query: str) -> Lookup | None:
    """The query's :class:`Lookup` if it is a one-pattern SELECT this module answers (see the
    module text), else None. ``query`` is the canonical text (:func:`~api.sparql.guard.canonical_query`)."""
    found = _tokens(query, _PROLOGUE.match(query).end()) if len(query) <= MAX_LENGTH else None
    if not found or not found[0]:
        return None
    tokens, starts = found
    i, n = 0, len(tokens)

    def word(k: int, *choices: str) -> bool:
        return k < n and tokens[k][0] == "word" and tokens[k][1].upper() in choices

    while word(i, "PREFIX", "BASE"):  # the prologue
        if word(i, "PREFIX"):
            if not (i + 2 < n and tokens[i + 1][0] == "pname" and tokens[i + 1][1].endswith(":")
                    and tokens[i + 1][1].count(":") == 1 and tokens[i + 2][0] == "iri"):
                return None
            i += 3
        else:
            if not (i + 1 < n and tokens[i + 1][0] == "iri"):
                return None
            i += 2
    if not word(i, "SELECT"):
        return None
    select = starts[i]
    i += 1
    projected = None  # None: every variable (SELECT *)
    if i < n and tokens[i] == ("punct", "*"):
        i += 1
    else:
        start = i
        while i < n and tokens[i][0] == "var":
            i += 1
        projected = {t[1][1:] for t in tokens[start:i]}
        if i == start:
            return None
    if word(i, "WHERE"):
        i += 1
    if not (i + 4 < n and tokens[i] == ("punct", "{")):
        return None
    s, p, o = tokens[i + 1:i + 4]
    i += 4
    if i < n and tokens[i] == ("punct", "."):
        i += 1
    if not (i < n and tokens[i] == ("punct", "}")):
        return None
    i += 1
    if s[0] not in ("var", "iri", "pname", "bnode") or o[0] not in ("var", "iri", "pname", "bnode", "literal"):
        return None
    if not (p[0] in ("var", "iri", "pname") or p == ("word", "a")):
        return None
    names = [t[1][1:] if t[0] == "var" else t[1] for t in (s, p, o) if t[0] == "var" or t[1].startswith("_:")]
    if len(set(names)) != len(names):
        return None
    limit, offset, head = None, None, starts[i] if i < n else len(query)
    while i < n:
        if not (word(i, "LIMIT", "OFFSET") and i + 1 < n and tokens[i + 1][0] == "literal"
                and tokens[i + 1][1].isdigit()):
            return None
        value = int(tokens[i + 1][1])
        if word(i, "LIMIT"):
            if limit is not None:
                return None
            limit = value
        else:
            if offset is not None:
                return None
            offset = value
        i += 2
    if offset is not None and offset > MAX_OFFSET:
        return None
    bound = [t[1][1:] for t in (s, p, o) if t[0] == "var" and (projected is None or t[1][1:] in projected)]
    key = bound[0] if bound and bound[0].isascii() and bound[0] not in _DOCUMENT_KEYS else None
    return Lookup(limit, offset or 0, select, head, key)


# ---------------------------------------------------------------------------- answering

# the names the results document itself writes before an object (its head and results; a triple
# term's value and parts): a variable of one of these names cannot count the rows
_DOCUMENT_KEYS = frozenset({"head", "results", "value", "subject", "predicate", "object"})
# a JSON string, escapes included (the loop unrolled: no alternation tried at every character)
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


def count_rows(body: bytes, key: str | None = None) -> int:
    r"""The number of solutions in a SPARQL JSON results document written by the engine (compact).

    With ``key``, a variable every solution binds (:attr:`Lookup.key`), the number is that of its
    name followed by an object, ``"key":{``, which appears once in each solution and nowhere else:
    inside a string every ``"`` is escaped, a string's closing quote is followed by ``,``, ``}``,
    ``]`` or ``:``, and a value string by ``,`` or ``}``, so the name is a key; and the document's
    other keys written before an object are not a variable's (:data:`_DOCUMENT_KEYS`). One byte
    count, at C speed. Without one:

    Solutions are the objects in the ``bindings`` array. One with a binding starts with ``{"``
    and a variable's name; after the first, it follows ``},{"``. Inside a string every ``"`` is
    escaped, so there ``},{"`` can only be the end of a string that ends in ``},{``, and a
    string's closing quote is followed by ``,`` or ``}``, never by a name: three byte counts (at C
    speed, the body not copied) give the number. A document with an empty solution (``{}``, a
    projected variable the pattern does not bind) has its strings taken out first, since ``},{}``
    may as well be inside one.

    >>> body = (b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"},{\\"s\\":{"}},'
    ...         b'{"s":{"type":"uri","value":"http://e/a"}}]}}')
    >>> count_rows(body), count_rows(body, "s")
    (2, 2)
    >>> count_rows(b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"\\"},{,"}}]}}')
    1
    >>> count_rows(b'{"head":{"vars":["s"]},"results":{"bindings":[{},{},{}]}}')
    3
    >>> count_rows(b'{"head":{"vars":[]},"results":{"bindings":[]}}')
    0
    """
    if key is not None:
        return body.count(b'"%s":{' % key.encode())
    if body.endswith(b"[]}}"):  # "bindings":[] (a document with rows ends in }]}})
        return 0
    if b"{}" not in body:
        return body.count(b'},{"') - body.count(b'},{",') - body.count(b'},{"}') + 1
    stripped = _JSON_STRING.sub(b"", body)
    bindings = stripped[stripped.index(b"[", stripped.index(b"}") + 1) + 1:]  # after head's "vars" array
    return bindings.count(b"},{") + 1


def answer(store, job: dict) -> dict | None:
    r"""The answer to ``job`` (as :func:`api.sparql.worker.evaluate` takes it) if its query is a
    lookup (:func:`recognise`) with at most ``min(row_cap, FAST_ROWS)`` rows, evaluated over the
    pyoxigraph ``store``: the worker's kind of result (``status``, ``media``, ``body``, ``rows``,
    ``truncated``, and the 422 of :func:`~api.sparql.worker.capped`). None when the pool should
    answer: not a lookup, more rows than that (truncation is the pool's job), or a text the engine
    calls a syntax error (the pool's guard words it).

    >>> from graph.store import memory_store
    >>> store = memory_store(b'<http://e/a> <http://e/p> "x" .').native
    >>> job = {"query": "SELECT ?s ?o { ?s ?p ?o }", "result_media": "text/csv", "row_cap": 10}
    >>> answer(store, job)["body"]
    b's,o\r\nhttp://e/a,x\r\n'
    >>> answer(store, {**job, "row_cap": 0}) is None  # over the row cap: the pool cuts and says so
    True
    """
    import pyoxigraph as ox

    query, error = canonical_query(job["query"])
    lookup = recognise(query) if error is None else None
    if lookup is None:
        return None
    bound = min(int(job.get("row_cap", 10_000)), FAST_ROWS)
    # at most one row past the bound is written here (which says the pool must answer): the LIMIT
    # is lowered to that, on its own line (the head may end in a comment)
    limit = bound + 1 if lookup.limit is None else min(lookup.limit, bound + 1)
    text = f"{query[:lookup.head]}\nLIMIT {limit}" + (f" OFFSET {lookup.offset}" if lookup.offset else "")
    try:
        body = store.query(text, prefixes=PREFIXES, base_iri=BASE_IRI).serialize(format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError, RuntimeError, TypeError):
        return None
    rows = count_rows(body, lookup.key)  # for X-SPARQL-Rows
    if rows > bound:
        return None
    media = job.get("result_media") or "application/sparql-results+json"
    fmt = results_format(media)
    if fmt != ox.QueryResultsFormat.JSON:
        body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(format=fmt)
    return capped({"status": 200, "media": media, "body": body, "rows": rows, "truncated": False}, job.get("max_bytes"))
