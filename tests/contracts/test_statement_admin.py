"""The statement admin: scoped to the user's brands, lines read only, approve / mark paid /
export actions by role."""

from datetime import date

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from contracts.models import Statement, StatementLine
from partnerships.models import Role
from tests import factories
from tests.contracts.statement_data import statement_with_sources
from tests.downloads import csv_records

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:contracts_statement_changelist")


@pytest.fixture
def draft(brand):
    return statement_with_sources(brand)


def run_action(client, action: str, statements, **extra):
    return client.post(
        CHANGELIST,
        {"action": action, helpers.ACTION_CHECKBOX_NAME: [s.pk for s in statements], **extra},
    )


def statuses(*statements) -> list[str]:
    return [Statement.objects.get(pk=s.pk).status for s in statements]


def test_changelist_lists_own_brands_statements_with_their_problem(
    client, finance, brand, other_brand
):
    problem = "No exchange rate from CNY to USD on 2026-11-05."
    factories.StatementFactory(
        contract__partnership__influencer__brand=brand, contract__title="Ours", problem=problem
    )
    factories.StatementFactory(
        contract__partnership__influencer__brand=other_brand, contract__title="Theirs"
    )
    client.force_login(finance)
    page = client.get(CHANGELIST).content.decode()
    assert "Ours" in page
    assert problem in page
    assert "Theirs" not in page
    assert "Kestrel" not in page  # not even as a filter choice


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "draft"},
        {"period_start__gte": "2026-11-01"},
        {"contract__method__exact": "paid_media"},
        {"q": "Anna"},
    ],
)
def test_changelist_filters_and_search(client, finance, draft, query):
    client.force_login(finance)
    response = client.get(CHANGELIST, query)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [draft]


def test_changelist_filters_by_brand(client, agency_staff, brand, other_brand):
    ours = factories.StatementFactory(contract__partnership__influencer__brand=brand)
    factories.StatementFactory(contract__partnership__influencer__brand=other_brand)
    client.force_login(agency_staff)
    response = client.get(CHANGELIST, {"contract__partnership__brand__id__exact": brand.pk})
    assert list(response.context["cl"].result_list) == [ours]


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_another_brands_statement_is_404(client, other_brand_manager, draft, view):
    client.force_login(other_brand_manager)
    response = client.get(reverse(f"admin:contracts_statement_{view}", args=[draft.pk]))
    assert response.status_code == 404


def test_statement_and_lines_are_read_only(client, finance, draft):
    client.force_login(finance)
    url = reverse("admin:contracts_statement_change", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "8% commission on net sales" in page
    assert 'name="lines-0-description"' not in page
    assert 'name="lines-MAX_NUM_FORMS" value="0"' in page  # no line can be added
    assert 'name="lines-0-DELETE"' not in page
    assert client.post(url, {"status": "paid"}).status_code == 403
    assert client.get(reverse("admin:contracts_statement_add")).status_code == 403
    delete = reverse("admin:contracts_statement_delete", args=[draft.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert statuses(draft) == ["draft"]
    assert StatementLine.objects.filter(statement=draft).count() == 2


def test_finance_approves_with_the_action(client, finance, draft):
    client.force_login(finance)
    response = run_action(client, "approve", [draft])
    assert response.status_code == 302
    assert statuses(draft) == ["approved"]
    assert Statement.objects.get(pk=draft.pk).approved_by == finance


def test_approve_action_takes_a_contracts_periods_in_order(client, finance, draft):
    later = factories.StatementFactory(
        contract=draft.contract, period_start=date(2026, 12, 1), period_end=date(2027, 1, 1)
    )
    client.force_login(finance)
    run_action(client, "approve", [later, draft])
    assert statuses(draft, later) == ["approved", "approved"]


def test_approve_action_reports_each_refusal(client, finance, brand, draft):
    problem = "No exchange rate from CNY to USD on 2026-11-05."
    stuck = statement_with_sources(brand, problem=problem)
    client.force_login(finance)
    response = run_action(client, "approve", [draft, stuck])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        f"“{stuck}” was not approved: This statement cannot be approved until settlement can "
        f"price it: {problem}",
        "1 statement approved.",
    ]
    assert statuses(draft, stuck) == ["approved", "draft"]


@pytest.mark.parametrize("persona", ["brand_manager", "viewer"])
def test_manager_and_viewer_are_not_offered_approve_or_mark_paid(client, draft, persona, request):
    user = request.getfixturevalue(persona)
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get(CHANGELIST)
    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert "approve" not in actions
    assert "mark_paid" not in actions
    assert "export_csv" in actions
    run_action(client, "approve", [draft])
    assert statuses(draft) == ["draft"]


def test_agency_staff_approves_only_where_they_are_finance(
    client, agency_staff, brand, other_brand
):
    agency_staff.memberships.filter(brand=other_brand).update(role=Role.FINANCE)
    ours = statement_with_sources(brand)
    theirs = statement_with_sources(other_brand)
    client.force_login(agency_staff)
    response = run_action(client, "approve", [ours, theirs])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        f"“{ours}” was not approved: your role in its brand does not allow this.",
        "1 statement approved.",
    ]
    assert statuses(ours, theirs) == ["draft", "approved"]


def test_mark_paid_asks_for_the_reference_first(client, finance, draft):
    draft.status = Statement.Status.APPROVED
    draft.save()
    client.force_login(finance)
    response = run_action(client, "mark_paid", [draft])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mark statements paid" in page
    assert 'name="reference"' in page
    assert str(draft) in page
    response = run_action(client, "mark_paid", [draft], apply="1", reference="", paid_on="")
    assert "Give the payout reference, e.g. the bank transfer id." in response.content.decode()
    assert statuses(draft) == ["approved"]
    today = timezone.localdate(timezone=draft.contract.partnership.brand.timezone)
    response = run_action(
        client, "mark_paid", [draft], apply="1", reference="BATCH-2026-11", paid_on=today
    )
    assert response.status_code == 302
    paid = Statement.objects.get(pk=draft.pk)
    assert (paid.status, paid.payout_reference, paid.paid_on) == ("paid", "BATCH-2026-11", today)


def test_mark_paid_reports_statements_that_are_not_approved(client, finance, draft):
    client.force_login(finance)
    response = run_action(
        client, "mark_paid", [draft], apply="1", reference="TX-1", paid_on="2026-11-01"
    )
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        f"“{draft}” was not marked paid: Only an approved statement can be marked paid; "
        "approve it first."
    ]


def test_export_action_streams_lines_and_sources(client, viewer, draft):
    client.force_login(viewer)
    response = run_action(client, "export_csv", [draft])
    rows = csv_records(response)
    assert [row["source"] for row in rows] == ["", "sale", "sale", "", "content"]
