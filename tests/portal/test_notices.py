from datetime import UTC, datetime

import pytest
from django.core import mail

from campaigns import approval
from contracts import offers, workflow
from contracts.models import Contract
from tests import factories

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_an_offer_sent_to_a_creator_reaches_their_portal_sign_in(
    creator, contract, django_capture_on_commit_callbacks
):
    offer = factories.ContractFactory(
        partnership=contract.partnership, status=Contract.Status.DRAFT, title="Winter"
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(offer, Contract.Status.NEGOTIATING, now=NOW)
    [message] = mail.outbox
    assert message.to == ["anna@example.com"]
    assert "an offer to answer: Winter" in message.subject
    assert f"/portal/contracts/{offer.pk}/" in message.body


def test_the_brands_answer_about_an_offer_reaches_the_creator(
    creator, contract, brand_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offers.write(contract, by=brand_manager, body="Yes, a week later.", now=NOW,
                     from_influencer=False)  # fmt: skip
        offers.write(contract, by=creator, body="Thanks!", now=NOW, from_influencer=True)
    [message] = mail.outbox
    assert "Yes, a week later." in message.body


def test_changes_requested_and_approval_reach_the_creator_at_once(
    creator, contract, brand_manager, django_capture_on_commit_callbacks
):
    item = factories.ContentItemFactory(
        participant__contract=contract, caption="Prom install #ad #LumiereHair"
    )
    with django_capture_on_commit_callbacks(execute=True):
        approval.move(item, "changes_requested", by=brand_manager, now=NOW, comment="Show lace.")
        approval.move(item, "approved", by=brand_manager, now=NOW)
    requested, approved = mail.outbox
    assert "changes requested on your draft" in requested.subject
    assert "Show lace." in requested.body
    assert f"/portal/content/{item.pk}/" in requested.body
    assert "publish it and add the link" in approved.subject


def test_an_influencer_not_in_the_portal_gets_no_portal_email(
    contract, brand_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offers.write(contract, by=brand_manager, body="Hello", now=NOW, from_influencer=False)
    assert not mail.outbox
