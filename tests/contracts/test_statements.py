"""The statement workflow (draft → approved → paid) and what statements are exported with."""

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from contracts import payouts, statement_export
from contracts.models import Statement, StatementLine
from tests import factories
from tests.contracts.statement_data import statement_with_sources
from tests.downloads import records_of

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
TODAY = date(2026, 12, 10)


@pytest.fixture
def draft(brand):
    return statement_with_sources(brand, due_date=date(2026, 12, 31))


def approved(statement: Statement, user) -> Statement:
    return payouts.approve(statement, user=user, now=NOW)


def csv_table(rows) -> list[dict]:
    return records_of(rows)


# --- approving ---------------------------------------------------------------------------------


def test_finance_approves_a_draft_statement(draft, finance):
    statement = approved(draft, finance)
    statement.refresh_from_db()
    assert statement.status == Statement.Status.APPROVED
    assert statement.approved_at == NOW
    assert statement.approved_by == finance


def test_owner_approves_a_draft_statement(draft, brand_owner):
    assert approved(draft, brand_owner).status == Statement.Status.APPROVED


@pytest.mark.parametrize("persona", ["brand_manager", "viewer", "other_brand_manager"])
def test_other_roles_cannot_approve(draft, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        approved(draft, user)
    draft.refresh_from_db()
    assert draft.status == Statement.Status.DRAFT


def test_statement_with_a_problem_cannot_be_approved(brand, finance):
    problem = "No exchange rate from CNY to USD on 2026-11-05."
    statement = statement_with_sources(brand, problem=problem)
    with pytest.raises(ValidationError) as refused:
        approved(statement, finance)
    assert refused.value.message_dict["status"] == [
        f"This statement cannot be approved until settlement can price it: {problem}"
    ]


def test_approving_twice_is_refused_the_second_time(draft, finance):
    approved(draft, finance)
    with pytest.raises(ValidationError, match="already approved"):
        approved(draft, finance)  # the stale object of the first click


def test_earlier_draft_of_the_same_contract_is_approved_first(draft, finance):
    later = factories.StatementFactory(
        contract=draft.contract, period_start=date(2026, 12, 1), period_end=date(2027, 1, 1)
    )
    with pytest.raises(ValidationError) as refused:
        approved(later, finance)
    assert refused.value.messages == [
        "The statement for 01 Nov 2026 – 30 Nov 2026 is still a draft; approve it first, since "
        "this one carries on from it."
    ]
    approved(draft, finance)
    assert approved(later, finance).status == Statement.Status.APPROVED


def test_carried_forward_statement_is_approved_but_never_paid(brand, finance):
    statement = statement_with_sources(brand, payable=False)
    statement = approved(statement, finance)
    assert statement.status == Statement.Status.APPROVED
    with pytest.raises(ValidationError) as refused:
        payouts.mark_paid(statement, user=finance, reference="TX-1", paid_on=TODAY, today=TODAY)
    assert "carried forward to the next statement" in refused.value.message_dict["status"][0]


def test_approving_and_paying_leave_the_lines_alone(draft, finance):
    before = list(StatementLine.objects.filter(statement=draft).values())
    statement = approved(draft, finance)
    payouts.mark_paid(statement, user=finance, reference="TX-1", paid_on=TODAY, today=TODAY)
    assert list(StatementLine.objects.filter(statement=draft).values()) == before


# --- paying ------------------------------------------------------------------------------------


def test_finance_marks_an_approved_statement_paid(draft, finance):
    statement = approved(draft, finance)
    payouts.mark_paid(
        statement, user=finance, reference="  SWIFT 20261210-7  ", paid_on=TODAY, today=TODAY
    )
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PAID
    assert statement.paid_on == TODAY
    assert statement.payout_reference == "SWIFT 20261210-7"


def test_paying_needs_a_reference_and_a_day_not_in_the_future(draft, finance):
    statement = approved(draft, finance)
    with pytest.raises(ValidationError) as refused:
        payouts.mark_paid(
            statement, user=finance, reference=" ", paid_on=date(2026, 12, 11), today=TODAY
        )
    assert refused.value.message_dict == {
        "reference": ["Give the payout reference, e.g. the bank transfer id."],
        "paid_on": ["The payment date cannot be in the future."],
    }
    statement.refresh_from_db()
    assert statement.status == Statement.Status.APPROVED
    assert statement.payout_reference == ""


def test_a_draft_cannot_be_marked_paid(draft, finance):
    with pytest.raises(ValidationError, match="approve it first"):
        payouts.mark_paid(draft, user=finance, reference="TX-1", paid_on=TODAY, today=TODAY)


def test_a_paid_statement_is_not_paid_twice(draft, finance):
    statement = approved(draft, finance)
    payouts.mark_paid(statement, user=finance, reference="TX-1", paid_on=TODAY, today=TODAY)
    with pytest.raises(ValidationError, match="already paid"):
        payouts.mark_paid(statement, user=finance, reference="TX-2", paid_on=TODAY, today=TODAY)
    statement.refresh_from_db()
    assert statement.payout_reference == "TX-1"


def test_manager_cannot_mark_paid(draft, finance, brand_manager):
    statement = approved(draft, finance)
    with pytest.raises(PermissionDenied):
        payouts.mark_paid(
            statement, user=brand_manager, reference="TX-1", paid_on=TODAY, today=TODAY
        )


@pytest.mark.postgres
def test_approving_and_paying_lock_the_contract_and_statement_rows(draft, finance):
    with CaptureQueriesContext(connection) as queries:
        statement = approved(draft, finance)
        payouts.mark_paid(statement, user=finance, reference="TX-1", paid_on=TODAY, today=TODAY)
    locking = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert len(locking) == 4
    assert all('"contracts_contract"' in sql for sql in locking[::2])
    assert all('"contracts_statement"' in sql for sql in locking[1::2])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_approve_once(brand, finance):
    statement = statement_with_sources(brand)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def click() -> None:
        start.wait()
        try:
            approved(statement, finance)
            outcomes.append("approved")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert sorted(outcomes) == ["This statement is already approved.", "approved"]


# --- which statements ------------------------------------------------------------------------


def test_a_period_belongs_to_the_month_it_ends_in(brand):
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    october = factories.StatementFactory(
        contract=contract, period_start=date(2026, 10, 1), period_end=date(2026, 11, 1)
    )
    november = factories.StatementFactory(
        contract=contract, period_start=date(2026, 11, 1), period_end=date(2026, 12, 1)
    )
    quarter = factories.StatementFactory(
        period_start=date(2026, 10, 1),
        period_end=date(2027, 1, 1),
        contract__partnership__influencer__brand=brand,
    )
    statements = Statement.objects.all()
    assert set(payouts.ending_in_month(statements, date(2026, 11, 15))) == {november}
    assert set(payouts.ending_in_month(statements, date(2026, 10, 1))) == {october}
    assert set(payouts.ending_in_month(statements, date(2026, 12, 1))) == {quarter}


def test_payment_batch_holds_approved_payable_statements_of_the_brand(brand, other_brand, finance):
    def statement(**fields) -> Statement:
        return factories.StatementFactory(
            contract__partnership__influencer__brand=fields.pop("of", brand),
            total=Decimal("100.00"),
            **fields,
        )

    later = statement(status="approved", due_date=date(2027, 1, 15))
    sooner = statement(status="approved", due_date=date(2026, 12, 31))
    statement(status="approved", payable=False)
    statement(status="draft")
    statement(status="paid")
    statement(status="approved", of=other_brand)
    statement(status="approved", period_start=date(2026, 10, 1), period_end=date(2026, 11, 1))
    batch = payouts.payment_batch(brand, date(2026, 11, 1))
    assert list(batch) == [sooner, later]
    assert len(payouts.payment_batch(brand, None)) == 3


def test_payment_batch_rows_name_who_to_pay_how_much_and_when(brand):
    statement = factories.StatementFactory(
        contract__partnership__influencer__brand=brand,
        contract__partnership__influencer__name="=HYPERLINK(x)",
        contract__partnership__influencer__contact_email="anna@example.com",
        contract__partnership__influencer__agency="Glow Agency",
        contract__title="Winter reviews",
        status="approved",
        total=Decimal("1234.50"),
        due_date=date(2026, 12, 31),
    )
    [row] = csv_table(statement_export.batch_rows(payouts.payment_batch(brand, None)))
    assert row == {
        "statement": str(statement.pk),
        "influencer": "'=HYPERLINK(x)",
        "contact_email": "anna@example.com",
        "contact_phone": "",
        "agency": "Glow Agency",
        "contract": "Winter reviews",
        "period_start": "2026-11-01",
        "period_last_day": "2026-11-30",
        "amount": "1234.50",
        "currency": "USD",
        "due_date": "2026-12-31",
        "payout_method": "",
        "account_holder": "",
        "account": "",
        "bank_name": "",
        "bank_code": "",
        "tax_id": "",
        "address": "",
    }


# --- where lines came from -------------------------------------------------------------------


def test_traced_lines_show_the_first_sources_and_count_them_all(brand):
    statement = statement_with_sources(brand, sales=7, content=2, orders=3)
    lines = statement_export.traced_lines(statement, cap=5)
    commission, per_item, rebate = lines
    assert commission.sales.count == 7
    assert [link.sale.order_id for link in commission.sales.shown] == [
        f"ORD-{statement.pk}-{n:04d}" for n in range(5)
    ]
    assert (commission.content.count, commission.orders.count) == (0, 0)
    assert per_item.content.count == 2
    assert len(per_item.content.shown) == 2
    assert [link.distributororder.reference for link in rebate.orders.shown] == [
        "PO-0",
        "PO-1",
        "PO-2",
    ]
    assert (commission.shown_count, commission.source_count) == (5, 7)


def test_traced_lines_take_the_same_queries_however_many_sources(brand, django_assert_num_queries):
    small = statement_with_sources(brand, sales=1, content=1, orders=1)
    large = statement_with_sources(
        brand, sales=40, content=12, orders=15, period_start=date(2026, 12, 1),
        period_end=date(2027, 1, 1),
    )  # fmt: skip
    with django_assert_num_queries(4):
        statement_export.traced_lines(small, cap=10)
    with django_assert_num_queries(4):
        statement_export.traced_lines(large, cap=10)


def test_statement_csv_lists_each_line_followed_by_its_sources(brand):
    statement = statement_with_sources(brand, sales=2, content=1, orders=1)
    rows = csv_table(statement_export.csv_rows(Statement.objects.filter(pk=statement.pk)))
    assert [(row["line"], row["kind"], row["source"]) for row in rows] == [
        ("1", "commission", ""),
        ("1", "commission", "sale"),
        ("1", "commission", "sale"),
        ("2", "per_deliverable", ""),
        ("2", "per_deliverable", "content"),
        ("3", "rebate", ""),
        ("3", "rebate", "order"),
    ]
    line, first_sale = rows[0], rows[1]
    assert line["statement"] == str(statement.pk)
    assert line["influencer"] == "Anna Sokolova"
    assert (line["period_start"], line["period_last_day"]) == ("2026-11-01", "2026-11-30")
    assert (line["rate"], line["amount"], line["quantity"]) == ("0.08", "16.00", "")
    assert first_sale["reference"] == f"ORD-{statement.pk}-0000/1"
    assert first_sale["date"] == "2026-11-02T10:00:00+00:00"
    assert (first_sale["counted"], first_sale["base"]) == ("1", "100.00")
    content = rows[4]
    assert content["reference"] == f"https://www.youtube.com/watch?v=s{statement.pk}n0"
    assert content["counted"] == "1"
    order = rows[6]
    assert order["reference"].startswith("PO-0 SKU-")
    assert (order["counted"], order["base"]) == ("1", "121.00")


def test_statements_csv_keeps_each_statement_apart(brand):
    first = statement_with_sources(brand, sales=1, content=0)
    second = statement_with_sources(
        brand, sales=1, content=0, period_start=date(2026, 12, 1), period_end=date(2027, 1, 1)
    )
    rows = csv_table(statement_export.csv_rows(Statement.objects.all()))
    assert [(row["statement"], row["source"]) for row in rows] == [
        (str(first.pk), ""),
        (str(first.pk), "sale"),
        (str(first.pk), ""),
        (str(second.pk), ""),
        (str(second.pk), "sale"),
        (str(second.pk), ""),
    ]
