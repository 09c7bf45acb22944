"""Guarded SPARQL evaluation inside a worker process that can be killed.

Neither rdflib nor pyoxigraph can cancel a running query from Python, so each query is checked
and evaluated in a separate process (:mod:`api.sparql.pool`). In the worker, :func:`evaluate` runs
the guard (:mod:`api.sparql.guard`), evaluates the canonical text the guard checked with pyoxigraph
over the store (its ORDER BY keys made a total order, :mod:`api.sparql.ordering`), read-only, and serialises at most ``row_cap`` rows (or triples), reporting a
truncation.

Independently of the guard, each worker is sandboxed (:func:`sandbox`) before it opens the store:
a seccomp filter makes ``socket(AF_INET/AF_INET6)`` fail, so the engine itself cannot reach any
network even for a query the guard misjudged. It also caps its own memory (:func:`limit_memory`,
``RLIMIT_DATA``): a query that needs more makes the engine's allocation fail, which ends the worker
(the engine aborts) or raises :class:`MemoryError` (answered :func:`memory_error`, then the worker
exits); either way the pool answers 503 ``memory_limit`` and starts a fresh worker.

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

import json
import os
import threading
from typing import Any

from graph.formats import rdf_format, results_format
from graph.store.base import solution_rows
from graph.vocab import PREFIXES

from .guard import _error, canonical_query, check_query
from .ordering import total_order

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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


BASE_IRI = "https://w3id.org/cakg/"  # relative IRIs (<s>, PREFIX : <>) resolve here, SPARQL 1.1 §4.1.1.1
TRUNCATED_LINK = "https://w3id.org/cakg/sparql#truncated"


def graph_result(triples_in, media: str, row_cap: int) -> dict:
    """The result of a CONSTRUCT/DESCRIBE: at most ``row_cap`` of ``triples_in`` serialised as ``media``."""
    import pyoxigraph as ox

    triples, truncated = [], False
    for i, triple in enumerate(triples_in):
        if i >= row_cap:
            truncated = True
            break
        triples.append(triple)
    fmt = rdf_format(media)
    body = ox.serialize(triples, format=fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None)
    return {"status": 200, "media": media, "body": body, "rows": len(triples), "truncated": truncated}


def _solutions(result, media: str, row_cap: int) -> dict:
    import pyoxigraph as ox

    names, bindings, truncated = solution_rows(result, _term_json, row_cap)
    document: dict[str, Any] = {"head": {"vars": names}, "results": {"bindings": bindings}}
    fmt = results_format(media)
    if fmt == ox.QueryResultsFormat.JSON:
        if truncated:  # inside "head" (a link IRI), so any SPARQL JSON results parser still reads it
            document["head"]["link"] = [f"{TRUNCATED_LINK}?rowCap={row_cap}"]
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
    # ORDER BY keys rewritten into a total order (pyoxigraph aborts on mixed-type sorts). The rewrite
    # only wraps the text of each order condition the guard's own parse found in fixed built-ins
    # (no new IRI, clause or keyword), so it adds nothing the guard did not see; re-parsing the much
    # longer text with rdflib would cost ~0.5 s per query
    query = total_order(query)
    graph = form in ("ConstructQuery", "DescribeQuery")
    media = job.get("graph_media") if graph else job.get("result_media")
    if media is None:
        # Accept names only formats of the other kind of result (rdflib's SPARQLStore, in JSON mode,
        # asks for SPARQL JSON even for a CONSTRUCT): answer in this kind's default format rather
        # than 406 (the endpoint answers 406 only when Accept fits no format it has).
        media = "text/turtle" if graph else "application/sparql-results+json"
    row_cap = int(job.get("row_cap", 10_000))
    try:
        result = store.query(query, prefixes=PREFIXES, base_iri=BASE_IRI)
        if isinstance(result, ox.QueryBoolean):
            return {"status": 200, "media": media, "rows": 1, "truncated": False,
                    "body": result.serialize(format=results_format(media))}
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, media, row_cap)
        return graph_result(result, media, row_cap)
    except SyntaxError as exc:
        return _error(400, "syntax_error", f"SPARQL syntax error: {exc}")
    except (RuntimeError, ValueError, TypeError) as exc:
        return _error(400, "query_error", f"the query failed: {exc}")
    except OSError as exc:  # pragma: no cover - store read failure
        return _error(500, "store_error", f"reading the store failed: {exc}")


def capped(result: dict, max_bytes: int | None) -> dict:
    """``result``, or a 422 naming the byte limit when its body is over ``max_bytes``.

    >>> capped({"status": 200, "body": b"x" * 10}, 5)["error"]
    'result_too_large'
    """
    body = result.get("body")
    if max_bytes and body is not None and len(body) > max_bytes:
        return _error(422, "result_too_large", f"the result is {len(body):,} bytes, over the limit of "
                      f"{max_bytes:,} bytes (sparql_max_result_bytes); select fewer or shorter values, or add LIMIT",
                      limit=max_bytes)
    return result


def live_store_path(path: str) -> str:
    """The store a new worker opens: for a store inside a data folder (``<data>/stores/<build>``),
    the one ``<data>/current`` points at now, so workers started after a ``cakg build --force``
    (which may prune the old folder) open the live graph; otherwise ``path`` itself."""
    from pathlib import Path

    p = Path(path)
    current = p.parent.parent / "current"
    if p.parent.name == "stores" and current.exists():
        return str(current.resolve())
    return path


# Copying a store into memory peaks at about this much data per triple (measured: the 1,044,616-triple
# benchmark graph loads under a 1,400 MB cap and fails under 1,024 MB)
COPY_BYTES_PER_TRIPLE = 1_400


def fits_in_memory(triples: int, memory_limit: int, memory_mb: int = 0) -> bool:
    """Whether a worker copies a store of ``triples`` into memory: at most ``memory_limit`` triples,
    and (with a memory cap of ``memory_mb`` MiB) an expected peak of at most 80 % of the cap, so a
    graph too big for the cap is served from disk rather than failing every worker's start.

    >>> fits_in_memory(1_044_616, 2_000_000, 2048), fits_in_memory(2_000_000, 2_000_000, 2048)
    (True, False)
    >>> fits_in_memory(2_000_000, 2_000_000, 0), fits_in_memory(10, 0, 0)
    (True, False)
    """
    if not memory_limit or triples > memory_limit:
        return False
    return not memory_mb or triples * COPY_BYTES_PER_TRIPLE <= 0.8 * (memory_mb << 20)


class _Served:
    """The store a worker answers from (``.store``). A persistent store small enough for the
    worker's memory (:func:`fits_in_memory`) is copied into memory in a thread of its own, since a
    small graph answers about 3x faster from memory than from RocksDB; until the copy is done
    (about 8 s at 1 M triples) queries are answered from disk, so the worker is ready as soon as
    the store is open."""

    def __init__(self, store, copy_from=None):
        self.store = store
        if copy_from is not None:
            threading.Thread(target=self._copy, args=(copy_from,), daemon=True, name="cakg-copy").start()

    def _copy(self, disk) -> None:
        import pyoxigraph as ox

        try:  # at a low priority (Linux: per thread), so the copy takes CPU the answers leave
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except (AttributeError, OSError):
            pass
        try:
            memory = ox.Store()
            memory.bulk_load(input=disk.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        except MemoryError:
            return  # answered from disk
        self.store = memory  # the next query is answered from memory


def _triples(path: str, store) -> int:
    """The store's size, from the ``build.json`` a build writes beside it when there is one
    (counting takes a second per 5 M triples, in each worker at once)."""
    from pathlib import Path

    from graph.store import build_info

    info = build_info(Path(path))
    triples = info.get("triples") if info else None
    return triples if isinstance(triples, int) else len(store)


def _open_store(source: tuple[str, Any], memory_mb: int = 0) -> _Served:
    import pyoxigraph as ox

    kind, value, *rest = source
    if kind == "path":
        path = live_store_path(value)
        disk = ox.Store.read_only(path)
        memory_limit = rest[0] if rest else 0
        return _Served(disk, copy_from=disk if fits_in_memory(_triples(path, disk), memory_limit, memory_mb) else None)
    store = ox.Store()
    store.bulk_load(input=value, format=ox.RdfFormat.N_QUADS)
    return _Served(store)


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


def limit_memory(megabytes: int) -> str | None:
    """Cap this process's data segment (heap and private anonymous mappings, ``RLIMIT_DATA``) at
    ``megabytes`` MiB (0: no cap). ``RLIMIT_DATA`` rather than ``RLIMIT_AS``: it counts memory the
    process writes, not address space merely reserved (thread stacks, allocator arenas, mapped
    files), so the cap means the same on a machine with more cores. Returns why it is not set, or ``None``.

    >>> limit_memory(0) is None
    True
    """
    if not megabytes:
        return None
    try:
        import resource

        limit = int(megabytes) << 20
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY and hard < limit:
            limit = hard
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ImportError, OSError, ValueError) as exc:
        return f"memory limit unavailable: {exc!r}"
    return None


def memory_error(megabytes: int) -> dict:
    """The answer to a query that needed more than a worker's memory cap (HTTP 503, naming the cap).

    >>> e = memory_error(512); e["status"], e["error"], e["limit_mb"], "512 MB" in e["message"]
    (503, 'memory_limit', 512, True)
    """
    return _error(503, "memory_limit", f"the query needed more memory than a query worker may use "
                  f"({megabytes:,} MB, sparql_worker_memory_mb / CAKG_SPARQL_WORKER_MEMORY_MB) and was stopped; "
                  "narrow it (LIMIT, more specific patterns, fewer or shorter aggregated values) and try again",
                  limit_mb=megabytes)


def worker_main(conn, source: tuple[str, Any], memory_mb: int = 0) -> None:
    """A worker process: cap its memory at ``memory_mb`` MiB (0: none), sandbox itself, open the
    store, then answer jobs until the pipe closes or ``None`` comes. A query that raises
    :class:`MemoryError` is answered :func:`memory_error` and the worker then exits (its heap may be
    fragmented or half-freed), so the pool replaces it."""
    try:
        import sys

        unlimited = limit_memory(memory_mb)
        if unlimited:
            print(f"cakg SPARQL worker: {unlimited}", file=sys.stderr)
        sys.setrecursionlimit(8000)  # the guard's grammar recurses per nesting level; deep valid queries pass
        unsandboxed = sandbox()
        if unsandboxed:
            import sys

            print(f"cakg SPARQL worker: {unsandboxed}", file=sys.stderr)
        served = _open_store(source, memory_mb)
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
        retire = False
        try:
            result = capped(evaluate(served.store, job), job.get("max_bytes"))
        except MemoryError:
            result, retire = memory_error(memory_mb), True
        except BaseException as exc:  # noqa: BLE001 - never let a query kill the worker silently
            result = _error(500, "internal_error", f"evaluation failed: {exc!r}")
        if retire:
            result["retire"] = True  # tells the pool to replace this worker
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            return
        if retire:
            return


# ============================================================================ the pool (parent side)
