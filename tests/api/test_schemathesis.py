"""Schemathesis against the live OpenAPI document (served by pytest-django's live server):
generated requests to every operation must never give a 5xx, and every response must conform
to the document (status code, content type, body schema). Bounded: `FUZZ_EXAMPLES` requests per
operation (default 60, so a few hundred per endpoint class: persons, registrations, facts,
contacts), no per-example deadline. Runs in `make test`; `VEIVISER_FUZZ_EXAMPLES` raises or
lowers the count."""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

FUZZ_EXAMPLES = int(os.environ.get("VEIVISER_FUZZ_EXAMPLES", "60"))

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def fuzz_token(world, make_client):
    _, token = make_client(world["vestfold"], rate_limit=1_000_000)
    return token


# The document the running app serves (read through WSGI at collection; the requests below go
# over HTTP to the live server).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_contract(case, live_server, fuzz_token):
    case.call_and_validate(
        base_url=live_server.url.replace("localhost", "127.0.0.1"),
        headers={"Authorization": f"Bearer {fuzz_token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
