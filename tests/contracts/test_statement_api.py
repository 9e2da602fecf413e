"""The statements API: read with a brand's key or a member's session; approve and pay only as a
signed-in finance member or owner."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from contracts.models import Statement
from tests import factories
from tests.contracts.statement_data import statement_with_sources

pytestmark = pytest.mark.django_db

LIST = "/api/v1/statements/"


def approve_url(statement: Statement) -> str:
    return f"{LIST}{statement.pk}/approve/"


def pay_url(statement: Statement) -> str:
    return f"{LIST}{statement.pk}/pay/"


@pytest.fixture
def draft(brand):
    return statement_with_sources(brand, due_date=date(2026, 12, 31))


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_key_reads_statements_with_their_lines(api, draft):
    listed = api.get(LIST).json()
    assert listed["count"] == 1
    [row] = listed["results"]
    assert row == {
        "id": draft.pk,
        "contract": draft.contract_id,
        "period_start": "2026-11-01",
        "period_end": "2026-12-01",
        "status": "draft",
        "currency": "USD",
        "total": "166.00",
        "payable": True,
        "problem": "",
        "due_date": "2026-12-31",
        "approved_at": None,
        "paid_on": None,
        "payout_reference": "",
        "lines": [
            {
                "kind": "commission",
                "description": "8% commission on net sales",
                "quantity": None,
                "rate": "0.08",
                "amount": "16.00",
            },
            {
                "kind": "per_deliverable",
                "description": "Published videos",
                "quantity": "1",
                "rate": "150",
                "amount": "150.00",
            },
        ],
    }
    assert api.get(f"{LIST}{draft.pk}/").json() == row


def test_statements_filter_by_contract_and_period_start(api, brand, draft):
    december = factories.StatementFactory(
        contract=draft.contract, period_start=date(2026, 12, 1), period_end=date(2027, 1, 1)
    )
    other_contract = factories.StatementFactory(contract__partnership__influencer__brand=brand)

    def ids(**query) -> list[int]:
        return [row["id"] for row in api.get(LIST, query).json()["results"]]

    assert ids(contract=draft.contract_id) == [december.pk, draft.pk]
    assert ids(contract=draft.contract_id, period_start="2026-11-01") == [draft.pk]
    assert ids(period_start="2026-11-01") == sorted([draft.pk, other_contract.pk])
    assert ids(status="draft", contract=other_contract.contract_id) == [other_contract.pk]


def test_list_queries_do_not_grow_with_statements(api, brand, django_assert_max_num_queries):
    for _ in range(5):
        statement_with_sources(brand, sales=3)
    with django_assert_max_num_queries(4):  # key, count, page, lines
        assert api.get(LIST).json()["count"] == 5


def test_key_of_another_brand_sees_none_of_these_statements(other_api, draft):
    assert other_api.get(LIST).json()["count"] == 0
    assert other_api.get(LIST, {"contract": draft.contract_id}).json()["count"] == 0
    assert other_api.get(f"{LIST}{draft.pk}/").status_code == 404
    assert other_api.post(approve_url(draft)).status_code == 404
    assert other_api.post(pay_url(draft), {"reference": "TX-1"}, format="json").status_code == 404


def test_api_key_may_not_approve_or_pay(api, draft):
    response = api.post(approve_url(draft))
    assert response.status_code == 403
    assert response.json()["detail"].startswith(
        "An API key cannot approve or pay statements: it belongs to a brand, not to one of its "
        "finance members or owners."
    )
    draft.status = Statement.Status.APPROVED
    draft.save()
    assert api.post(pay_url(draft), {"reference": "TX-1"}, format="json").status_code == 403
    draft.refresh_from_db()
    assert draft.status == Statement.Status.APPROVED


def test_signed_in_finance_approves_and_pays(finance, draft):
    client = signed_in(finance)
    approved = client.post(approve_url(draft)).json()
    assert approved["status"] == "approved"
    assert approved["approved_at"] is not None
    paid = client.post(pay_url(draft), {"reference": "TX-77"}, format="json").json()
    today = timezone.localdate(timezone=draft.contract.partnership.brand.timezone)
    assert (paid["status"], paid["payout_reference"], paid["paid_on"]) == (
        "paid",
        "TX-77",
        today.isoformat(),
    )
    draft.refresh_from_db()
    assert draft.approved_by == finance


def test_signed_in_owner_approves(brand_owner, draft):
    assert signed_in(brand_owner).post(approve_url(draft)).json()["status"] == "approved"


@pytest.mark.parametrize("persona", ["brand_manager", "viewer"])
def test_manager_and_viewer_get_403(persona, draft, request):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(f"{LIST}{draft.pk}/").status_code == 200  # reading is fine
    response = client.post(approve_url(draft))
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role in this brand does not allow this change."}
    assert client.post(pay_url(draft), {}, format="json").status_code == 403
    draft.refresh_from_db()
    assert draft.status == Statement.Status.DRAFT


def test_member_of_another_brand_gets_404(draft, other_brand):
    outsider = factories.UserFactory(username="outsider")
    factories.MembershipFactory(user=outsider, brand=other_brand, role="finance")
    client = signed_in(outsider)
    assert client.get(f"{LIST}{draft.pk}/").status_code == 404
    assert client.post(approve_url(draft)).status_code == 404
    assert client.get(LIST).json()["count"] == 0


def test_refusals_come_in_the_error_shape(finance, brand):
    problem = "No exchange rate from CNY to USD on 2026-11-05."
    statement = statement_with_sources(brand, problem=problem)
    client = signed_in(finance)
    response = client.post(approve_url(statement))
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "index": None,
                "field": "status",
                "message": "This statement cannot be approved until settlement can price it: "
                + problem,
            }
        ]
    }


def test_paying_needs_a_reference_and_a_day_not_in_the_future(finance, draft):
    draft.status = Statement.Status.APPROVED
    draft.save()
    client = signed_in(finance)
    response = client.post(pay_url(draft), {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "index": None,
            "field": "reference",
            "message": "Give the payout reference, e.g. the bank transfer id.",
        }
    ]
    response = client.post(
        pay_url(draft), {"reference": "TX-1", "paid_on": "2999-01-01"}, format="json"
    )
    assert response.json()["errors"] == [
        {"index": None, "field": "paid_on", "message": "The payment date cannot be in the future."}
    ]
    draft.refresh_from_db()
    assert draft.status == Statement.Status.APPROVED


def test_paying_with_a_given_date(finance, draft):
    draft.status = Statement.Status.APPROVED
    draft.total = Decimal("166.00")
    draft.save()
    paid = signed_in(finance).post(
        pay_url(draft), {"reference": "TX-1", "paid_on": "2026-11-20"}, format="json"
    )
    assert paid.json()["paid_on"] == "2026-11-20"


def test_anonymous_requests_are_refused(client, draft):
    assert APIClient().get(LIST).status_code in (401, 403)
    assert APIClient().post(approve_url(draft)).status_code in (401, 403)


def test_schema_describes_the_statement_actions(client):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/v1/statements/{id}/approve/" in schema["paths"]
    pay = schema["paths"]["/api/v1/statements/{id}/pay/"]["post"]
    body = pay["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][body]["required"] == ["reference"]
