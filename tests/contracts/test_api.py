"""The contract endpoint: nested terms and deliverables, the models' validation as API errors,
status actions, tenancy and query counts."""

import copy
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import CompensationTerm, Contract, Deliverable, Partnership
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/contracts/"
Status = Contract.Status


@pytest.fixture
def influencer(brand):
    return factories.InfluencerFactory(brand=brand, name="Anna Ferreira")


def paid_media(influencer) -> dict:
    """Installments, CPM and a deliverable: the usual paid-media deal."""
    return {
        "influencer": influencer.pk,
        "method": "paid_media",
        "title": "Spring wig reviews",
        "start": "2027-01-01",
        "end": "2027-06-30",
        "currency": "USD",
        "settlement_period": "monthly",
        "hold_days": 30,
        "minimum_payout": "50.00",
        "payment_terms_days": 15,
        "disclosure_text": "#ad #LumiereHair",
        "usage_territories": ["us", "gb"],
        "terms": [
            {"kind": "flat_fee", "amount": "1000.00", "milestone": "on_signing"},
            {"kind": "flat_fee", "amount": "1000.00", "due_date": "2027-03-31"},
            {"kind": "cpm", "amount": "8.00", "cap": "400.00"},
        ],
        "deliverables": [
            {
                "content_type": "video",
                "platform": "youtube",
                "quantity": 2,
                "due_date": "2027-02-15",
            }
        ],
    }


def post(api, payload: dict):
    return api.post(URL, payload, format="json")


def errors_of(response) -> dict[str, str]:
    assert response.status_code == 400, response.json()
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def nothing_written() -> bool:
    return not (
        Contract.objects.exists()
        or CompensationTerm.objects.exists()
        or Deliverable.objects.exists()
        or Partnership.objects.exists()
    )


def test_paid_media_contract_with_installments_cpm_and_a_deliverable_round_trip(
    api, brand, influencer
):
    created = post(api, paid_media(influencer))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft"
    assert body["influencer"] == influencer.pk
    assert body["minimum_payout"] == "50.00"
    assert body["usage_territories"] == ["US", "GB"]
    assert [term["kind"] for term in body["terms"]] == ["cpm", "flat_fee", "flat_fee"]
    cpm = body["terms"][0]
    assert {k: v for k, v in cpm.items() if k != "id"} == {
        "kind": "cpm",
        "amount": "8.00",
        "cap": "400.00",
    }
    on_signing = next(t for t in body["terms"] if t.get("milestone"))
    assert "due_date" not in on_signing
    assert "rate" not in on_signing
    [video] = body["deliverables"]
    assert video["content_type"] == "video"
    assert (video["quantity"], video["due_date"]) == (2, "2027-02-15")

    contract = Contract.objects.get(pk=body["id"])
    assert contract.partnership.brand == brand
    assert contract.partnership.influencer == influencer
    assert contract.terms.count() == 3
    assert api.get(f"{URL}{contract.pk}/").json() == body

    again = api.put(f"{URL}{contract.pk}/", body, format="json")  # what GET gave, sent back
    assert again.status_code == 200, again.json()
    assert [t["kind"] for t in again.json()["terms"]] == ["cpm", "flat_fee", "flat_fee"]


def test_distribution_contract_with_tiered_rebate_round_trip(api, influencer):
    payload = {
        "influencer": influencer.pk,
        "method": "distribution",
        "title": "Wholesale 2027",
        "start": "2027-01-01",
        "currency": "EUR",
        "settlement_period": "quarterly",
        "terms": [
            {
                "kind": "rebate",
                "tiers": [{"from": 0, "rate": 0.02}, {"from": "5000", "rate": "0.04"}],
                "tier_mode": "marginal",
            }
        ],
    }
    created = post(api, payload)
    assert created.status_code == 201, created.json()
    [rebate] = created.json()["terms"]
    assert rebate["tiers"] == [{"from": "0", "rate": "0.02"}, {"from": "5000", "rate": "0.04"}]
    assert rebate["tier_mode"] == "marginal"
    assert set(rebate) == {"id", "kind", "tiers", "tier_mode"}
    assert created.json()["deliverables"] == []
    assert api.get(f"{URL}{created.json()['id']}/").json() == created.json()


def test_joint_brand_contract_with_revenue_share_and_minimum_guarantee_round_trip(
    api, brand, influencer
):
    wig = factories.ProductFactory(brand=brand, sku="LACE-22", category="Wigs")
    payload = {
        "influencer": influencer.pk,
        "method": "joint_brand",
        "title": "Anna x Lumière line",
        "start": "2027-01-01",
        "end": "2028-12-31",
        "currency": "JPY",
        "terms": [
            {"kind": "revenue_share", "rate": "0.1500", "minimum_guarantee": "50000"},
            {"kind": "commission", "rate": "0.05", "basis": "product", "sku": "LACE-22"},
        ],
    }
    created = post(api, payload)
    assert created.status_code == 201, created.json()
    terms = {term["kind"]: term for term in created.json()["terms"]}
    assert terms["revenue_share"]["rate"] == "0.1500"
    assert terms["revenue_share"]["minimum_guarantee"] == "50000.00"
    assert terms["commission"]["sku"] == "LACE-22"
    assert CompensationTerm.objects.get(kind="commission").product == wig


def test_second_contract_with_the_same_influencer_reuses_the_partnership(api, influencer):
    first = post(api, paid_media(influencer)).json()
    second = post(api, {**paid_media(influencer), "title": "Autumn gowns"}).json()
    assert first["partnership"] == second["partnership"]
    assert Partnership.objects.count() == 1


def test_influencer_of_another_brand_is_refused(api, other_brand):
    stranger = factories.InfluencerFactory(brand=other_brand)
    errors = errors_of(post(api, paid_media(stranger)))
    assert errors == {"influencer": f"No influencer with id {stranger.pk} in this brand."}
    assert nothing_written()


def test_unknown_sku_is_refused_on_its_term(api, influencer, other_brand):
    factories.ProductFactory(brand=other_brand, sku="THEIRS")
    payload = paid_media(influencer)
    payload["method"] = "distribution"
    payload["terms"] = [{"kind": "commission", "rate": "0.05", "basis": "product", "sku": "THEIRS"}]
    assert errors_of(post(api, payload)) == {
        "terms[0].sku": "No product with SKU “THEIRS” in this brand."
    }
    assert nothing_written()


@pytest.mark.parametrize(
    ("term", "field", "message"),
    [
        (
            {"kind": "commission", "rate": "1.5", "basis": "total"},
            "rate",
            "A rate is a fraction between 0 and 1 (0.0800 is 8%).",
        ),
        (
            {
                "kind": "commission",
                "basis": "total",
                "tiers": [{"from": "5000", "rate": "0.04"}, {"from": "1000", "rate": "0.06"}],
                "tier_mode": "whole",
            },
            "tiers",
            "tiers: tier 2 starts below tier 1 (1000, after 5000); thresholds must "
            "ascend strictly.",
        ),
        (
            {"kind": "flat_fee", "amount": "500.00", "due_date": "2027-07-01"},
            "due_date",
            "Must fall within the contract's dates.",
        ),
        ({"kind": "cpm", "amount": "8.00", "cap": "0"}, "cap", "Must be greater than zero."),
        (
            {"kind": "rebate", "tiers": [{"from": "0", "rate": "0.02"}], "tier_mode": "whole"},
            "kind",
            "A paid self-media contract cannot have a volume rebate (distribution) term.",
        ),
        (
            {"kind": "flat_fee", "amount": "500.00", "due_date": "2027-02-01", "rate": "0.05"},
            "rate",
            "Not used by a flat fee or installment term.",
        ),
    ],
)
def test_invalid_term_is_refused_with_its_message_and_nothing_is_written(
    api, influencer, term, field, message
):
    payload = paid_media(influencer)
    payload["terms"] = [payload["terms"][2], term]
    assert errors_of(post(api, payload)) == {f"terms[1].{field}": message}
    assert nothing_written()


def test_deliverable_due_outside_the_contract_is_refused(api, influencer):
    payload = paid_media(influencer)
    payload["deliverables"].append(
        {"content_type": "short", "platform": "tiktok", "quantity": 1, "due_date": "2026-12-31"}
    )
    assert errors_of(post(api, payload)) == {
        "deliverables[1].due_date": "Must fall within the contract's dates."
    }
    assert nothing_written()


def test_every_error_of_contract_terms_and_deliverables_is_reported_at_once(api, influencer):
    payload = paid_media(influencer)
    payload["exclusivity"] = "category"
    payload["terms"][2]["cap"] = "-1"
    payload["deliverables"][0]["due_date"] = "2027-07-01"
    assert errors_of(post(api, payload)) == {
        "exclusivity_categories": "Name the categories the exclusivity covers.",
        "terms[2].cap": "Must be greater than zero.",
        "deliverables[0].due_date": "Must fall within the contract's dates.",
    }
    assert nothing_written()


def test_overlapping_exclusivity_is_refused(api, influencer):
    exclusive = {**paid_media(influencer), "exclusivity": "category"}
    first = post(api, {**exclusive, "exclusivity_categories": ["wigs"]})
    assert first.status_code == 201, first.json()
    clash = post(api, {**exclusive, "title": "Gowns", "exclusivity_categories": ["gowns", "wigs"]})
    assert errors_of(clash) == {
        "exclusivity": "“Spring wig reviews” already gives this influencer's exclusivity for an "
        "overlapping period (2027-01-01 to 2027-06-30)."
    }
    assert Contract.objects.count() == 1
    assert CompensationTerm.objects.count() == 3


def test_status_in_the_body_is_read_only(api, influencer):
    errors = errors_of(post(api, {**paid_media(influencer), "status": "active"}))
    assert errors == {
        "status": "The status changes only through the negotiate, sign, activate, complete "
        "and terminate actions."
    }
    assert nothing_written()


def test_fields_a_term_does_not_use_may_be_sent_as_null(api, influencer):
    payload = paid_media(influencer)
    unused = dict.fromkeys(["rate", "basis", "sku", "tiers", "tier_mode", "milestone"])
    payload["terms"] = [{"kind": "cpm", "amount": "8.00", "cap": None, **unused}]
    created = post(api, payload)
    assert created.status_code == 201, created.json()
    assert set(created.json()["terms"][0]) == {"id", "kind", "amount"}


def test_put_with_terms_replaces_them_and_patch_without_leaves_them(api, influencer):
    body = post(api, paid_media(influencer)).json()
    detail = f"{URL}{body['id']}/"
    replaced = {
        **paid_media(influencer),
        "title": "Spring wig reviews, amended",
        "terms": [{"kind": "per_deliverable", "amount": "300.00", "content_type": "video"}],
    }
    del replaced["deliverables"]
    put = api.put(detail, replaced, format="json")
    assert put.status_code == 200, put.json()
    assert [t["kind"] for t in put.json()["terms"]] == ["per_deliverable"]
    assert len(put.json()["deliverables"]) == 1  # left out: left alone
    assert CompensationTerm.objects.count() == 1

    patch = api.patch(detail, {"hold_days": 14}, format="json")
    assert patch.status_code == 200, patch.json()
    assert patch.json()["hold_days"] == 14
    assert patch.json()["terms"] == put.json()["terms"]


def test_patch_of_dates_checks_the_stored_terms_and_deliverables_again(api, influencer):
    body = post(api, paid_media(influencer)).json()
    response = api.patch(f"{URL}{body['id']}/", {"end": "2027-02-01"}, format="json")
    assert errors_of(response) == {
        "terms[2].due_date": "Must fall within the contract's dates.",
        "deliverables[0].due_date": "Must fall within the contract's dates.",
    }
    assert Contract.objects.get().end == date(2027, 6, 30)


def test_influencer_and_method_stay_with_the_contract(api, brand, influencer):
    body = post(api, paid_media(influencer)).json()
    other = factories.InfluencerFactory(brand=brand)
    changed = {"influencer": other.pk, "method": "distribution"}
    errors = errors_of(api.patch(f"{URL}{body['id']}/", changed, format="json"))
    assert set(errors) == {"influencer", "method"}


def test_signing_is_refused_without_terms_and_paid_media_without_deliverable_then_allowed(
    api, influencer
):
    draft = {**paid_media(influencer), "terms": [], "deliverables": []}
    body = post(api, draft).json()
    detail = f"{URL}{body['id']}/"

    refused = api.post(f"{detail}sign/")
    assert refused.status_code == 400
    assert refused.json() == {
        "errors": [
            {
                "index": None,
                "field": "status",
                "message": "Add at least one compensation term before signing.",
            }
        ]
    }
    api.patch(detail, {"terms": paid_media(influencer)["terms"]}, format="json")
    assert errors_of(api.post(f"{detail}sign/")) == {
        "status": "Add at least one deliverable before signing a paid-media contract."
    }
    assert Contract.objects.get().status == Status.DRAFT

    api.patch(detail, {"deliverables": paid_media(influencer)["deliverables"]}, format="json")
    signed = api.post(f"{detail}sign/")
    assert signed.status_code == 200, signed.json()
    assert signed.json()["status"] == "signed"
    assert signed.json()["signed_at"] is not None
    assert api.post(f"{detail}activate/").json()["status"] == "active"


def test_terminated_contract_cannot_reopen(api, brand):
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    assert api.post(f"{URL}{contract.pk}/terminate/").json()["status"] == "terminated"
    for action in ("negotiate", "sign", "activate", "complete", "terminate"):
        response = api.post(f"{URL}{contract.pk}/{action}/")
        assert errors_of(response) == {"status": "A terminated contract cannot change status."}
    contract.refresh_from_db()
    assert contract.status == Status.TERMINATED


def test_another_brands_contract_is_404_everywhere(api, other_api, influencer):
    body = post(api, paid_media(influencer)).json()
    detail = f"{URL}{body['id']}/"
    assert other_api.get(detail).status_code == 404
    assert other_api.put(detail, paid_media(influencer), format="json").status_code == 404
    assert other_api.patch(detail, {"title": "Mine now"}, format="json").status_code == 404
    for action in ("negotiate", "sign", "activate", "complete", "terminate"):
        assert other_api.post(f"{detail}{action}/").status_code == 404
    assert other_api.get(URL).json()["results"] == []
    assert Contract.objects.get().title == "Spring wig reviews"


def test_delete_is_not_offered(api, brand):
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    assert api.delete(f"{URL}{contract.pk}/").status_code == 405


def test_filters_by_status_method_and_influencer(api, brand, influencer):
    mine = factories.PartnershipFactory(influencer=influencer)
    signed = factories.ContractFactory(partnership=mine, status=Status.SIGNED)
    factories.ContractFactory(partnership=mine, method="distribution", status=Status.DRAFT)
    factories.ContractFactory(partnership__influencer__brand=brand, status=Status.SIGNED)

    def ids(query: str) -> list[int]:
        return [c["id"] for c in api.get(f"{URL}?{query}").json()["results"]]

    assert len(ids("status=signed")) == 2
    assert len(ids(f"influencer={influencer.pk}")) == 2
    assert ids(f"influencer={influencer.pk}&method=paid_media") == [signed.pk]


def _contracts(brand, count: int) -> None:
    for _ in range(count):
        contract = factories.ContractFactory(partnership__influencer__brand=brand)
        product = factories.ProductFactory(brand=brand)
        factories.CompensationTermFactory(contract=contract)
        factories.CompensationTermFactory(
            contract=contract, kind="commission", basis="product", product=product
        )
        factories.DeliverableFactory(contract=contract)


def test_listing_takes_the_same_queries_for_3_or_20_contracts(api, brand):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(URL)
        assert response.status_code == 200
        return len(captured)

    _contracts(brand, 3)
    few = queries()
    _contracts(brand, 17)
    assert api.get(URL).json()["count"] == 20
    assert queries() == few


def test_invalid_payload_shapes_are_field_errors(api, influencer):
    payload = copy.deepcopy(paid_media(influencer))
    payload["terms"][0]["kind"] = "tip"
    payload["deliverables"][0]["quantity"] = 0
    errors = errors_of(post(api, payload))
    assert set(errors) == {"terms[0].kind", "deliverables[0].quantity"}
    assert nothing_written()


def test_terms_and_deliverables_of_the_wrong_shape_are_errors_on_them(api, influencer):
    payload = {**paid_media(influencer), "terms": "flat fee", "deliverables": [1]}
    assert errors_of(post(api, payload)) == {
        "terms": 'Expected a list of items but got type "str".',
        "deliverables[0]": "Invalid data. Expected a dictionary, but got int.",
    }
    assert nothing_written()
