"""A pool of SPARQL worker processes (:mod:`api.sparql.worker`) that can be killed.

Each query runs in its own ``spawn``-started process, at most ``size`` at once. When a query
overruns its time limit the parent kills that process and starts a fresh one: the server is
really freed, not merely no longer waiting. :func:`runtime` gives an app its pool (created on
first use) and the threads that wait on it.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox

from graph.settings import Settings
from graph.store import GraphStore, OxigraphStore

from .guard import _error
from .worker import worker_main

log = logging.getLogger("cakg.sparql")


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
            delay = 0.5
            while not self._closed:
                try:
                    self._idle.put(self._spawn())
                    return
                except Exception as exc:  # noqa: BLE001 - logged and retried: never leave the pool empty
                    if self._closed:
                        return
                    log.warning("SPARQL worker restart failed (%s); retrying in %.1f s", exc, delay)
                    time.sleep(delay)
                    delay = min(delay * 2, 30.0)

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


_POOL_LOCK = threading.Lock()


# ---------------------------------------------------------------------------- the pool per app


def pool_source(store: GraphStore, settings: Settings | None = None) -> tuple:
    """What a worker process needs to open the same data: a store path or an N-Quads copy."""
    if isinstance(store, OxigraphStore) and store.path is not None:
        return ("path", str(store.path), (settings or Settings()).sparql_memory_triples)
    if isinstance(store, OxigraphStore):
        return ("data", store.native.dump(format=ox.RdfFormat.N_QUADS))
    return ("data", store.export("ntriples"))


class SparqlRuntime:
    """The worker pool and the threads that wait on it, created on first use by an app."""

    def __init__(self, store: GraphStore, settings: Settings):
        self.pool = SparqlPool(pool_source(store, settings), size=settings.sparql_concurrency)
        self.executor = ThreadPoolExecutor(max_workers=max(4, settings.sparql_concurrency * 8),
                                           thread_name_prefix="cakg-sparql")

    def close(self) -> None:
        self.pool.close()
        self.executor.shutdown(wait=False, cancel_futures=True)


def runtime(app) -> SparqlRuntime:
    rt = getattr(app.state, "sparql_runtime", None)
    if rt is None:
        with _POOL_LOCK:
            rt = getattr(app.state, "sparql_runtime", None)
            if rt is None:
                rt = SparqlRuntime(app.state.live.store, app.state.settings)
                app.state.sparql_runtime = rt
    return rt


def close_runtime(app) -> None:
    rt = getattr(app.state, "sparql_runtime", None)
    if rt is not None:
        rt.close()
        app.state.sparql_runtime = None


# ---------------------------------------------------------------------------- request reading
