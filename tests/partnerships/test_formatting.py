"""Numbers, money, rates and dates read the way the reader's language writes them: English as
it always has here, 1 234,50 ₽ in Russian, ¥1,234.50 and 2026年12月4日 in Chinese; text that is
stored (statement lines, reminders) stays English whoever's request writes it."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from contracts import settlement
from contracts.models import Contract, StatementLine
from partnerships import formatting
from partnerships.models import Reminder
from partnerships.workspace import reminders
from tests import factories

D = Decimal
NBSP = "\u00a0"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# 20:30 UTC on 30 Nov is 04:30 on 1 Dec in Shanghai.
LATE_EVENING_UTC = datetime(2026, 11, 30, 20, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (lambda: formatting.format_money(D("1500"), "USD"), "$1,500.00"),
        (lambda: formatting.format_money(D("150000"), "JPY"), "¥150,000"),
        (lambda: formatting.format_money(D("1500"), "HKD"), "HKD 1,500.00"),
        (lambda: formatting.format_money(D("-500"), "USD"), "-$500.00"),
        (lambda: formatting.format_money(D("1234567.5"), "EUR"), "€1,234,567.50"),
        (lambda: formatting.format_money(D("0.505"), "EUR"), "€0.51"),
        (lambda: formatting.format_money(D("1500"), None), "1,500.00"),
        (lambda: formatting.format_money(None, "USD"), "(amount not set)"),
        (lambda: formatting.format_threshold(D("10000"), "CNY"), "¥10,000"),
        (lambda: formatting.format_threshold(D("10000.50"), "RUB"), "₽10,000.50"),
        (lambda: formatting.format_amount(D("1234.5"), "USD"), "1,234.50"),
        (lambda: formatting.format_count(1_000_000), "1,000,000"),
        (lambda: formatting.format_count(D("1234.50")), "1,234.5"),
        (lambda: formatting.format_number(D("0.0425625"), 4), "0.0426"),
        (lambda: formatting.format_number(D("12345.675"), 2), "12345.68"),
        (lambda: formatting.format_rate(D("0.0800")), "8%"),
        (lambda: formatting.format_rate(D("0.0125")), "1.25%"),
        (lambda: formatting.format_rate(D(1) / D(30), places=2), "3.33%"),
        (lambda: formatting.format_rate(D("1")), "100%"),
        (lambda: formatting.format_percent(D("0.035")), "3.5%"),
        (lambda: formatting.format_percent(D("0.1")), "10.0%"),
        (lambda: formatting.format_percent(D("0.03125")), "3.1%"),
        (lambda: formatting.format_date(date(2026, 12, 4)), "4 Dec 2026"),
        (lambda: formatting.format_date(date(2027, 9, 15)), "15 Sep 2027"),
        (lambda: formatting.format_moment(LATE_EVENING_UTC, SHANGHAI), "1 Dec 2026, 04:30 CST"),
    ],
)
def test_english_reads_as_it_always_has(written, expected):
    with translation.override("en"):
        assert written() == expected


def test_russian_groups_with_spaces_and_writes_the_symbol_after():
    with translation.override("ru"):
        assert formatting.format_money(D("1234.5"), "RUB") == f"1{NBSP}234,50{NBSP}₽"
        assert formatting.format_money(D("-10"), "USD") == f"-10,00{NBSP}$"
        assert formatting.format_count(1_000_000) == f"1{NBSP}000{NBSP}000"
        assert formatting.format_rate(D("0.0125")) == f"1,25{NBSP}%"
        assert formatting.format_number(D("1.395"), 2) == "1,40"
        assert formatting.format_date(date(2026, 12, 4)) == "4 декабря 2026 г."
        assert formatting.format_moment(LATE_EVENING_UTC, SHANGHAI) == "1 декабря 2026 г. 4:30 CST"


def test_chinese_writes_yuan_with_its_sign_and_days_with_year_month_day():
    with translation.override("zh-hans"):
        assert formatting.format_money(D("1234.5"), "CNY") == "¥1,234.50"
        assert formatting.format_money(D("1234.5"), "USD") == "US$1,234.50"
        assert formatting.format_percent(D("0.035")) == "3.5%"
        assert formatting.format_date(date(2026, 12, 4)) == "2026年12月4日"
        assert formatting.format_moment(LATE_EVENING_UTC, SHANGHAI) == "2026年12月1日 04:30 CST"


def test_percentage_points_for_fields_and_charts():
    assert formatting.percent_points(D("0.0800")) == D("8")
    assert str(formatting.percent_points(D("1.0000"))) == "100"
    assert str(formatting.percent_points(D("0.21875"), 1)) == "21.9"


@pytest.mark.django_db
def test_a_statement_page_in_russian_writes_its_money_in_russian_and_its_lines_as_stored(
    client, finance, brand
):
    statement = factories.StatementFactory(
        contract__partnership__influencer__brand=brand,
        contract__currency="USD",
        total=Decimal("1234.50"),
        currency="USD",
    )
    factories.StatementLineFactory(
        statement=statement, description="Flat fee, due 15 Jan 2027", amount=D("1234.50")
    )
    client.force_login(finance)
    url = reverse("contracts:statement", args=[statement.pk])

    russian = client.get(url, {"language": "ru"}).content.decode()
    english = client.get(url).content.decode()

    assert f"1{NBSP}234,50{NBSP}$" in russian
    assert "Flat fee, due 15 Jan 2027" in russian
    assert "$1,234.50" in english


@pytest.mark.django_db
def test_settling_from_a_russian_request_stores_english_lines(brand):
    factories.CompensationTermFactory(
        contract__partnership__influencer__brand=brand,
        contract__status=Contract.Status.SIGNED,
        contract__start=date(2026, 10, 1),
        contract__currency="RUB",
        kind="flat_fee",
        amount=Decimal("1500.00"),
        due_date=date(2026, 10, 5),
        description="",
    )
    with translation.override("ru"):
        settlement.settle_due(now=LATE_EVENING_UTC, as_of=date(2026, 12, 2), brand=brand)
    assert [line.description for line in StatementLine.objects.all()] == [
        "Flat fee, due 5 Oct 2026"
    ]


@pytest.mark.django_db
def test_reminders_stored_from_a_russian_request_read_in_english(brand):
    factories.CompensationTermFactory(
        contract__partnership__influencer__brand=brand,
        contract__status=Contract.Status.SIGNED,
        contract__currency="RUB",
        kind="flat_fee",
        amount=Decimal("1500.00"),
        due_date=date(2026, 12, 3),
    )
    with translation.override("ru"):
        reminders.reevaluate(brand.pk, now=datetime(2026, 12, 2, 9, tzinfo=UTC))
    (title,) = Reminder.objects.values_list("title", flat=True)
    assert title.startswith("₽1,500.00 to ")
    assert title.endswith("due 3 Dec 2026")
