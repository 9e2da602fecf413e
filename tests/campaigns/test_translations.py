"""The campaign pages and the imports page speak Simplified Chinese and Russian from the
campaigns app's catalogue, and English stays as it was."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(brand):
    today = timezone.localdate(timezone=brand.timezone)
    campaign = factories.CampaignFactory(
        brand=brand, name="Весна 春季", start=today - timedelta(days=3), end=today + timedelta(30)
    )
    factories.ParticipantFactory(
        campaign=campaign,
        contract__partnership__influencer__brand=brand,
        contract__partnership__influencer__name="李娜",
    )
    return campaign


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Content approval", "Gross profit", "Add participant", "Running"]),
        ("zh-hans", ["内容审核", "毛利", "添加参与者", "进行中"]),
        ("ru", ["Согласование публикаций", "Валовая прибыль", "Добавить участника", "Идёт"]),
    ],
)
def test_campaign_page_is_in_the_readers_language(
    client, brand_manager, campaign, language, expected
):
    client.force_login(brand_manager)

    url = reverse("campaigns:detail", args=[campaign.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert "李娜" in page
    for text in expected:
        assert text in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Sales and refunds", "Recent sales and metrics imports"]),
        ("zh-hans", ["销售和退款", "最近的销售和数据导入"]),
        ("ru", ["Продажи и возвраты", "Последние импорты продаж и метрик"]),
    ],
)
def test_imports_page_is_in_the_readers_language(client, brand_manager, language, expected):
    client.force_login(brand_manager)

    page = client.get(reverse("imports"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    for text in expected:
        assert text in page
