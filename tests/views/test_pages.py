"""Browser pages without a browser: the HTML and JSON of the index, network views and profiles.

The real-browser tests (canvas, slider, clicks) are in test_browser_views.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from markupsafe import escape as html_escape

from graph.testing import FIXTURE_SEEDS, fixture_store
from tests.support import seeds_client

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
EVIL_LABEL = "<script>window.__xss=1</script>"
EVIL_ALIAS = '<img src=x onerror="window.__xss=2">'
EVIL_NOTE = '<b onmouseover="window.__xss=3">bold</b>'


def make_evil_seeds(root: Path) -> Path:
    """A copy of the fixture seeds plus an entity whose label, alias and claim note are markup,
    and a second nationality for Ilimbek Mamatov (nationalOf is single-valued: a dispute)."""
    seeds = root / "seeds"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    (seeds / "entities" / "evil.yaml").write_text(
        "entities:\n"
        f"  - {{id: evil, kind: person, label: {EVIL_LABEL!r}, aliases: [{EVIL_ALIAS!r}]}}\n"
        "claims:\n"
        "  - {subject: evil, relation: memberOf, object: hts, start: 2016, source: 'soliev-pantucci-2022:52-56', "
        f"note: {EVIL_NOTE!r}}}\n"
        "  - {subject: ilimbek-mamatov, relation: nationalOf, object: tajikistan, source: 'soliev-pantucci-2022:28'}\n",
        encoding="utf-8")
    return seeds


@pytest.fixture(scope="module")
def evil_client(tmp_path_factory):
    with seeds_client(make_evil_seeds(tmp_path_factory.mktemp("evil"))) as c:
        yield c


def entity_count(store) -> int:
    rows = store.select('SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e cakg:id ?id ; a ?c . ?c cakg:kindName ?k '
                        'FILTER(?k != "source") }')
    return rows[0]["n"]


# ------------------------------------------------------------------------------------ index

def test_index_lists_the_seven_groups_with_generated_summaries(client):
    r = client.get("/", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    for acronym, entity in [("IMU", "imu"), ("KTJ", "ktj"), ("KIB", "kib"), ("JA", "jamaat-ansarullah"),
                            ("IJU", "iju"), ("HTS", "hts"), ("ISKP", "iskp")]:
        assert f'href="/entities/{entity}">{acronym}</a>' in html
    data = client.get("/index.json").json()
    assert [g["acronym"] for g in data["groups"]] == ["IMU", "KTJ", "KIB", "JA", "IJU", "HTS", "ISKP"]
    imu = data["groups"][0]
    # made from the ties, dated by the time rule: leaders, base, protector
    assert "Usman Ghazi (attested 2009–2015, ended 2015 at death)" in imu["summary"]
    assert "Based in Faryab (attested 2021-08, ended 2021-08)" in imu["summary"]
    assert "Protected by Taliban (attested 2021, presumed since)" in imu["summary"]
    assert imu["summary"] in html.replace("&#39;", "'")
    for link in ('href="/views/network"', 'href="/sparql"', 'href="/docs"', 'id="search-box"', 'src="/static/index.js"'):
        assert link in html


def test_index_summary_follows_the_data(tmp_path):
    """A new claim changes the summary: the text is generated, not written."""
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURE_SEEDS, seeds)
    (seeds / "claims" / "more.yaml").write_text(
        "claims:\n  - {subject: iskp, relation: basedIn, object: badghis, as_of: 2021, source: 'soliev-pantucci-2022:84'}\n")
    from api.views.pages import summary
    from graph.read.catalog import Catalog

    assert "Based in" not in summary(Catalog(fixture_store()), "iskp")
    assert "Based in Badghis (attested 2021, presumed since)" in summary(Catalog(fixture_store(seeds)), "iskp")


def test_index_server_side_search_without_javascript(client):
    html = client.get("/", params={"q": "Tajik Taliban"}, headers=HTML).text
    assert '<a href="/entities/jamaat-ansarullah">Jamaat Ansarullah</a>' in html


def test_index_is_json_by_accept_and_by_suffix(client):
    by_accept = client.get("/", headers={"accept": "application/json"})
    assert by_accept.headers["content-type"] == "application/json"
    assert by_accept.json() == client.get("/index.json").json() == client.get("/.json").json()


# ------------------------------------------------------------------------------------ network

def test_network_json_has_every_entity_and_typed_edges(client, store):
    view = client.get("/views/network.json", params={"scope": "all"}).json()
    assert view["meta"]["node_count"] == len(view["nodes"]) == entity_count(store)
    edges = {e["id"]: e for e in view["edges"]}
    assert edges["hts--rivalOf--hurras-ad-din"]["arrows"]["to"]["enabled"] is False  # symmetric: no arrow
    assert edges["usman-ghazi--leaderOf--imu"]["arrows"]["to"]["enabled"] is True    # directed
    # two leaderOf claims (until 2015, from 2009) are one tie: one edge listing both, with its dates by the rule
    assert len(edges["usman-ghazi--leaderOf--imu"]["claims"]) == 2
    title = edges["usman-ghazi--leaderOf--imu"]["title"]
    assert "leader of" in title and "attested 2009–2015, ended 2015 at death" in title and "2 claim(s)" in title
    assert "Soliev & Pantucci 2022, l. 24" in title  # the short citation, as the profiles give it
    # colours by kind, sizes by degree
    nodes = {n["id"]: n for n in view["nodes"]}
    assert nodes["imu"]["color"] != nodes["usman-ghazi"]["color"]
    assert nodes["taliban"]["size"] > nodes["jafar-yuldash"]["size"]
    assert view["options"]["physics"]["enabled"] is True
    assert {k["name"] for k in view["meta"]["kinds"]} >= {"group", "person", "state", "territory", "body"}
    # edge colour by relation family; inside a family every type its own line style (dashes, width),
    # the same one its legend swatch shows
    families = {f["name"]: f["color"] for f in view["meta"]["categories"]}
    styles = {r["name"]: r for r in view["meta"]["relation_types"]}
    for e in view["edges"]:
        assert e["color"]["color"] == families[e["category"]] == styles[e["relation"]]["color"]
        assert (e["dashes"], e["width"]) == (styles[e["relation"]]["dashes"], styles[e["relation"]]["width"])
    by_family = {}
    for r in styles.values():
        by_family.setdefault(r["category"], []).append((str(r["dashes"]), r["width"]))
    assert all(len(set(v)) == len(v) for v in by_family.values())


def test_network_at_a_date(client):
    counts = {at: client.get("/views/network.json", params={"at": at, "scope": "all"}).json()["meta"]["edge_count"]
              for at in ("2009", "2015", "2022")}
    assert len(set(counts.values())) == 3
    view = client.get("/views/network.json", params={"at": "2010", "types": "leaderOf"}).json()
    assert [(e["from"], e["to"]) for e in view["edges"]] == [("usman-ghazi", "imu")]
    # IMU was based in Faryab until 2021-08 (the text gives no start: attested in 2021-08 only)
    def based(at):
        return any(e["id"] == "imu--basedIn--faryab" for e in client.get("/views/network.json", params={"at": at}).json()["edges"])
    assert based("2021-08") and based("2021-08-15") and not based("2021-09") and not based("2021-07")
    # statuses on the edges: the Taliban's protection holds in 2021, is presumed in 2023 (drawn faded)
    view = client.get("/views/network.json", params={"at": "2023", "types": "protectedBy"}).json()
    assert {e["status"] for e in view["edges"]} == {"presumed"} and {e["color"]["opacity"] for e in view["edges"]} == {0.35}
    ranged = client.get("/views/network.json", params={"from": "2008", "to": "2010", "types": "leaderOf"}).json()
    assert {e["from"] for e in ranged["edges"]} == {"tahir-yuldash", "usman-ghazi"}


def test_default_network_is_the_named_groups_and_their_direct_ties(client):
    from api.views.groups import named_group_ids
    from graph.read.catalog import Catalog

    named = set(named_group_ids(Catalog(client.app.state.live.current().store)))
    view = client.get("/views/network.json").json()
    assert set(view["meta"]["named_groups"]) == named and named <= {n["id"] for n in view["nodes"]}
    assert all(e["from"] in named or e["to"] in named for e in view["edges"]) and view["edges"]
    whole = client.get("/views/network.json", params={"scope": "all"}).json()
    assert whole["meta"]["node_count"] > view["meta"]["node_count"]
    # positions are kept by id at every date (one layout of the view over all dates)
    pos = {n["id"]: (n["x"], n["y"]) for n in view["nodes"]}
    for at in ("2009", "2015", "2021"):
        dated = client.get("/views/network.json", params={"at": at}).json()
        assert all(pos[n["id"]] == (n["x"], n["y"]) for n in dated["nodes"])
    assert client.get("/views/network.json", params={"scope": "some"}).json()["parameter"] == "scope"


def test_network_filters_types_kinds_and_focus(client):
    groups = client.get("/views/network.json", params={"kinds": "group"}).json()
    assert {n["kind"] for n in groups["nodes"]} == {"group"}
    assert groups["meta"]["filters"]["kinds"] == ["group"]
    rivals = client.get("/views/network.json", params={"types": "rivalOf,protectedBy"}).json()
    assert {e["relation"] for e in rivals["edges"]} == {"rivalOf", "protectedBy"}
    none = client.get("/views/network.json", params={"types": ""}).json()
    assert none["edges"] == []
    ego = client.get("/views/network.json", params={"focus": "imu", "depth": "1"}).json()
    ids = {n["id"] for n in ego["nodes"]}
    assert {"imu", "taliban", "faryab", "usman-ghazi"} <= ids and "hts" not in ids
    assert "afghanistan" in {n["id"] for n in client.get("/views/network.json", params={"focus": "imu", "depth": "2"}).json()["nodes"]}
    assert ego["meta"]["query"] == "focus=imu&depth=1"


@pytest.mark.parametrize("params, parameter, status", [
    ({"at": "2015-13"}, "at", 422), ({"at": "last year"}, "at", 422), ({"depth": "x", "focus": "imu"}, "depth", 422),
    ({"depth": "9", "focus": "imu"}, "depth", 422), ({"types": "friendOf"}, "types", 422),
    ({"kinds": "planet"}, "kinds", 422), ({"focus": "nobody"}, "focus", 404),
    ({"from": "2016", "to": "2014"}, "from", 422), ({"at": "2015", "from": "2014"}, "at", 422),
    ({"at": "2015", "status": "maybe"}, "status", 422), ({"status": "holds"}, "status", 422)])
def test_network_bad_parameters_are_named(client, params, parameter, status):
    json_accept = {"accept": "application/json"}
    for path, headers in (("/views/network.json", HTML), ("/views/network.json", json_accept),
                          ("/views/network", json_accept)):
        r = client.get(path, params=params, headers=headers)
        assert r.status_code == status and r.headers["content-type"].startswith("application/json")
        assert r.json()["parameter"] == parameter and r.json()["message"]
    page = client.get("/views/network", params=params, headers=HTML)  # a browser gets the HTML error page
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")
    assert '<article class="error"' in page.text and f"Parameter: {parameter}" in page.text
    assert html_escape(r.json()["message"]) in page.text


@pytest.mark.parametrize("path, params", [
    ("/views/network", {"focus": "nope"}), ("/views/lineage", {"focus": "nope"}),
    ("/views/changes", {"from": "2016", "to": "2014"}), ("/views/entities/nope", {}), ("/entities/nope", {}),
    ("/sources/nope/passage", {"lines": "1"})])
def test_page_routes_answer_a_browser_with_the_html_error_page_and_json_clients_with_json(client, path, params):
    page = client.get(path, params=params, headers=HTML)
    assert page.status_code in (404, 422) and page.headers["content-type"].startswith("text/html"), page.text[:200]
    assert '<article class="error"' in page.text
    data = client.get(path, params=params, headers={"accept": "application/json"})
    assert data.status_code == page.status_code and data.json()["error"] and data.json()["message"]
    assert html_escape(data.json()["message"]) in page.text


def test_network_page_embeds_data_and_controls(client):
    r = client.get("/views/network", params={"at": "2015", "kinds": "group,person"}, headers=HTML)
    html = r.text
    assert 'id="year"' in html and 'min="2009"' in html and 'value="2015"' in html
    assert 'class="rtype" value="protectedBy"' in html and 'class="kind" value="group"' in html
    assert '<script type="application/json" id="network-data">' in html
    assert 'href="/views/network.json?at=2015&amp;kinds=group%2Cperson"' in html
    assert "Content-Security-Policy" in r.headers and "script-src 'self'" in r.headers["Content-Security-Policy"]


def test_physics_off_and_fixed_positions_above_the_threshold(client, monkeypatch):
    from api.views import network as view_network

    monkeypatch.setattr(view_network, "PHYSICS_MAX_NODES", 5)
    view = client.get("/views/network.json", params={"scope": "all"}).json()
    assert view["meta"]["physics"] is False and view["options"]["physics"]["enabled"] is False
    positions = {(n["x"], n["y"]) for n in view["nodes"]}
    assert len(positions) == len(view["nodes"])  # every node placed, none on top of another


def test_large_layout_uses_igraph_and_spreads_nodes():
    import networkx as nx

    from api.views.network import NX_LAYOUT_MAX_NODES, layout

    G = nx.gnm_random_graph(NX_LAYOUT_MAX_NODES + 200, 900, seed=3)
    pos = layout(G)
    assert len(pos) == len(G) and len(set(pos.values())) == len(G)


# ------------------------------------------------------------------------------------ assets

def test_no_page_refers_to_another_host(client):
    for path in ("/", "/views/network", "/views/entities/imu", "/entities/imu"):
        html = client.get(path, headers=HTML).text
        refs = re.findall(r'(?:src|href)="([^"]*)"', html)
        assert refs and all(ref.startswith(("/", "#")) for ref in refs), (path, refs)
        assert "cdn" not in html.lower()


def test_vis_network_is_served_from_the_pyvis_package(client):
    import pyvis

    js = client.get("/static/vis/vis-network.min.js")
    assert js.status_code == 200
    assert js.content == (Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js").read_bytes()
    assert client.get("/static/vis/vis-network.css").status_code == 200
    assert client.get("/static/network.js").status_code == 200


# ------------------------------------------------------------------------------------ profiles

def test_profile_page(client):
    r = client.get("/entities/imu", headers=HTML)  # the API's route answers a browser with this page
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<h1 id="entity-label">Islamic Movement of Uzbekistan</h1>' in html
    assert '<span class="alias">IMU</span>' in html and "<small>[ru]</small>" in html
    assert 'data-relation="leaderOf" data-direction="in"' in html and "<h3>led by" in html
    assert '<span class="when">attested 2009–2015, ended 2015 at death</span>' in html
    assert '<span class="when">attested 2021-08, ended 2021-08</span>' in html
    assert 'class="cite" href="#source-soliev-pantucci-2022" data-source="soliev-pantucci-2022">Soliev &amp; Pantucci 2022, l. 24</a>' in html
    assert '<li id="source-soliev-pantucci-2022"><strong>Soliev &amp; Pantucci 2022</strong>' in html
    assert html.count("Central Asia (annual threat assessment for 2021)") == 1  # the full reference once
    assert 'href="/sources/soliev-pantucci-2022/passage?lines=24&amp;claim=' in html  # the passage view, naming the claim
    assert 'class="timeline-chart"' in html and 'href="#tie-usman-ghazi--leaderOf--imu"' in html
    assert '<nav class="toc"' in html and 'href="#family-group-group"' in html
    assert 'href="/views/entities/imu.json"' in html
    assert '<script type="application/json" id="ego-network-data">' in html
    assert client.get("/views/entities/imu", headers=HTML).text == html


def test_profile_json_twin(client):
    data = client.get("/views/entities/imu.json").json()
    assert data["id"] == "imu" and data["kind"] == "group"
    assert {a["text"] for a in data["aliases"]} == {"IMU", "IDU"}
    assert data["links"]["json"] == "/views/entities/imu.json"
    assert client.get("/views/entities/imu", headers={"accept": "application/json"}).json() == data
    missing = client.get("/views/entities/nobody.json")
    assert missing.status_code == 404 and "nobody" in missing.json()["message"]


def test_profile_marks_disputes(evil_client):
    html = evil_client.get("/entities/ilimbek-mamatov", headers=HTML).text
    assert html.count('class="claim is-disputed"') == 2
    assert html.count('class="dispute-link"') == 2 and '<section class="disputes" id="disputes">' in html
    assert html.count('<div class="side" id="side-') == 2  # side by side
    # every "disputed by" link names the other claim and lands on an element of the page
    import re
    targets = re.findall(r'href="#([^"]+)" class="dispute-link" data-claim="[^"]+">([^<]+)<', html)
    assert len(targets) == 2
    assert all(f'id="{anchor}"' in html and label != "another claim" for anchor, label in targets)
    edges = evil_client.get("/views/network.json", params={"focus": "ilimbek-mamatov"}).json()["edges"]
    marked = {e["to"] for e in edges if e["disputed"] and e["arrows"]["middle"]["enabled"]}
    assert marked == {"kyrgyzstan", "tajikistan"}
    assert all("DISPUTED" in e["title"] for e in edges if e["disputed"])


# ------------------------------------------------------------------------------------ escaping

def test_markup_in_names_is_escaped_everywhere(evil_client):
    for path in ("/entities/evil", "/views/network", "/views/network?focus=hts", "/?q=script", "/entities/hts"):
        html = evil_client.get(path, headers=HTML).text
        assert EVIL_LABEL not in html and EVIL_ALIAS not in html and EVIL_NOTE not in html, path
        assert "window.__xss" in html, path  # the text is there, escaped
    profile = evil_client.get("/entities/evil", headers=HTML).text
    assert "<h1 id=\"entity-label\">&lt;script&gt;window.__xss=1&lt;/script&gt;</h1>" in profile
    # inside the JSON data block, '<' is written \u003c so no tag can close the block
    block = re.search(r'<script type="application/json" id="ego-network-data">(.*?)</script>', profile, re.S).group(1)
    assert "<" not in block and "\\u003cscript\\u003e" in block


def test_source_list_gives_a_volume_its_own_entry_once_whatever_chapters_are_cited():
    from api.views.citations import source_list
    from graph.testing import fixture_catalog

    sources = fixture_catalog().sources()
    chapters = [s.id for s in sources.values() if s.part_of]
    volumes = {sources[c].part_of for c in chapters}
    assert len(chapters) >= 2 and volumes
    entries = source_list(chapters + chapters[:1], sources)
    by_id = {e["id"]: e for e in entries}
    assert len(by_id) == len(entries) == len(chapters) + len(volumes)
    for vid in volumes:
        title = sources[vid].title
        assert sum(title in e["reference"] for e in entries) == 1, title
        assert by_id[vid]["volume"] is None and by_id[vid]["reference"]
    for c in chapters:
        assert by_id[c]["volume"]["anchor"] == by_id[sources[c].part_of]["anchor"]
        assert sources[c].title in by_id[c]["reference"]


def _page_claims(profile: dict) -> dict[str, dict]:
    return {c["id"]: c for f in profile["families"] for g in f["groups"] for t in g["ties"] for c in t["claims"]}


def test_profile_json_twin_carries_the_summary_with_claim_ids_and_the_sources(client):
    from graph.testing import fixture_catalog

    known = fixture_catalog().sources()
    for entity in ("imu", "iskp", "hts"):
        data = client.get(f"/views/entities/{entity}.json").json()
        claims = _page_claims(data)
        assert data["summary"] and data["summary"][0]["text"].startswith(data["label"])
        assert any(s["claims"] for s in data["summary"])
        for sentence in data["summary"]:
            assert sentence["text"].endswith(".")
            assert set(sentence["claims"]) <= set(claims), sentence  # each id is a claim shown on the page
        cited = {s["document"] for c in claims.values() for s in c["sources"]}
        cited |= {s["document"] for d in data["disputes"] for side in (d["a"], d["b"]) for s in side["sources"]}
        cited |= {s["document"] for c in data["mentioned"] for s in c["sources"]}
        listed = [s["id"] for s in data["sources"]]
        assert len(listed) == len(set(listed)) and cited <= set(listed)
        for s in data["sources"]:
            assert s["anchor"] == f"source-{s['id']}" and s["reference"] and s["url"] == f"/sources/{s['id']}"
            if s["volume"]:
                assert s["volume"]["id"] in listed
            assert s["id"] in known


def test_profile_summary_speaks_in_the_ontology_labels_and_keeps_its_limit(monkeypatch):
    from api.views import profile as profile_module
    from api.views.profile import MAX_SENTENCES, SUMMARY_PARTS, profile_data
    from graph.testing import fixture_catalog

    cat = fixture_catalog()
    types = cat.relation_types()
    wanted = {r for r, _ in SUMMARY_PARTS}
    longest = {}
    for entity in cat.entities():
        profile = profile_data(cat, entity)
        summary = profile["summary"]
        assert len(summary) <= MAX_SENTENCES, (entity, len(summary))
        longest[entity] = len(summary)
        claims = _page_claims(profile)
        for sentence in summary[1:]:
            relations = {claims[c]["relation"] for c in sentence["claims"]}
            assert len(relations) == 1 and relations <= wanted, sentence
            meta = types[relations.pop()]
            labels = {meta["label"], meta["inverse_label"]}
            assert any(sentence["text"].lower().startswith(label.lower() + " ") for label in labels), sentence
    # the limit counts the opening sentence: with a lower one, the longest summary stops exactly there
    entity, n = max(longest.items(), key=lambda kv: kv[1])
    assert n >= 3
    monkeypatch.setattr(profile_module, "MAX_SENTENCES", n - 1)
    assert len(profile_data(cat, entity)["summary"]) == n - 1
