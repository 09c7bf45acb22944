"""The browser pages in real Chromium (Debian's /usr/bin/chromium through Playwright) against a
live server on 127.0.0.1: the network canvas, the time slider, relation-type filters, clicks,
the index search, script injection through names, and no request to any other host.

Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from urllib.parse import quote, urlsplit
from urllib.request import urlopen

import pytest

from graph.testing import fixture_store

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@contextmanager
def checked_page(browser, width: int = 1400, height: int = 1000, *, csp: bool = False):
    """A fresh page whose requests to any host but 127.0.0.1 are blocked and recorded; afterwards,
    none may have been tried, and no page may have raised a script error or opened a dialog (nor,
    with ``csp``, logged a Content-Security-Policy refusal)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    requests: list[str] = []
    blocked: list[str] = []
    problems: list[str] = []

    def only_local(route):
        url = route.request.url
        if url.startswith(("data:", "about:", "blob:")) or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))  # also when a test routes the page itself
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    if csp:
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                if "Content Security Policy" in m.text or "Refused to" in m.text else None)
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert requests, "the page made no request at all"
    foreign = [u for u in requests if urlsplit(u).hostname != "127.0.0.1" and not u.startswith(("data:", "about:", "blob:"))]
    assert not blocked and not foreign, f"requests tried to leave 127.0.0.1: {blocked or foreign}"
    assert not problems, problems


@pytest.fixture
def page(browser):
    """A checked page (see checked_page) of 1400×1000."""
    with checked_page(browser) as p:
        yield p


def api(server, path: str) -> dict:
    with urlopen(server.url + path, timeout=10) as r:  # noqa: S310 - 127.0.0.1 only
        return json.loads(r.read())


def wait_drawn(page, container: str = "network", version: int | None = None) -> None:
    """Until the container's current data version has been drawn (vis-network's afterDrawing)."""
    if version is None:
        page.wait_for_function(
            f"() => {{ const c = document.getElementById('{container}');"
            " return c && c.dataset.version && c.dataset.drawn === c.dataset.version && !c.dataset.loading; }")
    else:
        page.wait_for_function(
            f"() => {{ const c = document.getElementById('{container}');"
            f" return c.dataset.drawn === '{version}' && !c.dataset.loading; }}")


def version(page, container: str = "network") -> int:
    return int(page.evaluate(f"document.getElementById('{container}').dataset.version"))


def drawn_counts(page, container: str = "network") -> tuple[int, int]:
    """Nodes and edges that vis-network has in its drawing body (visible ones)."""
    return tuple(page.evaluate(
        f"() => {{ const n = window.cakg.views['{container}'].network.body;"
        " return [n.nodeIndices.length, n.edgeIndices.length]; }"))


def test_network_canvas_has_as_many_nodes_as_the_api(page, live_server, artifacts):
    page.goto(live_server.url + "/views/network?scope=all")
    wait_drawn(page)
    canvas = page.locator("#network canvas")
    box = canvas.bounding_box()
    assert box["width"] > 300 and box["height"] > 300
    nodes, edges = drawn_counts(page)
    meta = api(live_server, "/views/network.json?scope=all")["meta"]
    stats = api(live_server, "/stats")
    assert nodes == meta["node_count"] == stats["entities"] > 0
    assert edges == meta["edge_count"] > 0
    # the canvas is not blank: some pixels are coloured
    coloured = page.evaluate("""() => {
        const c = document.querySelector('#network canvas'); const ctx = c.getContext('2d');
        const d = ctx.getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i+3] > 0 && !(d[i] > 240 && d[i+1] > 240 && d[i+2] > 240)) n++;
        return n; }""")
    assert coloured > 1000
    page.screenshot(path=str(artifacts / "network.png"), full_page=True)


def test_time_slider_changes_the_edges_and_the_url(page, live_server, artifacts):
    page.goto(live_server.url + "/views/network?scope=all")
    wait_drawn(page)
    _, all_edges = drawn_counts(page)
    slider = page.locator("#year")
    first = int(slider.get_attribute("min"))
    v = version(page)
    slider.focus()
    page.keyboard.press("Home")  # the first year the data names
    wait_drawn(page, version=v + 1)
    _, early = drawn_counts(page)
    assert f"at={first}" in page.url
    assert early == api(live_server, f"/views/network.json?scope=all&at={first}")["meta"]["edge_count"]
    assert early < all_edges
    v = version(page)
    page.keyboard.press("End")
    last = int(slider.get_attribute("max"))
    wait_drawn(page, version=v + 1)
    _, late = drawn_counts(page)
    assert late == api(live_server, f"/views/network.json?scope=all&at={last}")["meta"]["edge_count"] != early
    assert page.locator("#year-label").text_content() == str(last)
    page.screenshot(path=str(artifacts / "network-at-last-year.png"))
    # the URL can be shared: opening it shows the same view
    page.goto(page.url)
    wait_drawn(page)
    assert drawn_counts(page)[1] == late and not page.locator("#all-dates").is_checked()


def test_unticking_a_relation_type_hides_its_edges(page, live_server):
    page.goto(live_server.url + "/views/network?scope=all")
    wait_drawn(page)
    relations = lambda: page.evaluate("() => window.cakg.views.network.edges.get().map(e => e.relation)")
    before = relations()
    protected = before.count("protectedBy")
    assert protected == 4
    v = version(page)
    page.locator("input.rtype[value=protectedBy]").uncheck()
    wait_drawn(page, version=v + 1)
    after = relations()
    assert "protectedBy" not in after and len(after) == len(before) - protected
    assert drawn_counts(page)[1] == len(after)
    assert "types=" in page.url and "protectedBy" not in page.url.split("types=")[1]
    v = version(page)
    page.locator("input.rtype[value=protectedBy]").check()
    wait_drawn(page, version=v + 1)
    assert relations().count("protectedBy") == protected and "types=" not in page.url


def test_clicking_a_node_opens_its_profile(page, live_server, artifacts):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(live_server.url + "/views/network?focus=imu&depth=1")
    wait_drawn(page)
    page.wait_for_timeout(200)
    # where vis-network drew the node (after stabilisation), in page coordinates; vis-network reads
    # a press longer than its tap time (250 ms) as a hold, not a click, which a loaded machine can
    # turn a click into: so up to three clicks, each at the node's position read again
    for attempt in range(3):
        point = page.evaluate("""() => { const net = window.cakg.views.network.network;
            net.stopSimulation(); const p = net.getPositions(['taliban']).taliban; return net.canvasToDOM(p); }""")
        box = page.locator("#network canvas").bounding_box()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        try:
            page.wait_for_url("**/entities/taliban", timeout=5000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    assert page.locator("h1#entity-label").text_content() == "Taliban"
    wait_drawn(page, "ego-network")
    nodes, _ = drawn_counts(page, "ego-network")
    assert nodes == api(live_server, "/views/network.json?focus=taliban&depth=1")["meta"]["node_count"]
    assert page.locator("section.relation[data-relation=protectedBy] li.claim").count() == 4
    page.screenshot(path=str(artifacts / "profile-taliban.png"), full_page=True)


def test_index_search_finds_a_group_by_alias(page, live_server, artifacts):
    page.goto(live_server.url + "/")
    assert page.locator("ul.groups > li").count() == 7
    page.locator("#search-box").fill("Tajik Taliban")
    link = page.locator("#search-results a", has_text="Jamaat Ansarullah")
    link.wait_for()
    assert link.get_attribute("href") == "/entities/jamaat-ansarullah"
    assert "Tajik Taliban" in page.locator("#search-results li").first.text_content()
    page.screenshot(path=str(artifacts / "index-search.png"), full_page=True)
    link.click()
    page.wait_for_url("**/entities/jamaat-ansarullah")
    assert page.locator("h1#entity-label").text_content() == "Jamaat Ansarullah"


@pytest.fixture(scope="module")
def evil_server(tmp_path_factory):
    from api.app import create_app
    from tests.support import LiveServer
    from tests.views.test_pages import make_evil_seeds

    seeds = make_evil_seeds(tmp_path_factory.mktemp("evil-browser"))
    with LiveServer(create_app(fixture_store(seeds))) as server:
        yield server


def no_script_ran(page) -> None:
    assert page.evaluate("() => window.__xss") is None
    # the only scripts in the document are this server's files and the JSON data blocks
    assert page.locator("script:not([src]):not([type='application/json'])").count() == 0
    assert page.locator("img[onerror], b[onmouseover]").count() == 0


def test_a_script_in_a_label_runs_nowhere(page, evil_server, artifacts):
    from tests.views.test_pages import EVIL_ALIAS, EVIL_LABEL, EVIL_NOTE

    page.goto(evil_server.url + "/entities/evil")
    assert page.locator("h1#entity-label").text_content() == EVIL_LABEL
    assert page.locator("#aliases").text_content().strip() == EVIL_ALIAS
    assert page.locator(".claim-note").text_content() == EVIL_NOTE
    wait_drawn(page, "ego-network")
    page.locator("#ego-network").scroll_into_view_if_needed()
    # hover the node so that its tooltip is shown: it must be text too
    point = page.evaluate("""() => { const net = window.cakg.views['ego-network'].network;
        net.stopSimulation(); return net.canvasToDOM(net.getPositions(['evil']).evil); }""")
    box = page.locator("#ego-network canvas").bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert EVIL_LABEL in tooltip.text_content() and tooltip.locator("script").count() == 0
    no_script_ran(page)
    page.screenshot(path=str(artifacts / "xss-profile.png"), full_page=True)

    page.goto(evil_server.url + "/views/network?focus=hts&depth=1")
    wait_drawn(page)
    labels = page.evaluate("() => window.cakg.views.network.nodes.get().map(n => n.label)")
    assert EVIL_LABEL in labels
    no_script_ran(page)

    page.goto(evil_server.url + "/")
    page.locator("#search-box").fill("script")
    page.locator("#search-results a").first.wait_for()
    assert EVIL_LABEL in page.locator("#search-results").text_content()
    page.locator("#search-box").fill("img src")
    page.locator("#search-results li", has_text="onerror").first.wait_for()
    no_script_ran(page)

    for path in ("/entities/hts", "/views/network", "/?q=script"):
        page.goto(evil_server.url + path)
        page.wait_for_load_state("load")
        no_script_ran(page)


def test_api_docs_and_sparql_page_work_offline(page, live_server, artifacts):
    """/docs (Swagger UI), /redoc and the SPARQL page load every asset from 127.0.0.1."""
    page.goto(live_server.url + "/docs")
    page.wait_for_selector(".opblock", timeout=15_000)  # Swagger UI rendered the operations
    assert page.locator(".opblock").count() >= 10
    page.screenshot(path=str(artifacts / "api-docs.png"))
    page.goto(live_server.url + "/sparql", wait_until="networkidle")
    assert page.locator("textarea, [name=query]").count() >= 1


def test_range_mode_shows_the_ties_of_a_window_and_keeps_positions(page, live_server, artifacts):
    page.goto(live_server.url + "/views/network?scope=all&at=2015")
    wait_drawn(page)
    first = int(page.locator("#year").get_attribute("min"))
    v = version(page)
    page.locator("#range-mode").check()  # the second slider appears; the window is 2015 .. the last year
    wait_drawn(page, version=v + 1)
    assert page.locator("#year-to").is_visible()
    last = int(page.locator("#year-to").get_attribute("max"))
    assert f"from=2015&to={last}" in page.url
    _, window = drawn_counts(page)
    assert window == api(live_server, f"/views/network.json?scope=all&from=2015&to={last}")["meta"]["edge_count"]
    assert page.locator("#year-label").text_content() == f"2015–{last}"
    v = version(page)
    page.locator("#year").focus()
    page.keyboard.press("Home")
    wait_drawn(page, version=v + 1)
    assert f"from={first}&to={last}" in page.url
    _, wider = drawn_counts(page)
    assert wider == api(live_server, f"/views/network.json?scope=all&from={first}&to={last}")["meta"]["edge_count"]
    assert wider >= window
    page.screenshot(path=str(artifacts / "network-range.png"))
    # the server lays a view out once over every date: a node keeps its place from one window to another
    one = api(live_server, f"/views/network.json?scope=all&from=2015&to={last}")["nodes"]
    other = api(live_server, f"/views/network.json?scope=all&from={first}&to={last}")["nodes"]
    shared = {n["id"]: (n["x"], n["y"]) for n in one}
    assert shared and all(shared[n["id"]] == (n["x"], n["y"]) for n in other if n["id"] in shared)


def test_clicking_a_legend_family_hides_its_relations(page, live_server, artifacts):
    page.goto(live_server.url + "/views/network?scope=all")
    wait_drawn(page)
    meta = api(live_server, "/views/network.json?scope=all")["meta"]
    family = max(meta["categories"], key=lambda c: c["in_view"])  # the family with the most edges
    assert family["in_view"] > 0
    keep = [r["name"] for r in meta["relation_types"] if r["category"] != family["name"]]
    v = version(page)
    page.locator(f"button.legend-family[data-family='{family['name']}']").click()
    wait_drawn(page, version=v + 1)
    _, edges = drawn_counts(page)
    expected = api(live_server, "/views/network.json?scope=all&types=" + ",".join(keep))["meta"]["edge_count"]
    assert edges == expected == meta["edge_count"] - family["in_view"]
    assert page.locator(f"button.legend-family[data-family='{family['name']}']").get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(artifacts / "network-legend-filtered.png"))
    v = version(page)
    page.locator(f"button.legend-family[data-family='{family['name']}']").click()  # and back
    wait_drawn(page, version=v + 1)
    assert drawn_counts(page)[1] == meta["edge_count"]


def test_find_box_focuses_and_selects_a_node_ignoring_case(page, live_server):
    page.goto(live_server.url + "/views/network?scope=all")
    wait_drawn(page)
    nodes = page.evaluate("() => window.cakg.views.network.nodes.get().map(n => [n.id, n.label])")
    label = next(lab for _, lab in nodes if len(lab) > 3)
    typed = label.upper()[: max(4, len(label) // 2)]  # part of the name, other case
    page.locator("#find").fill(typed)
    page.locator("#find").press("Enter")
    found = page.evaluate("() => document.getElementById('network').dataset.found")
    expected = next(i for i, lab in nodes if typed.lower() in lab.lower())
    assert found == expected
    assert page.evaluate("() => window.cakg.views.network.network.getSelectedNodes()") == [expected]
    page.locator("#find").fill("zzqx no such name")
    page.locator("#find").press("Enter")
    assert page.locator("#find-status").text_content() == "not in this view"


def test_find_box_finds_a_node_by_an_alias_that_is_not_its_name(page, live_server):
    page.goto(live_server.url + "/views/network?scope=all")
    wait_drawn(page)
    nodes = page.evaluate("() => window.cakg.views.network.nodes.get().map(n => [n.id, n.label, n.aliases || []])")
    labels = [lab.lower() for _, lab, _ in nodes]
    # an alias no node's name contains, so only the alias can find it
    node, alias = next((i, a) for i, _, aliases in nodes for a in aliases
                       if len(a) > 3 and not any(a.lower() in lab for lab in labels))
    page.locator("#find").fill(alias)
    page.locator("#find").press("Enter")
    assert page.evaluate("() => document.getElementById('network').dataset.found") == node


def test_find_box_offers_the_ego_network_of_an_entity_not_in_the_view(page, live_server):
    page.goto(live_server.url + "/views/network?focus=imu&depth=1")
    wait_drawn(page)
    shown = set(page.evaluate("() => window.cakg.views.network.nodes.get().map(n => n.id)"))
    everyone = api(live_server, "/entities?limit=200")["items"]
    outside = next(e for e in everyone if e["id"] not in shown)
    page.locator("#find").fill(outside["label"])
    page.locator("#find").press("Enter")
    link = page.locator("#find-ego")
    link.wait_for(timeout=5000)
    first = api(live_server, "/entities?limit=1&q=" + quote(outside["label"]))["items"][0]["id"]
    assert link.get_attribute("href") == f"/views/network?focus={quote(first)}&depth=1"


def box(page, selector: str) -> dict:
    b = page.locator(selector).bounding_box()
    assert b is not None, f"{selector} is not shown"
    return b


def test_network_canvas_is_above_the_fold_beside_a_side_panel_at_1440x900(browser, live_server, artifacts):
    with checked_page(browser, 1440, 900) as page:
        for path in ("/views/network", "/views/network?scope=all", "/views/network?focus=imu&depth=1"):
            page.goto(live_server.url + path)
            wait_drawn(page)
            canvas, panel = box(page, "#network canvas"), box(page, "#side-panel")
            assert canvas["y"] <= 120, (path, canvas)  # the canvas starts near the top ...
            assert canvas["y"] + canvas["height"] <= 900 and canvas["height"] >= 0.75 * 900  # ... and fits the screen
            assert panel["x"] + panel["width"] <= canvas["x"]  # the panel is beside it, on the left
            assert canvas["width"] >= 0.9 * (1440 - panel["width"] - panel["x"])  # the rest of the width
            assert canvas["width"] >= 0.6 * 1440
            # every control sits in the panel, and the panel scrolls inside the screen
            controls = box(page, "#controls")
            assert panel["x"] <= controls["x"] and controls["x"] + controls["width"] <= panel["x"] + panel["width"] + 1
            assert panel["y"] + panel["height"] <= 900
            assert not page.locator("#panel-toggle").is_visible()
        page.screenshot(path=str(artifacts / "network-1440x900.png"))


def test_the_side_panel_folds_away_on_a_narrow_screen(browser, live_server, artifacts):
    with checked_page(browser, 700, 900) as page:
        page.goto(live_server.url + "/views/network")
        wait_drawn(page)
        toggle = page.locator("#panel-toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator("#controls").is_visible()
        canvas = box(page, "#network canvas")
        assert canvas["y"] <= 150 and canvas["width"] >= 0.9 * (700 - 2 * 20)  # the canvas comes first, full width
        toggle.click()
        assert page.locator("#controls").is_visible() and toggle.get_attribute("aria-expanded") == "true"
        assert box(page, "#network canvas")["y"] > box(page, "#controls")["y"]  # the open panel sits above it
        page.screenshot(path=str(artifacts / "network-narrow-panel-open.png"))
        toggle.click()
        assert not page.locator("#controls").is_visible()


def hover_tooltip(page, x: float, y: float):
    """Move the mouse to (x, y) in page coordinates and return vis-network's tooltip once shown."""
    page.mouse.move(x - 40, y - 40)
    page.mouse.move(x, y, steps=4)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    return tooltip


def assert_not_clipped(page, tooltip) -> None:
    b = tooltip.bounding_box()
    view = page.viewport_size
    assert b["height"] > 10 and b["width"] > 10, b
    assert b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["width"] <= view["width"] and b["y"] + b["height"] <= view["height"], b
    # all its text is inside its box (nothing cut off by a height or an overflow rule)
    assert tooltip.evaluate("t => t.scrollHeight <= t.clientHeight + 1 && t.scrollWidth <= t.clientWidth + 1")


def test_hovering_a_node_and_an_edge_shows_their_tooltips(browser, live_server, artifacts):
    with checked_page(browser, 1440, 900) as page:
        page.goto(live_server.url + "/views/network?focus=imu&depth=1")
        wait_drawn(page)
        view = api(live_server, "/views/network.json?focus=imu&depth=1")
        canvas = box(page, "#network canvas")
        page.evaluate("() => window.cakg.views.network.network.stopSimulation()")
        # a node: its label and kind
        node = next(n for n in view["nodes"] if n["id"] != "imu")
        point = page.evaluate(f"""() => {{ const net = window.cakg.views.network.network;
            return net.canvasToDOM(net.getPositions(['{node["id"]}'])['{node["id"]}']); }}""")
        tooltip = hover_tooltip(page, canvas["x"] + point["x"], canvas["y"] + point["y"])
        text = tooltip.inner_text()
        assert node["label"] in text and text.split() == node["title"].split()
        assert_not_clipped(page, tooltip)
        page.screenshot(path=str(artifacts / "network-tooltip-node.png"))
        page.mouse.move(canvas["x"] + 5, canvas["y"] + 5)
        tooltip.wait_for(state="hidden", timeout=5000)
        # an edge: relation, dates and citation, hovered half-way along the drawn curve
        found = page.evaluate("""() => { const net = window.cakg.views.network.network;
            for (const id of net.body.edgeIndices) {
                const p = net.body.edges[id].edgeType.getPoint(0.5); const d = net.canvasToDOM(p);
                if (net.getEdgeAt(d) === id && net.getNodeAt(d) === undefined) return {id: id, x: d.x, y: d.y};
            } return null; }""")
        assert found, "no edge could be hovered away from the nodes"
        edge = next(e for e in view["edges"] if e["id"] == found["id"])
        tooltip = hover_tooltip(page, canvas["x"] + found["x"], canvas["y"] + found["y"])
        text = tooltip.inner_text()
        assert text.split() == edge["title"].split()
        relation = next(r for r in view["meta"]["relation_types"] if r["name"] == edge["relation"])
        claim = api(live_server, "/claims/" + quote(edge["claims"][0], safe=""))
        assert relation["label"] in text
        assert re.search(r"\b(19|20)\d\d\b", text.splitlines()[1])  # its dates, on the line after the relation
        surname = claim["sources"][0]["author"].split(";")[0].split()[-1]  # the short citation names the author
        assert surname in text and "l. " in text
        assert_not_clipped(page, tooltip)
        page.screenshot(path=str(artifacts / "network-tooltip-edge.png"))


def visible_nodes(page) -> list[str]:
    return page.evaluate("() => window.cakg.views.network.network.body.nodeIndices.slice()")


def test_grouping_places_and_events_into_clusters_and_opening_them(page, live_server, artifacts):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(live_server.url + "/views/network?scope=all")
    wait_drawn(page)
    meta = api(live_server, "/views/network.json?scope=all")["meta"]
    groups = [c for c in meta["clusters"] if c["count"] >= 2]  # a kind of one node stays as it is
    assert groups, "the fixture view has no kind to group"
    everyone = visible_nodes(page)
    assert len(everyone) == meta["node_count"]
    box_ = page.locator("#cluster-kinds")
    box_.check()
    grouped = visible_nodes(page)
    assert len(grouped) == len(everyone) - sum(c["count"] for c in groups) + len(groups) < len(everyone)
    assert sorted(n for n in grouped if n.startswith("cluster:")) == sorted(f"cluster:{c['kind']}" for c in groups)
    page.screenshot(path=str(artifacts / "network-clustered.png"))
    box_.uncheck()  # unticking opens every group
    assert sorted(visible_nodes(page)) == sorted(everyone)
    # a click on a group opens it; when none is left the box is unticked
    box_.check()
    page.evaluate("() => window.cakg.views.network.network.stopSimulation()")
    canvas = box(page, "#network canvas")
    for c in groups:
        gone = f"() => !window.cakg.views.network.network.body.nodes['cluster:{c['kind']}']"
        for attempt in range(3):  # a press over vis-network's tap time is a hold, not a click: retried
            if page.evaluate(gone):
                break
            point = page.evaluate(f"""() => {{ const net = window.cakg.views.network.network;
                return net.canvasToDOM(net.getPositions(['cluster:{c["kind"]}'])['cluster:{c["kind"]}']); }}""")
            page.mouse.click(canvas["x"] + point["x"], canvas["y"] + point["y"])
            try:
                page.wait_for_function(gone, timeout=5000)
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
    assert sorted(visible_nodes(page)) == sorted(everyone) and not box_.is_checked()
    assert "/entities/" not in page.url  # opening a group is not a click on a profile
    # the find box opens the group that holds the node it finds, and a redraw keeps the grouping
    box_.check()
    inside = next(n for n in api(live_server, "/views/network.json?scope=all")["nodes"] if n["kind"] == groups[0]["kind"])
    page.locator("#find").fill(inside["label"])
    page.locator("#find").press("Enter")
    assert page.evaluate("() => document.getElementById('network').dataset.found") == inside["id"]
    assert inside["id"] in visible_nodes(page) and f"cluster:{groups[0]['kind']}" not in visible_nodes(page)
    box_.uncheck()
    box_.check()
    v = version(page)
    page.locator("#year").focus()
    page.keyboard.press("Home")
    wait_drawn(page, version=v + 1)
    assert any(n.startswith("cluster:") for n in visible_nodes(page)) or all(
        c["count"] < 2 for c in api(live_server, "/views/network.json?" + urlsplit(page.url).query)["meta"]["clusters"])


#: every page kind, its path on the fixture graph and what shows it is ready; the screenshots at
#: 1440×900 go to tests/artifacts/page-<name>.png
PAGE_KINDS = [
    ("index", "/", "ul.groups > li"),
    ("profile", "/entities/imu", "#ego-network[data-drawn]"),
    ("network-default", "/views/network", "#network[data-drawn]"),
    ("network-ego", "/views/network?focus=imu&depth=1", "#network[data-drawn]"),
    ("changes", "/views/changes", "main"),
    ("lineage", "/views/lineage", "svg.lineage-chart"),
    ("passage", "/sources/soliev-pantucci-2022/passage?lines=18-19&names=imu", "ol.passage-lines li.cited"),
    ("docs", "/docs", ".opblock-summary-path"),
    ("redoc", "/redoc", ".api-content h1, .api-content h2"),
    ("sparql", "/sparql", "textarea, [name=query], .yasqe"),
    ("error", "/sources/no-such-source/passage?lines=1", "article.error"),
]


def test_screenshots_of_every_page_kind_at_1440x900_with_no_request_leaving_127_0_0_1(browser, live_server, artifacts):
    with checked_page(browser, 1440, 900) as page:
        blocked: list[str] = []

        def only_here(route):  # anything for another host is stopped before it leaves the machine
            url = route.request.url
            if urlsplit(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                blocked.append(url)
                route.abort()

        page.context.route("**/*", only_here)
        for name, path, ready in PAGE_KINDS:
            response = page.goto(live_server.url + path, wait_until="networkidle")
            assert response.status == (404 if name == "error" else 200), (name, response.status)
            page.wait_for_selector(ready, timeout=30_000)
            page.wait_for_timeout(200)  # late requests (fonts, icons) show up too
            shot = artifacts / f"page-{name}.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 5_000, f"{name}: a blank screenshot?"
            assert page.evaluate("() => [window.innerWidth, window.innerHeight]") == [1440, 900]
        assert blocked == [], f"requests for other hosts: {blocked}"
