"""The graph an application serves: a store and its catalog, replaced by new ones when the data
changes (a new build swapped into ``data/current``, or a new live graph published to a remote
engine), without a restart and without failing a request.

A request takes the current :class:`Generation` once and reads only from it, so a switch in the
middle of a request cannot mix two graphs; the old generation is released when its last reader
is done with it (its store stays on disk until the build after next prunes it).

>>> from graph.testing import fixture_store
>>> live = LiveGraph(fixture_store())
>>> live.current().catalog.entity("imu").label
'Islamic Movement of Uzbekistan'
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

from ..store import GraphStore
from .catalog import Catalog


@dataclass(frozen=True)
class Generation:
    """One version of the served graph."""

    name: str
    store: GraphStore
    catalog: Catalog


class LiveGraph:
    """The current :class:`Generation`. With ``opener`` (a function giving a store and its
    generation name, e.g. the embedded store of ``data/current``) and ``probe`` (a cheap function
    giving the generation name now), a changed name makes the next :meth:`current` open the new
    store; ``check_every`` seconds at most between probes. Listeners (``on_switch``) hear of each
    switch (the SPARQL pool restarts its workers on the new store)."""

    def __init__(self, store: GraphStore | None = None, *, opener: Callable[[], tuple[GraphStore, str]] | None = None,
                 probe: Callable[[], str | None] | None = None, check_every: float = 1.0,
                 fallback: GraphStore | None = None):
        if store is None and opener is None:
            raise ValueError("give a store or an opener")
        self._opener, self._probe, self.check_every = opener, probe, check_every
        self._lock = threading.Lock()
        self._listeners: list[Callable[[Generation], None]] = []
        self._checked = time.monotonic()
        self.switches = 0
        if store is not None:
            self._generation = Generation(getattr(store, "generation", None) or f"store-{id(store)}", store,
                                          Catalog(store, getattr(store, "generation", None)))
        else:
            try:
                self._generation = self._open()
            except Exception:
                if fallback is None:
                    raise
                # the remote engine is down at start: serve (503s) from the fallback until it answers
                self._generation = Generation("unavailable", fallback, Catalog(fallback, "unavailable"))

    def _open(self) -> Generation:
        store, name = self._opener()
        return Generation(name, store, Catalog(store, name))

    def on_switch(self, listener: Callable[[Generation], None]) -> None:
        self._listeners.append(listener)

    def current(self) -> Generation:
        """The generation to read this request from (switching first if the data changed)."""
        gen = self._generation
        if self._probe is None or time.monotonic() - self._checked < self.check_every:
            return gen
        with self._lock:
            self._checked = time.monotonic()
            try:
                name = self._probe()
            except Exception:  # noqa: BLE001 - a failing probe keeps serving what is open
                return self._generation
            if name and name != self._generation.name:
                try:
                    new = self._open()
                except Exception:  # noqa: BLE001 - a half-written or vanished store: keep the old one
                    return self._generation
                self._generation = new
                self.switches += 1
                for listener in self._listeners:
                    listener(new)
            return self._generation

    @classmethod
    def from_settings(cls, settings) -> "LiveGraph":
        """The graph the settings name: the remote engine at ``store_url``, else the embedded store
        of the data folder, followed to each new build in ``data/current``."""
        from ..store import SparqlEndpointStore, current_store_path, open_store

        if settings.store_url:
            root = SparqlEndpointStore(settings.store_url, timeout=settings.sparql_timeout + 25)
            default = f"default-graph:{settings.store_url}"  # an engine nothing was published to

            def remote_opener() -> tuple[GraphStore, str]:
                graph = root.engine.live_graph()
                return root.with_graph(graph), graph or default

            def remote_probe() -> str | None:
                return root.engine.live_graph() or default

            return cls(opener=remote_opener, probe=remote_probe, fallback=root)
        data = settings.data_dir

        def opener() -> tuple[GraphStore, str]:
            store = open_store(data)
            return store, str(store.path)

        def probe() -> str | None:
            path = current_store_path(data)
            return str(path) if path else None

        return cls(opener=opener, probe=probe)

    @property
    def store(self) -> GraphStore:
        return self.current().store

    @property
    def catalog(self) -> Catalog:
        return self.current().catalog
