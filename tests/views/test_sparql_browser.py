"""The SPARQL page's YASGUI editor in real Chromium (Playwright, /usr/bin/chromium, headless)
against a live server on 127.0.0.1. Every request to another host is blocked by a route and
recorded: none may be made. The console must show no Content-Security-Policy refusal."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from api.sparql.description import EXAMPLES
from graph.testing import fixture_store
from graph.vocab import sparql_prefixes
from tests.views.test_browser import browser, checked_page  # noqa: F401 - the shared Chromium fixture

pytestmark = [pytest.mark.browser, pytest.mark.server]

GROUP_NAMES = """SELECT ?name WHERE { ?g a cakg:MilitantGroup ; rdfs:label ?l . BIND(STR(?l) AS ?name) }
ORDER BY ?name LIMIT 20"""
JAVASCRIPT_IRI = 'SELECT ?x WHERE { BIND(IRI("javascript:alert(1)") AS ?x) }'


@pytest.fixture
def editor(browser, live_server):  # noqa: F811
    """The /sparql page at 1440×900 with YASGUI started; after the test, no request went
    anywhere but 127.0.0.1, and no script error happened and the console reported no
    Content-Security-Policy refusal."""
    with checked_page(browser, 1440, 900, csp=True) as page:
        page.set_default_timeout(20_000)
        page.goto(live_server.url + "/sparql", wait_until="networkidle")
        page.wait_for_selector("#yasgui .yasqe .CodeMirror")
        yield page


def run(page, query: str) -> None:
    """Put ``query`` into the active tab's editor and press YASQE's Run button."""
    page.evaluate("q => window.cakg.yasgui.getTab().getYasqe().setValue(q)", query)
    page.locator("#yasgui .tabPanel.active .yasqe_queryButton").click()
    # generous: the first query starts the server's worker processes, on a shared machine
    page.wait_for_selector("#yasgui .tabPanel.active .yasr table.dataTable tbody tr, "
                           "#yasgui .tabPanel.active .yasr .errorResult", timeout=90_000)
    error = page.locator("#yasgui .tabPanel.active .yasr .errorResult")
    assert error.count() == 0, error.first.inner_text()


def table_rows(page) -> list[list[str]]:
    """The result table's cells, row by row, without YASR's row-number column."""
    return page.eval_on_selector_all(
        "#yasgui .tabPanel.active .yasr table.dataTable tbody tr",
        "trs => trs.map(tr => [...tr.querySelectorAll('td')].slice(1).map(td => td.innerText.trim()))")


def test_the_editor_starts_and_the_form_steps_aside(editor):
    assert editor.locator("#fallback").is_hidden()
    assert editor.locator("#yasgui").is_visible()
    endpoint = editor.evaluate("window.cakg.yasgui.getTab().getEndpoint()")
    assert urlsplit(endpoint).path == "/sparql" and urlsplit(endpoint).hostname == "127.0.0.1"
    completers = editor.evaluate("window.cakg.yasgui.getTab().getYasqe().config.autocompleters")
    assert "class" not in completers and "property" not in completers


def test_the_examples_are_tabs(editor):
    names = editor.eval_on_selector_all("#yasgui .tabsList .tab a > span", "els => els.map(e => e.textContent.trim())")
    assert names == [ex["name"] for ex in EXAMPLES]
    value = editor.evaluate("window.cakg.yasgui.getTab().getYasqe().getValue()")
    assert value == EXAMPLES[0]["query"]
    # the predefined prefixes are known to the editor: the example (no PREFIX lines) is valid
    assert editor.evaluate("window.cakg.yasgui.getTab().getYasqe().queryValid") is True


def test_run_shows_the_rows_the_store_returns(editor, artifacts):
    run(editor, GROUP_NAMES)
    expected = [[row["name"]] for row in fixture_store().select(sparql_prefixes() + GROUP_NAMES)]
    assert expected, "the fixture graph names no group"
    assert table_rows(editor) == expected
    editor.screenshot(path=str(artifacts / "sparql-yasgui.png"))


def test_a_javascript_iri_is_text_not_a_link(editor):
    run(editor, JAVASCRIPT_IRI)
    cell = editor.locator("#yasgui .tabPanel.active .yasr table.dataTable tbody tr td").nth(1)
    assert "javascript:alert(1)" in cell.inner_text()
    assert cell.locator("a").count() == 0
    hrefs = editor.eval_on_selector_all("#yasgui a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.lower().startswith("javascript:")], hrefs


def test_example_tabs_come_back_when_the_examples_change(editor, live_server):
    """Persistence is keyed by the examples: under another key the stored tabs are not used."""
    key = editor.evaluate("Object.keys(localStorage).filter(k => k.includes('cakg-sparql-'))")
    assert key, "YASGUI stored nothing under the page's key"
    run(editor, GROUP_NAMES)  # the first example's tab now holds another query
    editor.reload(wait_until="networkidle")
    editor.wait_for_selector("#yasgui .yasqe .CodeMirror")
    assert editor.evaluate("window.cakg.yasgui.getTab().getYasqe().getValue()") == GROUP_NAMES  # same key: kept
    editor.evaluate("""() => { for (const k of Object.keys(localStorage))
        if (k.includes('cakg-sparql-')) { localStorage.setItem(k.replace(/cakg-sparql-[a-z0-9]+/, 'cakg-sparql-old'),
                                                                localStorage.getItem(k)); localStorage.removeItem(k); } }""")
    editor.reload(wait_until="networkidle")
    editor.wait_for_selector("#yasgui .yasqe .CodeMirror")
    assert editor.evaluate("window.cakg.yasgui.getTab().getYasqe().getValue()") == EXAMPLES[0]["query"]


def test_an_entity_iri_opens_its_profile_on_this_site(editor):
    run(editor, "SELECT ?g WHERE { ?g a cakg:MilitantGroup } ORDER BY ?g LIMIT 1")
    first = fixture_store().select(sparql_prefixes() + "SELECT ?g WHERE { ?g a cakg:MilitantGroup } ORDER BY ?g LIMIT 1")
    entity = first[0]["g"].rsplit("/", 1)[1]
    hrefs = editor.eval_on_selector_all("#yasgui .tabPanel.active .yasr table.dataTable tbody a",
                                        "els => els.map(e => e.getAttribute('href'))")
    assert hrefs == [f"/entities/{entity}"]


def test_without_javascript_the_plain_form_is_there(browser, live_server):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/sparql")
    assert page.locator("#fallback textarea[name=query]").is_visible()
    assert page.locator("#yasgui").is_hidden()
    context.close()
