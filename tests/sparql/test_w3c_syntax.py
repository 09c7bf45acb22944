"""The W3C SPARQL syntax test suites (tests/fixtures/w3c/, vendored from w3c/rdf-tests) against
the real ``/sparql`` endpoint over the fixture graph (embedded engine, worker processes).

Every positive syntax test must answer 200 with a readable result, or be refused by a code of the
policy table (:data:`api.sparql.policy.REFUSALS`) with that code's status; every negative syntax
test must answer 400 (a syntax error, or a policy refusal when the text is an update form);
positive update syntax tests must be refused as updates, both as a query (400) and through the
protocol's update operation (403). ``test_summary`` prints the counts and writes them to
``tests/artifacts/w3c-syntax.json``; nothing is skipped or expected to fail by name.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest

from api.sparql.policy import REFUSALS

W3C = Path(__file__).resolve().parent.parent / "fixtures" / "w3c"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
DAWGT = "http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#"
NEGATIVE_ERRORS = {"syntax_error"}  # a negative test may also meet a policy refusal (an invalid update)


class W3CTest(NamedTuple):
    suite: str  # e.g. sparql11/syntax-query
    name: str  # the manifest's local name of the test
    kind: str  # PositiveSyntaxTest11, NegativeUpdateSyntaxTest11 ...
    path: Path
    approval: str  # Approved, Proposed, or '' when the manifest says nothing

    @property
    def id(self) -> str:
        return f"{self.suite.split('/')[0]}/{self.path.name}"

    @property
    def positive(self) -> bool:
        return self.kind.startswith("Positive")

    @property
    def update(self) -> bool:
        return "Update" in self.kind


def load_tests() -> list[W3CTest]:
    """Every syntax test of every vendored manifest (its ``mf:entries`` order kept loosely: sorted)."""
    from rdflib import RDF, Graph, URIRef

    tests = []
    for manifest in sorted(W3C.glob("*/*/manifest.ttl")):
        graph = Graph().parse(manifest, format="turtle")
        suite = manifest.parent.relative_to(W3C).as_posix()
        for test, kind in graph.subject_objects(RDF.type):
            kind = str(kind)
            if not (kind.startswith(MF) and "SyntaxTest" in kind):
                continue
            action = Path(str(graph.value(test, URIRef(MF + "action"))).removeprefix("file://"))
            approval = graph.value(test, URIRef(DAWGT + "approval"))
            tests.append(W3CTest(suite, str(test).rsplit("#", 1)[-1], kind[len(MF):], action,
                                 str(approval).removeprefix(DAWGT) if approval else ""))
    return sorted(tests, key=lambda t: (t.suite, t.path.name, t.name))


TESTS = load_tests()
QUERY_TESTS = [t for t in TESTS if not (t.update and t.positive)]
UPDATE_TESTS = [t for t in TESTS if t.update and t.positive]
OUTCOMES: dict[str, tuple[str, int, str]] = {}  # test id -> (kind, status, error code or "")


@pytest.fixture(scope="module")
def w3c_client():
    from fastapi.testclient import TestClient

    from api.app import create_app
    from graph.testing import fixture_store

    with TestClient(create_app(fixture_store())) as client:
        yield client


def run(client, test: W3CTest):
    """POST the test's text as ``application/sparql-query``; the response, recorded in OUTCOMES."""
    text = test.path.read_bytes().decode("utf-8")
    r = client.post("/sparql", content=text.encode("utf-8"), headers={"content-type": "application/sparql-query"})
    error = "" if r.status_code == 200 else r.json()["error"]
    OUTCOMES[f"{test.suite}/{test.name}"] = (test.kind, r.status_code, error)
    return r


def assert_readable(r) -> None:
    """A 200 carries a result the client can parse in the media type it names."""
    import pyoxigraph as ox

    media = r.headers["content-type"].split(";")[0]
    if media == "application/sparql-results+json":
        doc = json.loads(r.content)
        assert "boolean" in doc or "bindings" in doc["results"]
    else:
        assert media == "text/turtle", media
        list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))


def assert_policy_refusal(r, test: W3CTest) -> None:
    body = r.json()
    assert body["error"] in REFUSALS, f"{test.id}: refused for {body['error']!r}, which is no policy: {body['message']}"
    assert r.status_code in REFUSALS[body["error"]].status, (test.id, r.status_code, body)
    assert body["message"]


def test_the_suites_are_vendored():
    kinds = Counter(t.kind for t in TESTS)
    assert kinds["PositiveSyntaxTest"] and kinds["PositiveSyntaxTest11"] and kinds["NegativeSyntaxTest11"]
    assert all(t.path.is_file() for t in TESTS), [t.id for t in TESTS if not t.path.is_file()]
    assert (W3C / "LICENSE.md").is_file() and (W3C / "COMMIT").read_text().split()[1]


@pytest.mark.parametrize("test", QUERY_TESTS, ids=[t.id for t in QUERY_TESTS])
def test_syntax(w3c_client, test: W3CTest):
    r = run(w3c_client, test)
    if test.positive:
        if r.status_code == 200:
            assert_readable(r)
        else:
            assert_policy_refusal(r, test)
    else:
        assert r.status_code == 400, f"{test.id}: an invalid query answered {r.status_code}"
        error = r.json()["error"]
        assert error in NEGATIVE_ERRORS or error in REFUSALS, (test.id, r.json())


@pytest.mark.parametrize("test", UPDATE_TESTS, ids=[t.id for t in UPDATE_TESTS])
def test_valid_update_is_refused_by_the_read_only_policy(w3c_client, test: W3CTest):
    r = run(w3c_client, test)
    assert r.status_code == 400 and r.json()["error"] == "update_refused", (test.id, r.json())
    text = test.path.read_text(encoding="utf-8")
    for ctype, body in (("application/sparql-update", text.encode()), ("application/x-www-form-urlencoded", None)):
        if body is None:
            r = w3c_client.post("/sparql", data={"update": text})
        else:
            r = w3c_client.post("/sparql", content=body, headers={"content-type": ctype})
        assert r.status_code == 403 and r.json()["error"] == "update_refused", (test.id, ctype, r.status_code)


def summary(outcomes: dict[str, tuple[str, int, str]]) -> dict:
    positive = [o for o in outcomes.values() if o[0].startswith("Positive") and "Update" not in o[0]]
    negative = [o for o in outcomes.values() if o[0].startswith("Negative")]
    updates = [o for o in outcomes.values() if o[0] == "PositiveUpdateSyntaxTest11"]
    return {
        "valid_queries": len(positive),
        "accepted": sum(1 for o in positive if o[1] == 200),
        "refused_by_policy": dict(sorted(Counter(o[2] for o in positive if o[1] != 200).items())),
        "valid_updates_refused": sum(1 for o in updates if o[2] == "update_refused"),
        "valid_updates": len(updates),
        "invalid": len(negative),
        "invalid_rejected_400": sum(1 for o in negative if o[1] == 400),
        "invalid_rejected_as": dict(sorted(Counter(o[2] for o in negative).items())),
    }


def test_summary(w3c_client, artifacts):
    """Counts over every test (those not run earlier in this session are run here)."""
    for test in TESTS:
        if f"{test.suite}/{test.name}" not in OUTCOMES:
            run(w3c_client, test)
    counts = summary(OUTCOMES)
    counts["suites"] = sorted({t.suite for t in TESTS})
    counts["commit"] = (W3C / "COMMIT").read_text().split()[1]
    (artifacts / "w3c-syntax.json").write_text(json.dumps(counts, indent=2) + "\n")
    print("\nW3C SPARQL syntax suites over /sparql:", json.dumps(counts, indent=1))
    assert counts["valid_queries"] == counts["accepted"] + sum(counts["refused_by_policy"].values())
    assert set(counts["refused_by_policy"]) <= set(REFUSALS)
    assert counts["invalid_rejected_400"] == counts["invalid"]
    assert counts["valid_updates_refused"] == counts["valid_updates"]
    assert counts["accepted"] > 0.9 * counts["valid_queries"]  # policy refusals stay the exception


def test_readme_prints_the_policy_table():
    from api.sparql.policy import markdown_table

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme
