"""An owner exports everything the brand holds about one influencer (JSON and CSV) and erases
their personal data while statements and money records stay, anonymised; both are in the
audit trail."""

import csv
import io
import json

import pytest
from django.urls import reverse

from campaigns.models import Sale
from contracts.models import PayoutDetails, Statement
from influencers.models import RiskAssessment
from partnerships.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(brand):
    sale = factories.SaleFactory(
        tracking_code__participant__contract__partnership__influencer__brand=brand,
        tracking_code__participant__contract__partnership__influencer__name="Anna Sokolova",
        tracking_code__participant__contract__partnership__influencer__contact_email="anna@example.com",
    )
    contract = sale.tracking_code.participant.contract
    influencer = contract.partnership.influencer
    factories.SocialAccountFactory(
        influencer=influencer, handle="anna.wigs", audience={"genders": {"female": 90}}
    )
    factories.RiskAssessmentFactory(influencer=influencer)
    PayoutDetails.objects.create(
        influencer=influencer,
        method="paypal",
        account_holder="Anna S",
        account_email="a@pay.example",
    )
    factories.StatementLineFactory(statement__contract=contract)
    return influencer


def _download(client, influencer, file_format: str) -> bytes:
    response = client.get(reverse(f"influencers:personal_data_{file_format}", args=[influencer.pk]))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_owner_exports_everything_as_json_and_csv(client, brand_owner, anna):
    client.force_login(brand_owner)
    data = json.loads(_download(client, anna, "json"))
    assert data["influencer"][0]["name"] == "Anna Sokolova"
    assert data["influencer"][0]["contact_email"] == "anna@example.com"
    assert [account["handle"] for account in data["social_accounts"]] == ["anna.wigs"]
    assert data["payout_details"][0]["account_email"] == "a@pay.example"
    assert len(data["sales"]) == 1
    assert len(data["statements"]) == 1
    assert len(data["risk_assessments"]) == 1
    rows = list(csv.reader(io.StringIO(_download(client, anna, "csv").decode("utf-8-sig"))))
    assert rows[0] == ["kind", "id", "field", "value"]
    assert ["social_accounts", str(anna.accounts.get().pk), "handle", "anna.wigs"] in rows
    exported = AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_EXPORTED)
    assert sorted(event.details["format"] for event in exported) == ["csv", "json"]
    assert {event.target for event in exported} == {f"Influencer #{anna.pk}"}


def test_owner_erases_personal_data_and_money_records_stay(client, brand_owner, anna):
    statement = Statement.objects.get()
    total, sales = statement.total, Sale.objects.count()
    client.force_login(brand_owner)
    response = client.post(reverse("influencers:erase", args=[anna.pk]), {"confirm": "on"})
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.name == f"Erased influencer #{anna.pk}"
    assert (anna.contact_email, anna.contact_phone, anna.notes) == ("", "", "")
    account = anna.accounts.get()
    assert account.handle == f"erased-{account.pk}"
    assert account.audience == {}
    assert not PayoutDetails.objects.exists()
    assert not RiskAssessment.objects.exists()
    assert not RiskAssessment.history.exists()
    statement.refresh_from_db()
    assert statement.total == total
    assert Sale.objects.count() == sales
    left = _download(client, anna, "json").decode()
    for personal in ("Anna Sokolova", "anna@example.com", "anna.wigs", "a@pay.example"):
        assert personal not in left
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PERSONAL_DATA_ERASED, user=brand_owner
    ).exists()


def test_erasing_needs_the_confirmation(client, brand_owner, anna):
    client.force_login(brand_owner)
    client.post(reverse("influencers:erase", args=[anna.pk]))
    anna.refresh_from_db()
    assert anna.name == "Anna Sokolova"


def test_only_owners_export_or_erase(client, brand_manager, anna):
    client.force_login(brand_manager)
    assert client.get(reverse("influencers:personal_data_json", args=[anna.pk])).status_code == 403
    client.post(reverse("influencers:erase", args=[anna.pk]), {"confirm": "on"})
    anna.refresh_from_db()
    assert anna.name == "Anna Sokolova"
    page = client.get(reverse("influencers:detail", args=[anna.pk])).content.decode()
    assert "Erase personal data" not in page
