"""Issue 14, item 8: the SPARQL page's result table links only http/https IRIs, checked in Chromium
(a /sparql?query=... link opens the YASGUI editor, which runs the query in a tab of its own)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.views.test_browser import browser, page  # noqa: F401 - shared Chromium fixtures

pytestmark = [pytest.mark.browser, pytest.mark.server]

RESULTS = "#yasgui .tabPanel.active .yasr table.dataTable"
HOSTILE = ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
           "vbscript:msgbox(1)"]


def test_non_web_iris_are_text_not_links(page, live_server):  # noqa: F811
    values = " ".join(f'("{v}")' for v in HOSTILE) + ' ("https://example.org/ok")'
    query = f"SELECT ?x WHERE {{ VALUES (?v) {{ {values} }} BIND(IRI(?v) AS ?x) }}"
    page.goto(live_server.url + "/sparql?query=" + quote(query), wait_until="networkidle")
    page.wait_for_selector(RESULTS + " tbody tr", timeout=90_000)
    hrefs = page.eval_on_selector_all(RESULTS + " a", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs == ["https://example.org/ok"], hrefs
    cells = page.eval_on_selector_all(RESULTS + " td", "els => els.map(e => e.textContent)")
    assert set(HOSTILE) <= {c.strip().strip("<>") for c in cells}, cells


def test_reported_reproducer_renders_no_link(page, live_server):  # noqa: F811
    query = 'SELECT ?x WHERE { BIND(IRI("javascript:alert(1)") AS ?x) }'
    page.goto(live_server.url + "/sparql?query=" + quote(query), wait_until="networkidle")
    page.wait_for_selector(RESULTS + " tbody tr", timeout=90_000)
    assert page.eval_on_selector_all(RESULTS + " a", "els => els.length") == 0
    assert "javascript:alert(1)" in page.inner_text(RESULTS)
