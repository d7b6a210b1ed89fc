"""Schemathesis: requests generated from ``/api/openapi.json``, sent to the app over WSGI.

Every response must match the documented status codes and schemas, never be a
500, and invalid input (negative testing) must be rejected with a 4xx. The CI
variant is bounded and derandomized; ``-m slow`` runs many more examples.
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

schema = schemathesis.pytest.from_fixture("api_schema")

_COMMON = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}


@pytest.fixture(scope="module")
def api_schema(app: Flask) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def _check(case: schemathesis.Case) -> None:
    response = case.call_and_validate()
    assert response.status_code < 500 or response.status_code == 503, response.text[:300]


@schema.parametrize()
@settings(max_examples=60, derandomize=True, **_COMMON)
def test_api_matches_its_openapi_document(case: schemathesis.Case) -> None:
    _check(case)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=1000, **_COMMON)
def test_api_matches_its_openapi_document_long(case: schemathesis.Case) -> None:
    _check(case)
