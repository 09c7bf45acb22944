"""The passage view (/sources/{id}/passage): the cited lines with context, names highlighted and
escaped, a JSON twin, chapters read from their volume's file, 404 without the text, 422 for bad
lines, and every citation link of every profile page answering.

The texts here are made up in a temporary CAKG_SOURCES_DIR (nothing of the real sources)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.read.catalog import Catalog
from graph.settings import Settings
from graph.testing import fixture_store

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSON = {"accept": "application/json"}
MARKUP = "<script>window.__x=1</script>"


def write_texts(folder: Path, catalog: Catalog, lines: dict[str, dict[int, str]] | None = None) -> None:
    """A made-up text for every file of the catalogue, as long as the longest citation needs (at
    least 50 lines; a volume as long as its last chapter), with the given lines put in."""
    lines = lines or {}
    need: dict[str, int] = {}
    sources = catalog.sources()
    for s in sources.values():
        holder = sources.get(s.part_of) if s.part_of else s
        if holder is not None and holder.file:
            need[holder.file] = max(need.get(holder.file, 50), s.line_end or 0)
    for claim in catalog.claims().values():
        for c in claim.sources:
            s = sources[c.document]
            holder = sources.get(s.part_of) if s.part_of else s
            need[holder.file] = max(need[holder.file], (c.line_end or c.line_start or 0) + 5)
    folder.mkdir(parents=True, exist_ok=True)
    for file, n in need.items():
        given = lines.get(file, {})
        (folder / file).write_text("\n".join(given.get(i, f"made-up line {i}") for i in range(1, n + 1)) + "\n",
                                   encoding="utf-8")


@pytest.fixture(scope="module")
def store():
    return fixture_store()


@pytest.fixture(scope="module")
def catalog(store):
    return Catalog(store)  # a catalog of its own (the app's is another), read from the same store


@pytest.fixture(scope="module")
def texts(tmp_path_factory, catalog):
    folder = tmp_path_factory.mktemp("texts")
    file = catalog.sources()["soliev-pantucci-2022"].file
    write_texts(folder, catalog, {file: {
        18: "Here the IMU and the Taliban & friends meet, and so does the imu.",
        19: f"A line of markup {MARKUP} beside the Taliban.",
    }})
    return folder


@pytest.fixture(scope="module")
def client(store, texts):
    with TestClient(create_app(store, settings=Settings(sources_dir=texts))) as c:
        yield c


def test_cited_lines_are_marked_with_context(client):
    r = client.get("/sources/soliev-pantucci-2022/passage.json?lines=18-19")
    assert r.status_code == 200, r.text
    page = r.json()
    numbers = [row["number"] for row in page["rows"]]
    assert numbers == list(range(page["context"]["first"], page["context"]["last"] + 1))
    assert page["context"]["first"] < 18 and page["context"]["last"] > 19  # context on both sides
    assert [row["number"] for row in page["rows"] if row["cited"]] == [18, 19]
    assert page["lines"] == {"first": 18, "last": 19} and page["total_lines"] >= 19
    html = client.get("/sources/soliev-pantucci-2022/passage?lines=18-19", headers=HTML)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert len(re.findall(r'<li value="\d+" id="l\d+" class="cited">', html.text)) == 2
    assert 'id="l17" class="context"' in html.text


def test_names_are_highlighted_and_the_text_is_escaped(client):
    r = client.get("/sources/soliev-pantucci-2022/passage?lines=18-19&names=imu,taliban", headers=HTML)
    assert r.status_code == 200
    html = r.text
    assert "<mark>IMU</mark>" in html and "<mark>imu</mark>" in html and "<mark>Taliban</mark>" in html
    assert MARKUP not in html and "&lt;script&gt;window.__x=1&lt;/script&gt;" in html
    assert "&amp; friends" in html
    # only the names are marked, and the text reads the same once the marks are taken out
    line = re.search(r'<li value="18"[^>]*>(.*?)</li>', html).group(1)
    assert unescape(re.sub(r"</?mark>", "", line)) == "Here the IMU and the Taliban & friends meet, and so does the imu."


def test_a_name_made_of_markup_is_escaped_when_highlighted(client):
    r = client.get(f"/sources/soliev-pantucci-2022/passage?lines=19&names={MARKUP}", headers=HTML)
    assert r.status_code == 200
    assert MARKUP not in r.text and "<mark>&lt;script&gt;window.__x=1&lt;/script&gt;</mark>" in r.text


def test_claim_highlights_its_entities(client, catalog):
    claim = next(c for c in catalog.claims().values() if c.object is not None
                 and any(s.document == "soliev-pantucci-2022" and s.line_start for s in c.sources))
    cit = next(s for s in claim.sources if s.document == "soliev-pantucci-2022")
    page = client.get(f"/sources/soliev-pantucci-2022/passage.json?lines={cit.line_start}&claim={claim.id}").json()
    assert page["claim"]["id"] == claim.id
    for end in (claim.subject, claim.object):
        assert catalog.entity(end.id).label in page["names"]
    assert client.get("/sources/soliev-pantucci-2022/passage.json?lines=18&claim=no-such-claim").status_code == 404


def test_json_twin_by_accept_and_by_suffix(client):
    a = client.get("/sources/soliev-pantucci-2022/passage?lines=18&names=imu", headers=JSON)
    b = client.get("/sources/soliev-pantucci-2022/passage.json?lines=18&names=imu")
    assert a.status_code == b.status_code == 200 and a.json() == b.json()
    assert a.json()["links"]["json"] == "/sources/soliev-pantucci-2022/passage.json?lines=18&names=imu"
    html = client.get(a.json()["links"]["html"], headers=HTML).text
    assert 'href="/sources/soliev-pantucci-2022/passage.json?lines=18&amp;names=imu"' in html


def test_a_chapter_is_read_from_its_volume_by_the_volume_lines(client, catalog):
    sources = catalog.sources()
    chapter = next(s for s in sources.values() if s.part_of and s.line_start and s.line_start > 10)
    volume = sources[chapter.part_of]
    page = client.get(f"/sources/{chapter.id}/passage.json?lines={chapter.line_start + 1}").json()
    assert page["file"] == volume.file and page["part_of"] == volume.id
    assert page["chapter_lines"] == {"first": chapter.line_start, "last": chapter.line_end}
    assert page["context"]["first"] >= chapter.line_start  # context stays inside the chapter
    outside = client.get(f"/sources/{chapter.id}/passage.json?lines={chapter.line_start - 1}")
    assert outside.status_code == 422 and outside.json()["parameter"] == "lines"
    assert chapter.id in outside.json()["message"]


@pytest.mark.parametrize("lines", ["abc", "0", "5-3", "1-100000", "", "18;19"])
def test_bad_lines_are_422_naming_the_parameter(client, lines):
    r = client.get(f"/sources/soliev-pantucci-2022/passage.json?lines={lines}")
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_parameter" and r.json()["parameter"] == "lines"


def test_lines_past_the_end_of_the_text_are_422(client, texts, catalog):
    n = len((texts / catalog.sources()["soliev-pantucci-2022"].file).read_text(encoding="utf-8").splitlines())
    assert client.get(f"/sources/soliev-pantucci-2022/passage.json?lines={n}").status_code == 200
    r = client.get(f"/sources/soliev-pantucci-2022/passage.json?lines={n}-{n + 1}")
    assert r.status_code == 422 and "outside" in r.json()["message"]


def test_unknown_source_is_404_in_json_and_html(client):
    r = client.get("/sources/no-such-source/passage.json?lines=1")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    page = client.get("/sources/no-such-source/passage?lines=1", headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "no-such-source" in page.text


def test_absent_text_is_404_when_the_sources_folder_is_empty(store, tmp_path):
    with TestClient(create_app(store, settings=Settings(sources_dir=tmp_path))) as c:
        r = c.get("/sources/soliev-pantucci-2022/passage.json?lines=18")
        assert r.status_code == 404 and r.json()["error"] == "text_not_found"
        assert str(tmp_path) in r.json()["message"] and "CAKG_SOURCES_DIR" in r.json()["message"]
        page = c.get("/sources/soliev-pantucci-2022/passage?lines=18", headers=HTML)
        assert page.status_code == 404 and "text/html" in page.headers["content-type"]
        assert "CAKG_SOURCES_DIR" in page.text


def test_the_sources_folder_comes_from_the_environment(store, texts, monkeypatch):
    monkeypatch.setenv("CAKG_SOURCES_DIR", str(texts))
    with TestClient(create_app(store)) as c:
        assert c.get("/sources/soliev-pantucci-2022/passage.json?lines=18").status_code == 200


def test_every_citation_link_on_every_profile_page_answers(client, catalog):
    """Each passage link of each entity page is followed: all answer 200 with the cited lines marked."""
    links: set[str] = set()
    for entity_id in catalog.entities():
        page = client.get(f"/views/entities/{entity_id}", headers=HTML)
        assert page.status_code == 200, entity_id
        links.update(unescape(h) for h in re.findall(r'class="passage" href="([^"]+)"', page.text))
    assert links, "no passage links found on the profile pages"
    for link in sorted(links):
        r = client.get(link, headers=JSON)
        assert r.status_code == 200, (link, r.text)
        page = r.json()
        assert any(row["cited"] for row in page["rows"])
        assert page["claim"] is not None  # the links carry their claim, so its names are highlighted


def test_every_citation_of_a_volume_chapter_links_to_the_chapter(catalog):
    """The fixture's chapters: the claims citing the volume cite a chapter whose lines hold theirs."""
    from api.views.citations import cite

    sources = catalog.sources()
    for claim in catalog.claims().values():
        for c in claim.sources:
            s = sources[c.document]
            link = cite(c, sources, claim.id)["passage"]
            assert link.startswith(f"/sources/{c.document}/passage?lines={c.line_start}")
            if s.part_of:
                assert s.line_start <= c.line_start <= (c.line_end or c.line_start) <= s.line_end

