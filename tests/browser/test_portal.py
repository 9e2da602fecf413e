"""The creator portal end to end: a manager invites an influencer, who joins through the link,
accepts the contract, gets a draft past the disclosure check, sees it approved, confirms a
shipment and finds the statement paid."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from campaigns import approval
from campaigns.models import ContentItem, Shipment
from contracts import payouts
from contracts.models import Acceptance, Contract
from portal.models import CreatorLink
from tests import factories
from tests.browser.test_sign_in import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def deal(brand, brand_manager):
    influencer = factories.InfluencerFactory(
        brand=brand, name="Anna Sokolova", contact_email="anna@example.com"
    )
    contract = factories.ContractFactory(
        partnership__influencer=influencer,
        title="Spring wig reviews",
        status=Contract.Status.NEGOTIATING,
        start=date(2026, 10, 1),
        end=date(2027, 3, 31),
        disclosure_text="#ad #LumiereHair",
    )
    factories.CompensationTermFactory(contract=contract)
    factories.DeliverableFactory(contract=contract, requirements="Show the lace melt")
    participant = factories.ParticipantFactory(contract=contract)
    factories.ShipmentFactory(
        participant=participant,
        status=Shipment.Status.SHIPPED,
        carrier="dhl",
        tracking_number="DHL4821773015",
        shipped_on=date(2026, 11, 3),
    )
    statement = factories.StatementFactory(contract=contract, total=Decimal("600.00"))
    factories.StatementLineFactory(
        statement=statement, description="Installment 1 of 3, on signing", amount=Decimal("600")
    )
    return contract, statement


def test_invited_creator_joins_accepts_delivers_confirms_and_gets_paid(
    page, browser, live_server, brand_manager, finance, deal
):
    contract, statement = deal
    influencer = contract.partnership.influencer
    sign_in(page, "manager", PASSWORD)
    page.goto(f"/influencers/{influencer.pk}/")
    page.get_by_role("button", name="Invite to the portal").click()
    expect(page.get_by_text("Invitation sent to anna@example.com")).to_be_visible()
    [invitation] = mail.outbox
    link = re.search(r"https?://\S+/portal/invitation/\S+/", invitation.body).group(0)

    creator = browser.new_context(base_url=live_server.url).new_page()
    creator.set_default_timeout(15_000)
    creator.goto(link[link.index("/portal/") :])
    creator.locator("#id_password1").fill("lace-front-22")
    creator.locator("#id_password2").fill("lace-front-22")
    creator.get_by_role("button", name="Set password and continue").click()
    expect(creator.get_by_text("Welcome: you now see your work with")).to_be_visible()

    # The offer, in the brand's words, accepted.
    creator.get_by_role("link", name="Spring wig reviews").click()
    expect(creator.locator("#terms-summary")).to_contain_text("#ad #LumiereHair")
    creator.get_by_role("button", name="Accept these terms").click()
    expect(creator.get_by_text("It is now signed.")).to_be_visible()
    expect(creator.locator("#contract-status")).to_have_text("Signed")
    assert Acceptance.objects.get(contract=contract).ip_address == "127.0.0.1"

    # A draft without the disclosure is held back, with what is missing; fixed, it goes.
    creator.get_by_role("link", name="Content").click()
    creator.get_by_role("link", name="Submit a draft").click()
    creator.get_by_label("Link to the draft").fill("https://youtu.be/prom-install")
    creator.get_by_label("Caption").fill("Prom install in 20 minutes")
    creator.get_by_role("button", name="Check and submit").click()
    expect(
        creator.get_by_text("The caption lacks #ad, which the contract requires.")
    ).to_be_visible()
    assert not ContentItem.objects.exists()
    creator.get_by_label("Caption").fill("Prom install in 20 minutes #ad #LumiereHair")
    creator.get_by_role("button", name="Check and submit").click()
    expect(creator.locator("#content-status")).to_have_text("Submitted")

    # It waits in the brand's approval queue, where the manager approves it; the creator sees.
    item = ContentItem.objects.get()
    page.goto(f"/campaigns/{item.participant.campaign_id}/")
    card = page.locator(f"#content-{item.pk}")
    expect(card).to_contain_text("Prom install in 20 minutes #ad #LumiereHair")
    card.get_by_role("button", name="Approve").click()
    expect(card.locator("[data-role=status]")).to_have_text("Approved")
    approval.comment(item, by=brand_manager, body="Lovely.")
    creator.reload()
    expect(creator.locator("#content-status")).to_have_text("Approved")
    expect(creator.locator("#thread")).to_contain_text("Lovely.")

    # The sample arrived.
    creator.get_by_role("link", name="Shipments").click()
    expect(creator.locator("#shipment-table")).to_contain_text("DHL DHL4821773015")
    creator.get_by_role("button", name="Received").click()
    expect(creator.get_by_text("the brand sees that it arrived")).to_be_visible()
    assert Shipment.objects.get().status == Shipment.Status.DELIVERED

    # Finance pays the statement; the creator sees it paid.
    today = timezone.localdate()
    payouts.approve(statement, user=finance, now=timezone.now())
    payouts.mark_paid(statement, user=finance, reference="PP-7781", paid_on=today, today=today)
    creator.get_by_role("link", name="Money").click()
    expect(creator.locator("#statements")).to_contain_text("Paid")
    expect(creator.locator("#year-to-date")).to_contain_text("$600.00")
    creator.locator("#statements").get_by_role("link").first.click()
    expect(creator.locator("#payout-reference")).to_have_text("PP-7781")
    expect(creator.locator("#statement-lines")).to_contain_text("Installment 1 of 3, on signing")

    # The brand's pages stay closed to the creator.
    creator.goto("/")
    expect(creator).to_have_url(re.compile(r"/portal/$"))
    assert creator.goto("/statements/").status == 404


def test_demo_creator_finds_an_offer_a_draft_a_shipment_and_a_paid_statement(page):
    call_command("seed_demo", force=True)
    sign_in(page, "creator", "creator")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("#due-offers")).to_contain_text("Winter gown try-on videos")
    expect(page.locator("#coming-shipments")).to_contain_text("FedEx FX772019384")
    page.get_by_role("link", name="Content").click()
    expect(page.locator("#items")).to_contain_text("Submitted")
    page.get_by_role("link", name="Money").click()
    expect(page.locator("#statements")).to_contain_text("Paid")


def test_payout_form_shows_the_fields_of_the_chosen_method(page, brand):
    influencer = factories.InfluencerFactory(brand=brand)
    user = factories.UserFactory(username="anna")
    CreatorLink.objects.create(user=user, influencer=influencer)
    sign_in(page, "anna", PASSWORD)
    page.goto(f"/portal/payout/{influencer.pk}/")
    page.get_by_label("Method").select_option("bank")
    expect(page.get_by_label("Account number")).to_be_visible()
    expect(page.get_by_label("Account email")).to_be_hidden()
    page.get_by_label("Method").select_option("paypal")
    expect(page.get_by_label("Account number")).to_be_hidden()
    page.get_by_label("Account holder").fill("Anna Sokolova")
    page.get_by_label("Account email").fill("anna@example.com")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#payout-details")).to_contain_text("PayPal · anna@example.com")
