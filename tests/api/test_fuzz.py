"""Every operation of the OpenAPI document, fuzzed with schemathesis (issue 14).

Schemathesis reads the app's own ``/openapi.json`` and, for each operation, generates requests
from its parameters' schemas (bounded: a fixed number of examples per operation, derandomised so a
run is reproducible). Each response must not be a server error, and its status code, content type,
headers and body must be the ones the document declares. (Schemathesis's "schema-valid request
rejected" check is left out: an entity kind or id the schema types as a string can still name
nothing, and a 404/422 naming the parameter is the right answer.)
"""

from __future__ import annotations

import warnings

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api.app import create_app
from graph.testing import fixture_store

APP = create_app(fixture_store())
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance]


@SCHEMA.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case):
    case.call_and_validate(checks=CHECKS)


def test_the_document_has_one_operation_id_per_operation():
    APP.openapi_schema = None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # FastAPI warns on a duplicate operation id
        document = APP.openapi()
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids)) and len(ids) > 20
