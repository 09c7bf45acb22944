"""Benchmark: how soon a 5,000-node network view is interactive in Chromium.

Builds a synthetic graph of N entities (default 5,000: groups, people, states, territories,
bodies, agencies, organisations, events) and about 1.7 claims per entity, written as seed YAML
and compiled by the real pipeline (graph.build.compile_seeds, without locator and SHACL checks),
serves it on 127.0.0.1 and opens /views/network in Debian's chromium (Playwright, headless).

It prints, side by side:

* this app, after the start-up warm-up (the server makes the projection and the layout in a
  background thread when it starts), and with a cold cache (the request makes them):
  layout computed on the server (networkx below NX_LAYOUT_MAX_NODES nodes, igraph
  above), physics off above PHYSICS_MAX_NODES, straight edges;
* pyvis's defaults: the same nodes and edges with no positions and pyvis's default options
  (physics on, vis-network stabilising for up to 1,000 iterations before the first drawing),
  which is what a pyvis page does.

Measured: the server's time to build the view (first request, which also makes the projection
and the layout, then a cached one), the page size, and in the browser the time from navigation
start to the first drawing (vis-network's ``afterDrawing``: the graph is on screen and takes
input), then the time to redraw after a zoom (how responsive it stays).

Run:  .venv/bin/python bench/bench_views.py [--nodes 5000] [--timeout 60]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

SHARES = {"group": 0.12, "person": 0.58, "state": 0.01, "territory": 0.14, "body": 0.01,
          "agency": 0.04, "organisation": 0.02, "event": 0.08}


def synthetic_seeds(folder: Path, n: int, seed: int = 1) -> Path:
    """Seed YAML for a graph of about ``n`` entities with dated, sourced claims."""
    import yaml

    rnd = random.Random(seed)
    seeds = folder / "seeds"
    (seeds / "entities").mkdir(parents=True)
    (seeds / "claims").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "seeds" / "sources.yaml", seeds / "sources.yaml")
    ids: dict[str, list[str]] = {}
    entities = []
    for kind, share in SHARES.items():
        count = max(2, round(n * share))
        ids[kind] = [f"{kind}-{i:05d}" for i in range(count)]
        entities += [{"id": e, "kind": kind, "label": f"{kind.title()} {i:05d}"} for i, e in enumerate(ids[kind])]
    claims, seen = [], set()

    def when() -> dict:
        r = rnd.random()
        a = rnd.randint(1995, 2022)
        if r < 0.35:
            return {"start": a}
        if r < 0.55:
            return {"start": a, "end": min(2022, a + rnd.randint(0, 8))}
        if r < 0.8:
            return {"as_of": a}
        return {}

    def add(s, rel, o, instant=False):
        if s == o or (s, rel, o) in seen:
            return
        seen.add((s, rel, o))
        claim = {"subject": s, "relation": rel, "object": o, "source": "soliev-pantucci-2022:18"}
        claim.update({"date": rnd.randint(1995, 2022)} if instant else when())
        claims.append(claim)

    pick = lambda kind: rnd.choice(ids[kind])
    for p in ids["person"]:
        add(p, rnd.choice(["memberOf", "memberOf", "leaderOf", "commanderOf", "recruiterFor"]), pick("group"))
        if rnd.random() < 0.4:
            add(p, "nationalOf", pick("state"))
        if rnd.random() < 0.1:
            add(p, "arrestedBy", pick("agency"), instant=True)
    for g in ids["group"]:
        add(g, "basedIn", pick("territory"))
        add(g, rnd.choice(["rivalOf", "alliedWith", "affiliateOf", "protectedBy"]), pick("group"))
        if rnd.random() < 0.3:
            add(g, "designatedBy", pick("agency"))
    for t in ids["territory"]:
        add(t, "partOf", pick("state"))
    for a in ids["agency"]:
        add(a, "partOf", pick("state"))
    for b in ids["body"]:
        for _ in range(3):
            add(pick("state"), "memberOf", b)
    for o in ids["organisation"]:
        add(o, "bannedIn", pick("state"))
    for e in ids["event"]:
        add(e, "occurredIn", pick("territory"))
        add(pick("group"), "perpetratorOf", e)
    (seeds / "entities" / "synthetic.yaml").write_text(yaml.safe_dump({"entities": entities}, sort_keys=False))
    (seeds / "claims" / "synthetic.yaml").write_text(yaml.safe_dump({"claims": claims}, sort_keys=False))
    return seeds


def build_store(seeds: Path):
    from graph.build import compile_seeds
    from graph.store import memory_store

    compiled = compile_seeds(seeds, locators=False, shacl=False)
    return memory_store(compiled.ntriples())


class Server:
    def __init__(self, app):
        import socket

        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


def measure_page(browser, url: str, timeout_s: float) -> dict:
    """Navigation start -> first afterDrawing, and the redraw time after a zoom, in ms."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith("http://127.0.0.1") else None)
    out: dict = {}
    try:
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_function("() => window.cakg && window.cakg.firstDrawnAt", timeout=timeout_s * 1000, polling=50)
        out["first_draw_ms"] = page.evaluate("() => window.cakg.firstDrawnAt")
        out["dom_content_loaded_ms"] = page.evaluate(
            "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        out["nodes"], out["edges"] = page.evaluate(
            "() => { const b = window.cakg.views.network.network.body; return [b.nodeIndices.length, b.edgeIndices.length]; }")
        out["zoom_redraw_ms"] = page.evaluate("""() => new Promise(resolve => {
            const net = window.cakg.views.network.network;
            const t0 = performance.now();
            net.once('afterDrawing', () => resolve(performance.now() - t0));
            net.moveTo({scale: net.getScale() * 1.5});
        })""")
    except Exception as exc:  # noqa: BLE001 - a timeout is a result here
        out["error"] = f"{type(exc).__name__}: not drawn within {timeout_s:.0f} s"
    finally:
        context.close()
    out["foreign_requests"] = foreign
    return out


def pyvis_defaults(view: dict) -> dict:
    """The same view as a plain pyvis page would draw it: no positions, pyvis's default options."""
    from pyvis.network import Network

    nodes = [{k: v for k, v in n.items() if k not in ("x", "y")} for n in view["nodes"]]
    options = json.loads(Network().options.to_json())
    return {**view, "nodes": nodes, "options": options, "meta": {**view["meta"], "physics": True}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for a first drawing")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from api.app import create_app
    from api.views import network as view_network

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = build_store(synthetic_seeds(Path(tmp), args.nodes))
        print(f"synthetic graph compiled and loaded in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    view = view_network.build_view(store, view_network.NetworkQuery())
    first_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    view = view_network.build_view(store, view_network.NetworkQuery())
    cached_build = time.perf_counter() - t0
    size_mb = len(json.dumps(view)) / 1e6
    print(f"graph: {view['meta']['node_count']} nodes, {view['meta']['edge_count']} edges "
          f"({view['meta']['claim_count']} claims); physics threshold {view_network.PHYSICS_MAX_NODES} nodes")
    print(f"server: view built in {first_build:.2f} s the first time (projection + layout), "
          f"{cached_build:.2f} s when cached; view data {size_mb:.1f} MB")

    results = {}
    real_build = view_network.build_view
    view_network._CACHE.clear()
    t0 = time.perf_counter()
    app = create_app(store)
    view_network.warm(store)  # what the app's start-up does in the background (projection + layout)
    print(f"server start-up warm-up (projection + layout, in the background): {time.perf_counter() - t0:.2f} s")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        with Server(app) as server:
            results["this app, after warm-up"] = measure_page(browser, server.url + "/views/network", args.timeout)
            view_network._CACHE.clear()  # worst case: the request itself makes projection and layout
            results["this app, cold cache"] = measure_page(browser, server.url + "/views/network", args.timeout)
            view_network.build_view = lambda s, q: pyvis_defaults(real_build(s, q))
            try:
                results["pyvis defaults (physics stabilisation)"] = measure_page(
                    browser, server.url + "/views/network", args.timeout)
            finally:
                view_network.build_view = real_build
        browser.close()

    print()
    names = list(results)
    width = max(len(n) for n in names) + 2
    rows = [("first drawing (interactive)", "first_draw_ms"), ("DOMContentLoaded", "dom_content_loaded_ms"),
            ("redraw after zoom", "zoom_redraw_ms"), ("nodes drawn", "nodes"), ("edges drawn", "edges")]
    print(f"{'':30}" + "".join(f"{n:>{width}}" for n in names))
    for label, key in rows:
        cells = []
        for n in names:
            r = results[n]
            if "error" in r and key not in r:
                cells.append("timeout" if key == "first_draw_ms" else "-")
            elif key.endswith("_ms"):
                cells.append(f"{r[key] / 1000:.2f} s" if key != "zoom_redraw_ms" else f"{r[key]:.0f} ms")
            else:
                cells.append(str(r[key]))
        print(f"{label:30}" + "".join(f"{c:>{width}}" for c in cells))
    for n in names:
        if results[n].get("error"):
            print(f"{n}: {results[n]['error']}")
        if results[n]["foreign_requests"]:
            print(f"{n}: REQUESTS LEFT 127.0.0.1: {results[n]['foreign_requests'][:5]}")
    for name in names[:2]:
        ours = results[name].get("first_draw_ms")
        verdict = "PASS" if ours is not None and ours < 5000 else "FAIL"
        print(f"target: a {args.nodes}-node view interactive within a few seconds (< 5 s), {name}: {verdict}")


if __name__ == "__main__":
    main()
