"""``cakg publish``: load a built graph into a running SPARQL engine and make it the live one.

1. the new graph's IRI (``--graph``, else ``https://w3id.org/cakg/graph/<stamp>``) is recorded in
   the meta graph as published (so that, should the load fail, the next publish drops the leftovers);
2. the N-Triples are sent in chunks (Graph Store protocol POST) into that named graph;
3. the engine's count of the new graph is checked against the number of triples sent;
4. only then is the live pointer switched, in one update: ``meta cakg:liveGraph <new>``;
5. published graphs other than the new one and the one it replaced are dropped (a server may still
   be answering a request from the replaced one).

A failure before step 4 leaves the live graph as it was; readers never see a half-loaded graph.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..vocab import BASE
from .engine_client import LIVE_GRAPH, META_GRAPH, PUBLISHED_GRAPH, EngineClient, engine_client

GRAPH_BASE = BASE + "graph/"
CHUNK_BYTES = 4_000_000


class PublishError(RuntimeError):
    """The publish failed; the live graph is unchanged."""


@dataclass
class PublishResult:
    engine: str
    url: str
    graph: str
    previous: str | None
    triples: int
    dropped: list[str]
    seconds: float


def new_graph_iri() -> str:
    return GRAPH_BASE + time.strftime("%Y%m%dT%H%M%S") + f"-{time.monotonic_ns() % 10**9}"


def chunks(lines: Iterable[bytes], size: int = CHUNK_BYTES) -> Iterator[tuple[bytes, int]]:
    """N-Triples lines grouped into chunks of about ``size`` bytes: ``(data, triples)``.

    >>> [n for _, n in chunks([b"<a> <b> <c> .\\n"] * 5, size=30)]
    [3, 2]
    """
    buf: list[bytes] = []
    held, count = 0, 0
    for line in lines:
        if not line.strip() or line.lstrip().startswith(b"#"):
            continue
        buf.append(line if line.endswith(b"\n") else line + b"\n")
        held += len(line)
        count += 1
        if held >= size:
            yield b"".join(buf), count
            buf, held, count = [], 0, 0
    if buf:
        yield b"".join(buf), count


def _switch(engine: EngineClient, new: str) -> None:
    meta = f"<{META_GRAPH}>"
    engine.update(f"DELETE {{ GRAPH {meta} {{ {meta} <{LIVE_GRAPH}> ?g }} }} "
                  f"WHERE {{ GRAPH {meta} {{ {meta} <{LIVE_GRAPH}> ?g }} }} ;\n"
                  f"INSERT DATA {{ GRAPH {meta} {{ {meta} <{LIVE_GRAPH}> <{new}> }} }}")


def _forget(engine: EngineClient, graph: str) -> None:
    meta = f"<{META_GRAPH}>"
    engine.update(f"DELETE DATA {{ GRAPH {meta} {{ {meta} <{PUBLISHED_GRAPH}> <{graph}> }} }}")


def publish_lines(lines: Iterable[bytes], url: str, graph: str | None = None, *, chunk_bytes: int = CHUNK_BYTES,
                  progress: Callable[[str], None] = lambda _: None, engine: EngineClient | None = None) -> PublishResult:
    """Publish N-Triples ``lines`` to the engine at ``url`` (see the module's steps)."""
    t0 = time.perf_counter()
    own = engine is None
    engine = engine or engine_client(url)
    try:
        graph = graph or new_graph_iri()
        previous = engine.live_graph()
        if graph == previous:
            raise PublishError(f"{graph} is the live graph: publish into a new graph")
        meta = f"<{META_GRAPH}>"
        engine.drop(graph)  # a leftover of the same name from a failed publish
        engine.update(f"INSERT DATA {{ GRAPH {meta} {{ {meta} <{PUBLISHED_GRAPH}> <{graph}> }} }}")
        sent = 0
        try:
            for data, n in chunks(lines, chunk_bytes):
                engine.post_ntriples(graph, data)
                sent += n
                progress(f"sent {sent} triples to {graph}")
            loaded = engine.count(graph)
            if loaded != sent:
                raise PublishError(f"the {engine.name} engine holds {loaded} triples in {graph}, {sent} were sent")
        except Exception as exc:
            try:
                engine.drop(graph)
                _forget(engine, graph)
            except Exception:  # noqa: BLE001 - the next publish drops it
                pass
            if isinstance(exc, PublishError):
                raise
            raise PublishError(f"loading {graph} failed after {sent} triples ({exc}); "
                               f"the live graph is still {previous or 'none'}") from exc
        _switch(engine, graph)
        progress(f"live graph is now {graph}")
        dropped = []
        for old in engine.published_graphs():
            if old not in (graph, previous):
                engine.drop(old)
                _forget(engine, old)
                dropped.append(old)
        return PublishResult(engine.name, url, graph, previous, sent, dropped, round(time.perf_counter() - t0, 3))
    finally:
        if own:
            engine.close()


def ntriples_lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        yield from fh


def publish_store(store, url: str, graph: str | None = None, **kw) -> PublishResult:
    """Publish an embedded store's default graph (the built graph) via a temporary N-Triples file."""
    import tempfile

    import pyoxigraph as ox

    with tempfile.TemporaryDirectory(prefix="cakg-publish-") as tmp:
        path = Path(tmp) / "graph.nt"
        store.native.dump(output=str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        return publish_lines(ntriples_lines(path), url, graph, **kw)
