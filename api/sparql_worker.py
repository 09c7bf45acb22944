"""Guarded SPARQL evaluation in worker processes that can be killed.

Neither rdflib nor pyoxigraph can cancel a running query from Python, so each query is parsed,
checked and evaluated in a separate process (:class:`SparqlPool`, one process per concurrent
query, ``spawn``-started). When a query overruns its time limit the parent kills that process and
starts a fresh one: the server is really freed, not merely no longer waiting.

In the worker (:func:`evaluate`):

1. the query text is made canonical (:func:`canonical_query`): the codepoint escapes ``\\uXXXX`` /
   ``\\UXXXXXXXX`` are expanded once, as SPARQL 1.1 Query §19.2 says, before any parsing;
2. that canonical text is parsed with rdflib's SPARQL 1.1 grammar and translated to algebra;
   updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE ...), ``SERVICE`` anywhere (it would make
   the server fetch URLs) and ``FROM``/``FROM NAMED`` are refused;
3. the same canonical text, the one the guard checked, is evaluated by pyoxigraph, read-only:
   guard and engine never see two different queries;
4. results are serialised with at most ``row_cap`` rows (or triples); a truncation is reported.

Independently of the guard, each worker is sandboxed (:func:`sandbox`) before it opens the store:
a seccomp filter makes ``socket(AF_INET/AF_INET6)`` fail, so the engine itself cannot reach any
network even for a query the guard misjudged.

>>> from graph.store import memory_store
>>> store = memory_store(b'<http://e/a> <http://e/p> <http://e/b> .')
>>> r = evaluate(store.native, {"query": "ASK { ?s ?p ?o }", "result_media": "application/sparql-results+json",
...                              "graph_media": "text/turtle", "row_cap": 10})
>>> r["status"], r["body"]
(200, b'{"head":{},"boolean":true}')
>>> evaluate(store.native, {"query": "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", "row_cap": 10})["error"]
'service_refused'
"""

from __future__ import annotations

import atexit
import json
import multiprocessing
import os
import queue
import re
import threading
import time
from functools import lru_cache
from typing import Any

from graph.formats import rdf_format, results_format
from graph.vocab import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
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

    try:
        text = expandUnicodeEscapes(query)
    except ValueError as exc:
        return None, _error(400, "syntax_error", f"SPARQL syntax error: {exc}")
    if _ESCAPE.search(text):
        return None, _error(400, "syntax_error", "SPARQL syntax error: a codepoint escape (\\u or \\U) expands "
                            "to another escape; write the character itself")
    return text, None


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
    except Exception as exc:  # noqa: BLE001 - rdflib raises plain exceptions for some bad input
        return None, _error(400, "syntax_error", f"SPARQL syntax error: {exc}")
    for node in _walk(parsed):
        if node.name in ("ServiceGraphPattern",):
            return None, _error(400, "service_refused", "SERVICE (federated query) is refused: this endpoint "
                                "never fetches other endpoints or URLs")
        if node.name == "DatasetClause":
            return None, _error(400, "dataset_refused", "FROM / FROM NAMED are refused: queries run over "
                                "this endpoint's one default graph (drop the clause)")
    try:
        algebra = translateQuery(parsed, initNs=PREFIXES).algebra
    except Exception as exc:  # noqa: BLE001 - e.g. an unknown prefix
        return None, _error(400, "query_error", f"the query cannot be evaluated: {exc}")
    for node in _walk(algebra):
        if node.name == "ServiceGraphPattern":  # pragma: no cover - already caught in the parse tree
            return None, _error(400, "service_refused", "SERVICE (federated query) is refused")
    if algebra.get("datasetClause"):  # pragma: no cover - already caught in the parse tree
        return None, _error(400, "dataset_refused", "FROM / FROM NAMED are refused")
    return algebra.name, None


# ============================================================================ evaluation (pyoxigraph)

def _term_json(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject), "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    raise TypeError(f"unexpected term {term!r}")  # pragma: no cover


def _solutions(result, media: str, row_cap: int) -> dict:
    import pyoxigraph as ox

    names = [v.value for v in result.variables]
    bindings, truncated = [], False
    for i, solution in enumerate(result):
        if i >= row_cap:
            truncated = True
            break
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = _term_json(term)
        bindings.append(row)
    document: dict[str, Any] = {"head": {"vars": names}, "results": {"bindings": bindings}}
    fmt = results_format(media)
    if fmt == ox.QueryResultsFormat.JSON:
        if truncated:
            document["cakg"] = {"truncated": True, "rowCap": row_cap,
                                "message": f"result truncated to the first {row_cap} rows"}
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    else:
        parsed = ox.parse_query_results(json.dumps(document).encode(), format=ox.QueryResultsFormat.JSON)
        body = parsed.serialize(format=fmt)
    return {"status": 200, "media": media, "body": body, "rows": len(bindings), "truncated": truncated}


def evaluate(store, job: dict) -> dict:
    """Check and run one query over a pyoxigraph ``store``; a dict with ``status`` and either
    ``media``/``body``/``rows``/``truncated`` or ``error``/``message`` (and line/column)."""
    import pyoxigraph as ox

    query, error = canonical_query(job["query"])
    if error:
        return error
    form, error = check_query(query)
    if error:
        return error
    graph = form in ("ConstructQuery", "DescribeQuery")
    media = job.get("graph_media") if graph else job.get("result_media")
    if media is None:
        # Accept names only formats of the other kind of result (rdflib's SPARQLStore, in JSON mode,
        # asks for SPARQL JSON even for a CONSTRUCT): answer in this kind's default format rather
        # than 406 (the endpoint answers 406 only when Accept fits no format it has).
        media = "text/turtle" if graph else "application/sparql-results+json"
    row_cap = int(job.get("row_cap", 10_000))
    try:
        result = store.query(query, prefixes=PREFIXES)
        if isinstance(result, ox.QueryBoolean):
            return {"status": 200, "media": media, "rows": 1, "truncated": False,
                    "body": result.serialize(format=results_format(media))}
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, media, row_cap)
        triples, truncated = [], False
        for i, triple in enumerate(result):
            if i >= row_cap:
                truncated = True
                break
            triples.append(triple)
        fmt = rdf_format(media)
        body = ox.serialize(triples, format=fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None)
        return {"status": 200, "media": media, "body": body, "rows": len(triples), "truncated": truncated}
    except SyntaxError as exc:
        return _error(400, "syntax_error", f"SPARQL syntax error: {exc}")
    except (RuntimeError, ValueError, TypeError) as exc:
        return _error(400, "query_error", f"the query failed: {exc}")
    except OSError as exc:  # pragma: no cover - store read failure
        return _error(500, "store_error", f"reading the store failed: {exc}")


def _open_store(source: tuple[str, Any]):
    import pyoxigraph as ox

    kind, value, *rest = source
    if kind == "path":
        disk = ox.Store.read_only(value)
        memory_limit = rest[0] if rest else 0
        if memory_limit and len(disk) <= memory_limit:
            # a small graph answers about 3x faster from memory than from RocksDB
            store = ox.Store()
            store.bulk_load(input=disk.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
            return store
        return disk
    store = ox.Store()
    store.bulk_load(input=value, format=ox.RdfFormat.N_QUADS)
    return store


def sandbox() -> str | None:
    """Forbid this process to open IPv4/IPv6 sockets (a seccomp filter: ``socket()`` with
    ``AF_INET``/``AF_INET6`` fails with EACCES), so the SPARQL engine cannot fetch anything, even
    for a ``SERVICE`` the guard did not see. Pipes and Unix sockets still work. Returns ``None``
    when the filter is in place, else why it is not (no libseccomp, not Linux)."""
    import errno
    import socket

    try:
        import pyseccomp as seccomp

        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for family in (socket.AF_INET, socket.AF_INET6):
            rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.EQ, family))
        rules.load()
    except Exception as exc:  # noqa: BLE001 - report, the parse guard still stands
        return f"network sandbox unavailable: {exc!r}"
    return None


def worker_main(conn, source: tuple[str, Any]) -> None:
    """A worker process: sandbox itself, open the store, then answer jobs until the pipe closes
    or ``None`` comes."""
    try:
        unsandboxed = sandbox()
        if unsandboxed:
            import sys

            print(f"cakg SPARQL worker: {unsandboxed}", file=sys.stderr)
        store = _open_store(source)
        check_query("ASK {}")  # import and warm the parser before saying ready
        conn.send(("ready", os.getpid()))
    except BaseException as exc:  # noqa: BLE001
        conn.send(("failed", repr(exc)))
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if job is None:
            return
        try:
            result = evaluate(store, job)
        except BaseException as exc:  # noqa: BLE001 - never let a query kill the worker silently
            result = _error(500, "internal_error", f"evaluation failed: {exc!r}")
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            return


# ============================================================================ the pool (parent side)

class QueryTimeout(Exception):
    """The query ran past its time limit; its worker was killed."""


class PoolBusy(Exception):
    """No worker became free in time."""


class _Worker:
    def __init__(self, process, conn):
        self.process, self.conn = process, conn

    def kill(self) -> None:
        try:
            self.process.kill()
        except Exception:  # noqa: BLE001  pragma: no cover
            pass
        self.process.join(timeout=5)
        self.conn.close()


class SparqlPool:
    """``size`` worker processes over the same data; :meth:`run` sends a job to a free one.

    ``source`` is ``("path", dir, memory_limit)`` for a persistent Oxigraph store (opened
    read-only in each worker, and copied into the worker's memory when it has at most
    ``memory_limit`` triples) or ``("data", nquads_bytes)`` for a copy loaded into each worker's memory.
    """

    def __init__(self, source: tuple[str, Any], size: int = 2, start_timeout: float = 120.0):
        self.source = source
        self.size = max(1, size)
        self.start_timeout = start_timeout
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self.kills = 0  # workers killed on timeout (for tests and monitoring)
        atexit.register(self.close)

    # -------------------------------------------------------------- lifecycle
    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=worker_main, args=(child, self.source), daemon=True,
                                    name="cakg-sparql-worker")
        process.start()
        child.close()
        if not parent.poll(self.start_timeout):
            process.kill()
            raise RuntimeError(f"SPARQL worker did not start within {self.start_timeout:.0f} s")
        status, detail = parent.recv()
        if status != "ready":
            process.kill()
            raise RuntimeError(f"SPARQL worker failed to start: {detail}")
        worker = _Worker(process, parent)
        with self._lock:
            if self._closed:
                worker.kill()
                raise RuntimeError("the SPARQL pool is closed")
            self._all.add(worker)
        return worker

    def start(self) -> None:
        """Start the workers (in parallel); called on first use."""
        with self._lock:
            if self._started:
                return
            self._started = True
        errors: list[BaseException] = []

        def one():
            try:
                self._idle.put(self._spawn())
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=one, daemon=True) for _ in range(self.size)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors and self._idle.qsize() == 0:
            raise errors[0]

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement in the background."""
        with self._lock:
            self._all.discard(worker)
        worker.kill()

        def respawn():
            try:
                self._idle.put(self._spawn())
            except Exception:  # noqa: BLE001 - pool is closing or the store vanished
                pass

        if not self._closed:
            threading.Thread(target=respawn, daemon=True).start()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except Exception:  # noqa: BLE001
                pass
            w.kill()

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.process.pid for w in self._all)

    # -------------------------------------------------------------- work
    def run(self, job: dict, timeout: float, wait: float | None = None) -> dict:
        """Run ``job`` on a free worker (blocking; call it from a thread). Waits up to ``wait``
        seconds (default ``timeout``) for a worker (:class:`PoolBusy`), then up to ``timeout``
        for the answer (:class:`QueryTimeout`, after which the worker is killed and replaced)."""
        if self._closed:
            raise RuntimeError("the SPARQL pool is closed")
        self.start()
        try:
            worker = self._idle.get(timeout=timeout if wait is None else wait)
        except queue.Empty:
            raise PoolBusy() from None
        t0 = time.monotonic()
        try:
            worker.conn.send(job)
            if not worker.conn.poll(timeout):
                self.kills += 1
                self._replace(worker)
                raise QueryTimeout()
            result = worker.conn.recv()
        except (EOFError, BrokenPipeError, OSError) as exc:
            self._replace(worker)
            return _error(500, "worker_died", f"the query's worker process ended unexpectedly ({exc!r})")
        result["seconds"] = time.monotonic() - t0
        self._idle.put(worker)
        return result
