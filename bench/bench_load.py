"""Load benchmark (issue 14): many ordinary clients and a few runaway ones against one server.

Starts ``cakg serve`` on the built store (``CAKG_DATA_DIR`` or ``data/``) on 127.0.0.1, then for
``--seconds`` runs ``--clients`` (50) ordinary clients, each looping over a realistic mix
(profile JSON, relations at a date, search, one ego network's JSON, a light SPARQL lookup, an
aggregate SPARQL count), plus ``--runaway`` (2) clients that send queries the timeout must stop.
Every client has its own loopback address (127.0.0.2, 127.0.0.3, …), as separate machines would,
so the per-client SPARQL cap applies per client and not to everyone at once.

It prints, per kind of request: count, errors by status, p50 and p99 latency; and the resident
memory of the server process and of its SPARQL workers, sampled every second (first, last, max),
which shows whether memory grows under load. Before the clock starts it sends one SPARQL query and
waits for the answer, since the server starts its SPARQL workers on first use (that start is
printed, not measured with the load). A ``503`` is labelled with its kind (``busy``: no worker
became free in time; ``timeout/<lane>``: the query was stopped).

    .venv/bin/python bench/bench_load.py                 # 50 + 2 clients for 60 s
    .venv/bin/python bench/bench_load.py --seconds 20    # shorter
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import pct  # noqa: E402

LIGHT = "SELECT ?l WHERE { <https://w3id.org/cakg/id/%s> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"
AGGREGATE = ("SELECT ?r (COUNT(?c) AS ?n) WHERE { ?c <https://w3id.org/cakg/ontology#relation> ?r } "
             "GROUP BY ?r ORDER BY DESC(?n)")
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f "
           "FILTER(REGEX(STR(?b), '(a|aa)+$')) }")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "CAKG_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "graph.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/entities?limit=1", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not answer within 120 s")


def warm_up(base: str, limit: float = 300.0) -> float:
    """Send one SPARQL query and wait for its answer: the server starts its SPARQL workers on first
    use, and the figures are of a running server, not of that start. Returns the seconds it took."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        try:
            if httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=limit).status_code == 200:
                return time.monotonic() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"no SPARQL answer within {limit:.0f} s")


def requests_for(base: str) -> dict[str, list[str]]:
    """The URLs of each kind, from entities the server itself lists (nothing hard-coded)."""
    ids = [e["id"] for e in httpx.get(f"{base}/groups", params={"limit": 30}, timeout=30).json()["items"]]
    words = ["islamic", "movement", "jamaat", "taliban", "uzbek", "state", "kazakh"]
    return {
        "profile": [f"{base}/entities/{i}" for i in ids],
        "affiliations@2019": [f"{base}/groups/{i}/affiliations?at=2019" for i in ids],
        "relations@2019": [f"{base}/relations?at=2019&limit=50"],
        "search": [f"{base}/entities?q={w}" for w in words],
        "ego network": [f"{base}/views/network.json?focus={i}&depth=1" for i in ids],
        "light SPARQL": [f"{base}/sparql?query={quote(LIGHT % i)}" for i in ids],
        "aggregate SPARQL": [f"{base}/sparql?query={quote(AGGREGATE)}"],
    }


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, Counter] = defaultdict(Counter)

    def add(self, kind: str, seconds: float, status: int | str) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.status[kind][status] += 1


def client(n: int, urls: list[tuple[str, str]], until: float, results: Results, headers: dict) -> None:
    transport = httpx.HTTPTransport(local_address=f"127.0.0.{2 + n}")
    rng = random.Random(n)
    with httpx.Client(transport=transport, timeout=30, headers=headers) as http:
        while time.monotonic() < until:
            kind, url = rng.choice(urls)
            t0 = time.perf_counter()
            try:
                status: int | str = label(http.get(url))
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            results.add(kind, time.perf_counter() - t0, status)


def label(response: httpx.Response) -> int | str:
    """The status, and for an error with a JSON body its kind (``503 busy``, ``503 timeout/short`` ...)."""
    if response.status_code == 200:
        return 200
    try:
        body = response.json()
    except ValueError:
        return response.status_code
    kind = body.get("error") if isinstance(body, dict) else None
    lane = body.get("lane") if isinstance(body, dict) else None
    return f"{response.status_code} {kind}{'/' + lane if lane else ''}" if kind else response.status_code


def rss_mb(proc: psutil.Process) -> tuple[float, float]:
    """Resident memory (MB) of the server process and of all its children together."""
    try:
        own = proc.memory_info().rss
        kids = sum(c.memory_info().rss for c in proc.children(recursive=True) if c.is_running())
    except psutil.Error:
        return float("nan"), float("nan")
    return own / 1e6, kids / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--runaway", type=int, default=2)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("CAKG_DATA_DIR", ROOT / "data")))
    args = ap.parse_args()
    port = free_port()
    server = start_server(args.data, port)
    base = f"http://127.0.0.1:{port}"
    try:
        warm = warm_up(base)
        kinds = requests_for(base)
        mix = [(k, u) for k, us in kinds.items() for u in us]
        # every kind equally likely, whatever the number of URLs of each
        weighted = [(k, u) for k, us in kinds.items() for u in us for _ in range(60 // len(us) or 1)]
        results = Results()
        until = time.monotonic() + args.seconds
        accept = {"Accept": "application/json"}
        threads = [threading.Thread(target=client, args=(i, weighted, until, results, accept), daemon=True)
                   for i in range(args.clients)]
        runaway = [("runaway SPARQL", f"{base}/sparql?query={quote(RUNAWAY)}")]
        threads += [threading.Thread(target=client, args=(args.clients + i, runaway, until, results, accept),
                                     daemon=True) for i in range(args.runaway)]
        load_start = os.getloadavg()[0]
        proc = psutil.Process(server.pid)
        memory: list[tuple[float, float]] = [rss_mb(proc)]
        for t in threads:
            t.start()
        while time.monotonic() < until:
            time.sleep(1)
            memory.append(rss_mb(proc))
        for t in threads:
            t.join(timeout=60)
        memory.append(rss_mb(proc))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"load: {args.clients} clients + {args.runaway} runaway, {args.seconds:.0f} s, {os.cpu_count()} cores, "
          f"{len(mix)} distinct URLs; load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
          f"SPARQL workers started in {warm:.1f} s before the clock")
    print(f"{'kind':18} {'requests':>8} {'errors':>7} {'p50 ms':>8} {'p99 ms':>9}  statuses")
    for kind in [*kinds, "runaway SPARQL"]:
        lat, st = results.latency.get(kind, []), results.status.get(kind, Counter())
        errors = sum(n for s, n in st.items() if s != 200)
        print(f"{kind:18} {len(lat):8} {errors:7} {pct(lat, .5) * 1000:8.1f} {pct(lat, .99) * 1000:9.1f}  "
              f"{json.dumps(dict(sorted(st.items(), key=str)))}")
    own = [m[0] for m in memory]
    kids = [m[1] for m in memory]
    print(f"server RSS MB  first {own[0]:.0f}  last {own[-1]:.0f}  max {max(own):.0f}")
    print(f"workers RSS MB first {kids[0]:.0f}  last {kids[-1]:.0f}  max {max(kids):.0f}  (all SPARQL workers together)")


if __name__ == "__main__":
    main()
