"""The statement pages: list with filters and totals, detail with source rows, approving and
paying by role, CSV exports."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts import statement_views
from contracts.models import Statement
from partnerships.models import Role
from tests import factories
from tests.contracts.statement_data import statement_with_sources
from tests.downloads import csv_records

pytestmark = pytest.mark.django_db

LIST = reverse("contracts:statements")
BATCH = reverse("contracts:payment_batch")
HTMX = {"HTTP_HX_REQUEST": "true"}


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def csv_of(response) -> list[dict]:
    assert response.status_code == 200
    return csv_records(response)


def statement(brand, **fields) -> Statement:
    return factories.StatementFactory(contract__partnership__influencer__brand=brand, **fields)


@pytest.fixture
def draft(brand):
    return statement_with_sources(brand, due_date=date(2026, 12, 31))


# --- list ------------------------------------------------------------------------------------


def test_list_shows_the_current_brands_statements_only(client, agency_staff, brand, other_brand):
    statement(brand, contract__title="Winter wig reviews")
    statement(other_brand, contract__title="Trail shoe launch")
    client.force_login(agency_staff)
    client.post(reverse("switch_brand"), {"brand": brand.pk})
    page = page_of(client.get(LIST))
    assert "Winter wig reviews" in page
    assert "Trail shoe launch" not in page
    client.post(reverse("switch_brand"), {"brand": other_brand.pk})
    page = page_of(client.get(LIST))
    assert "Trail shoe launch" in page
    assert "Winter wig reviews" not in page


def test_list_filters_by_status_period_influencer_and_method(client, brand_manager, brand):
    statement(brand, status="approved", contract__title="Approved one")
    statement(brand, contract__title="Draft one")
    december = statement(
        brand,
        contract__title="December one",
        period_start=date(2026, 12, 1),
        period_end=date(2027, 1, 1),
    )
    statement(brand, contract__title="Distribution one", contract__method="distribution")
    client.force_login(brand_manager)

    def titles(**query) -> set[str]:
        page = client.get(LIST, query).context["page"]
        return {row.contract.title for row in page.object_list}

    assert titles(status="approved") == {"Approved one"}
    assert titles(period="2026-12") == {"December one"}
    assert titles(influencer=december.contract.partnership.influencer_id) == {"December one"}
    assert titles(method="distribution") == {"Distribution one"}
    assert titles(status="approved", method="distribution") == set()
    assert len(titles()) == 4


def test_list_offers_only_influencers_with_statements(client, brand_manager, brand):
    statement(brand, contract__partnership__influencer__name="Has a statement")
    factories.InfluencerFactory(brand=brand, name="Never settled")
    client.force_login(brand_manager)
    page = page_of(client.get(LIST))
    assert "Has a statement" in page
    assert "Never settled" not in page


def test_list_totals_per_currency_cover_the_filtered_set(client, brand_manager, brand):
    statement(brand, total=Decimal("100.10"), status="approved")
    statement(brand, total=Decimal("200.20"), status="paid")
    statement(brand, total=Decimal("-5.00"), status="approved", payable=False)
    statement(
        brand,
        total=Decimal("7000"),
        currency="JPY",
        contract__currency="JPY",
        status="draft",
        period_start=date(2026, 12, 1),
        period_end=date(2027, 1, 1),
    )
    client.force_login(brand_manager)
    totals = list(client.get(LIST).context["totals"])
    assert totals == [
        {"currency": "JPY", "count": 1, "amount": Decimal("7000"), "to_pay": 0, "paid": 0},
        {
            "currency": "USD",
            "count": 3,
            "amount": Decimal("295.30"),
            "to_pay": Decimal("100.10"),
            "paid": Decimal("200.20"),
        },
    ]
    page = page_of(client.get(LIST))
    assert "¥7,000" in page
    assert "$295.30" in page
    november = client.get(LIST, {"period": "2026-11"}).context["totals"]
    assert [row["currency"] for row in november] == ["USD"]


def test_list_is_paginated(client, brand_manager, brand):
    for _ in range(statement_views.PAGE_SIZE + 2):
        statement(brand)
    client.force_login(brand_manager)
    first = client.get(LIST).context["page"]
    assert len(first.object_list) == statement_views.PAGE_SIZE
    assert len(client.get(LIST, {"page": 2}).context["page"].object_list) == 2


def test_list_empty_states(client, brand_manager, brand):
    client.force_login(brand_manager)
    assert "No statements yet." in page_of(client.get(LIST))
    statement(brand)
    assert "No statement matches these filters." in page_of(client.get(LIST, {"status": "paid"}))


def test_list_reports_a_bad_month_and_lists_nothing(client, brand_manager, brand):
    statement(brand)
    client.force_login(brand_manager)
    response = client.get(LIST, {"period": "November"})
    assert "Give a month as YYYY-MM." in page_of(response)
    assert list(response.context["page"].object_list) == []


def test_list_shows_the_problem_of_a_statement(client, brand_manager, brand):
    statement(brand, problem="No exchange rate from CNY to USD on 2026-11-05.")
    client.force_login(brand_manager)
    assert "No exchange rate from CNY to USD on 2026-11-05." in page_of(client.get(LIST))


def test_filtering_with_htmx_returns_only_the_results(client, brand_manager, brand):
    statement(brand, contract__title="Winter wig reviews")
    client.force_login(brand_manager)
    page = page_of(client.get(LIST, {"status": "draft"}, **HTMX))
    assert "Winter wig reviews" in page
    assert "<html" not in page
    assert 'id="statement-filters"' not in page


def test_list_queries_do_not_grow_with_statements(client, brand_manager, brand):
    client.force_login(brand_manager)
    statement(brand, status="approved")
    page_of(client.get(LIST))  # the first request of a session also stores the current brand
    with CaptureQueriesContext(connection) as few:
        page_of(client.get(LIST))
    for n in range(20):
        statement(brand, status="paid" if n % 2 else "draft", currency="EUR")
    with CaptureQueriesContext(connection) as many:
        page_of(client.get(LIST))
    assert len(many) == len(few)


def test_batch_link_follows_the_chosen_month(client, finance, brand):
    statement(brand)
    client.force_login(finance)
    assert f'href="{BATCH}?period=2026-11"' in page_of(client.get(LIST, {"period": "2026-11"}))
    assert f'href="{BATCH}"' in page_of(client.get(LIST))


def test_payment_batch_with_payout_accounts_is_for_finance_and_owners_only(
    client, brand_manager, brand
):
    statement(brand)
    client.force_login(brand_manager)
    assert f'href="{BATCH}"' not in page_of(client.get(LIST))
    assert client.get(BATCH).status_code == 403


# --- detail ----------------------------------------------------------------------------------


def test_detail_shows_lines_with_their_sales_and_content(client, brand_manager, brand):
    statement_ = statement_with_sources(brand, sales=2, content=1, orders=1)
    client.force_login(brand_manager)
    page = page_of(client.get(reverse("contracts:statement", args=[statement_.pk])))
    assert "Statement for 1–30 Nov 2026" in page
    assert "8% commission on net sales" in page
    assert f"ORD-{statement_.pk}-0000 / 1" in page
    assert f"https://www.youtube.com/watch?v=s{statement_.pk}n0" in page
    assert "PO-0" in page
    assert 'id="statement-total">$168.42<' in page
    assert "the CSV export</a> has all" not in page


def test_detail_shows_a_late_confirmations_base_as_money_and_rate_as_percent(
    client, brand_manager, brand
):
    statement_ = statement(brand)
    statement_.lines.create(
        kind="late_confirmation",
        description="1 sale of the statement for Oct 2026 confirmed after its approval",
        quantity=Decimal("1234.50"),
        rate=Decimal("0.0550"),
        amount=Decimal("67.90"),
    )
    client.force_login(brand_manager)
    page = page_of(client.get(reverse("contracts:statement", args=[statement_.pk])))
    assert "$1,234.50" in page
    assert "5.5%" in page


def test_detail_caps_source_rows_and_points_to_the_csv(client, brand_manager, brand):
    shown = statement_views.SOURCE_ROWS_SHOWN
    statement_ = statement_with_sources(brand, sales=shown + 3, content=0)
    client.force_login(brand_manager)
    page = page_of(client.get(reverse("contracts:statement", args=[statement_.pk])))
    assert f"Sales ({shown + 3})" in page
    assert f"ORD-{statement_.pk}-{shown - 1:04d}" in page
    assert f"ORD-{statement_.pk}-{shown:04d}" not in page
    assert f"the CSV export</a> has all {shown + 3}." in page


def test_detail_shows_the_problem_prominently(client, finance, brand):
    problem = "No exchange rate from CNY to USD on 2026-11-05."
    statement_ = statement_with_sources(brand, problem=problem)
    client.force_login(finance)
    page = page_of(client.get(reverse("contracts:statement", args=[statement_.pk])))
    assert 'id="statement-problem"' in page
    assert problem in page
    assert "cannot be approved until settlement can price it" in page
    assert reverse("contracts:statement_approve", args=[statement_.pk]) not in page


def test_detail_queries_do_not_grow_with_lines_or_sources(client, brand_manager, brand):
    small = statement_with_sources(brand, sales=1, content=1)
    large = statement_with_sources(
        brand,
        sales=30,
        content=12,
        orders=14,
        period_start=date(2026, 12, 1),
        period_end=date(2027, 1, 1),
    )
    client.force_login(brand_manager)
    page_of(client.get(LIST))  # the first request of a session also stores the current brand
    with CaptureQueriesContext(connection) as few:
        page_of(client.get(reverse("contracts:statement", args=[small.pk])))
    with CaptureQueriesContext(connection) as many:
        page_of(client.get(reverse("contracts:statement", args=[large.pk])))
    assert len(many) == len(few)


# --- roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["finance", "brand_owner"])
def test_finance_and_owner_see_the_approve_button(client, draft, persona, request):
    client.force_login(request.getfixturevalue(persona))
    page = page_of(client.get(reverse("contracts:statement", args=[draft.pk])))
    assert reverse("contracts:statement_approve", args=[draft.pk]) in page


@pytest.mark.parametrize("persona", ["brand_manager", "viewer"])
def test_manager_and_viewer_see_no_buttons_and_cannot_post(
    client, draft, finance, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    approve = reverse("contracts:statement_approve", args=[draft.pk])
    pay = reverse("contracts:statement_pay", args=[draft.pk])
    page = page_of(client.get(reverse("contracts:statement", args=[draft.pk])))
    assert approve not in page
    assert client.post(approve).status_code == 403
    assert client.post(approve, **HTMX).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Statement.Status.DRAFT
    draft.status = Statement.Status.APPROVED
    draft.save()
    assert pay not in page_of(client.get(reverse("contracts:statement", args=[draft.pk])))
    assert client.post(pay, {"reference": "TX-1", "paid_on": "2026-12-01"}).status_code == 403
    assert client.post(pay, {}).status_code == 403  # refused before the form is looked at
    draft.refresh_from_db()
    assert draft.status == Statement.Status.APPROVED


# --- approving and paying in place -------------------------------------------------------------


def test_finance_approves_in_place_and_then_sees_the_payment_form(client, finance, draft):
    client.force_login(finance)
    page = page_of(client.post(reverse("contracts:statement_approve", args=[draft.pk]), **HTMX))
    assert page.lstrip().startswith('<section class="card card-body mb-3" id="statement-actions"')
    assert "Approved." in page
    assert reverse("contracts:statement_pay", args=[draft.pk]) in page
    assert 'name="reference"' in page
    draft.refresh_from_db()
    assert draft.status == Statement.Status.APPROVED
    assert draft.approved_by == finance


def test_second_approve_click_gets_the_refusal_in_place(client, finance, draft):
    client.force_login(finance)
    url = reverse("contracts:statement_approve", args=[draft.pk])
    client.post(url, **HTMX)
    page = page_of(client.post(url, **HTMX))
    assert "This statement is already approved." in page


def test_approving_without_htmx_returns_to_the_page_with_a_message(client, finance, draft):
    client.force_login(finance)
    response = client.post(reverse("contracts:statement_approve", args=[draft.pk]), follow=True)
    assert response.redirect_chain == [(reverse("contracts:statement", args=[draft.pk]), 302)]
    assert "Approved." in page_of(response)


def test_finance_marks_paid_in_place(client, finance, draft):
    draft.status = Statement.Status.APPROVED
    draft.save()
    client.force_login(finance)
    url = reverse("contracts:statement_pay", args=[draft.pk])
    page = page_of(client.post(url, {"reference": "", "paid_on": "2026-12-01"}, **HTMX))
    assert "Give the payout reference, e.g. the bank transfer id." in page
    today = timezone.localdate(timezone=draft.contract.partnership.brand.timezone)
    tomorrow = today + timedelta(days=1)
    page = page_of(client.post(url, {"reference": "TX-1", "paid_on": tomorrow}, **HTMX))
    assert "The payment date cannot be in the future." in page
    draft.refresh_from_db()
    assert draft.status == Statement.Status.APPROVED
    page = page_of(client.post(url, {"reference": "TX-20261201", "paid_on": today}, **HTMX))
    assert "Marked paid." in page
    assert "TX-20261201" in page
    assert 'name="reference"' not in page
    draft.refresh_from_db()
    assert (draft.status, draft.paid_on, draft.payout_reference) == (
        Statement.Status.PAID,
        today,
        "TX-20261201",
    )


def test_paying_a_draft_is_refused(client, finance, draft):
    client.force_login(finance)
    response = client.post(
        reverse("contracts:statement_pay", args=[draft.pk]),
        {"reference": "TX-1", "paid_on": "2026-12-01"},
        follow=True,
    )
    assert "Only an approved statement can be marked paid; approve it first." in page_of(response)
    draft.refresh_from_db()
    assert draft.status == Statement.Status.DRAFT


def test_carried_forward_statement_offers_no_payment(client, finance, brand):
    carried = statement_with_sources(brand, payable=False, status="approved")
    client.force_login(finance)
    page = page_of(client.get(reverse("contracts:statement", args=[carried.pk])))
    assert "Carried forward" in page
    assert reverse("contracts:statement_pay", args=[carried.pk]) not in page


# --- CSV exports -------------------------------------------------------------------------------


def test_statement_csv_has_every_line_and_source_row(client, brand_manager, brand):
    statement_ = statement_with_sources(brand, sales=statement_views.SOURCE_ROWS_SHOWN + 5)
    client.force_login(brand_manager)
    response = client.get(reverse("contracts:statement_csv", args=[statement_.pk]))
    assert f'filename="statement-{statement_.pk}-2026-11-01.csv"' in response["Content-Disposition"]
    rows = csv_of(response)
    assert sum(row["source"] == "sale" for row in rows) == statement_views.SOURCE_ROWS_SHOWN + 5
    assert sum(row["source"] == "content" for row in rows) == 1


def test_payment_batch_csv_for_a_month(client, finance, brand, other_brand):
    due = statement(
        brand,
        status="approved",
        total=Decimal("450.00"),
        due_date=date(2026, 12, 31),
        contract__partnership__influencer__name="Anna Sokolova",
        contract__partnership__influencer__contact_email="anna@example.com",
    )
    statement(brand, status="draft")
    statement(brand, status="approved", period_start=date(2026, 12, 1), period_end=date(2027, 1, 1))
    statement(other_brand, status="approved")
    client.force_login(finance)
    response = client.get(BATCH, {"period": "2026-11"})
    assert 'filename="lumiere-payments-2026-11.csv"' in response["Content-Disposition"]
    rows = csv_of(response)
    assert [(row["statement"], row["influencer"], row["contact_email"]) for row in rows] == [
        (str(due.pk), "Anna Sokolova", "anna@example.com")
    ]
    assert (rows[0]["amount"], rows[0]["currency"], rows[0]["due_date"]) == (
        "450.00",
        "USD",
        "2026-12-31",
    )
    assert len(csv_of(client.get(BATCH))) == 2


def test_payment_batch_with_a_bad_month_is_refused(client, finance):
    client.force_login(finance)
    response = client.get(BATCH, {"period": "2026-13"})
    assert response.status_code == 400
    assert b"Give a month as YYYY-MM." in response.content


# --- tenancy ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "method"),
    [
        ("contracts:statement", "get"),
        ("contracts:statement_csv", "get"),
        ("contracts:statement_approve", "post"),
        ("contracts:statement_pay", "post"),
    ],
)
def test_other_brands_statement_is_404_on_every_page(client, draft, url_name, method):
    outsider = factories.UserFactory(username="outsider")
    factories.MembershipFactory(user=outsider, role=Role.FINANCE)  # finance of another brand
    client.force_login(outsider)
    url = reverse(url_name, args=[draft.pk])
    response = getattr(client, method)(url, {"reference": "TX-1", "paid_on": "2026-12-01"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == Statement.Status.DRAFT


def test_pages_need_sign_in(client, draft):
    response = client.get(reverse("contracts:statement", args=[draft.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.get(LIST).status_code == 302


def test_list_links_the_influencer_to_the_influencer_and_the_period_to_the_statement(
    client, brand_manager, brand
):
    statement = statement_with_sources(brand, sales=1)
    influencer = statement.contract.partnership.influencer
    client.force_login(brand_manager)
    page = client.get(reverse("contracts:statements")).content.decode()
    influencer_link = reverse("influencers:detail", args=[influencer.pk])
    assert f'<a href="{influencer_link}">{influencer.name}</a>' in page
    assert f'<a href="{reverse("contracts:statement", args=[statement.pk])}"' in page
