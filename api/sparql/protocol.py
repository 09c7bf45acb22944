"""``/sparql``: a read-only, guarded SPARQL 1.1 Protocol endpoint, and its HTML query page.

Protocol (https://www.w3.org/TR/sparql11-protocol/), queries only:

* ``GET /sparql?query=...``; ``POST`` with ``application/x-www-form-urlencoded`` (``query=...``);
  ``POST`` with ``application/sparql-query`` (the query is the body);
* SELECT/ASK answer in SPARQL JSON (default), XML, CSV or TSV by ``Accept``; CONSTRUCT/DESCRIBE in
  Turtle (default), N-Triples, JSON-LD or RDF/XML; 406 when nothing fits ``Accept``;
* ``GET /sparql`` without a query: the SPARQL service description (Turtle, JSON-LD ...), or the
  query page for a browser.

Guards (each answers with a JSON error body): updates are refused (400 in a query, 403 through
``update=`` or ``application/sparql-update``); ``SERVICE`` and ``FROM``/``FROM NAMED`` are refused
(400), as are ``default-graph-uri``/``named-graph-uri``; a query longer than the configured size
gets 413; a syntax error gets 400 with the parser's message, line and column; a wrong body type
gets 415; a query running past the time limit is stopped, its worker process killed, and the
answer is 503; results beyond the row cap are cut and the response says so (header
``X-SPARQL-Truncated: true``, and in SPARQL JSON a ``head.link`` IRI
``https://w3id.org/cakg/sparql#truncated?rowCap=N``, so the document stays valid SPARQL JSON results).
``HEAD`` answers like ``GET`` without a body; a ``POST`` without a ``query`` gets 400. Result
tables on the HTML page link only ``http``/``https`` IRIs (``javascript:``, ``data:`` ... stay text). Evaluation happens in
worker processes (:mod:`api.sparql.pool`), at most ``sparql_concurrency`` at once, off the event
loop, so a long query never blocks short ones or the rest of the API.

The standard prefixes (cakg:, id:, claim:, source:, rdfs:, skos:, org:, prov:, xsd: ...) are
predefined. Example::

    curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT ?g WHERE { ?g cakg:protectedBy id:taliban }' \\
         http://127.0.0.1:8000/sparql
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from graph.formats import GRAPH_OFFERS, RESULT_OFFERS, negotiate
from graph.settings import Settings
from graph.store import OxigraphStore, SparqlEndpointStore
from graph.vocab import PREFIXES

from ..deps import get_store
from ..errors import ApiError
from ..views.templating import render
from . import lookup
from .description import DESCRIPTION_OFFERS, EXAMPLES, _description_response
from .pool import PoolBusy, QueryTimeout, runtime
from .remote import RemoteTimeout, evaluate_remote
from .worker import capped

router = APIRouter()


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_long(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_long(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_long(limit: int) -> ApiError:
    return ApiError(413, "query_too_long", f"the request body is over {limit} bytes")


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise ApiError(400, "bad_request", f"give exactly one '{name}' parameter (got {len(values)})", parameter=name)
    return values[0] if values else None


def _refuse_dataset(params: dict[str, list[str]]) -> None:
    for name in ("default-graph-uri", "named-graph-uri"):
        if params.get(name):
            raise ApiError(400, "dataset_refused", f"'{name}' is refused: queries run over this endpoint's one "
                           "default graph", parameter=name)


async def _query_from_request(request: Request, settings: Settings) -> str | None:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items() if request.scope.get("query_string") else ():
        params.setdefault(key, []).append(value)
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        byte_limit = settings.sparql_max_query_length * 4 + 4096
        if ctype == "application/sparql-update":
            raise ApiError(403, "update_refused", "this endpoint is read-only: SPARQL updates are refused")
        if ctype == "application/x-www-form-urlencoded":
            raw = await _read_body(request, byte_limit * 3)
            try:
                form = parse_qs(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                raise ApiError(400, "bad_request", "the form body is not UTF-8") from None
            if "update" in form:
                raise ApiError(403, "update_refused", "this endpoint is read-only: SPARQL updates are refused",
                               parameter="update")
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
        elif ctype == "application/sparql-query":
            raw = await _read_body(request, byte_limit)
            try:
                params.setdefault("query", []).append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                raise ApiError(400, "bad_request", "the query is not UTF-8") from None
        else:
            raise ApiError(415, "unsupported_media_type", f"POST a query as application/x-www-form-urlencoded "
                           f"(query=...) or application/sparql-query, not {ctype or 'no content type'!r}")
    if "update" in params:
        raise ApiError(403, "update_refused", "this endpoint is read-only: SPARQL updates are refused",
                       parameter="update")
    _refuse_dataset(params)
    return _one(params, "query")


# ---------------------------------------------------------------------------- service description


def _page(request: Request, settings: Settings, query: str | None) -> HTMLResponse:
    return render(request, "sparql.html", examples=EXAMPLES, query=query or EXAMPLES[0]["query"],
                  autorun=bool(query), settings=settings, prefixes=PREFIXES)


# ---------------------------------------------------------------------------- the endpoint


SPARQL_RESPONSES = {
    200: {"description": "Query results (SPARQL JSON/XML/CSV/TSV) or an RDF graph (Turtle, N-Triples, JSON-LD, "
                         "RDF/XML); without a query, the service description or the HTML query page",
          "content": {m: {} for m in [*RESULT_OFFERS, *GRAPH_OFFERS, "text/html"]}},
    400: {"description": "Syntax error (with line and column), update, SERVICE or FROM refused"},
    403: {"description": "An update sent through update= or application/sparql-update"},
    406: {"description": "No result format fits Accept"},
    413: {"description": "Query longer than the configured maximum"},
    422: {"description": "The serialised result is over the byte limit (sparql_max_result_bytes)"},
    429: {"description": "This client already runs its share of queries (sparql_concurrency - 1, at least 1)"},
    415: {"description": "POST body type other than form or application/sparql-query"},
    503: {"description": "The query ran past the time limit or needed more than a worker's memory cap "
                         "(sparql_worker_memory_mb) and was stopped, or the endpoint is busy"},
}


@router.get("/sparql", operation_id="sparql_get", tags=["sparql"], responses=SPARQL_RESPONSES,
            summary="SPARQL 1.1 query endpoint (read-only, guarded): GET ?query=")
@router.head("/sparql", operation_id="sparql_head", tags=["sparql"], responses=SPARQL_RESPONSES,
             summary="SPARQL 1.1 query endpoint: the headers a GET would send")
@router.post("/sparql", operation_id="sparql_post", tags=["sparql"], responses=SPARQL_RESPONSES,
             summary="SPARQL 1.1 query endpoint: POST form or application/sparql-query")
async def sparql(request: Request) -> Response:
    """Run a SPARQL 1.1 query (GET ``?query=``, POST form, POST ``application/sparql-query``)."""
    settings: Settings = request.app.state.settings
    query = await _query_from_request(request, settings)
    accept = request.headers.get("accept")
    if query is None or query.strip() == "":
        if request.method == "POST":
            raise ApiError(400, "bad_request", "the POST carries no query" if query is None else "the query is empty",
                           parameter="query")
        media = negotiate(accept, ["text/turtle", "text/html", *DESCRIPTION_OFFERS[1:]])
        if media == "text/html":
            return _page(request, settings, None)
        if media is None:
            raise ApiError(406, "not_acceptable", f"the service description is available as {', '.join(DESCRIPTION_OFFERS)}")
        return _description_response(request, settings, media)
    if len(query) > settings.sparql_max_query_length:
        raise ApiError(413, "query_too_long", f"the query has {len(query)} characters; the limit is "
                       f"{settings.sparql_max_query_length}", parameter="query")
    if request.method in ("GET", "HEAD") and negotiate(accept, ["application/sparql-results+json", "text/html"]) == "text/html" \
            and "text/html" in (accept or ""):
        return _page(request, settings, query)  # a browser following a link: show the page, which runs it
    result_media = negotiate(accept, RESULT_OFFERS, default="application/sparql-results+json")
    graph_media = negotiate(accept, GRAPH_OFFERS, default="text/turtle")
    if result_media is None and graph_media is None:
        raise ApiError(406, "not_acceptable", f"no result format fits Accept {accept!r}; available: "
                       f"{', '.join(RESULT_OFFERS + GRAPH_OFFERS)}")
    job = {"query": query, "result_media": result_media, "graph_media": graph_media,
           "row_cap": settings.sparql_row_cap, "max_bytes": settings.sparql_max_result_bytes}
    store = get_store(request)
    if isinstance(store, OxigraphStore):  # a one-pattern lookup: answered here, bounded by its rows
        fast = lookup.answer(store.native, job)
        if fast is not None:
            return _response(fast, settings)
    client = request.client.host if request.client else "?"
    inflight: dict[str, int] | None = getattr(request.app.state, "sparql_inflight", None)
    if inflight is None:  # queries in flight per client address (one event loop: no lock needed)
        inflight = request.app.state.sparql_inflight = {}
    per_client = max(1, settings.sparql_concurrency - 1)  # one client never holds every worker
    if inflight.get(client, 0) >= per_client:
        raise ApiError(429, "too_many_queries", f"this client already runs {per_client} quer"
                       f"{'y' if per_client == 1 else 'ies'} (the per-client cap); wait for "
                       f"{'it' if per_client == 1 else 'them'} to finish", headers={"Retry-After": "1"})
    short_ok = inflight.get(client, 0) == 0  # the short lane is for clients with nothing else running
    inflight[client] = inflight.get(client, 0) + 1
    loop = asyncio.get_running_loop()
    if isinstance(store, SparqlEndpointStore):  # a remote engine: guard here, evaluate there
        future = loop.run_in_executor(None, lambda: capped(evaluate_remote(store, job, settings.sparql_timeout),
                                                            job["max_bytes"]))
    else:
        rt = runtime(request.app)
        future = loop.run_in_executor(rt.executor, lambda: rt.pool.run(job, settings.sparql_timeout,
                                                                        short_ok=short_ok, client=client))
    try:
        result = await asyncio.wait_for(future, timeout=2 * settings.sparql_timeout + 120)
    except QueryTimeout as exc:
        lane = {"shared": "", "short": " in the short lane (every other worker was busy with long queries, so this "
                                       "one got the short lane's limit)",
                "probation": " on probation (a query of this client recently ran into the time limit and "
                             "the workers for such clients were busy, so this one got the short limit)"}.get(exc.lane, "")
        raise ApiError(503, "timeout", f"the query ran for more than {exc.limit or settings.sparql_timeout:g} s"
                       f"{lane} and was stopped; narrow it (LIMIT, more specific patterns) and try again",
                       headers={"Retry-After": "1"}, lane=exc.lane) from None
    except RemoteTimeout:
        raise ApiError(503, "timeout", f"the query ran for more than {settings.sparql_timeout:g} s and was "
                       "stopped; narrow it (LIMIT, more specific patterns) and try again",
                       headers={"Retry-After": "1"}) from None
    except (PoolBusy, asyncio.TimeoutError):
        raise ApiError(503, "busy", "all query workers stayed busy; try again shortly",
                       headers={"Retry-After": "2"}) from None
    finally:
        left = inflight.get(client, 1) - 1
        if left > 0:
            inflight[client] = left
        else:
            inflight.pop(client, None)
    return _response(result, settings)


# /sparql is served by a plain Starlette route put before the three documented ones above, which
# then only describe it in the OpenAPI schema: the endpoint takes the bare Request, so FastAPI's
# dependency solving and per-route layers are pure cost here (about 0.05 ms of the 0.4 ms a
# lookup takes in the server at 1 M triples). Same function, same error handlers (the app's), same
# answers; the OpenTelemetry spans FastAPI makes per operation are not made for it.
router.routes.insert(0, Route("/sparql", sparql, methods=["GET", "POST"], include_in_schema=False))


def _response(result: dict, settings: Settings) -> Response:
    """The HTTP response for an evaluation result (the pool's, a lookup's or a remote engine's)."""
    if result["status"] != 200:
        status = result.pop("status")
        result.pop("seconds", None)
        result.pop("lane", None)
        return JSONResponse(result, status_code=status)
    headers = {"Vary": "Accept", "X-SPARQL-Rows": str(result["rows"])}
    if result["truncated"]:
        headers["X-SPARQL-Truncated"] = "true"
        headers["X-SPARQL-Row-Cap"] = str(settings.sparql_row_cap)
    media = result["media"]
    if media.startswith("text/"):
        media += "; charset=utf-8"
    return Response(result["body"], media_type=media, headers=headers)
