"""A statement and a contract summary print in the influencer's language whatever the
reader's: the page offers “Print in Русский” for a Russian-speaking creator, and with
?language=ru it is written in Russian; the reader's own pages stay in theirs."""

import pytest
from django.urls import reverse

from contracts.models import Statement
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(brand):
    return factories.ContractFactory(
        partnership__influencer__brand=brand, partnership__influencer__languages=["ru"]
    )


def _urls(contract) -> list[str]:
    statement = factories.StatementFactory(contract=contract, status=Statement.Status.APPROVED)
    return [
        reverse("contracts:detail", args=[contract.pk]),
        reverse("contracts:statement", args=[statement.pk]),
        reverse("contracts:invoice", args=[statement.pk]),
    ]


def test_each_printable_page_offers_the_influencers_language(client, brand_manager, contract):
    client.force_login(brand_manager)
    for url in _urls(contract):
        page = client.get(url).content.decode()
        assert '<html lang="en">' in page, url
        assert 'href="?language=ru"' in page, url
        assert "Print in Русский" in page, url


def test_with_language_the_page_is_written_in_it_for_this_request_only(
    client, brand_manager, contract
):
    client.force_login(brand_manager)
    for url in _urls(contract):
        response = client.get(url, {"language": "ru"})
        page = response.content.decode()
        assert response["Content-Language"] == "ru", url
        assert '<html lang="ru">' in page, url
        assert "Print in" not in page, url
        assert '<html lang="en">' in client.get(url).content.decode(), url
    summary = reverse("contracts:detail", args=[contract.pk])
    assert ">Панель<" in client.get(summary, {"language": "ru"}).content.decode()
    chinese = client.get(summary, {"language": "zh-hans"}).content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert ">仪表板<" in chinese
    unknown = client.get(summary, {"language": "xx"}).content.decode()
    assert '<html lang="en">' in unknown


def test_an_influencer_in_the_readers_language_is_offered_nothing(client, brand, brand_manager):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, partnership__influencer__languages=["en"]
    )
    client.force_login(brand_manager)
    assert (
        "Print in"
        not in client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    )
