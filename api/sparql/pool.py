"""A pool of SPARQL worker processes (:mod:`api.sparql.worker`) that can be killed.

Each query runs in its own ``spawn``-started process, at most ``size`` at once. When a query
overruns its time limit the parent kills that process and starts a fresh one: the server is
really freed, not merely no longer waiting. :func:`runtime` gives an app its pool (created on
first use, or by :func:`prestart` when the server starts) and the threads that wait on it.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox

from graph.settings import Settings
from graph.store import GraphStore, OxigraphStore

from .guard import _error
from .scheduling import FairQueue, Ticket
from .worker import memory_error, worker_main

log = logging.getLogger("cakg.sparql")


class QueryTimeout(Exception):
    """The query ran past its time limit (``limit`` seconds, in ``lane``: ``shared``, ``short``, or
    ``probation`` for a suspect client's query on a shared worker, see :mod:`.scheduling`); its worker was killed."""

    def __init__(self, limit: float = 0.0, lane: str = "shared"):
        super().__init__(limit, lane)
        self.limit, self.lane = limit, lane


SUSPECT_NICE = 10  # added to the niceness of a worker while it runs a suspect client's query


def _renice(worker: "_Worker", niceness: int) -> bool:
    """Set the worker process's niceness; False when the system refuses (raising it back needs privileges)."""
    try:
        os.setpriority(os.PRIO_PROCESS, worker.process.pid, niceness)
        return True
    except (OSError, AttributeError):
        return False


def _lower_priority(worker: "_Worker") -> int | None:
    """Add ``SUSPECT_NICE`` to the worker's niceness; the niceness before, or None if refused."""
    try:
        before = os.getpriority(os.PRIO_PROCESS, worker.process.pid)
    except (OSError, AttributeError):
        return None
    return before if _renice(worker, min(19, before + SUSPECT_NICE)) else None


class PoolBusy(Exception):
    """No worker became free in time."""


class _Worker:
    def __init__(self, process, conn, lane: str):
        self.process, self.conn, self.lane = process, conn, lane

    def kill(self) -> None:
        try:
            self.process.kill()
        except Exception:  # noqa: BLE001  pragma: no cover
            pass
        self.process.join(timeout=5)
        self.conn.close()


class SparqlPool:
    """Worker processes over the same data in two lanes; :meth:`run` sends a job to a free one.

    The *shared* lane has ``size`` workers and gives a query the full time limit. The *short* lane
    has ``reserve`` more workers, used only when every shared worker is busy and only by a caller
    that has no other query running (``short_ok``); there a query gets ``short_timeout`` seconds
    at most. So runaway queries can hold the shared lane but not the short one: a light query from
    another client still finds a worker (issue 14 item 3). Which waiting query gets a free worker is
    decided by a :class:`~api.sparql.scheduling.FairQueue` (``fairness``): least recent worker time
    first, and clients whose queries recently ran into the time limit last and on one worker at most.
    A suspect query still running after ``short_timeout`` seconds continues at a lower CPU priority
    (niceness +``SUSPECT_NICE``) until it ends, so a runaway query gets only the CPU time the others
    leave; if the system refuses to raise the priority again afterwards, the worker is replaced.

    ``source`` is ``("path", dir, memory_limit)`` for a persistent Oxigraph store (opened
    read-only in each worker, and copied into the worker's memory when it has at most
    ``memory_limit`` triples) or ``("data", nquads_bytes)`` for a copy loaded into each worker's memory.

    ``memory_mb`` caps each worker's memory (:func:`api.sparql.worker.limit_memory`; 0: no cap). A
    query over the cap ends or retires its worker; :meth:`run` then answers 503 ``memory_limit``
    and a fresh worker takes its place, while this (the server's) process is untouched.
    """

    def __init__(self, source: tuple[str, Any], size: int = 2, start_timeout: float = 120.0,
                 reserve: int = 0, short_timeout: float = 1.0, memory_mb: int = 0,
                 fairness: FairQueue | None = None):
        self.source = source
        self.memory_mb = max(0, int(memory_mb))
        self.size = max(1, size)
        self.reserve = max(0, reserve)
        self.short_timeout = short_timeout
        self.start_timeout = start_timeout
        self._ctx = multiprocessing.get_context("spawn")
        self.queue = fairness or FairQueue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = False
        self._ready = False  # a worker has started
        self._first_ready = threading.Event()  # set when one has, or every one failed
        self._start_done = threading.Event()  # set when every start has ended
        self._start_errors: list[BaseException] = []
        self._closed = False
        self.kills = 0  # workers killed on timeout (for tests and monitoring)
        atexit.register(self.close)

    # -------------------------------------------------------------- lifecycle
    def _spawn(self, lane: str) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=worker_main, args=(child, self.source, self.memory_mb), daemon=True,
                                    name=f"cakg-sparql-{lane}")
        process.start()
        child.close()
        if not parent.poll(self.start_timeout):
            process.kill()
            raise RuntimeError(f"SPARQL worker did not start within {self.start_timeout:.0f} s")
        try:
            status, detail = parent.recv()
        except (EOFError, OSError):
            process.join(timeout=5)
            status, detail = "failed", f"it ended while opening the store (exit code {process.exitcode})"
            if self.memory_mb:
                detail += f"; the data may not fit in its memory cap of {self.memory_mb:,} MB (CAKG_SPARQL_WORKER_MEMORY_MB)"
        if status != "ready":
            if "MemoryError" in str(detail) and self.memory_mb:
                detail = f"{detail}; the data does not fit in its memory cap of {self.memory_mb:,} MB (CAKG_SPARQL_WORKER_MEMORY_MB)"
            process.kill()
            raise RuntimeError(f"SPARQL worker failed to start: {detail}")
        worker = _Worker(process, parent, lane)
        with self._lock:
            if self._closed:
                worker.kill()
                raise RuntimeError("the SPARQL pool is closed")
            self._all.add(worker)
        return worker

    def _release(self, worker: _Worker, ticket: Ticket | None = None) -> None:
        self.queue.put(worker, ticket)

    def launch(self, one_by_one: bool = False) -> None:
        """Start the workers unless they are started already, and return at once (they join the
        pool as they become ready): in parallel threads, or ``one_by_one`` in a single thread, so
        that at most one worker at a time takes CPU from the server (its start-up is about a second
        of CPU, its copy of a graph that fits into memory several more)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        lanes = ["shared"] * self.size + ["short"] * self.reserve
        pending = [len(lanes)]

        def one(lane):
            try:
                self._release(self._spawn(lane))
                self._ready = True
            except BaseException as exc:  # noqa: BLE001
                self._start_errors.append(exc)
            finally:
                with self._lock:
                    pending[0] -= 1
                    if pending[0] == 0:
                        self._start_done.set()
            if self._ready or self._start_done.is_set():
                self._first_ready.set()  # one is ready, or every one failed (the waiters raise)

        if one_by_one:
            threading.Thread(target=lambda: [one(lane) for lane in lanes], daemon=True,
                             name="cakg-sparql-start").start()
            return
        for lane in lanes:
            threading.Thread(target=one, args=(lane,), daemon=True, name=f"cakg-sparql-start-{lane}").start()

    def start(self) -> None:
        """Start the workers (:meth:`launch`) and wait until every start has ended; raise the first
        failure when none of them started."""
        self.launch()
        self._start_done.wait(self.start_timeout + 5)
        self._raise_if_none_started()

    def _first_worker(self) -> None:
        """Start the workers if need be and wait until one is ready (not all of them: a query
        need not wait for the others to open the store)."""
        self.launch()
        self._first_ready.wait(self.start_timeout + 5)
        self._raise_if_none_started()

    def _raise_if_none_started(self) -> None:
        if not self._ready and self._start_errors:
            raise self._start_errors[0]

    def _replace(self, worker: _Worker, ticket: Ticket | None = None) -> None:
        """Kill a worker and start its replacement (in the same lane) in the background; the
        replacement ends ``ticket``'s hold in the queue (see :meth:`FairQueue.put`)."""
        with self._lock:
            self._all.discard(worker)
        worker.kill()

        def respawn():
            delay = 0.5
            while not self._closed:
                try:
                    self._release(self._spawn(worker.lane), ticket)
                    return
                except Exception as exc:  # noqa: BLE001 - logged and retried: never leave the pool empty
                    if self._closed:
                        return
                    log.warning("SPARQL worker restart failed (%s); retrying in %.1f s", exc, delay)
                    time.sleep(delay)
                    delay = min(delay * 2, 30.0)

        if not self._closed:
            threading.Thread(target=respawn, daemon=True).start()

    def _died(self, worker: _Worker, exc: BaseException, ticket: Ticket | None = None) -> dict:
        """The answer for a query whose worker ended mid-query; the worker is replaced. With a memory
        cap, an abort (SIGABRT: the engine's allocation failed, which Rust answers by aborting) is
        reported as the memory limit."""
        self._replace(worker, ticket)  # kills (a no-op, it is gone) and reaps it, so its exit code is known
        if self.memory_mb and worker.process.exitcode == -signal.SIGABRT:
            return memory_error(self.memory_mb)
        return _error(500, "worker_died", f"the query's worker process ended unexpectedly "
                      f"(exit code {worker.process.exitcode}, {exc!r})")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        self.queue.close()
        for w in workers:
            try:
                w.conn.send(None)
            except Exception:  # noqa: BLE001
                pass
            w.kill()

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.process.pid for w in self._all)

    def free_count(self) -> int:
        """Idle workers in both lanes."""
        return self.queue.free_count()

    def at_full_strength(self) -> bool:
        """Every worker of both lanes is started and idle (tests wait for this after a kill)."""
        return self.free_count() == self.size + self.reserve

    # -------------------------------------------------------------- work
    def run(self, job: dict, timeout: float, wait: float | None = None, short_ok: bool = True,
            client: Any = None) -> dict:
        """Run ``job`` for ``client`` on a free worker (blocking; call it from a thread). Waits in
        the fair queue up to ``wait`` seconds (default ``timeout``) for a worker (:class:`PoolBusy`),
        then up to ``timeout`` (``short_timeout`` at most in the short lane) for the answer
        (:class:`QueryTimeout`, after which the worker is killed and replaced). ``short_ok=False``
        keeps the job out of the short lane."""
        if self._closed:
            raise RuntimeError("the SPARQL pool is closed")
        self._first_worker()
        ticket = self.queue.take(client, timeout if wait is None else wait, short_ok)
        if ticket is None:
            if self._closed:
                raise RuntimeError("the SPARQL pool is closed")
            raise PoolBusy()
        worker: _Worker = ticket.worker
        lane = "probation" if ticket.probation else worker.lane
        limit = timeout if lane == "shared" else min(timeout, self.short_timeout)
        niceness = None
        t0 = time.monotonic()
        try:
            worker.conn.send(job)
            # a suspect query still running after the short limit is most likely a runaway one: from
            # then on it gets only the CPU time nobody else wants
            first = min(limit, self.short_timeout) if ticket.suspect else limit
            ready = worker.conn.poll(first)
            if not ready and first < limit:
                niceness = _lower_priority(worker)
                ready = worker.conn.poll(max(0.0, limit - (time.monotonic() - t0)))
            if not ready:
                self.kills += 1
                self.queue.finish(ticket, limit, timed_out=True)
                self._replace(worker, ticket)
                raise QueryTimeout(limit, lane)
            result = worker.conn.recv()
        except (EOFError, BrokenPipeError, OSError) as exc:
            self.queue.finish(ticket, time.monotonic() - t0)
            return self._died(worker, exc, ticket)
        if result.pop("retire", False):  # the worker answered (a MemoryError) and exits: replace it
            self.queue.finish(ticket, time.monotonic() - t0)
            self._replace(worker, ticket)
            return result
        result["seconds"] = time.monotonic() - t0
        result["lane"] = lane
        self.queue.finish(ticket, result["seconds"])
        if niceness is not None and not _renice(worker, niceness):
            self._replace(worker, ticket)  # cannot raise its priority again: a fresh worker instead
        else:
            self._release(worker, ticket)
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
    """The worker pool and the threads that wait on it, created on first use by an app (or at its
    start, :func:`prestart`)."""

    def __init__(self, store: GraphStore, settings: Settings):
        self.pool = SparqlPool(pool_source(store, settings), size=settings.sparql_concurrency,
                               reserve=settings.sparql_short_lane, short_timeout=settings.sparql_short_timeout,
                               memory_mb=settings.sparql_worker_memory_mb)
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


def prestart(app) -> None:
    """Start the app's worker pool now, one worker at a time in the background (setting
    ``sparql_prestart``), so the first query that needs a worker finds one ready instead of
    waiting for one to start. Nothing for a remote engine (no pool). A failed start is told to the
    first query that needs a worker."""
    if app.state.settings.sparql_prestart and isinstance(app.state.live.store, OxigraphStore):
        runtime(app).pool.launch(one_by_one=True)


def close_runtime(app) -> None:
    rt = getattr(app.state, "sparql_runtime", None)
    if rt is not None:
        rt.close()
        app.state.sparql_runtime = None


# ---------------------------------------------------------------------------- request reading
