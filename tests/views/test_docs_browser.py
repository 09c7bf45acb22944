"""The API documentation pages (/docs: Swagger UI, /redoc: ReDoc) in real Chromium against a live
server on 127.0.0.1: each renders its content from this server's own assets, no request leaves
127.0.0.1, and the Content-Security-Policy the server sends blocks nothing the page needs (no
violation reported, no script error).
"""

# ruff: noqa: F811 - the page fixture takes the imported browser fixture as an argument
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]


# records every CSP violation the page reports, before any of the page's own scripts run
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')'));
"""


from tests.views.test_browser import browser  # noqa: E402,F401 - the one shared Chromium fixture


@pytest.fixture
def page(browser):
    """A page recording its requests, console messages, script errors and CSP violations; after
    the test none may have left 127.0.0.1, and none of the others may have happened."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text else None)
    page.set_default_timeout(20_000)
    yield page
    violations = page.evaluate("window.__cspViolations")
    context.close()
    assert requests, "the page made no request at all"
    foreign = [u for u in requests if urlsplit(u).hostname != "127.0.0.1" and not u.startswith(("data:", "about:", "blob:"))]
    assert not foreign, f"requests left 127.0.0.1: {foreign}"
    assert not violations, f"CSP violations: {violations}"
    assert not problems, problems


def test_swagger_ui_shows_every_operation(page, live_server):
    import json
    from urllib.request import urlopen

    with urlopen(live_server.url + "/openapi.json", timeout=10) as r:  # noqa: S310 - 127.0.0.1 only
        schema = json.loads(r.read())
    response = page.goto(live_server.url + "/docs")
    assert response.status == 200 and "content-security-policy" in response.headers
    page.wait_for_selector(".opblock-summary-path")
    shown = set(page.eval_on_selector_all(
        ".opblock-summary-path", "els => els.map(e => e.getAttribute('data-path') || e.textContent.trim())"))
    expected = {path for path, ops in schema["paths"].items() if "get" in ops}
    missing = {p for p in expected if p not in shown and p.replace("/", "/\u200b") not in shown}
    assert not missing, f"Swagger UI does not show {sorted(missing)}"
    assert page.locator(".info .title").first.inner_text().startswith(schema["info"]["title"][:10])
    page.wait_for_timeout(300)  # let late requests (icons, fonts) show up


def test_redoc_shows_the_api_content(page, live_server):
    response = page.goto(live_server.url + "/redoc")
    assert response.status == 200 and "content-security-policy" in response.headers
    page.wait_for_selector(".api-content h1, .api-content h2", timeout=30_000)
    text = page.locator(".api-content").inner_text()
    assert "cakg" in text and "/relations" in text, text[:300]
    assert page.locator("[data-section-id^='operation/']").count() > 10
    page.wait_for_timeout(300)
