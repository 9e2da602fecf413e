"""Records around contracts by API: partnerships, distributor price lists and orders, joint
brands with products and equity; scoped to the key's brand and validated by the models
(another brand's product or contract is unknown, one price per contract and product)."""

from decimal import Decimal

import pytest

from contracts.models import DistributorOrder, DistributorPrice
from influencers.models import RiskAssessment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(brand):
    return factories.ContractFactory(partnership__influencer__brand=brand, method="distribution")


@pytest.fixture
def product(brand):
    return factories.ProductFactory(brand=brand, sku="WIG-BW-22")


def test_a_price_list_and_an_order_are_recorded(api, contract, product):
    price = api.post(
        "/api/v1/distributor-prices/",
        {"contract": contract.pk, "product": "WIG-BW-22", "price": "95.00"},
        format="json",
    )
    order = api.post(
        "/api/v1/distributor-orders/",
        {
            "contract": contract.pk,
            "reference": "PO-1",
            "ordered_at": "2026-11-05T10:00:00+08:00",
            "product": "WIG-BW-22",
            "quantity": 40,
            "unit_price": "95.00",
        },
        format="json",
    )

    assert (price.status_code, order.status_code) == (201, 201), (price.content, order.content)
    assert DistributorPrice.objects.get().price == Decimal("95.00")
    assert DistributorOrder.objects.get().quantity == 40
    listed = api.get(f"/api/v1/distributor-orders/?contract={contract.pk}").json()
    assert [row["reference"] for row in listed["results"]] == ["PO-1"]


def test_the_models_rules_hold(api, contract, product, other_brand):
    factories.DistributorPriceFactory(contract=contract, product=product)
    foreign = factories.ContractFactory(partnership__influencer__brand=other_brand)

    again = api.post(
        "/api/v1/distributor-prices/",
        {"contract": contract.pk, "product": "WIG-BW-22", "price": "90.00"},
        format="json",
    )
    theirs = api.post(
        "/api/v1/distributor-orders/",
        {
            "contract": foreign.pk,
            "reference": "PO-2",
            "ordered_at": "2026-11-05T10:00:00Z",
            "product": "NOPE",
            "quantity": 0,
            "unit_price": "-1",
        },
        format="json",
    )

    assert again.status_code == 400
    assert theirs.status_code == 400
    fields = {error["field"] for error in theirs.json()["errors"]}
    assert {"contract", "product", "quantity", "unit_price"} <= fields
    assert DistributorOrder.objects.count() == 0


def test_a_partnership_and_a_joint_brand(api, brand, product, other_brand):
    influencer = factories.InfluencerFactory(brand=brand)
    theirs = factories.InfluencerFactory(brand=other_brand)

    made = api.post(
        "/api/v1/partnerships/",
        {"influencer": influencer.pk, "status": "active", "brand_goals": "A wig line"},
        format="json",
    )
    refused = api.post("/api/v1/partnerships/", {"influencer": theirs.pk}, format="json")

    assert made.status_code == 201, made.content
    assert refused.status_code == 400
    contract = factories.ContractFactory(partnership_id=made.json()["id"], method="joint_brand")
    joint = {
        "contract": contract.pk,
        "name": "Mia x Lumière",
        "brand_equity": "0.6000",
        "influencer_equity": "0.4000",
        "products": ["WIG-BW-22"],
    }
    response = api.post("/api/v1/joint-brands/", joint, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["products"] == ["WIG-BW-22"]
    uneven = api.post(
        "/api/v1/joint-brands/", {**joint, "influencer_equity": "0.3000"}, format="json"
    )
    assert uneven.status_code == 400
    assert "100%" in str(uneven.json())


def test_deliverables_and_risk_assessments(api, brand, contract, other_brand):
    deliverable = {
        "contract": contract.pk,
        "content_type": "video",
        "platform": "tiktok",
        "quantity": 2,
        "due_date": contract.start.isoformat(),
    }
    made = api.post("/api/v1/deliverables/", deliverable, format="json")
    late = api.post(
        "/api/v1/deliverables/", {**deliverable, "due_date": "2099-01-01"}, format="json"
    )
    influencer = contract.partnership.influencer
    risk = api.post(
        "/api/v1/risk-assessments/",
        {"influencer": influencer.pk, "kind": "compliance", "likelihood": 2, "impact": 4},
        format="json",
    )
    theirs = api.post(
        "/api/v1/risk-assessments/",
        {
            "influencer": factories.InfluencerFactory(brand=other_brand).pk,
            "kind": "compliance",
            "likelihood": 9,
            "impact": 1,
        },
        format="json",
    )

    assert made.status_code == 201, made.content
    assert late.status_code == 400
    assert risk.status_code == 201, risk.content
    assert {error["field"] for error in theirs.json()["errors"]} >= {"influencer", "likelihood"}


def test_a_risk_by_api_rescores_and_is_closed_with_its_reason(api, brand_manager, brand, client):
    influencer = factories.SocialAccountFactory(influencer__brand=brand).influencer
    made = api.post(
        "/api/v1/risk-assessments/",
        {"influencer": influencer.pk, "kind": "compliance", "likelihood": 5, "impact": 5},
        format="json",
    )
    assert made.status_code == 201, made.content
    risk = RiskAssessment.objects.get(pk=made.json()["id"])
    influencer.refresh_from_db()
    scored_with_risk = influencer.fit_score
    assert "Open risks" in str(influencer.fit_breakdown)

    client.force_login(brand_manager)
    no_reason = client.post(f"/api/v1/risk-assessments/{risk.pk}/close/", {"reason": ""})
    reopened = api.patch(f"/api/v1/risk-assessments/{risk.pk}/", {"is_open": False}, format="json")
    closed = client.post(f"/api/v1/risk-assessments/{risk.pk}/close/", {"reason": "Disclosed."})
    again = api.post(f"/api/v1/risk-assessments/{risk.pk}/close/", {"reason": "Twice."})
    revised = api.patch(f"/api/v1/risk-assessments/{risk.pk}/", {"impact": 1}, format="json")

    assert no_reason.status_code == 400
    assert reopened.status_code == 200
    assert reopened.json()["is_open"] is True  # is_open is read-only: closing needs a reason
    assert closed.status_code == 200, closed.content
    assert closed.json()["close_reason"] == "Disclosed."
    risk.refresh_from_db()
    assert (risk.is_open, risk.closed_by, risk.close_reason) == (False, brand_manager, "Disclosed.")
    influencer.refresh_from_db()
    assert influencer.fit_score > scored_with_risk
    assert "Open risks" not in str(influencer.fit_breakdown)
    assert again.status_code == 400
    assert again.json()["errors"][0]["message"] == "This risk is already closed."
    assert revised.status_code == 400
    assert risk.impact == 5
