"""Regression tests for the public-surface hardening of issue 14 (commit 80ee36d): bounded whole
numbers, links never taken from the Host header, HEAD on every GET route, the security headers
on every kind of response, /id/{id} as one 303 practice, and the search text limit.

The routes and their parameters are read from the app's own OpenAPI schema, so a route added
later is covered without editing this file.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.params import MAX_OFFSET, MAX_PAGE
from graph.read.search import MAX_QUERY_LENGTH, MAX_QUERY_WORDS
from graph.testing import fixture_store

HUGE = ("18446744073709551616", "92233720368547759", "9" * 40, "-18446744073709551616")
EVIL = "evil.example"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def c():
    with TestClient(create_app(fixture_store()), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def schema(c) -> dict:
    return c.get("/openapi.json").json()


@pytest.fixture(scope="module")
def real_ids(c) -> dict[str, str]:
    """One existing id for each kind of path parameter, taken from the fixture graph's answers."""
    relation = c.get("/relations", params={"limit": 1}).json()["items"][0]
    group = c.get("/groups", params={"limit": 1}).json()["items"][0]
    return {
        "entity_id": relation["subject"]["id"],
        "group_id": group["id"],
        "claim_id": relation["claims"][0]["id"],
        "source_id": c.get("/sources").json()[0]["id"],
    }


def get_paths(schema: dict) -> list[str]:
    return [path for path, ops in schema["paths"].items() if "get" in ops]


def concrete(path: str, ids: dict[str, str]) -> str:
    def sub(m: re.Match) -> str:
        assert m.group(1) in ids, f"no real id known for path parameter {m.group(1)!r} of {path}"
        return ids[m.group(1)]

    return re.sub(r"\{([^}]+)\}", sub, path)


def integer_params(schema: dict) -> list[tuple[str, str, dict]]:
    """(path, parameter name, its schema) for every whole-number query parameter of a GET route."""
    found = []
    for path, ops in schema["paths"].items():
        for param in ops.get("get", {}).get("parameters", []):
            s = param["schema"]
            kinds = [s.get("type")] + [a.get("type") for a in s.get("anyOf", [])]
            if param["in"] == "query" and "integer" in kinds:
                found.append((path, param["name"], s))
    return found


# ---------------------------------------------------------------------------- bounded numbers

def test_every_integer_parameter_has_an_upper_bound(schema):
    params = integer_params(schema)
    assert {name for _, name, _ in params} >= {"limit", "offset", "page"}
    unbounded = [(path, name) for path, name, s in params if "maximum" not in s]
    assert not unbounded, f"integer parameters without a maximum: {unbounded}"


@pytest.mark.parametrize("huge", HUGE)
def test_huge_numbers_in_every_integer_parameter_are_422_naming_it(c, schema, real_ids, huge):
    for path, name, _ in integer_params(schema):
        r = c.get(concrete(path, real_ids), params={name: huge})
        assert r.status_code == 422, (path, name, r.status_code, r.text[:200])
        assert r.headers["content-type"].startswith("application/json"), (path, name)
        body = r.json()
        assert body["error"] == "invalid_parameter" and body["parameter"] == name, (path, body)
        assert name in body["message"], body


@pytest.mark.parametrize("url, name", [
    ("/relations?offset=18446744073709551616", "offset"),
    ("/fragments?page=92233720368547759", "page"),
    ("/entities?limit=18446744073709551616", "limit"),
    (f"/relations?offset={MAX_OFFSET + 1}", "offset"),
    (f"/fragments?page={MAX_PAGE + 1}", "page"),
    ("/groups?limit=1001", "limit"),
    ("/views/network.json?depth=18446744073709551616", "depth"),
    ("/views/lineage.json?depth=18446744073709551616", "depth"),
])
def test_the_reported_huge_numbers_are_422_naming_the_parameter(c, url, name):
    r = c.get(url)
    assert r.status_code == 422 and r.json()["parameter"] == name, r.text[:200]


def test_the_largest_allowed_numbers_still_answer(c):
    r = c.get("/relations", params={"offset": MAX_OFFSET})
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["offset"] == MAX_OFFSET
    r = c.get("/fragments", params={"page": MAX_PAGE})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")


# ---------------------------------------------------------------------------- the Host header

def test_relations_paging_links_never_carry_the_host_header(c):
    total = c.get("/relations", params={"limit": 1}).json()["total"]
    assert total >= 3, "the fixture graph needs three relations to page through"
    r = c.get("/relations", params={"limit": 1, "offset": 1}, headers={"Host": EVIL})
    body = r.json()
    assert EVIL not in r.text
    for link in (body["next"], body["previous"]):
        assert link.startswith("/relations?"), link  # relative: the client's own host is the base
    following = c.get(body["next"], headers={"Host": EVIL}).json()
    assert following["offset"] == 2


def test_entities_paging_links_are_relative(c):
    body = c.get("/entities", params={"limit": 2, "offset": 2}, headers={"Host": EVIL}).json()
    assert body["next"].startswith("/entities?") and body["previous"].startswith("/entities?")


def test_fragment_controls_use_the_public_url_or_the_bound_address(c):
    r = c.get("/fragments", params={"page": 2}, headers={"Host": EVIL})
    assert r.status_code == 200 and EVIL not in r.text
    assert "hydra" in r.text and "page=1" in r.text  # the controls are there, on another base


def test_configured_public_url_is_the_base_of_absolute_links(store):
    from dataclasses import replace

    from graph.settings import Settings

    settings = replace(Settings(), public_url="https://cakg.example.org/")
    with TestClient(create_app(store, settings)) as client:
        fragment = client.get("/fragments", params={"page": 2}, headers={"Host": EVIL}).text
        description = client.get("/sparql", headers={"Host": EVIL, "Accept": "text/turtle"}).text
    assert EVIL not in fragment and EVIL not in description
    assert "<https://cakg.example.org/fragments?page=1>" in fragment
    assert "<https://cakg.example.org/sparql>" in description


def test_sparql_service_description_ignores_the_host_header(c):
    for accept in ("text/turtle", "application/ld+json", "application/n-triples"):
        r = c.get("/sparql", headers={"Host": EVIL, "Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept), accept
        assert EVIL not in r.text and "/sparql" in r.text, accept


def test_html_pages_never_carry_the_host_header(c, schema, real_ids):
    pages = [concrete(p, real_ids) for p in get_paths(schema) if not p.endswith(".json")]
    pages += ["/docs", "/redoc", "/sparql"]
    checked = 0
    for url in pages:
        r = c.get(url, headers={**HTML, "Host": EVIL}, follow_redirects=False)
        assert EVIL not in r.text and EVIL not in r.headers.get("location", ""), url
        checked += r.headers.get("content-type", "").startswith("text/html")
    assert checked >= 6, "fewer HTML pages answered than expected"


# ---------------------------------------------------------------------------- HEAD

def test_head_answers_every_get_route_like_get_without_a_body(c, schema, real_ids):
    urls = [concrete(p, real_ids) for p in get_paths(schema)]
    urls += ["/sparql?query=ASK%7B%7D", "/docs", "/redoc", "/openapi.json", "/static/nav.css", "/entities/no-such-id"]
    for url in urls:
        for headers in ({}, HTML):
            got = c.get(url, headers=headers, follow_redirects=False)
            head = c.head(url, headers=headers, follow_redirects=False)
            assert head.status_code == got.status_code, (url, headers, head.status_code, got.status_code)
            assert head.content == b"", (url, head.content[:100])
            assert head.headers.get("content-type") == got.headers.get("content-type"), url
            assert head.headers.get("location") == got.headers.get("location"), url


def test_head_keeps_the_get_content_length(c):
    for url in ("/relations", "/stats", "/static/nav.css"):
        got, head = c.get(url), c.head(url)
        assert head.headers["content-length"] == str(len(got.content)), url


# ---------------------------------------------------------------------------- security headers

COMMON = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin", "x-frame-options": "SAMEORIGIN"}


def assert_security_headers(r, url: str) -> str:
    for name, value in COMMON.items():
        assert r.headers.get(name) == value, (url, name, r.headers.get(name))
    policy = r.headers.get("content-security-policy", "")
    assert "frame-ancestors" in policy and "base-uri 'none'" in policy, (url, policy)
    assert r.headers.get_list("content-security-policy") == [policy], f"{url}: more than one policy"
    return policy


@pytest.mark.parametrize("url, headers, status", [
    ("/", HTML, 200),
    ("/views/network", HTML, 200),
    ("/views/entities/imu", HTML, 200),
    ("/sparql", HTML, 200),
    ("/docs", {}, 200),
    ("/redoc", {}, 200),
])
def test_html_pages_carry_the_security_headers_and_a_page_policy(c, url, headers, status):
    r = c.get(url, headers=headers)
    assert r.status_code == status and r.headers["content-type"].startswith("text/html"), url
    policy = assert_security_headers(r, url)
    assert "default-src 'self'" in policy and "object-src 'none'" in policy, policy
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, script_src
    assert "http:" not in policy and "https:" not in policy, f"{url} allows another host: {policy}"
    # every inline script that may run carries this response's nonce
    nonce = re.search(r"'nonce-([^']+)'", script_src)
    for tag in re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", r.text):
        assert nonce and f'nonce="{nonce.group(1)}"' in tag, (url, tag)


def test_nonce_is_fresh_for_every_response(c):
    policies = {c.get("/sparql", headers=HTML).headers["content-security-policy"] for _ in range(3)}
    assert len(policies) == 3


@pytest.mark.parametrize("url, headers, status", [
    ("/relations", {}, 200),
    ("/entities/imu", {}, 200),
    ("/entities/imu", {"Accept": "text/turtle"}, 200),
    ("/openapi.json", {}, 200),
    ("/entities/no-such-id", {}, 404),
    ("/views/entities/no-such-id", HTML, 404),
    ("/no/such/route", {}, 404),
    ("/relations?offset=18446744073709551616", {}, 422),
    ("/sparql?query=NOT%20SPARQL", {}, 400),
    ("/static/nav.css", {}, 200),
    ("/static/docs.js", {}, 200),
    ("/static/docs/swagger-ui-bundle.js", {}, 200),
    ("/static/no-such-file.js", {}, 404),
    ("/id/imu", {}, 303),
])
def test_data_errors_and_static_files_carry_the_security_headers(c, url, headers, status):
    r = c.get(url, headers=headers, follow_redirects=False)
    assert r.status_code == status, (url, r.status_code)
    policy = assert_security_headers(r, url)
    if not r.headers.get("content-type", "").startswith("text/html"):
        assert policy.startswith("default-src 'none'"), (url, policy)


def test_unexpected_errors_are_json_with_the_security_headers(store):
    from fastapi import APIRouter

    app = create_app(store)
    boom = APIRouter()

    @boom.get("/boom-for-test")
    def fail():
        raise RuntimeError("a fault planted by the test")

    app.include_router(boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/boom-for-test")
    assert r.status_code == 500 and r.json()["error"] == "internal_error"
    assert "planted" not in r.text  # no internals leak to the client
    assert_security_headers(r, "/boom-for-test")


# ---------------------------------------------------------------------------- /id/{id}

ACCEPTS = ("text/html", "application/json", "text/turtle", "application/ld+json", "application/n-triples",
           "application/rdf+xml", "text/csv", "*/*", "image/png", "text/html;q=0.1, text/turtle", None)


@pytest.mark.parametrize("accept", ACCEPTS)
def test_entity_iri_is_303_to_its_document_for_every_accept(c, real_ids, accept):
    entity = real_ids["entity_id"]
    headers = {"Accept": accept} if accept else {}
    for method in (c.get, c.head):
        r = method(f"/id/{entity}", headers=headers, follow_redirects=False)
        assert r.status_code == 303, (accept, r.status_code)
        assert r.headers["location"] == f"/entities/{entity}" and "Accept" in r.headers["vary"]
    r = method(f"/id/{entity}", headers={**headers, "Host": EVIL}, follow_redirects=False)
    assert r.headers["location"] == f"/entities/{entity}"


@pytest.mark.parametrize("accept", ACCEPTS)
def test_unknown_entity_iri_is_404_for_every_accept(c, accept):
    r = c.get("/id/no-such-entity", headers={"Accept": accept} if accept else {}, follow_redirects=False)
    assert r.status_code == 404 and "location" not in r.headers, accept
    assert r.json()["error"] == "not_found"


# ---------------------------------------------------------------------------- search text length

@pytest.mark.parametrize("url", ["/entities", "/"])
def test_search_text_over_the_limit_is_422_naming_q(c, url):
    r = c.get(url, params={"q": "a" * (MAX_QUERY_LENGTH + 1)}, headers=HTML)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["parameter"] == "q" and str(MAX_QUERY_LENGTH) in body["message"], body


def test_search_text_at_the_limit_is_answered(c):
    words = ["uzbekistan"] * MAX_QUERY_WORDS
    words[-1] += "n" * (MAX_QUERY_LENGTH - len(" ".join(words)))  # exactly at both limits
    text = " ".join(words)
    assert len(text) == MAX_QUERY_LENGTH
    r = c.get("/entities", params={"q": text})
    assert r.status_code == 200, r.text[:200]


def test_too_many_words_are_422_naming_q(c):
    r = c.get("/entities", params={"q": " ".join(["imu"] * (MAX_QUERY_WORDS + 1))})
    assert r.status_code == 422 and r.json()["parameter"] == "q" and str(MAX_QUERY_WORDS) in r.json()["message"]


def test_search_limit_is_in_the_schema(schema):
    q = next(p for p in schema["paths"]["/entities"]["get"]["parameters"] if p["name"] == "q")
    lengths = [s.get("maxLength") for s in [q["schema"], *q["schema"].get("anyOf", [])]]
    assert MAX_QUERY_LENGTH in lengths


# ---------------------------------------------------------------------------- docs assets

def test_docs_assets_name_no_other_host_to_load(c):
    redoc = c.get("/static/docs/redoc.standalone.js")
    assert redoc.status_code == 200 and redoc.headers["content-type"].startswith("text/javascript")
    assert b"cdn.redoc.ly" not in redoc.content and len(redoc.content) > 100_000
    assert_security_headers(redoc, "/static/docs/redoc.standalone.js")
    assert "validatorUrl: null" in c.get("/static/docs.js").text  # no badge from validator.swagger.io
    for url in ("/docs", "/redoc"):
        html = c.get(url).text
        assert not re.findall(r"""(?:src|href)=["']https?://""", html), url
