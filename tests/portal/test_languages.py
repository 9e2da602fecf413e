"""The portal speaks the creator's language: the home page, an offer and a statement read in
Simplified Chinese or Russian when the browser asks for it, and stay English otherwise."""

from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.models import Contract
from tests import factories

pytestmark = pytest.mark.django_db

# Each page with a sentence of it in English, Simplified Chinese and Russian.
PAGES = [
    ("home", "What is coming to you", "您将收到", "Что вас ждёт"),
    ("contract", "Accept these terms", "接受这些条款", "Принять эти условия"),
    ("statement", "Self-billed invoice", "自开发票", "Самовыставленный счёт"),
]


@pytest.fixture
def urls(contract):
    offer = factories.ContractFactory(
        partnership=contract.partnership, status=Contract.Status.NEGOTIATING, title="Winter"
    )
    statement = factories.StatementFactory(
        contract=contract, status="approved", total=Decimal("500.00")
    )
    factories.StatementLineFactory(statement=statement)
    return {
        "home": reverse("portal:home"),
        "contract": reverse("portal:contract", args=[offer.pk]),
        "statement": reverse("portal:statement", args=[statement.pk]),
    }


@pytest.mark.parametrize(("page", "english", "chinese", "russian"), PAGES)
def test_portal_page_reads_in_the_browsers_language(
    creator_client, urls, page, english, chinese, russian
):
    for accept, expected, other in [
        ("zh-CN,zh;q=0.9", chinese, russian),
        ("ru-RU,ru;q=0.9", russian, chinese),
    ]:
        body = creator_client.get(urls[page], HTTP_ACCEPT_LANGUAGE=accept).content.decode()
        assert expected in body
        assert english not in body
        assert other not in body
    body = creator_client.get(urls[page], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert english in body
    assert chinese not in body
    assert russian not in body


def test_portal_navigation_is_translated(creator_client, urls):
    body = creator_client.get(urls["home"], HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Предложения и договоры" in body
    assert "Offers & contracts" not in body
