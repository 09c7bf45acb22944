"""Talking to a remote SPARQL engine: which engine is at a URL, how to query, update and load it,
and where its live graph is.

A published graph lives in a named graph of its own (one per build, see :mod:`graph.store.publish`);
the meta graph ``https://w3id.org/cakg/meta`` holds one triple naming the live one::

    <https://w3id.org/cakg/meta> cakg:liveGraph <https://w3id.org/cakg/graph/20261203T071500-...> .

plus one ``cakg:publishedGraph`` triple per graph a publish has started (so a failed load's
leftovers are found and dropped). Readers (:class:`graph.store.remote.SparqlEndpointStore`) scope
every query to the live graph with the protocol's ``default-graph-uri`` parameter.

Two engines are known, told apart by their ``Server`` header:

* **Oxigraph server**: query ``/query``, update ``/update``, Graph Store ``/store?graph=``, no login;
* **Virtuoso**: query ``/sparql`` (anonymous, read-only), update ``/sparql-auth`` and Graph Store
  ``/sparql-graph-crud-auth?graph-uri=`` with HTTP digest login (``CAKG_STORE_USER`` /
  ``CAKG_STORE_PASSWORD``, default Virtuoso's ``dba``/``dba``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from ..vocab import BASE, CAKG

META_GRAPH = BASE + "meta"
LIVE_GRAPH = str(CAKG.liveGraph)
PUBLISHED_GRAPH = str(CAKG.publishedGraph)
#: queried as the dataset's named graphs so that ``GRAPH ?g`` sees none, as over the embedded store
NO_NAMED_GRAPH = BASE + "meta/no-named-graph"


class StoreUnavailable(ConnectionError):
    """The remote engine does not answer (down, refusing, or too slow)."""

    def __init__(self, engine: str, url: str, reason: str):
        self.engine, self.url, self.reason = engine, url, reason
        super().__init__(f"the {engine} SPARQL engine at {url} is unavailable: {reason}")


class EngineTimeout(StoreUnavailable):
    """The engine took longer than the time allowed to answer."""


class EngineRefused(RuntimeError):
    """The engine answered with an error status."""

    def __init__(self, engine: str, url: str, status: int, body: str):
        self.engine, self.url, self.status, self.body = engine, url, status, body
        super().__init__(f"the {engine} SPARQL engine at {url} answered {status}: {body[:500]}")


def _base(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path.rsplit("/", 1)[0] if parts.path.rstrip("/").count("/") >= 1 else ""
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class AnswerTooLarge(RuntimeError):
    """The engine's answer ran past the number of bytes the caller would read."""

    def __init__(self, engine: str, url: str, limit: int):
        self.engine, self.url, self.limit = engine, url, limit
        super().__init__(f"the {engine} SPARQL engine at {url} sent more than {limit:,} bytes")


@dataclass
class EngineClient:
    """How to reach one engine; make one with :func:`engine_client`."""

    kind: str            # "oxigraph" | "virtuoso" | "sparql" (any other SPARQL 1.1 endpoint, read-only)
    query_url: str
    update_url: str | None
    store_url: str | None
    graph_param: str
    auth: httpx.Auth | None
    client: httpx.Client

    @property
    def name(self) -> str:
        return {"oxigraph": "Oxigraph server", "virtuoso": "Virtuoso"}.get(self.kind, "SPARQL")

    def _send(self, method: str, url: str, max_bytes: int | None = None, **kw) -> httpx.Response:
        """One request; with ``max_bytes``, the answer is read as a stream and dropped (closing the
        connection) as soon as it grows past that many bytes (:class:`AnswerTooLarge`)."""
        try:
            if max_bytes is None:
                r = self.client.request(method, url, **kw)
            else:
                with self.client.stream(method, url, **kw) as r:
                    body = bytearray()
                    for chunk in r.iter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            raise AnswerTooLarge(self.name, url, max_bytes)
                    r._content = bytes(body)  # noqa: SLF001 - the documented way to fill a streamed response
        except httpx.ConnectTimeout as exc:
            raise StoreUnavailable(self.name, url, f"no connection in time ({type(exc).__name__})") from None
        except httpx.TimeoutException as exc:
            raise EngineTimeout(self.name, url, f"no answer in time ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise StoreUnavailable(self.name, url, f"{type(exc).__name__}: {exc}") from None
        if r.status_code >= 400:
            raise EngineRefused(self.name, url, r.status_code, r.text)
        return r

    # ------------------------------------------------------------ reading
    def query(self, sparql: str, accept: str, graph: str | None = None, timeout: float | None = None,
              max_bytes: int | None = None) -> httpx.Response:
        """POST a query; with ``graph``, that graph is the default graph and no graph is named; with
        ``max_bytes``, an answer longer than that is not read (:class:`AnswerTooLarge`)."""
        data = {"query": sparql}
        if graph:
            data["default-graph-uri"] = graph
            data["named-graph-uri"] = NO_NAMED_GRAPH
        if timeout and self.kind == "virtuoso":
            data["timeout"] = str(int(timeout * 1000))  # Virtuoso's own limit, in ms
        kw = {"timeout": httpx.Timeout(timeout + 2, connect=2.0)} if timeout else {}
        return self._send("POST", self.query_url, max_bytes=max_bytes, data=data, headers={"Accept": accept}, **kw)

    def live_graph(self) -> str | None:
        """The live graph's IRI from the meta graph, or ``None`` when nothing was published."""
        r = self.query(f"SELECT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{LIVE_GRAPH}> ?g }} }}",
                       "application/sparql-results+json")
        rows = r.json()["results"]["bindings"]
        return rows[0]["g"]["value"] if rows else None

    def published_graphs(self) -> list[str]:
        r = self.query(f"SELECT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{PUBLISHED_GRAPH}> ?g }} }}",
                       "application/sparql-results+json")
        return sorted(b["g"]["value"] for b in r.json()["results"]["bindings"])

    def count(self, graph: str) -> int:
        r = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+json", graph=graph)
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    # ------------------------------------------------------------ writing
    def _writable(self) -> None:
        if not self.update_url or not self.store_url:
            raise EngineRefused(self.name, self.query_url, 0, "cakg can publish only to Oxigraph server or Virtuoso")

    def update(self, sparql: str, timeout: float = 600.0) -> None:
        self._writable()
        self._send("POST", self.update_url, data={"update": sparql}, auth=self.auth, timeout=timeout)

    def post_ntriples(self, graph: str, data: bytes, timeout: float = 600.0) -> None:
        """Add N-Triples to a named graph (Graph Store protocol POST)."""
        self._writable()
        self._send("POST", self.store_url, params={self.graph_param: graph}, content=data, auth=self.auth,
                   headers={"Content-Type": "application/n-triples"}, timeout=timeout)

    def drop(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def close(self) -> None:
        self.client.close()


def detect(url: str, client: httpx.Client) -> str:
    """``oxigraph``, ``virtuoso`` or ``sparql``, from the engine's ``Server`` header.
    :class:`StoreUnavailable` if nothing answers."""
    try:
        r = client.post(url, data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"})
    except httpx.TransportError as exc:
        raise StoreUnavailable("SPARQL", url, f"{type(exc).__name__}: {exc}") from None
    server = r.headers.get("server", "").lower()
    if "virtuoso" in server:
        return "virtuoso"
    if "oxigraph" in server:
        return "oxigraph"
    return "sparql"


def engine_client(url: str, kind: str | None = None, *, timeout: float = 30.0, connect_timeout: float = 2.0,
                  user: str | None = None, password: str | None = None) -> EngineClient:
    """A client for the engine whose query endpoint is ``url`` (its kind detected unless given)."""
    client = httpx.Client(timeout=httpx.Timeout(timeout, connect=connect_timeout))
    kind = kind or detect(url, client)
    base = _base(url)
    if kind == "oxigraph":
        return EngineClient(kind, url, base + "/update", base + "/store", "graph", None, client)
    if kind == "virtuoso":
        auth = httpx.DigestAuth(user or os.environ.get("CAKG_STORE_USER") or "dba",
                                password or os.environ.get("CAKG_STORE_PASSWORD") or "dba")
        return EngineClient(kind, url, base + "/sparql-auth", base + "/sparql-graph-crud-auth", "graph-uri", auth, client)
    return EngineClient(kind, url, None, None, "graph", None, client)
