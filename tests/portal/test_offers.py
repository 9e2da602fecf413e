import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from contracts import offers
from contracts.models import Acceptance, Contract, ContractMessage
from partnerships.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(contract):
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.NEGOTIATING)
    factories.DeliverableFactory(contract=contract, requirements="Show the lace melt")
    contract.refresh_from_db()
    return contract


def _shown_digest(page: str) -> str:
    return page.split('name="terms_sha256" value="')[1].split('"')[0]


def test_offer_shows_the_terms_in_the_brands_plain_words(creator_client, offer):
    page = creator_client.get(reverse("portal:contract", args=[offer.pk])).content.decode()
    for line in offers.terms_summary(offer):
        assert line.replace("“", "&ldquo;")[:30] in page or line[:30] in page
    assert "Show the lace melt" in page
    assert "carries “#ad #LumiereHair”" in offers.terms_summary(offer)[-3]


def test_accepting_records_who_when_where_and_the_hash_of_the_terms_and_signs(
    creator_client, creator, offer
):
    page = creator_client.get(reverse("portal:contract", args=[offer.pk])).content.decode()
    shown = _shown_digest(page)
    response = creator_client.post(
        reverse("portal:contract_accept", args=[offer.pk]),
        {"terms_sha256": shown, "status": "active", "total": "1"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Contract.Status.SIGNED
    assert offer.signed_at is not None
    acceptance = Acceptance.objects.get(contract=offer)
    assert acceptance.accepted_by == creator
    assert acceptance.ip_address == "203.0.113.7"
    assert acceptance.terms_sha256 == hashlib.sha256(acceptance.terms_summary.encode()).hexdigest()
    assert acceptance.terms_sha256 == shown
    assert acceptance.terms_summary.splitlines() == offers.terms_summary(offer)
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONTRACT_ACCEPTED)
    assert (event.user, event.address) == (creator, "203.0.113.7")
    assert event.brand == offer.partnership.brand


def test_brand_sees_the_acceptance_record_on_the_contract_page(
    client, brand_manager, creator, offer
):
    lines = offers.terms_summary(offer)
    offers.accept(
        offer,
        by=creator,
        shown_sha256=offers.summary_digest(lines),
        ip_address="203.0.113.7",
        now=offer.created_at,
    )
    client.force_login(brand_manager)
    page = client.get(reverse("contracts:detail", args=[offer.pk])).content.decode()
    assert "Acceptance record" in page
    assert offers.summary_digest(lines) in page
    assert "203.0.113.7" in page


def test_terms_changed_after_they_were_shown_are_not_accepted(creator_client, offer):
    page = creator_client.get(reverse("portal:contract", args=[offer.pk])).content.decode()
    shown = _shown_digest(page)
    factories.CompensationTermFactory(contract=offer, kind="cpa", amount="9.00")
    response = creator_client.post(
        reverse("portal:contract_accept", args=[offer.pk]), {"terms_sha256": shown}, follow=True
    )
    assert "terms changed" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == Contract.Status.NEGOTIATING
    assert not Acceptance.objects.exists()


def test_only_an_offer_under_negotiation_can_be_accepted(creator_client, contract):
    lines = offers.terms_summary(contract)
    response = creator_client.post(
        reverse("portal:contract_accept", args=[contract.pk]),
        {"terms_sha256": offers.summary_digest(lines)},
        follow=True,
    )
    assert "only an offer under negotiation" in response.content.decode()
    assert not Acceptance.objects.exists()


def test_request_for_changes_lands_in_a_thread_the_brand_sees_and_answers(
    creator_client, client, brand_manager, offer
):
    creator_client.post(
        reverse("portal:contract_changes", args=[offer.pk]),
        {"body": "Could the second video be due a week later?", "from_influencer": "false"},
    )
    message = ContractMessage.objects.get()
    assert message.from_influencer
    brand_client = Client()
    brand_client.force_login(brand_manager)
    page = brand_client.get(reverse("contracts:detail", args=[offer.pk])).content.decode()
    assert "Could the second video be due a week later?" in page
    brand_client.post(reverse("contracts:message", args=[offer.pk]), {"body": "Yes, done."})
    page = creator_client.get(reverse("portal:contract", args=[offer.pk])).content.decode()
    assert "Yes, done." in page


def test_empty_request_for_changes_is_refused(creator_client, offer):
    response = creator_client.post(reverse("portal:contract_changes", args=[offer.pk]), {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not ContractMessage.objects.exists()


def test_draft_contracts_stay_out_of_the_portal(creator_client, contract):
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.DRAFT)
    assert creator_client.get(reverse("portal:contract", args=[contract.pk])).status_code == 404
