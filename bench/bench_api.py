"""Benchmark of the HTTP API (issue 6): latency and throughput over loopback, side by side with
(a) a bare FastAPI route returning a constant and (b) rdflib-endpoint serving the same data from
an in-memory rdflib graph.

Every server is a separate ``uvicorn`` process on 127.0.0.1 with the same settings (one worker,
default HTTP implementation, log level warning); the client is a sequential ``httpx`` client
(p50/p99 latency), then 4 client threads for throughput (rdflib-endpoint: sequential, as a
trial with 2 concurrent clients did not finish in 10 minutes; slow queries: sequential too). Measured on the seed graph (``seeds/``,
or the test fixture when the curated seeds do not build) and, for the SPARQL set, on a synthetic
graph ``--factor`` (100) times larger (:mod:`bench.synthetic`).

Targets (from the issue): REST queries and light SPARQL lookups at most 2x the bare route's p50;
aggregate SPARQL at least 20x faster than rdflib-endpoint. The ratios are printed.

    .venv/bin/python bench/bench_api.py              # full run (a few minutes)
    .venv/bin/python bench/bench_api.py --quick      # fewer requests, smaller synthetic graph
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import latencies, pct, summary  # noqa: E402

# ============================================================================ the servers (factories)

def cakg_app():
    """The cakg API over the persistent store at $BENCH_STORE (opened read-only)."""
    import pyoxigraph as ox

    from api.app import create_app
    from graph.settings import Settings
    from graph.store import OxigraphStore

    path = Path(os.environ["BENCH_STORE"])
    store = OxigraphStore(ox.Store.read_only(str(path)), path=path, read_only=True)
    settings = Settings(sparql_timeout=float(os.environ.get("BENCH_TIMEOUT", 300)), sparql_row_cap=100_000,
                        sparql_concurrency=2)
    return create_app(store, settings)


def bare_app():
    """A bare FastAPI route returning a constant: the HTTP floor."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/constant")
    def constant():
        return {"ok": True}

    return app


def plain_app():
    """The bare route, plus ``POST /plain`` (form ``query=``): the query run over the persistent
    store at $BENCH_STORE (opened read-only) by a plain pyoxigraph route, no guard, no pool, no
    middleware. What the engine alone costs over HTTP, the floor of a light SPARQL lookup."""
    from urllib.parse import parse_qs

    import pyoxigraph as ox
    from fastapi.responses import Response

    from graph.vocab import PREFIXES

    app = bare_app()
    store = ox.Store.read_only(os.environ["BENCH_STORE"])

    async def plain(request):  # a plain Starlette route: the request as it comes, no parameter parsing
        query = parse_qs((await request.body()).decode())["query"][0]
        body = store.query(query, prefixes=PREFIXES).serialize(format=ox.QueryResultsFormat.JSON)
        return Response(body, media_type="application/sparql-results+json")

    app.router.add_route("/plain", plain, methods=["POST"])
    return app


def rdflib_app():
    """rdflib-endpoint over an in-memory rdflib graph loaded from $BENCH_NT."""
    from rdflib import Graph
    from rdflib_endpoint import SparqlEndpoint

    g = Graph()
    g.parse(os.environ["BENCH_NT"], format="nt")
    return SparqlEndpoint(graph=g, path="/sparql", cors_enabled=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``uvicorn bench_api:<factory> --factory`` in a subprocess, started with a bounded wait."""

    def __init__(self, factory: str, env: dict[str, str] | None = None, ready_path: str = "/openapi.json"):
        import httpx

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", f"bench_api:{factory}", "--factory", "--app-dir", str(Path(__file__).parent),
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning", "--workers", "1"],
            env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}, start_new_session=True)
        deadline = time.monotonic() + 600
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{factory} exited with {self.proc.returncode}")
            try:
                if httpx.get(self.url + ready_path, timeout=5).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{factory} did not start")
            time.sleep(0.2)

    def stop(self) -> None:
        import signal

        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


# ============================================================================ measuring

def measure(url: str, method: str = "GET", data: dict | None = None, headers: dict | None = None,
            n: int = 200, budget: float = 30.0, threads: int = 4, warmup: int = 3, timeout: float = 900) -> dict:
    """Sequential latency (p50, p99, ms) over up to ``n`` requests or ``budget`` seconds, then
    throughput (requests/s) with ``threads`` concurrent clients for up to ``n`` requests/``budget``
    (sequential throughput for slow queries, or with ``threads=1``). Each concurrent client
    connects from its own loopback address (127.0.0.2, .3 ...), so the SPARQL endpoint's
    per-client cap applies to each of them, as to separate users."""
    import httpx

    def call(client):
        r = client.request(method, url, data=data, headers=headers)
        if r.status_code != 200:
            raise RuntimeError(f"{url} answered {r.status_code}: {r.text[:300]}")
        return r

    with httpx.Client(timeout=timeout) as client:
        lat = latencies(lambda: call(client), n, budget, warmup, slow_share=10)
    p = lambda q: pct(lat, q) * 1000  # noqa: E731

    if threads <= 1 or sum(lat) > budget / 2:  # slow, or asked: sequential throughput
        return {"p50": p(0.5), "p99": p(0.99), "n": len(lat), "rps": len(lat) / sum(lat), "threads": 1}
    done, lock = [0], threading.Lock()
    stop_at = time.perf_counter() + min(budget, max(2.0, 4 * sum(lat)))

    def worker(k: int):
        with httpx.Client(timeout=timeout, transport=httpx.HTTPTransport(local_address=f"127.0.0.{2 + k}")) as client:
            while time.perf_counter() < stop_at:
                with lock:
                    if done[0] >= n:
                        return
                    done[0] += 1
                call(client)

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t0
    return {"p50": p(0.5), "p99": p(0.99), "n": len(lat), "rps": done[0] / elapsed if elapsed else 0.0,
            "threads": threads}


# ============================================================================ data

def paired(calls: dict, n: int = 200, budget: float = 30.0, rounds: int = 5) -> dict[str, dict]:
    """Sequential latency (p50/p99 ms, n) of each of ``calls`` (name: ``(method, url, data)``, or
    a function of an ``httpx.Client`` that makes one request), measured in ``rounds`` interleaved
    rounds of up to ``n / rounds`` requests each, so that a change in the machine's speed during
    the run touches every call alike and the ratio of two p50s compares like with like (a route
    measured minutes after the floor it is divided by can be off by a third on a shared machine)."""
    import httpx

    def caller(spec):
        if callable(spec):
            return spec
        method, url, data = spec

        def call(client):
            return client.request(method, url, data=data)
        return call

    def checked(fn, client):
        r = fn(client)
        if r.status_code != 200:
            raise RuntimeError(f"{r.request.url} answered {r.status_code}: {r.text[:300]}")

    fns = {name: caller(spec) for name, spec in calls.items()}
    lat: dict[str, list[float]] = {name: [] for name in calls}
    with httpx.Client(timeout=900) as client:
        for name, fn in fns.items():  # warm up each, untimed
            for _ in range(3):
                checked(fn, client)
        for _ in range(rounds):
            for name, fn in fns.items():
                lat[name] += latencies(lambda: checked(fn, client), max(1, n // rounds),  # noqa: B023
                                       budget / rounds / len(calls), warmup=0)
    return {name: summary(v) for name, v in lat.items()}


def seed_graph(seeds: Path | None):
    """The compiled seed graph (data + ontology) and the folder it came from."""
    from graph.build import compile_seeds
    from graph.seeds import SeedError
    from graph.settings import Settings
    from graph.testing import FIXTURE_SEEDS

    if seeds is None:
        try:
            return compile_seeds(Settings().seeds_dir, locators=False), Path(Settings().seeds_dir)
        except SeedError as exc:
            print(f"note: seeds/ does not build right now ({len(exc.problems)} problems); using the test fixture",
                  file=sys.stderr)
            seeds = FIXTURE_SEEDS
    return compile_seeds(seeds, locators=False), Path(seeds)


def materialise(nt: Path, folder: Path) -> int:
    """A persistent Oxigraph store at ``folder`` loaded from an N-Triples file; its triple count."""
    import pyoxigraph as ox

    store = ox.Store(str(folder))
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    n = len(store)
    del store
    return n


def prefixes() -> str:
    from graph.vocab import sparql_prefixes

    return sparql_prefixes()


def pick_group(store_path: Path) -> tuple[str, str]:
    """The group with the most claims (id, label): a representative entity to look up."""
    import pyoxigraph as ox

    s = ox.Store.read_only(str(store_path))
    q = prefixes() + """SELECT ?id ?label (COUNT(?c) AS ?n) WHERE {
        ?g a cakg:MilitantGroup ; cakg:id ?id ; rdfs:label ?label .
        { ?c cakg:subject ?g } UNION { ?c cakg:object ?g } } GROUP BY ?id ?label ORDER BY DESC(?n) LIMIT 1"""
    row = next(iter(s.query(q)))
    return row["id"].value, row["label"].value


def sparql_set(group_id: str) -> list[tuple[str, str, str]]:
    """(name, kind, query) of the SPARQL queries measured: light, medium, aggregate."""
    from api.sparql.description import EXAMPLES

    ex = {e["name"]: e["query"] for e in EXAMPLES}
    return [
        ("SPARQL lookup (one entity's triples)", "light", f"SELECT ?p ?o WHERE {{ id:{group_id} ?p ?o }}"),
        ("SPARQL who protects whom in 2021", "medium", ex["Who protects whom in 2021"]),
        ("SPARQL aggregate: relations per group by type", "aggregate",
         ex["Each group's relations counted by type (whole graph)"]),
    ]


# ============================================================================ the run

def fmt(x: float | None, unit: str = "") -> str:
    return "—" if x is None else (f"{x:,.1f}{unit}" if x < 100 else f"{x:,.0f}{unit}")


def main() -> None:
    parser = argparse.ArgumentParser(description="API latency/throughput benchmark (issue 6)")
    parser.add_argument("--seeds", type=Path, default=None, help="seed folder (default: seeds/, else the fixture)")
    parser.add_argument("--factor", type=int, default=100, help="size of the synthetic graph (x the seed graph)")
    parser.add_argument("-n", type=int, default=300, help="requests per measurement (at most)")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per measurement (at most, roughly)")
    parser.add_argument("--rdflib-max-triples", type=int, default=400_000,
                        help="skip rdflib-endpoint on graphs larger than this (memory, hours of runtime)")
    parser.add_argument("--quick", action="store_true", help="-n 60 --budget 5 --factor 20")
    args = parser.parse_args()
    if args.quick:
        args.n, args.budget, args.factor = 60, 5.0, 20

    from synthetic import build_synthetic

    rows: list[dict] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cakg-bench-") as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        base, seeds = seed_graph(args.seeds)
        big_name = f"x{args.factor}"
        (tmp / "seed.nt").write_bytes(base.ntriples())
        del base
        paths, sizes = {}, {}
        sizes["seed"] = materialise(tmp / "seed.nt", tmp / "seed-store")
        paths["seed"] = (tmp / "seed-store", tmp / "seed.nt")
        big = build_synthetic(args.factor, tmp / f"{big_name}-data", seeds)
        sizes[big_name] = big.triples
        paths[big_name] = (Path(big.path), None)
        print(f"graphs: seed ({seeds}) {sizes['seed']:,} triples; {big_name} {sizes[big_name]:,} triples "
              f"(prepared in {time.perf_counter() - t0:.1f}s)", file=sys.stderr)

        bare = Server("bare_app")
        floor = measure(bare.url + "/constant", n=args.n, budget=args.budget)
        print(f"bare route: p50 {floor['p50']:.2f} ms", file=sys.stderr)

        try:
            def alongside(row: dict, spec) -> None:
                """The row's route and the bare route again, in interleaved rounds: the ratio's figures."""
                row["pair"] = paired({"bare": ("GET", bare.url + "/constant", None), "cakg": spec},
                                     n=args.n, budget=args.budget)

            for gname, (store_path, nt_path) in paths.items():
                group_id, label = pick_group(store_path)
                # ready once the tables are built
                cakg = Server("cakg_app", {"BENCH_STORE": str(store_path)}, ready_path="/groups?limit=1")
                try:
                    if gname == "seed":
                        for name, path in [
                            ("REST entity lookup", f"/entities/{group_id}"),
                            ("REST affiliations at 2021", f"/groups/{group_id}/affiliations?at=2021"),
                            ("REST search", "/entities?q=" + quote(label.lower().replace("-", " "))),
                        ]:
                            m = measure(cakg.url + path, n=args.n, budget=args.budget)
                            rows.append({"graph": gname, "name": name, "kind": "rest", "cakg": m})
                            alongside(rows[-1], ("GET", cakg.url + path, None))
                            print(f"  {gname} {name}: {m['p50']:.2f} ms", file=sys.stderr)
                    for name, kind, q in sparql_set(group_id):
                        m = measure(cakg.url + "/sparql", "POST", {"query": prefixes() + q},
                                    {"Accept": "application/sparql-results+json"}, n=args.n, budget=args.budget)
                        rows.append({"graph": gname, "name": name, "kind": kind, "cakg": m, "query": q})
                        if gname == "seed" and kind == "light":
                            alongside(rows[-1], lambda c, q=q: c.post(
                                cakg.url + "/sparql", data={"query": prefixes() + q},
                                headers={"Accept": "application/sparql-results+json"}))
                        print(f"  {gname} {name}: {m['p50']:.2f} ms", file=sys.stderr)
                finally:
                    cakg.stop()
                if sizes[gname] > args.rdflib_max_triples:
                    print(f"  rdflib-endpoint skipped on {gname}: {sizes[gname]:,} triples is over "
                          f"--rdflib-max-triples ({args.rdflib_max_triples:,}; an rdflib graph needs ~2 kB per "
                          "triple)", file=sys.stderr)
                    skipped.append(gname)
                    continue
                if nt_path is None:  # a built store: rdflib-endpoint reads N-Triples
                    import pyoxigraph as ox

                    nt_path = tmp / f"{gname}.nt"
                    ox.Store.read_only(str(store_path)).dump(str(nt_path), format=ox.RdfFormat.N_TRIPLES,
                                                             from_graph=ox.DefaultGraph())
                rdf = Server("rdflib_app", {"BENCH_NT": str(nt_path)}, ready_path="/sparql?query=ASK%7B%7D")
                try:
                    for row in rows:
                        if row["graph"] == gname and "query" in row:
                            m = measure(rdf.url + "/sparql", "POST", {"query": prefixes() + row["query"]},
                                        {"Accept": "application/sparql-results+json"}, n=args.n, budget=args.budget,
                                        threads=1)  # 2 concurrent clients stalled in a trial run
                            row["rdflib"] = m
                            print(f"  {gname} {row['name']} (rdflib-endpoint): {m['p50']:.2f} ms", file=sys.stderr)
                finally:
                    rdf.stop()
        finally:
            bare.stop()

    print()
    print(f"Bare FastAPI route (constant): p50 {floor['p50']:.2f} ms, p99 {floor['p99']:.2f} ms, "
          f"{floor['rps']:,.0f} req/s (4 clients)")
    print()
    head = (f"{'graph':6} {'query':46} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7} │ {'÷ bare':>7} │ "
            f"{'rdflib p50':>10} {'req/s':>7} {'rdflib ÷ cakg':>13}")
    print(head)
    print("─" * len(head))
    for r in rows:
        m, rd = r["cakg"], r.get("rdflib")
        ratio_bare = m["p50"] / floor["p50"]
        speedup = rd["p50"] / m["p50"] if rd else None
        print(f"{r['graph']:6} {r['name']:46} {fmt(m['p50']):>8} {fmt(m['p99']):>8} {fmt(m['rps']):>7} │ "
              f"{ratio_bare:>6.2f}x │ {fmt(rd['p50'] if rd else None):>10} {fmt(rd['rps'] if rd else None):>7} "
              f"{(f'{speedup:,.1f}x' if speedup else '—'):>13}")
    print()
    for gname in skipped:
        print(f"rdflib-endpoint was not run on the {gname} graph ({sizes[gname]:,} triples): see --rdflib-max-triples.")
    print("Targets: REST and light SPARQL ≤ 2x the bare route (p50, both measured in the same interleaved rounds); "
          "aggregate SPARQL ≥ 20x faster than rdflib-endpoint.")
    for r in rows:
        if "pair" in r:
            cakg_p50, bare_p50 = r["pair"]["cakg"]["p50"], r["pair"]["bare"]["p50"]
            ratio = cakg_p50 / bare_p50
            print(f"  {r['name']:46} {ratio:5.2f}x bare ({cakg_p50:.2f} / {bare_p50:.2f} ms)  "
                  f"{'OK' if ratio <= 2 else 'MISSED'}")
        if r["kind"] == "aggregate" and r.get("rdflib"):
            speedup = r["rdflib"]["p50"] / r["cakg"]["p50"]
            print(f"  {r['name'] + ' (' + r['graph'] + ')':46} {speedup:5.1f}x faster than rdflib-endpoint  "
                  f"{'OK' if speedup >= 20 else 'MISSED'}")


if __name__ == "__main__":
    main()
