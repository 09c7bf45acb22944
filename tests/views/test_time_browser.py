"""The profile timeline, the lineage view and the change view in real Chromium (Debian's
/usr/bin/chromium through Playwright, headless) against a live server on 127.0.0.1: drawn and
visible, their links open the profiles, markup in names stays text, and no request leaves
127.0.0.1 (the ``page`` fixture checks that after every test, and that no script error occurred).
"""

# ruff: noqa: F811 - the tests take the imported browser fixtures (page) as arguments

from __future__ import annotations

import pytest

from graph.testing import fixture_store

# the browser fixtures of test_browser.py (one Chromium per module; a page that fails the test on any
# request off 127.0.0.1 or any script error), used under their own names
from tests.views.test_browser import api, browser, no_script_ran, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def time_server(tmp_path_factory):
    from api.app import create_app
    from tests.support import LiveServer
    from tests.views.test_time_views import make_time_seeds

    seeds = make_time_seeds(tmp_path_factory.mktemp("time-browser"))
    with LiveServer(create_app(fixture_store(seeds))) as server:
        yield server


def test_profile_timeline_is_drawn_and_a_row_leads_to_its_claims(page, live_server, artifacts):
    profile = api(live_server, "/views/entities/imu.json")
    page.goto(live_server.url + "/entities/imu")
    chart = page.locator("svg.timeline-chart")
    chart.wait_for(state="visible")
    rows = chart.locator("g.row")
    assert rows.count() == len(profile["timeline"]["rows"]) > 0
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 40
    # bars and markers are drawn with a size, presumed ones fainter than held ones
    held = chart.locator("rect.holds").first
    assert held.bounding_box()["width"] >= 2
    if chart.locator("rect.presumed").count():
        opacity = lambda sel: float(page.evaluate(f"getComputedStyle(document.querySelector('svg.timeline-chart {sel}')).opacity"))
        assert opacity("rect.presumed") < opacity("rect.holds")
    # each row's tooltip gives its dates and its sources
    first = profile["timeline"]["rows"][0]
    title = chart.locator(f"g.row[data-tie='{first['tie']}'] > title").text_content()
    assert first["when"] in title
    page.screenshot(path=str(artifacts / "timeline-imu.png"), full_page=False)
    chart.locator(f"g.row[data-tie='{first['tie']}']").click()
    page.wait_for_function(f"() => location.hash === '#tie-{first['tie']}'")
    target = page.locator(f"li.tie[data-tie='{first['tie']}']")
    assert target.is_visible() and target.locator("li.claim").count() >= 1


def test_lineage_view_draws_lanes_and_connectors_and_opens_profiles(page, live_server, artifacts):
    data = api(live_server, "/views/lineage.json")
    page.goto(live_server.url + "/views/lineage")
    svg = page.locator("#lineage-chart")
    svg.wait_for(state="visible")
    assert svg.locator("g.lane-row").count() == len(data["lanes"]) > 1
    assert svg.locator("g.event").count() == len(data["events"]) > 0
    for i, lane in enumerate(data["lanes"][:3]):
        row = svg.locator(f"g.lane-row[data-group='{lane['group']['id']}']")
        assert row.locator("text.lane-label").text_content().startswith(lane["group"]["label"][:20])
        assert row.locator("line.lane").bounding_box()["width"] > 0
    split = next(e for e in data["events"] if e["kind"] == "split")
    line = svg.locator(f"g.event[data-tie='{split['key']}'] line.connector")
    assert line.bounding_box()["height"] > 10  # runs from one lane to another
    assert page.locator("#events li.tie-line").count() == len(data["events"])
    page.screenshot(path=str(artifacts / "lineage.png"), full_page=True)
    # a lane's label opens the group's profile
    svg.locator("g.lane-row[data-group='imu'] a.lane-link").click()
    page.wait_for_url(live_server.url + "/entities/imu")
    assert page.locator("h1#entity-label").text_content() == "Islamic Movement of Uzbekistan"
    # a connector opens the subject's profile at the tie
    page.go_back()
    page.locator("#lineage-chart").wait_for(state="visible")
    page.locator(f"g.event[data-tie='{split['key']}'] line.connector").click(force=True)
    page.wait_for_url(f"{live_server.url}/entities/{split['subject']['id']}#tie-{split['key']}")
    assert page.locator(f"li.tie[data-tie='{split['key']}']").is_visible()


def test_change_view_lists_changes_takes_a_new_window_and_opens_profiles(page, live_server, artifacts):
    page.goto(live_server.url + "/views/changes?from=2015&to=2015")
    data = api(live_server, "/views/changes.json?from=2015&to=2015")
    for key in ("formed", "ended", "acts"):
        section = page.locator(f"section#{key}")
        assert section.is_visible()
        assert section.locator("li.tie-line").count() == len(data[key]), key
    act = data["acts"][0]
    item = page.locator(f"section#acts li.tie-line[data-tie='{act['key']}']")
    assert act["claims"][0]["cites"][0]["short"] in item.locator("a.cite").first.text_content()
    page.screenshot(path=str(artifacts / "changes-2015.png"), full_page=True)
    # a new window through the form
    page.locator("input[name=from]").fill("2014")
    page.locator("input[name=to]").fill("2021")
    page.locator("form.window button").click()
    page.wait_for_url(live_server.url + "/views/changes?from=2014&to=2021")
    wider = api(live_server, "/views/changes.json?from=2014&to=2021")
    assert page.locator("section#formed li.tie-line").count() == len(wider["formed"])
    assert page.locator("h1").text_content() == "What changed from 2014 to 2021"
    # an entity opens its profile
    first = wider["formed"][0]
    page.locator(f"section#formed li.tie-line[data-tie='{first['key']}'] a.entity").first.click()
    page.wait_for_url(f"{live_server.url}/entities/{first['subject']['id']}")
    assert page.locator("h1#entity-label").text_content() == first["subject"]["label"]


def test_a_bad_window_is_answered_with_a_message_naming_it(page, live_server):
    response = page.goto(live_server.url + "/views/changes?from=2016&to=2014")
    assert response.status == 422  # the HTML error page, naming the parameter
    assert page.locator("article.error .hint").text_content() == "Parameter: from"
    assert "from" in page.locator("article.error .message").text_content()


def test_markup_in_names_stays_text_on_the_time_views(page, time_server, artifacts):
    from tests.views.test_time_views import EVIL_GROUP

    page.goto(time_server.url + "/views/lineage")
    label = page.locator("#lineage-chart g.lane-row[data-group='evil-front'] text.lane-label")
    label.wait_for()
    assert label.text_content().startswith("<script>")
    no_script_ran(page)
    page.goto(time_server.url + "/views/changes?from=2016&to=2016")
    assert EVIL_GROUP in page.locator("section#acts").text_content()
    no_script_ran(page)
    page.goto(time_server.url + "/entities/evil-front")
    page.locator("svg.timeline-chart").wait_for(state="visible")
    no_script_ran(page)
    page.screenshot(path=str(artifacts / "xss-lineage-profile.png"), full_page=False)
