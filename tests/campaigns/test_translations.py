"""The campaign pages and the imports page speak Simplified Chinese and Russian from the
campaigns app's catalogue, and English stays as it was."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from campaigns import ingest
from campaigns.ingest import SALES_EXAMPLE
from campaigns.models import ImportJob
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


@pytest.fixture
def sales_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bad = SALES_EXAMPLE.replace("ANNA10,WIG-BW-22", "NOPE10,WIG-BW-22")
    return SimpleUploadedFile("sales.csv", bad.encode(), content_type="text/csv")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Nothing written: 6 problems", "Unknown tracking code &#x27;NOPE10&#x27;"]),
        ("zh-hans", ["未写入任何内容：6 个问题", "未知追踪码“NOPE10”：本品牌没有此追踪码。"]),
        ("ru", ["Ничего не записано: 6 ошибок", "Неизвестный трекинг-код «NOPE10»"]),
    ],
)
def test_a_rejected_sales_file_is_explained_in_the_uploaders_language(
    client, brand_manager, sales_file, language, expected
):
    client.force_login(brand_manager)

    response = client.post(
        reverse("imports"),
        {"kind": "sales", "sales-file": sales_file},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )

    page = response.content.decode()
    for text in expected:
        assert text in page


def test_a_queued_import_writes_its_problems_in_the_language_of_the_upload(
    brand, brand_manager, sales_file
):
    with translation.override("ru"):
        job = ingest.create_job(brand=brand, kind="sales", file=sales_file, user=brand_manager)

    ingest.run_job(job.pk)  # a worker speaks English

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "Неизвестный трекинг-код «NOPE10»: у бренда нет такого кода." in [
        error["message"] for error in job.errors
    ]
