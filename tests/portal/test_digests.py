from datetime import UTC, datetime

import pytest
from django.core import mail

from contracts.models import Contract
from portal import digests
from tests import factories

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 8, 4, 0, tzinfo=UTC)


def test_creator_with_an_offer_and_a_deliverable_due_gets_one_email(creator, contract):
    factories.ContractFactory(
        partnership=contract.partnership, status=Contract.Status.NEGOTIATING, title="Winter"
    )
    factories.DeliverableFactory(contract=contract)  # due 15 Oct, within the week
    assert digests.send_digests(now=NOW) == 1
    [message] = mail.outbox
    assert message.to == ["anna@example.com"]
    assert "- Winter from Lumière Hair & Gowns" in message.body
    assert "- 1 × Video on YouTube for Lumière Hair & Gowns, by 15 Oct 2026" in message.body
    assert "/portal/" in message.body


def test_creator_with_nothing_to_do_gets_no_email(creator, contract):
    factories.DeliverableFactory(contract=contract, due_date=contract.end)  # months away
    assert digests.send_digests(now=NOW) == 0
    assert not mail.outbox
