"""schemathesis sends generated requests (valid and not) to every operation of /api/schema/:
none may answer 5xx, and every answer must match the schema. The budget per operation is
bounded so that this runs in CI in a few minutes."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from partnerships.models import BrandAPIKey
from partnerships.wsgi import application
from tests import factories

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

EXAMPLES_PER_OPERATION = 10


@pytest.fixture
def _connection_kept_between_requests():
    """The WSGI handler closes the database connection after each request, which would close
    the test's transaction; Django's test client stops it the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_key(db, _connection_kept_between_requests) -> str:
    sale = factories.SaleFactory()  # with its product, code, participant, contract, campaign
    brand = sale.brand
    factories.SocialAccountFactory(
        influencer=sale.tracking_code.participant.contract.partnership.influencer
    )
    factories.StatementLineFactory(statement__contract=sale.tracking_code.participant.contract)
    factories.ContentItemFactory(participant=sale.tracking_code.participant)
    _, key = BrandAPIKey.objects.create_key(brand=brand, name="fuzz")
    return key


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_answers_every_request_within_its_schema(case, api_key):
    case.call_and_validate(
        headers={"Authorization": f"Api-Key {api_key}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
