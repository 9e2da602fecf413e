"""Each person reads the product in their language: the browser's on the first visit, then
the one they pick in the user menu, on every device, in the admin and in their e-mails."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partnerships import languages
from partnerships.models import Profile
from portal.models import CreatorLink
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_the_first_visit_follows_the_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    assert _lang(response) == "ru"
    assert "Имя пользователя" in response.content.decode()  # Django's own form label
    chinese = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert _lang(chinese) == "zh-hans"
    assert _lang(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de-DE")) == "en"


def test_e_mails_follow_the_browser_of_the_last_sign_in_until_a_language_is_chosen(
    client, brand_manager, brand
):
    assert languages.of_user(brand_manager) == "en"
    client.post(
        reverse("login"),
        {"username": "manager", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9",
    )
    assert languages.of_user(brand_manager) == "zh-hans"
    # Pages still follow the browser: nothing was chosen.
    assert _lang(client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ru")) == "ru"
    client.post(reverse("set_language"), {"language": "ru"})
    Client().post(
        reverse("login"), {"username": "manager", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert languages.of_user(brand_manager) == "ru"


@pytest.mark.parametrize("reading", ["en", "zh-hans", "ru"])
def test_the_user_menu_offers_each_language_by_its_own_name(client, brand_manager, brand, reading):
    client.force_login(brand_manager)
    client.post(reverse("set_language"), {"language": reading})
    page = client.get(reverse("dashboard")).content.decode()
    menu = page[page.index('id="language-menu"') :]
    menu = menu[: menu.index("</form>")]
    assert re.findall(r'name="language" value="([^"]+)"', menu) == ["en", "zh-hans", "ru"]
    names = re.findall(r'name="language" value="[^"]+" lang="[^"]+"[^>]*>([^<]+)<', menu)
    assert names == ["English", "简体中文", "Русский"]
    assert f'action="{reverse("set_language")}"' in page
    assert "onclick" not in menu
    assert "<script" not in menu


def test_the_chosen_language_is_kept_and_followed_on_every_device(client, brand_manager, brand):
    client.force_login(brand_manager)
    response = client.post(
        reverse("set_language"), {"language": "ru", "next": reverse("product_list")}
    )
    assert response.status_code == 302
    assert response.url == reverse("product_list")
    assert Profile.objects.get(user=brand_manager).language == "ru"
    assert _lang(client.get(reverse("product_list"))) == "ru"
    # Another browser, asking for English, still gets the chosen language.
    elsewhere = Client()
    elsewhere.force_login(brand_manager)
    assert _lang(elsewhere.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en")) == "ru"


def test_the_admin_follows_the_chosen_language(client, agency_staff):
    Profile.objects.create(user=agency_staff, language="ru")
    client.force_login(agency_staff)
    assert "Администрирование сайта" in client.get(reverse("admin:index")).content.decode()


def test_a_language_the_product_does_not_speak_is_refused(client, brand_manager, brand):
    client.force_login(brand_manager)
    client.post(reverse("set_language"), {"language": "zh-hans"})
    client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert languages.of_user(brand_manager) == "zh-hans"
    response = client.post(
        reverse("set_language"), {"language": "ru", "next": "https://evil.example/"}
    )
    assert "evil" not in response.url


def test_signed_out_visitors_choose_by_the_cookie(client):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("login")})
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ru")
    assert _lang(page) == "zh-hans"
    assert 'id="language-menu"' in page.content.decode()


def test_an_influencers_documents_use_their_portal_choice_else_their_languages(brand):
    influencer = factories.InfluencerFactory(brand=brand, languages=["es", "ru"])
    assert languages.of_influencer(influencer) == "ru"
    influencer.languages = ["zh"]
    assert languages.of_influencer(influencer) == "zh-hans"
    influencer.languages = ["es"]
    assert languages.of_influencer(influencer) == "en"


def test_a_creator_picks_their_language_in_the_portal(client, brand):
    creator = factories.UserFactory(username="anna")
    influencer = factories.InfluencerFactory(brand=brand)
    CreatorLink.objects.create(user=creator, influencer=influencer)
    client.force_login(creator)
    page = client.get(reverse("portal:home")).content.decode()
    assert 'id="language-menu"' in page
    client.post(reverse("set_language"), {"language": "ru", "next": reverse("portal:home")})
    assert _lang(client.get(reverse("portal:home"))) == "ru"
    assert languages.of_influencer(influencer) == "ru"


RUSSIAN_MONTHS = [
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


def test_the_dashboard_names_its_day_as_the_readers_language_writes_it(
    client, brand_manager, brand
):
    client.force_login(brand_manager)
    today = brand.today(timezone.now())

    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    russian = client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert f"{today.year}年{today.month}月{today.day}日 星期" in chinese
    assert f", {today.day} {RUSSIAN_MONTHS[today.month - 1]} {today.year}" in russian
