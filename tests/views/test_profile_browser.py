"""The profiles of the seven named groups on the REAL graph, in real Chromium against a live server
on 127.0.0.1: every in-page link (short citations to the Sources list, summary sentences to their
claims, dispute links to the other claim, chapters to their volume) lands on an element that is
there; each source's full reference is printed once; no footnote is printed twice; no request
leaves 127.0.0.1 (any that tries is blocked and recorded). A screenshot of the IMU profile at
1440×900 goes to tests/artifacts/.

The graph is the one ``cakg build`` wrote to the data directory (``CAKG_DATA_DIR``, default
``data/``); with no build there, the real seeds are compiled in memory instead.
"""

from __future__ import annotations

import pytest

from graph.settings import Settings

# the Chromium of test_browser.py (one per module)
from .test_browser import browser, checked_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.server]

#: the seven named groups of the project (ids in seeds/entities/groups.yaml)
NAMED_GROUPS = ("imu", "ktj", "kib", "jamaat-ansarullah", "iju", "hts", "iskp")


def real_store():
    from graph.store import StoreMissing
    from graph.store.embedded import open_store
    from graph.testing import fixture_store

    try:
        return open_store(Settings().data_dir)
    except StoreMissing:
        return fixture_store(Settings().seeds_dir)


@pytest.fixture(scope="module")
def real_server():
    from api.app import create_app

    from ..support import LiveServer

    with LiveServer(create_app(real_store())) as server:
        yield server


@pytest.fixture
def page(browser):  # noqa: F811 - the module's Chromium
    """A checked page (tests.views.test_browser.checked_page) of 1440×900."""
    with checked_page(browser, 1440, 900) as p:
        p.set_default_timeout(20_000)
        yield p


# every in-page link of the profile, where it points and what is there
LINKS_JS = """() => Array.from(document.querySelectorAll('article.profile a[href^="#"]')).map(a => {
  const id = a.getAttribute('href').slice(1);
  const t = id ? document.getElementById(id) : null;
  return {cls: a.className, id, text: a.textContent.trim(), claim: a.dataset.claim || null,
          found: !!t, inSources: !!(t && t.closest('#sources')), targetClaim: t ? (t.dataset.claim || null) : null,
          targetClass: t ? t.className : null, targetCites: t ? t.querySelectorAll('a.cite').length : 0,
          targetText: t ? (t.closest('.tie, .side') || t).innerText : ''};
})"""


def profile_json(server, entity: str) -> dict:
    import json
    from urllib.request import urlopen

    with urlopen(f"{server.url}/views/entities/{entity}.json", timeout=30) as r:  # noqa: S310 - 127.0.0.1
        return json.loads(r.read())


@pytest.mark.parametrize("entity", NAMED_GROUPS)
def test_named_group_profile_links_land_and_references_print_once(page, real_server, artifacts, entity):
    data = profile_json(real_server, entity)
    page.goto(f"{real_server.url}/views/entities/{entity}")
    page.wait_for_selector("#sources")
    links = page.evaluate(LINKS_JS)
    broken = [link for link in links if not link["found"]]
    assert not broken, broken[:5]

    # short citations (and chapters' volume links) land in the Sources list
    cites = [link for link in links if link["cls"] in ("cite", "volume")]
    assert cites, f"{entity}: no citation on the page"
    assert all(link["inSources"] for link in cites), [link for link in cites if not link["inSources"]][:5]

    # every summary sentence but the opening one rests on claims; each link lands on that claim
    refs = page.evaluate("""() => Array.from(document.querySelectorAll('#summary a.claim-ref'))
        .map(a => a.getAttribute('href').slice(1))""")
    wanted = [f"claim-{cid}" for s in data["summary"] for cid in s["claims"]]
    assert refs == wanted and refs, (entity, refs[:5], wanted[:5])
    claim_links = [link for link in links if link["cls"] == "claim-ref"]
    assert all("claim" in link["targetClass"].split() and link["targetClaim"] == link["id"][len("claim-"):]
               for link in claim_links)

    # a dispute link lands on the other claim (on the page, or its side in Disputes), which shows it
    disputed = [c for f in data["families"] for g in f["groups"] for t in g["ties"] for c in t["claims"]
                if c["disputed_by"]]
    dispute_links = [link for link in links if link["cls"] == "dispute-link"]
    assert len(dispute_links) == sum(len(c["disputed_by"]) for c in disputed)
    for link in dispute_links:
        assert link["targetClaim"] == link["claim"], link
        assert link["text"] and link["text"] != "another claim"
        assert link["targetCites"] and link["targetText"], link  # the other claim, with its sources
    if dispute_links:  # following one brings the other claim into view
        page.click("a.dispute-link >> nth=0")
        target = page.locator(f"#{dispute_links[0]['id']}")
        target.wait_for(state="visible")
        assert target.bounding_box()["y"] < 900

    # each source once, its full reference printed once on the whole page (a volume too)
    text = page.inner_text("article.profile")
    listed = page.evaluate("() => Array.from(document.querySelectorAll('#sources li')).map(li => li.id)")
    assert len(listed) == len(set(listed)) == len(data["sources"])
    for s in data["sources"]:
        assert text.count(s["reference"]) == 1, (entity, s["id"])
        if s["volume"]:
            assert s["volume"]["anchor"] in listed
    volumes = {s["volume"]["id"] for s in data["sources"] if s["volume"]}
    assert volumes <= {s["id"] for s in data["sources"]}

    # no footnote printed twice: once per citation, and no citation repeated within one claim
    spans = page.evaluate("""() => Array.from(document.querySelectorAll('article.profile .cites'))
        .map(s => Array.from(s.querySelectorAll('a.cite')).map(a => a.textContent))""")
    for shorts in spans:
        assert len(shorts) == len(set(shorts)), shorts
        assert all(s.count("fn.") <= 1 for s in shorts), shorts

    if entity == "imu":
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(artifacts / "profile-imu-real-1440x900.png"))
