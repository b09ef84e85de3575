"""Schemathesis against the live OpenAPI document: the document the app serves is loaded from
the app itself, and every generated request goes through the whole app (middleware, token,
policy, services, database) in-process through WSGI, so that each operation's examples run
inside one rolled-back test transaction (real HTTP is `test_integration.py`'s part).

Generated requests to every operation must never give a 5xx, and every response must conform
to the document (status code, content type, body schema). Bounded: `FUZZ_EXAMPLES` examples per
operation (default 150, plus schemathesis's boundary cases: a few hundred requests per endpoint
class: persons, registrations, facts, contacts), no per-example deadline. Runs in `make test`;
`VEIVISER_FUZZ_EXAMPLES` raises or lowers the count."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

FUZZ_EXAMPLES = int(os.environ.get("VEIVISER_FUZZ_EXAMPLES", "150"))

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def fuzz_token(world, make_client):
    _, token = make_client(world["vestfold"], rate_limit=1_000_000)
    return token


@pytest.fixture
def in_test_transaction():
    """Keep the test's database connection open across requests, as Django's test client does
    (the WSGI handler would otherwise close it at the end of each request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_contract(case, fuzz_token, in_test_transaction):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
