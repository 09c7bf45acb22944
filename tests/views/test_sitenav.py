"""The site navigation (api.views.sitenav) on pages that do not share base.html: the SPARQL page
and the API docs. Each lists every page of the site the app serves, marks the page shown, and
every link it gives answers."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from api.app import create_app
from api.views.sitenav import LINKS
from api.views.templating import render
from graph.testing import fixture_store

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(fixture_store())) as c:
        yield c


def nav_links(html: str) -> list[tuple[str, bool]]:
    block = re.search(r'<nav aria-label="Site">(.*?)</nav>', html, re.S)
    assert block, "the page has no site navigation"
    return [(m.group(1).replace("&amp;", "&"), bool(m.group(2)))
            for m in re.finditer(r'<a href="([^"]+)"( aria-current="page")?>', block.group(1))]


@pytest.mark.parametrize("path", ["/sparql", "/docs", "/redoc", "/"])
def test_the_navigation_lists_the_sites_pages(client, path):
    r = client.get(path, headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    links = nav_links(r.text)
    # every page of LINKS is served by this app (the create_app of the project), so all are listed
    assert [href for href, _ in links] == [href for href, _, _ in LINKS]
    assert [href for href, current in links if current] == [path]
    for href, _ in links:
        answer = client.get(href, headers=HTML)
        assert answer.status_code == 200, (href, answer.status_code)


def test_a_link_to_a_page_the_app_does_not_serve_is_left_out():
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/sparql")
    def only(request: Request):
        return render(request, "_nav.html")

    with TestClient(app) as c:
        r = c.get("/sparql")
        assert r.status_code == 200, r.text
        assert nav_links(r.text) == [("/sparql", True)]


def test_the_sparql_page_carries_its_examples_and_prefixes_as_json(client):
    import json

    from api.sparql.description import EXAMPLES
    from graph.vocab import PREFIXES

    r = client.get("/sparql", headers=HTML)
    block = re.search(r'<script id="sparql-config" type="application/json">(.*?)</script>', r.text, re.S)
    config = json.loads(block.group(1))
    assert config["examples"] == EXAMPLES and config["prefixes"] == PREFIXES
    assert '<script nonce="' in r.text and 'src="/static/vendor/yasgui/yasgui.min.js"' in r.text
    assert "unsafe-eval" not in r.headers["content-security-policy"]
    for asset in ("/static/vendor/yasgui/yasgui.min.js", "/static/vendor/yasgui/yasgui.min.css", "/static/sparql.js"):
        assert client.get(asset).status_code == 200, asset
