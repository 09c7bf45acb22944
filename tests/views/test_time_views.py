"""The change view, the lineage view and the profile timeline without a browser: their HTML and
JSON twins agree with the read model, bad input is a 422 naming the parameter, markup in names
is escaped. (Real-browser tests: test_time_browser.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.read.changes import changes
from graph.read.lineage import LINEAGE
from graph.testing import fixture_catalog
from tests.support import seeds_client
from tests.views.test_pages import EVIL_LABEL, HTML, make_evil_seeds

EVIL_GROUP = '<script>window.__xss=4</script> Front'


def make_time_seeds(root: Path) -> Path:
    """The evil seeds plus a group with markup for a name that splits from the IMU in 2016 and
    pledges to Islamic State (so it has a lane, events and a change)."""
    seeds = make_evil_seeds(root)
    (seeds / "claims" / "evil-group.yaml").write_text(
        "entities:\n"
        f"  - {{id: evil-front, kind: group, label: {EVIL_GROUP!r}}}\n"
        "claims:\n"
        "  - {subject: evil-front, relation: splitFrom, object: imu, date: 2016, source: 'soliev-pantucci-2022:24'}\n"
        "  - {subject: evil-front, relation: pledgedAllegianceTo, object: islamic-state, as_of: 2016, "
        "source: 'soliev-pantucci-2022:24'}\n", encoding="utf-8")
    return seeds


@pytest.fixture(scope="module")
def time_client(tmp_path_factory):
    with seeds_client(make_time_seeds(tmp_path_factory.mktemp("time-views"))) as c:
        yield c


def keys(items) -> list[str]:
    return sorted(t["key"] for t in items)


# ------------------------------------------------------------------------------ changes

def test_change_view_json_is_the_read_models_changes_with_citations(client):
    body = client.get("/views/changes.json", params={"from": "2014", "to": "2016"}).json()
    want = changes(fixture_catalog(), "2014", "2016")
    for section in ("formed", "ended", "acts"):
        assert keys(body[section]) == keys(want[section]), section
        for t in body[section]:
            assert t["when"] and t["claims"]
            assert all(c["cites"] and c["cites"][0]["short"] for c in t["claims"]), t["key"]
    assert body["changed_type"] == want["changed_type"]
    assert body["counts"] == want["counts"] and body["from"] == "2014" and body["to"] == "2016"


def test_change_view_html_lists_each_section_with_links_and_sources(client):
    html = client.get("/views/changes", params={"from": "2015", "to": "2015"}, headers=HTML)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    data = client.get("/views/changes.json", params={"from": "2015", "to": "2015"}).json()
    for key in ("formed", "ended", "acts", "changed_type", "newly_disputed"):
        assert f'id="{key}"' in html.text and f'data-count="{data["counts"][key]}"' in html.text
    for t in data["ended"] + data["acts"]:
        assert f'data-tie="{t["key"]}"' in html.text
        assert f'href="/entities/{t["subject"]["id"]}#tie-{t["key"]}"' in html.text
    assert "/sources/soliev-pantucci-2022/passage?lines=" in html.text
    assert 'href="/views/changes.json?from=2015&amp;to=2015"' in html.text
    # the same as JSON by Accept
    assert client.get("/views/changes?from=2015&to=2015", headers={"accept": "application/json"}).json()["counts"] == data["counts"]


def test_change_view_defaults_to_the_latest_years(client):
    body = client.get("/views/changes.json").json()
    assert int(body["to"]) - int(body["from"]) == 1
    latest = max(int(t.first[:4]) for t in fixture_catalog().ties().values() if t.first and t.factual and not t.always)
    assert body["to"] == str(latest)


@pytest.mark.parametrize("params, parameter", [
    ({"from": "2016", "to": "2014"}, "from"),
    ({"from": "2014-13", "to": "2016"}, "from"),
    ({"from": "2014", "to": "soon"}, "to"),
    ({"from": "2014"}, "to"),
    ({"to": "2014"}, "from"),
    ({"from": "2014", "to": "2016", "status": "maybe"}, "status"),
    ({"from": "2014", "to": "2016", "status": "holds,sometimes"}, "status"),
])
def test_change_view_bad_input_is_a_422_naming_the_parameter(client, params, parameter):
    for path, headers in (("/views/changes", {"accept": "application/json"}), ("/views/changes.json", HTML)):
        r = client.get(path, params=params, headers=headers)
        assert r.status_code == 422, (path, params)
        assert r.json()["parameter"] == parameter and parameter in r.json()["message"]
    page = client.get("/views/changes", params=params, headers=HTML)  # a browser gets the HTML error page
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert f"Parameter: {parameter}" in page.text


def test_change_view_status_narrows_the_type_comparison(client):
    both = client.get("/views/changes.json", params={"from": "2014", "to": "2021"}).json()
    held = client.get("/views/changes.json", params={"from": "2014", "to": "2021", "status": "holds"}).json()
    assert held["statuses"] == ["holds"] and both["statuses"] == ["holds", "presumed"]
    assert held["changed_type"] == changes(fixture_catalog(), "2014", "2021", ("holds",))["changed_type"]


def test_rest_changes_rejects_from_after_to(client):
    r = client.get("/changes", params={"from": "2016", "to": "2014"})
    assert r.status_code == 422 and r.json()["parameter"] == "from"


# ------------------------------------------------------------------------------ lineage

def test_lineage_json_has_a_lane_per_group_and_an_event_per_lineage_tie(client):
    body = client.get("/views/lineage.json").json()
    cat = fixture_catalog()
    want = sorted(t.key for t in cat.ties().values() if t.relation in LINEAGE and t.factual and t.first
                  and t.subject.kind == t.object.kind == "group")
    assert keys(body["events"]) == want
    lanes = {lane["group"]["id"] for lane in body["lanes"]}
    assert lanes == {g for e in body["events"] for g in (e["subject"]["id"], e["object"]["id"])}
    assert body["index"] == {lane["group"]["id"]: i for i, lane in enumerate(body["lanes"])}
    for e in body["events"]:
        assert e["kind"] == LINEAGE[e["relation"]] and e["cites"] and e["when"]
        assert lanes >= {e["subject"]["id"], e["object"]["id"]}
    imu = body["lanes"][body["index"]["imu"]]
    leaders = [item["person"]["id"] for item in imu["leaders"]]
    assert leaders == sorted(leaders, key=lambda p: next(i["first_attested"] for i in imu["leaders"] if i["person"]["id"] == p))
    assert {"tahir-yuldash", "usman-ghazi"} <= set(leaders)


def test_lineage_page_draws_lanes_connectors_and_leaders(client):
    html = client.get("/views/lineage", headers=HTML).text
    body = client.get("/views/lineage.json").json()
    assert html.count('class="lane-row"') == len(body["lanes"])
    assert len(re.findall(r'<g class="event[^"]*" data-tie=', html)) == len(body["events"])
    assert html.count('class="leader"') == sum(len(lane["leaders"]) for lane in body["lanes"])
    for e in body["events"]:
        assert f'href="/entities/{e["subject"]["id"]}#tie-{e["key"]}"' in html
    assert 'href="/entities/imu"' in html


def test_lineage_focus_keeps_the_groups_around_one(client):
    around = client.get("/views/lineage.json", params={"focus": "imu", "depth": 1}).json()
    every = client.get("/views/lineage.json").json()
    assert around["focus"] == "imu" and "imu" in around["index"]
    assert set(around["index"]) <= set(every["index"])
    for e in around["events"]:
        assert "imu" in (e["subject"]["id"], e["object"]["id"])  # depth 1: only ties of the IMU itself
    r = client.get("/views/entities/imu/lineage", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/views/lineage?focus=imu"


@pytest.mark.parametrize("params, parameter, status", [
    ({"focus": "nobody"}, "focus", 404), ({"focus": "usman-ghazi"}, "focus", 422),
    ({"depth": "0"}, "depth", 422), ({"depth": "two"}, "depth", 422),
])
def test_lineage_bad_input_is_named(client, params, parameter, status):
    r = client.get("/views/lineage", params=params, headers={"accept": "application/json"})
    assert r.status_code == status and r.json()["parameter"] == parameter
    page = client.get("/views/lineage", params=params, headers=HTML)  # a browser gets the HTML error page
    assert page.status_code == status and f"Parameter: {parameter}" in page.text


# ------------------------------------------------------------------------------ profile timeline

def test_profile_timeline_rows_follow_the_rule(client):
    profile = client.get("/views/entities/imu.json").json()
    html = client.get("/entities/imu", headers=HTML).text
    rows = profile["timeline"]["rows"]
    assert rows and html.count('<g class="row') == len(rows)
    cat = fixture_catalog()
    for row in rows:
        tie = cat.ties()[row["tie"]]
        want = [s["status"] if not tie.one_off else "act" for s in tie.spans() if s["status"] != "ended"]
        assert [r["status"] for r in row["runs"]] == want, row["tie"]
        assert f'href="#tie-{row["tie"]}"' in html
    assert 'href="/views/lineage?focus=imu"' in html


# ------------------------------------------------------------------------------ escaping

def test_markup_in_names_is_escaped_on_the_time_views(time_client):
    for path in ("/views/lineage", "/views/lineage?focus=evil-front", "/views/changes?from=2016&to=2016",
                 "/entities/evil-front", "/entities/evil"):
        r = time_client.get(path, headers=HTML)
        assert r.status_code == 200, path
        assert EVIL_GROUP not in r.text and EVIL_LABEL not in r.text, path
        assert "&lt;script&gt;window.__xss=" in r.text, path
