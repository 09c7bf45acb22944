"""The SPARQL 1.1 Protocol endpoint and each of its guards, against a live uvicorn on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
import os
import threading
import time
import xml.etree.ElementTree as ET

import httpx
import pyoxigraph as ox
import pytest

from api.app import create_app
from graph.settings import Settings
from graph.testing import fixture_store

pytestmark = pytest.mark.server

SETTINGS = Settings(sparql_timeout=1.5, sparql_max_query_length=2000, sparql_row_cap=5, sparql_concurrency=2,
                    sparql_max_result_bytes=200_000)
PROTECTED = "SELECT ?g WHERE { ?g cakg:protectedBy id:taliban } ORDER BY ?g"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server():
    from tests.support import LiveServer

    app = create_app(fixture_store(), SETTINGS)
    with LiveServer(app) as live:
        live.app = app
        yield live


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture(autouse=True)
def pool_at_full_strength(request):
    """Before each test of the live server: every worker a timed-out query killed has been replaced
    (a replacement takes a moment to start; a test of free slots must not race it). Bounded."""
    if "server" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("server").app
    rt = getattr(app.state, "sparql_runtime", None)
    pool = getattr(rt, "pool", None)
    deadline = time.monotonic() + 60
    while pool is not None and not pool.at_full_strength() and time.monotonic() < deadline:
        time.sleep(0.05)
    yield


def bindings(r) -> list[dict]:
    return r.json()["results"]["bindings"]


# ---------------------------------------------------------------------------- protocol

def test_get_post_form_and_post_query_agree(http):
    a = http.get("/sparql", params={"query": PROTECTED})
    b = http.post("/sparql", data={"query": PROTECTED})
    c = http.post("/sparql", content=PROTECTED.encode(), headers={"Content-Type": "application/sparql-query"})
    for r in (a, b, c):
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")
    groups = [x["g"]["value"].rsplit("/", 1)[1] for x in bindings(a)]
    assert groups == ["iju", "imu", "jamaat-ansarullah", "kib-afghan-wing"]
    assert bindings(a) == bindings(b) == bindings(c)


def test_result_formats_by_accept(http):
    q = {"query": "SELECT ?label WHERE { id:imu rdfs:label ?label }"}
    x = http.get("/sparql", params=q, headers={"Accept": "application/sparql-results+xml"})
    assert x.headers["content-type"].startswith("application/sparql-results+xml")
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert ET.fromstring(x.content).find(".//s:literal", ns).text == "Islamic Movement of Uzbekistan"
    cs = http.get("/sparql", params=q, headers={"Accept": "text/csv"})
    assert cs.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(cs.text))) == [["label"], ["Islamic Movement of Uzbekistan"]]
    ts = http.get("/sparql", params=q, headers={"Accept": "text/tab-separated-values"})
    assert ts.text.splitlines() == ["?label", '"Islamic Movement of Uzbekistan"@en']
    js = http.get("/sparql", params=q, headers={"Accept": "*/*"})
    assert bindings(js)[0]["label"] == {"type": "literal", "value": "Islamic Movement of Uzbekistan", "xml:lang": "en"}
    ask = http.get("/sparql", params={"query": "ASK { id:imu cakg:protectedBy id:taliban }"})
    assert ask.json() == {"head": {}, "boolean": True}


def test_construct_and_describe_formats(http):
    q = "CONSTRUCT { ?g cakg:protectedBy id:taliban } WHERE { ?g cakg:protectedBy id:taliban }"
    ttl = http.get("/sparql", params={"query": q})
    assert ttl.headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(ttl.content, format=ox.RdfFormat.TURTLE))) == 4
    nt = http.get("/sparql", params={"query": q}, headers={"Accept": "application/n-triples"})
    assert len(nt.text.strip().splitlines()) == 4
    jl = http.post("/sparql", data={"query": q}, headers={"Accept": "application/ld+json"})
    assert jl.headers["content-type"].startswith("application/ld+json") and isinstance(json.loads(jl.content), list)
    d = http.get("/sparql", params={"query": "DESCRIBE id:imu"}, headers={"Accept": "application/rdf+xml"})
    assert d.status_code == 200 and b"rdf:RDF" in d.content


def test_standard_prefixes_are_predefined_and_own_prefixes_work(http):
    r = http.get("/sparql", params={"query": "PREFIX x: <https://w3id.org/cakg/id/> ASK { x:imu a cakg:MilitantGroup }"})
    assert r.json()["boolean"] is True


def test_service_description_and_html_page(http):
    r = http.get("/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(t.predicate.value == sd + "supportedLanguage" and t.object.value == sd + "SPARQL11Query" for t in triples)
    assert http.get("/sparql", headers={"Accept": "application/ld+json"}).headers["content-type"].startswith("application/ld+json")
    page = http.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    assert "Who protects whom in 2021" in page.text and "which groups sit inside HTS".lower() in page.text.lower()
    import re

    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', page.text)  # offline: no external assets


def test_example_queries_answer_the_analysts_questions(http):
    from api.sparql.description import EXAMPLES

    ex = {e["name"]: e["query"] for e in EXAMPLES}
    rows = bindings(http.get("/sparql", params={"query": ex["Who protects whom in 2021"]}))
    assert {r["subject"]["value"] for r in rows} >= {"imu", "iju", "jamaat-ansarullah"}
    assert {r["status"]["value"] for r in rows} <= {"holds", "presumed"}
    rows = bindings(http.get("/sparql", params={"query": ex["Which groups sit inside HTS"]}))
    assert {r["group"]["value"].rsplit("/", 1)[1] for r in rows} == {"ktj", "kib"}
    rows = bindings(http.get("/sparql", params={"query": ex["Who leads each group now (ties nothing has ended)"]}))
    pairs = {(r["group"]["value"].rsplit("/", 1)[1], r["leader"]["value"].rsplit("/", 1)[1]) for r in rows}
    assert ("jamaat-ansarullah", "muhammad-sharifov") in pairs and ("ktj", "abu-saloh") not in pairs  # 'former'
    for e in EXAMPLES:
        assert http.post("/sparql", data={"query": e["query"]}).status_code == 200, e["name"]


def test_cors_without_credentials(http):
    r = http.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    pre = http.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "*"


# ---------------------------------------------------------------------------- guards

@pytest.mark.parametrize("update", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR DEFAULT",
    "DROP ALL",
    "CREATE GRAPH <urn:g>",
    "PREFIX x: <urn:x#> WITH <urn:g> DELETE { ?s ?p ?o } INSERT { ?s x:p 1 } WHERE { ?s ?p ?o }",
])
def test_updates_in_query_are_refused(http, update):
    r = http.post("/sparql", data={"query": update})
    assert r.status_code == 400 and r.json()["error"] == "update_refused" and "read-only" in r.json()["message"]


def test_update_channels_are_refused(http):
    r = http.post("/sparql", data={"update": "DROP ALL"})
    assert r.status_code == 403 and r.json()["error"] == "update_refused"
    r = http.post("/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403
    r = http.get("/sparql", params={"update": "DROP ALL"})
    assert r.status_code == 403
    assert http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT ?endpoint { ?s ?p ?x } } }",
    "ASK { FILTER EXISTS { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } } }",
])
def test_service_is_refused(http, query):
    r = http.get("/sparql", params={"query": query})
    assert r.status_code == 400 and r.json()["error"] == "service_refused"


@pytest.mark.parametrize("query", [
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } FROM <http://example.org/x> WHERE { ?s ?p ?o }",
])
def test_from_clauses_are_refused(http, query):
    r = http.get("/sparql", params={"query": query})
    assert r.status_code == 400 and r.json()["error"] == "dataset_refused"


def test_protocol_dataset_parameters_are_refused(http):
    r = http.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "file:///etc/passwd"})
    assert r.status_code == 400 and r.json()["parameter"] == "default-graph-uri"


def test_oversized_query_is_refused(http):
    big = "ASK { ?s ?p ?o }" + " " * 2100
    r = http.post("/sparql", data={"query": big})
    assert r.status_code == 413 and r.json()["error"] == "query_too_long" and "2000" in r.json()["message"]
    r = http.post("/sparql", content=("#" * 50_000).encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_syntax_error_gives_message_and_position(http):
    r = http.get("/sparql", params={"query": "SELECT ?x\nWHERE { ?x ?y }"})
    body = r.json()
    assert r.status_code == 400 and body["error"] == "syntax_error"
    assert body["line"] == 2 and body["column"] >= 9 and "syntax error" in body["message"]


def test_not_acceptable_and_wrong_body_type(http):
    r = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.json()["error"] == "not_acceptable"
    # a SELECT asked for in a graph format only: the default results format, not an error
    # (rdflib's SPARQLStore asks for SPARQL JSON for a CONSTRUCT, and the reverse)
    r = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")
    r = http.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    r = http.post("/sparql", json={"query": "ASK {}"})
    assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type"
    r = http.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


def test_row_cap_truncates_and_says_so(http):
    r = http.get("/sparql", params={"query": "SELECT ?s WHERE { ?s a cakg:Claim }"})
    assert r.status_code == 200
    assert len(bindings(r)) == 5 and r.headers["x-sparql-truncated"] == "true" and r.headers["x-sparql-row-cap"] == "5"
    assert set(r.json()) == {"head", "results"}, "no extra top-level key: SPARQL JSON parsers reject one"
    assert r.json()["head"]["link"][0].startswith("https://w3id.org/cakg/sparql#truncated")
    parsed = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.JSON)
    assert len(list(parsed)) == 5
    small = http.get("/sparql", params={"query": "SELECT ?s WHERE { ?s a cakg:Claim } LIMIT 3"})
    assert len(bindings(small)) == 3 and "x-sparql-truncated" not in small.headers and "link" not in small.json()["head"]
    cs = http.get("/sparql", params={"query": "SELECT ?s WHERE { ?s a cakg:Claim }"}, headers={"Accept": "text/csv"})
    assert len(cs.text.strip().splitlines()) == 1 + 5 and cs.headers["x-sparql-truncated"] == "true"
    g = http.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"})
    assert len(g.text.strip().splitlines()) == 5 and g.headers["x-sparql-truncated"] == "true"


def test_timeout_answers_503_and_frees_the_server(server, http):
    pool = server.app.state.sparql_runtime.pool if getattr(server.app.state, "sparql_runtime", None) else None
    http.get("/sparql", params={"query": "ASK {}"})  # make sure the pool is up
    pool = server.app.state.sparql_runtime.pool
    before = set(pool.pids())
    t0 = time.monotonic()
    r = http.get("/sparql", params={"query": RUNAWAY})
    took = time.monotonic() - t0
    assert r.status_code == 503 and r.headers["content-type"].startswith("application/json")
    assert r.json()["error"] == "timeout" and "1.5 s" in r.json()["message"]
    assert took < 10
    killed = before - set(pool.pids())
    assert len(killed) == 1 and pool.kills >= 1
    pid = killed.pop()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the runaway worker really is gone
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"worker {pid} still alive after the timeout")
    # the server answers at once, and the pool is refilled
    assert http.get("/sparql", params={"query": "ASK { id:imu ?p ?o }"}).json()["boolean"] is True
    deadline = time.monotonic() + 30
    while len(pool.pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(pool.pids()) == 2


def other_client(server, address: str = "127.0.0.2") -> httpx.Client:
    """A client from another loopback address: the server sees a different client."""
    return httpx.Client(base_url=server.url, timeout=30, transport=httpx.HTTPTransport(local_address=address))


def test_runaway_client_cannot_take_every_slot(server, http):
    """Issue 14, item 3: one client sending several runaway queries at once holds at most its
    share of the workers (the rest get 429 at once); another client is answered meanwhile."""
    http.get("/sparql", params={"query": "ASK {}"})
    codes: list[int] = []

    def runaway():
        with other_client(server) as c:
            codes.append(c.get("/sparql", params={"query": RUNAWAY}).status_code)

    threads = [threading.Thread(target=runaway) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.4)
    t0 = time.monotonic()
    r = http.get("/sparql", params={"query": PROTECTED})
    light = time.monotonic() - t0
    for t in threads:
        t.join(timeout=30)
    assert r.status_code == 200 and light < SETTINGS.sparql_timeout, (r.status_code, light)
    assert sorted(codes) == [429, 429, 429, 503], codes  # one ran to the timeout, three refused at once


def test_long_query_does_not_starve_short_ones(server, http):
    http.get("/sparql", params={"query": "ASK {}"})
    results = {}

    def long():
        with other_client(server) as other:
            results["long"] = other.get("/sparql", params={"query": RUNAWAY}).status_code
            results["long_end"] = time.monotonic()

    t = threading.Thread(target=long)
    t.start()
    time.sleep(0.3)
    for _ in range(5):
        r = http.get("/sparql", params={"query": PROTECTED})
        assert r.status_code == 200
        assert http.get("/entities/imu").status_code == 200  # REST stays responsive too
    short_end = time.monotonic()
    t.join(timeout=30)
    assert results["long"] == 503
    assert short_end < results["long_end"]  # every short query was answered while the runaway one ran


def test_store_unchanged_after_guards(server, http):
    n = http.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    count = int(bindings(n)[0]["n"]["value"])
    for q in ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "CLEAR ALL"):
        http.post("/sparql", data={"query": q})
        http.post("/sparql", data={"update": q})
    n2 = http.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert int(bindings(n2)[0]["n"]["value"]) == count == len(server.app.state.live.store)


# ---------------------------------------------------------------------------- SERVICE smuggling (SSRF)

class Canary:
    """An HTTP server on 127.0.0.1 that records every request: a SERVICE that escaped the guard
    would show up here."""

    def __init__(self):
        import http.server

        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(self.path)
                body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"urn:leak"}}]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/x"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def canary():
    c = Canary()
    yield c
    c.close()


SMUGGLED = [
    # the reported bypass: rdflib expanded \u000a inside the comment, pyoxigraph did not
    'SELECT * WHERE { # \\u000a BIND("""\nSERVICE <{url}> { ?s ?p ?o } } # """ AS ?x) }',
    'SELECT * WHERE { # \\u000d BIND("""\nSERVICE <{url}> { ?s ?p ?o } } # """ AS ?x) }',
    'SELECT * WHERE { # \\U0000000A BIND("""\nSERVICE <{url}> { ?s ?p ?o } } # """ AS ?x) }',
    "SELECT * WHERE { # \\u005Cu000a\nSERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERV\\u0049CE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE SILENT <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <{url_escaped}> { ?s ?p ?o } }",
    "SELECT * WHERE { sErViCe <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}> { ?s ?p ?o } } } }",
    "ASK { FILTER NOT EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?a ?b ?c MINUS { SERVICE <{url}> { ?a ?b ?c } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * WHERE { BIND(<{url}> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { #\r\nSERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { '''\\u0027''' SERVICE <{url}> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("template", SMUGGLED)
def test_service_cannot_be_smuggled_past_the_guard(http, canary, template):
    """Escapes, comments, case and nesting: whatever the guard lets through, the engine runs the
    same text, so no request ever reaches the canary."""
    url = canary.url
    escaped = "".join(f"\\u{ord(ch):04X}" if ch in ":/" else ch for ch in url)
    query = template.replace("{url_escaped}", escaped).replace("{url}", url)
    before = len(canary.hits)
    r = http.post("/sparql", data={"query": query})
    assert r.status_code in (200, 400), (r.status_code, r.text)
    if r.status_code == 200:
        assert "urn:leak" not in r.text
    assert len(canary.hits) == before, f"the server fetched {canary.hits[before:]} for {query!r}"


def _service_in_sandbox(url: str, conn) -> None:
    """In a fresh process: sandbox it as a SPARQL worker is, then ask pyoxigraph for a SERVICE
    directly (no guard at all)."""
    import pyoxigraph as ox

    from api.sparql.worker import sandbox

    problem = sandbox()
    try:
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"))
        outcome = "answered"
    except Exception as exc:  # noqa: BLE001
        outcome = f"failed: {exc}"
    conn.send((problem, outcome))


def test_worker_sandbox_stops_the_engine_itself_from_fetching(canary):
    """Defence in depth: even a SERVICE that reached pyoxigraph cannot open a socket in a worker."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    p = ctx.Process(target=_service_in_sandbox, args=(canary.url, child))
    p.start()
    assert parent.poll(60)
    problem, outcome = parent.recv()
    p.join(10)
    assert problem is None, problem
    assert outcome.startswith("failed") and canary.hits == [], (outcome, canary.hits)


def test_post_without_query_is_400(http):
    r = http.post("/sparql", data={"format": "json"})
    assert r.status_code == 400 and r.json()["parameter"] == "query"
    r = http.post("/sparql", content=b"", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400


def test_invalid_utf8_is_400(http):
    r = http.post("/sparql", content=b"SELECT * WHERE { ?s ?p '\xff' }", headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400 and "UTF-8" in r.json()["message"]
    r = http.post("/sparql", content=b"query=%FF", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400, r.text


def test_head_answers_like_get_without_body(http):
    params = {"query": PROTECTED}
    get = http.get("/sparql", params=params)
    head = http.head("/sparql", params=params)
    assert head.status_code == get.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"] and head.content == b""
    assert http.head("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}).status_code == 400


VALID_ONCE_REFUSED = [
    "CONSTRUCT { <s> <p> 1 } WHERE {}",
    "PREFIX : <> SELECT * WHERE { ?s ?p :nothing }",
    "DESCRIBE <u>",
    "DESCRIBE *",
    "\ufeffSELECT * WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT * WHERE { " + "{ " * 60 + "?s ?p ?o" + " }" * 60 + " } LIMIT 1",
    "SELECT (STRUUID() AS ?u) (SHA384('a') AS ?h) (TZ(NOW()) AS ?t) (ENCODE_FOR_URI('a b') AS ?e) WHERE {}",
]


@pytest.mark.parametrize("query", VALID_ONCE_REFUSED)
def test_valid_queries_the_guard_once_refused_answer_200(http, query):
    r = http.post("/sparql", data={"query": query})
    assert r.status_code == 200, r.text


def test_relative_iris_resolve_against_the_cakg_base(http):
    r = http.post("/sparql", data={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and "<https://w3id.org/cakg/s> <https://w3id.org/cakg/p>" in r.text


@pytest.mark.parametrize("query", ["PREFIX bif: <bif:> SELECT * WHERE { ?s ?p ?o FILTER(bif:contains(?o, 'x')) }",
                                   "SELECT (<bif:contains>('a', 'a') AS ?x) WHERE {}",
                                   "PREFIX sql: <sql:> SELECT (sql:rdf_now() AS ?x) WHERE {}"])
def test_vendor_functions_are_refused_by_policy(http, query):
    r = http.post("/sparql", data={"query": query})
    assert r.status_code == 400 and r.json()["error"] == "function_refused", r.text


def test_result_over_the_byte_limit_is_refused_naming_it(http):
    """Issue 14, item 4: a short query that builds a huge value gets a 422 naming the limit."""
    # each REPLACE multiplies the length: 10 -> 100 -> 10,000 -> 200,000 characters per row
    query = ("SELECT ?n (STRLEN(?big) AS ?len) ?big WHERE { VALUES ?n { 1 2 3 4 5 } BIND('aaaaaaaaaa' AS ?x) "
             "BIND(REPLACE(?x, 'a', ?x) AS ?y) BIND(REPLACE(?y, 'a', ?y) AS ?z) "
             "BIND(REPLACE(?z, 'a', 'aaaaaaaaaaaaaaaaaaaa') AS ?big) }")
    r = http.post("/sparql", data={"query": query})
    assert r.status_code == 422, r.text[:300]
    assert r.json()["error"] == "result_too_large" and r.json()["limit"] == SETTINGS.sparql_max_result_bytes
    assert http.get("/sparql", params={"query": PROTECTED}).status_code == 200


def test_the_workers_start_with_the_app_when_prestart_is_on():
    from fastapi.testclient import TestClient

    app = create_app(fixture_store(), Settings(sparql_prestart=True, sparql_concurrency=1, sparql_short_lane=0))
    with TestClient(app) as client:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (getattr(app.state, "sparql_runtime", None) is None
                                               or app.state.sparql_runtime.pool.free_count() == 0):
            time.sleep(0.05)
        assert app.state.sparql_runtime.pool.free_count() == 1  # started, though no query asked for it
        r = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})  # not a lookup: the pool answers
        assert r.status_code == 200 and r.json()["boolean"] is True
    app = create_app(fixture_store(), Settings(sparql_prestart=False))
    with TestClient(app):
        time.sleep(0.5)
        assert getattr(app.state, "sparql_runtime", None) is None  # off: nothing until a query needs it


def test_the_first_query_waits_for_one_worker_not_for_all():
    from api.sparql.pool import SparqlPool, pool_source

    pool = SparqlPool(pool_source(fixture_store()), size=2, reserve=1, start_timeout=60)
    spawn, held, calls = pool._spawn, threading.Event(), []

    def slow_after_the_first(lane):  # the first worker starts at once, the others wait for `held`
        calls.append(lane)
        if len(calls) > 1:
            held.wait(60)
        return spawn(lane)

    pool._spawn = slow_after_the_first
    job = {"query": "ASK { ?s ?p ?o }", "result_media": "application/sparql-results+json",
           "graph_media": "text/turtle", "row_cap": 10, "max_bytes": 10**6}
    try:
        assert pool.run(job, timeout=30)["status"] == 200  # answered while two workers are still held
        assert len(pool.pids()) == 1
        held.set()
        deadline = time.monotonic() + 60
        while not pool.at_full_strength() and time.monotonic() < deadline:  # the others join as they come
            time.sleep(0.05)
        assert pool.at_full_strength() and len(pool.pids()) == 3
    finally:
        held.set()
        pool.close()


def test_a_worker_answers_from_disk_while_it_copies_the_store_into_memory(tmp_path):
    from api.sparql.worker import _open_store

    disk = ox.Store(str(tmp_path / "store"))
    disk.bulk_load(input=fixture_store().native.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    disk.flush()
    del disk
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    served = _open_store(("path", str(tmp_path / "store"), 10_000_000))
    first = served.store  # answers at once, whatever the copy is doing
    counts = {served.store.query(query).serialize(format=ox.QueryResultsFormat.CSV)}
    deadline = time.monotonic() + 30
    while served.store is first and time.monotonic() < deadline:
        time.sleep(0.02)
    assert served.store is not first  # the copy came
    counts.add(served.store.query(query).serialize(format=ox.QueryResultsFormat.CSV))
    assert len(counts) == 1  # and answers alike
    too_small = _open_store(("path", str(tmp_path / "store"), 10))  # over the memory limit: disk only
    on_disk = too_small.store
    time.sleep(0.3)
    assert too_small.store is on_disk and on_disk.query(query).serialize(format=ox.QueryResultsFormat.CSV) in counts
