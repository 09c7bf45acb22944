"""Real engines as backends: ``cakg publish`` (a new named graph per build, the live pointer switched
only after the load, old graphs dropped, a failed or killed load leaving the live graph intact),
``cakg serve --store`` (503 naming the engine when it is down, two servers answering alike, the
guarded /sparql scoped to the live graph) and hot swaps without a failed request."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from graph.settings import Settings
from graph.store import SparqlEndpointStore
from graph.store.engine_client import engine_client
from graph.store.engines import OxigraphServer, start_engine
from graph.store.publish import PublishError, publish_lines, publish_store
from graph.testing import fixture_store
from tests.conftest import backend_app, selected_backends
from tests.support import LiveServer, free_port

REMOTE = [b for b in selected_backends() if b != "embedded"]


def fixture_lines() -> list[bytes]:
    return fixture_store().export("ntriples").splitlines(keepends=True)


@pytest.fixture(params=REMOTE)
def fresh_engine(request):
    """An engine of its own for a test that publishes (the session's engines stay as loaded)."""
    engine = start_engine(request.param)
    yield engine
    engine.stop()


# ---------------------------------------------------------------------------- publish

def test_publish_switches_only_after_the_load_and_prunes(fresh_engine):
    lines = fixture_lines()
    first = publish_lines(lines, fresh_engine.url)
    engine = engine_client(fresh_engine.url)
    try:
        assert first.previous is None and first.triples == len(lines)
        assert engine.live_graph() == first.graph and engine.count(first.graph) == len(lines)
        second = publish_lines(lines + [b'<urn:cakg:test> <urn:cakg:p> "added" .\n'], fresh_engine.url)
        assert second.previous == first.graph and engine.live_graph() == second.graph
        assert engine.count(second.graph) == len(lines) + 1
        third = publish_lines(lines, fresh_engine.url)
        # the graph the second replaced is dropped; the one the third replaced is kept for readers
        assert third.dropped == [first.graph] and engine.count(first.graph) == 0
        assert set(engine.published_graphs()) == {second.graph, third.graph}
    finally:
        engine.close()


def test_failed_publish_leaves_the_live_graph(fresh_engine):
    lines = fixture_lines()
    good = publish_lines(lines, fresh_engine.url)
    bad = lines + [b"<urn:cakg:broken> this is not N-Triples .\n"]
    with pytest.raises(PublishError, match="live graph is still"):
        publish_lines(bad, fresh_engine.url, chunk_bytes=20_000)  # several chunks load, then one is refused
    engine = engine_client(fresh_engine.url)
    try:
        assert engine.live_graph() == good.graph and engine.count(good.graph) == len(lines)
        assert engine.published_graphs() == [good.graph]  # the half-loaded graph was dropped
    finally:
        engine.close()
    store = SparqlEndpointStore(fresh_engine.url, graph=good.graph)
    assert store.select("SELECT ?g WHERE { ?g cakg:protectedBy id:taliban } ORDER BY ?g") == \
        fixture_store().select("SELECT ?g WHERE { ?g cakg:protectedBy id:taliban } ORDER BY ?g")


def test_engine_killed_mid_publish_keeps_the_live_graph():
    """The Oxigraph server killed (SIGKILL) during a load, then started again on its folder."""
    lines = fixture_lines()
    with OxigraphServer() as server:
        good = publish_lines(lines, server.url)
        sent = []

        def progress(message):
            sent.append(message)
            if len(sent) == 3:
                server.kill()

        many = lines * 20  # 20 copies of the same triples: a longer load
        with pytest.raises(Exception):
            publish_lines(many, server.url, chunk_bytes=50_000, progress=progress)
        server.start()  # same folder, same port
        engine = engine_client(server.url)
        try:
            assert engine.live_graph() == good.graph and engine.count(good.graph) == len(lines)
        finally:
            engine.close()
        again = publish_lines(lines, server.url)  # the next publish drops what the killed one left
        engine = engine_client(server.url)
        try:
            assert set(engine.published_graphs()) == {good.graph, again.graph}
        finally:
            engine.close()


def test_cli_publish_then_serve_store(tmp_path, seeds_dir, fresh_engine):
    """``cakg build``, ``cakg publish --to`` and ``cakg serve --store``: the CLI end to end,
    and two servers over one engine answer alike."""
    cakg = str(Path(sys.executable).parent / "cakg")
    data = tmp_path / "data"
    env = {**os.environ, "CAKG_DATA_DIR": str(data), "CAKG_SPARQL_CONCURRENCY": "1"}
    env.pop("CAKG_STORE_URL", None)
    subprocess.run([cakg, "build", "--seeds", str(seeds_dir), "--no-locators"], env=env, check=True,
                   capture_output=True, timeout=120)
    out = subprocess.run([cakg, "publish", "--to", fresh_engine.url], env=env, capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr.decode()
    ports = [free_port(), free_port()]
    procs = [subprocess.Popen([cakg, "serve", "--store", fresh_engine.url, "--port", str(p)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
             for p in ports]
    try:
        answers = []
        for port in ports:
            deadline, body = time.monotonic() + 60, None
            while time.monotonic() < deadline:
                try:
                    body = httpx.get(f"http://127.0.0.1:{port}/stats", timeout=5).json()
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            assert body is not None, "server did not start"
            profile = httpx.get(f"http://127.0.0.1:{port}/entities/imu", timeout=10).json()
            rows = httpx.post(f"http://127.0.0.1:{port}/sparql", timeout=10,
                              data={"query": "SELECT ?g WHERE { ?g cakg:protectedBy id:taliban } ORDER BY ?g"}).json()
            answers.append((body, profile, rows))
        assert answers[0] == answers[1]
        assert answers[0][0]["claims"] == fixture_store().count(None, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                                                                "https://w3id.org/cakg/ontology#Claim")
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


# ---------------------------------------------------------------------------- serving a remote engine

def test_engine_down_is_a_fast_503_naming_it():
    url = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    from api.app import create_app

    with TestClient(create_app(settings=Settings(store_url=url))) as c:
        t0 = time.monotonic()
        r = c.get("/entities/imu")
        assert r.status_code == 503 and r.json()["error"] == "store_unavailable"
        assert r.json()["url"] == url and url in r.json()["message"]
        r = c.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
        assert r.status_code == 503 and r.json()["error"] == "store_unavailable"
        assert time.monotonic() - t0 < 10


def test_engine_that_goes_down_is_named():
    from api.app import create_app

    with OxigraphServer() as server:
        publish_store(fixture_store(), server.url)
        with TestClient(create_app(settings=Settings(store_url=server.url))) as c:
            assert c.get("/entities/imu").status_code == 200
            server.kill()
            # (what the catalog already read may still be answered from memory; a query is not)
            r = c.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
            assert r.status_code == 503 and r.json()["engine"] == "Oxigraph server"
            assert "Oxigraph server" in r.json()["message"] and server.url.split("/query")[0] in r.json()["url"]


@pytest.fixture(scope="module", params=selected_backends())
def sparql_client(request, engines):
    with TestClient(backend_app(request.param, engines, Settings(sparql_timeout=1.0))) as client:
        yield client


def test_guarded_sparql_on_every_backend(sparql_client):
    c = sparql_client
    expected = sorted(r["g"] for r in fixture_store().select("SELECT ?g WHERE { ?g cakg:protectedBy id:taliban }"))
    r = c.post("/sparql", data={"query": "SELECT ?g WHERE { ?g cakg:protectedBy id:taliban } ORDER BY ?g"})
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == expected
    r = c.post("/sparql", data={"query": "SELECT ?g WHERE { ?g cakg:protectedBy id:taliban }"},
               headers={"Accept": "text/csv"})
    assert sorted(r.text.split()[1:]) == expected
    # the live graph only: no named graph (old builds, the meta graph) is visible
    r = c.post("/sparql", data={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 3"})
    assert r.status_code == 200 and r.json()["results"]["bindings"] == []
    for query, error in [("PREFIX bif: <bif:> SELECT * WHERE { ?s ?p ?o FILTER(bif:contains(?o, 'x')) }",
                          "function_refused"),
                         ("SELECT * WHERE { ?s ?p ?o FILTER(<sql:system>(?o)) }", "function_refused"),
                         ("SELECT * FROM <https://w3id.org/cakg/meta> WHERE { ?s ?p ?o }", "dataset_refused"),
                         ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "update_refused")]:
        r = c.post("/sparql", data={"query": query})
        assert r.status_code == 400 and r.json()["error"] == error, (query, r.text)
    r = c.post("/sparql", data={"query": "ASK { id:imu a cakg:MilitantGroup }"})
    assert r.json()["boolean"] is True


def test_every_example_query_answers_on_every_backend(sparql_client):
    """The SPARQL page's examples, ORDER BY over an aggregate included (Virtuoso refused the
    total-order keys written over ``COUNT`` aliases), answer 200 on every backend."""
    from api.sparql.description import EXAMPLES

    for example in EXAMPLES:
        r = sparql_client.post("/sparql", data={"query": example["query"]})
        assert r.status_code == 200, (example["name"], r.text[:300])


def test_sparql_timeout_on_every_backend(sparql_client):
    t0 = time.monotonic()
    r = sparql_client.post("/sparql", data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert r.status_code == 503 and r.json()["error"] == "timeout", r.text
    assert time.monotonic() - t0 < 15


@pytest.mark.parametrize("backend", REMOTE)
def test_a_huge_engine_answer_is_dropped_while_read(backend, engines):
    """A remote engine's answer is read only up to READ_FACTOR times the response cap: a cross
    product of the fixture graph (tens of MB from the engine) answers 422 naming the cap, not a
    500 after reading it all, and the next query is answered."""
    from api.sparql.remote import READ_FACTOR

    cap = 50_000
    with TestClient(backend_app(backend, engines, Settings(sparql_max_result_bytes=cap, sparql_row_cap=10_000_000))) as c:
        r = c.post("/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 200000"})
        assert r.status_code == 422, r.text[:300]
        body = r.json()
        assert body["error"] == "result_too_large" and body["limit"] == cap
        assert f"{READ_FACTOR * cap:,} bytes" in body["message"]
        assert c.post("/sparql", data={"query": "ASK { id:imu a cakg:MilitantGroup }"}).json()["boolean"] is True


# ---------------------------------------------------------------------------- hot swap

def _hammer(url: str, stop: threading.Event, results: list, paths=("/stats", "/entities/imu", "/entities?q=imu")):
    with httpx.Client(timeout=20) as client:
        i = 0
        while not stop.is_set() and len(results) < 5000:
            path = paths[i % len(paths)]
            i += 1
            try:
                r = client.get(url + path)
                results.append((path, r.status_code, r.json().get("triples") if path == "/stats" else None))
            except httpx.HTTPError as exc:
                results.append((path, repr(exc), None))


def _switch_under_load(app, switch) -> list:
    """Serve ``app`` while a client requests it without pause, call ``switch()`` (which makes the
    graph change and returns the triple count the new graph has), and wait (bounded) until the
    server answers with it. Returns every answer the client got, in order."""
    with LiveServer(app) as server:
        stop, results = threading.Event(), []
        worker = threading.Thread(target=_hammer, args=(server.url, stop, results))
        worker.start()
        try:
            time.sleep(0.5)
            expected = switch()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not any(t == expected for _, _, t in results):
                time.sleep(0.1)
            time.sleep(0.3)
        finally:
            stop.set()
            worker.join(timeout=30)
    assert results and all(status == 200 for _, status, _ in results), [r for r in results if r[1] != 200][:5]
    return results


def _stats_counts(results: list) -> list:
    return [t for path, _, t in results if path == "/stats"]


@pytest.mark.server
def test_republish_is_picked_up_without_a_failed_request(fresh_engine):
    from api.app import create_app

    lines = fixture_lines()
    publish_lines(lines, fresh_engine.url)
    app = create_app(settings=Settings(store_url=fresh_engine.url))

    def republish() -> int:
        publish_lines(lines + [b'<urn:cakg:test> <urn:cakg:p> "added" .\n'], fresh_engine.url)
        return len(lines) + 1

    counts = _stats_counts(_switch_under_load(app, republish))
    assert counts[0] == len(lines) and counts[-1] == len(lines) + 1
    assert app.state.live.switches >= 1


@pytest.mark.server
def test_rebuild_is_picked_up_without_a_failed_request(tmp_path, seeds):
    from api.app import create_app
    from graph.build import build

    data = tmp_path / "data"
    first = build(seeds, data, locators=False)
    app = create_app(settings=Settings(data_dir=data))
    second = None

    def rebuild() -> int:
        nonlocal second
        (seeds / "claims" / "hot-swap.yaml").write_text(  # one more entity and claim: more triples
            "entities:\n  - {id: test-hot-swap-group, kind: group, label: Hot Swap Test Group}\n"
            "claims:\n  - {subject: test-hot-swap-group, relation: basedIn, object: rasht-valley, as_of: 2021,"
            " source: \"soliev-pantucci-2022:18\"}\n")
        second = build(seeds, data, locators=False)
        assert second.triples > first.triples
        return second.triples

    counts = _stats_counts(_switch_under_load(app, rebuild))
    assert counts[0] == first.triples and counts[-1] == second.triples
