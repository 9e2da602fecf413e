"""The influencer pages speak Simplified Chinese and Russian from the app's catalogues, and English
stays as it was."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Add influencer", "Followers or members", "Apply filters"]),
        ("zh-hans", ["添加达人", "粉丝数或成员数", "应用筛选"]),
        ("ru", ["Добавить инфлюенсера", "Подписчики или участники", "Применить фильтры"]),
    ],
)
def test_influencer_list_is_in_the_readers_language(
    client, brand_manager, brand, language, expected
):
    factories.InfluencerFactory(brand=brand, name="李娜")
    client.force_login(brand_manager)

    page = client.get(reverse("influencers:list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert "李娜" in page
    for text in expected:
        assert text in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Fit score", "No social accounts yet.", "Contact and notes"]),
        ("zh-hans", ["匹配度评分", "尚无社交账号。", "联系方式与备注"]),
        ("ru", ["Оценка соответствия", "Аккаунтов в соцсетях пока нет.", "Контакты и заметки"]),
    ],
)
def test_influencer_page_is_in_the_readers_language(
    client, brand_manager, brand, language, expected
):
    influencer = factories.InfluencerFactory(brand=brand, name="Анна")
    client.force_login(brand_manager)

    url = reverse("influencers:detail", args=[influencer.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    for text in expected:
        assert text in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Nothing was imported: 1 problem in the file.", "Write a whole number without"]),
        (
            "zh-hans",
            ["未导入任何内容：文件中有 1 个问题。", "请填写不带分隔符的整数，例如 12000。"],
        ),
        (
            "ru",
            ["Ничего не импортировано: в файле 1 ошибка.", "Укажите целое число без разделителей"],
        ),
    ],
)
def test_influencer_import_errors_are_in_the_uploaders_language(
    client, brand_manager, language, expected
):
    client.force_login(brand_manager)
    content = "name,platform,handle,followers\nАнна,tiktok,anna,lots\n".encode()
    upload = SimpleUploadedFile("influencers.csv", content, content_type="text/csv")

    response = client.post(reverse("imports"), {"file": upload}, HTTP_ACCEPT_LANGUAGE=language)

    page = response.content.decode()
    assert [(e.line, e.column) for e in response.context["errors"]] == [(2, "followers")]
    for text in expected:
        assert text in page


@pytest.mark.parametrize(
    ("language", "country"), [("en", "Russia"), ("zh-hans", "俄罗斯"), ("ru", "Россия")]
)
def test_the_country_list_names_countries_in_the_readers_language(
    client, brand_manager, language, country
):
    client.force_login(brand_manager)

    page = client.get(reverse("influencers:create"), HTTP_ACCEPT_LANGUAGE=language)

    assert f">{country}</option>" in page.content.decode()
