"""The brand's contract and statement pages read in Simplified Chinese or Russian when that
is the reader's language, and stay English otherwise."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts import wording
from tests import factories

pytestmark = pytest.mark.django_db

ZH, RU = "zh-CN,zh;q=0.9", "ru-RU,ru;q=0.9"


@pytest.fixture
def contract(brand):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, method="paid_media", title="Spring wig reviews"
    )
    factories.CompensationTermFactory(contract=contract)
    factories.DeliverableFactory(contract=contract)
    return contract


@pytest.fixture
def statement(contract):
    statement = factories.StatementFactory(contract=contract, total=Decimal("500.00"))
    term = factories.CompensationTermFactory(contract=contract, kind="cpa", amount=Decimal("2.50"))
    phrase = wording.cpa_line(term, 3, contract.currency)
    factories.StatementLineFactory(
        statement=statement, kind="cpa", description=wording.in_english(phrase),
        phrase=phrase.as_json(), amount=Decimal("7.50"),
    )  # fmt: skip
    return statement


@pytest.fixture
def unpriced(contract):
    """A statement settlement could not price: an exchange rate is missing."""
    problem = wording.missing_rates("EUR", "USD", date(2026, 12, 3), 0)
    return factories.StatementFactory(
        contract=contract,
        period_start=date(2026, 12, 1),
        period_end=date(2027, 1, 1),
        problem=wording.in_english(problem),
        problem_phrase=problem.as_json(),
    )


def _page(client, url: str, language: str) -> str:
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


# Each page with phrases of it in English, Simplified Chinese and Russian: a heading, a
# button, a model's choice label.
PAGES = {
    "contract": [
        ("What it pays", "报酬", "Оплата"),
        ("Settled monthly", "按月结算", "Расчёт ежемесячно"),
        ("Print summary", "打印摘要", "Распечатать сводку"),
        (
            "Paid self-media contract between",
            "付费自媒体合同",
            "Договор «Платное размещение у автора» между",
        ),
        ("1 × Video on YouTube", "1 × 视频（YouTube）", "1 × Видео на YouTube"),
    ],
    "statement": [
        ("Self-billed invoice", "自开发票", "Самовыставленный счёт"),
        ("3 confirmed orders", "3 个已确认订单", "3 подтверждённых заказа"),
        ("Payment due", "付款截止", "Оплатить до"),
    ],
    "statements": [
        ("Period ending in", "结算期结束于", "Период заканчивается в"),
        ("No exchange rate from EUR to USD", "从 EUR 到 USD 的汇率", "Нет курса EUR → USD"),
        ("Any status", "任意状态", "Любой статус"),
    ],
    "form": [
        ("Save contract", "保存合同", "Сохранить договор"),
        ("Settlement period", "结算周期", "Расчётный период"),
        ("Flat fee or installment", "固定费用或分期款", "Фиксированная оплата или платёж частями"),
    ],
}


@pytest.mark.parametrize("page", PAGES)
def test_page_reads_in_the_readers_language(
    client, brand_manager, contract, statement, unpriced, page
):
    client.force_login(brand_manager)
    url = {
        "contract": reverse("contracts:detail", args=[contract.pk]),
        "statement": reverse("contracts:statement", args=[statement.pk]),
        "statements": reverse("contracts:statements"),
        "form": reverse("contracts:edit", args=[contract.pk]),
    }[page]
    english, chinese, russian = (_page(client, url, language) for language in ("en", ZH, RU))
    for in_english, in_chinese, in_russian in PAGES[page]:
        assert in_english in english
        assert in_chinese in chinese
        assert in_russian in russian
        assert in_english not in chinese
        assert in_english not in russian


def test_dates_read_as_the_readers_language_writes_them(client, brand_manager, contract):
    client.force_login(brand_manager)
    url = reverse("contracts:detail", args=[contract.pk])
    due = contract.deliverables.get().due_date
    assert f"{due.day} {due:%b} {due.year}" in _page(client, url, "en")
    assert f"{due.year}年{due.month}月{due.day}日" in _page(client, url, ZH)
    assert f"{due.day} {RU_MONTHS[due.month - 1]} {due.year}" in _page(client, url, RU)


RU_MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]


def test_the_contract_forms_percent_and_tier_labels_read_in_the_readers_language(
    client, brand_manager
):
    client.force_login(brand_manager)

    russian = _page(client, "/contracts/new/", "ru")
    chinese = _page(client, "/contracts/new/", "zh-hans")

    for label in ("Ставка %", "Доля бренда %", "Ступени"):
        assert label in russian
    assert "阶梯" in chinese
    for english in ("Rate %", "Brand equity %"):
        assert english not in russian
        assert english not in chinese
