"""Chinese and Cyrillic names, handles and captions are searched without regard to case,
sorted and exported as written, on SQLite as on PostgreSQL (run this file with DATABASE_URL
set for the latter)."""

import csv
import io

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from influencers.models import Influencer
from tests import factories
from tests.downloads import csv_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(brand):
    for name, handle in [
        ("李娜", "lina.wigs"),
        ("王芳", "wangfang"),
        ("Анна Соколова", "anna_sokolova"),
        ("Борис Ёлкин", "boris"),
        ("Вера", "вера_блог"),
        ("Zoe Hart", "zoehart"),
    ]:
        influencer = factories.InfluencerFactory(brand=brand, name=name)
        factories.SocialAccountFactory(influencer=influencer, handle=handle)


def _found(client, q: str) -> list[str]:
    response = client.get(reverse("influencers:list"), {"q": q, "sort": "name"})
    page = response.content.decode()
    names = Influencer.objects.values_list("name", flat=True)
    return sorted((name for name in names if name in page), key=page.index)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("李", ["李娜"]),
        ("Анна", ["Анна Соколова"]),
        ("анна", ["Анна Соколова"]),
        ("АННА СОКОЛОВА", ["Анна Соколова"]),
        ("ёлкин", ["Борис Ёлкин"]),
        ("@ВЕРА_", ["Вера"]),
        ("zoe", ["Zoe Hart"]),
    ],
)
def test_the_influencer_search_finds_names_and_handles_in_any_case(
    client, brand_manager, people, q, expected
):
    client.force_login(brand_manager)
    assert _found(client, q) == expected


def test_names_sort_alphabetically_within_their_script(client, brand_manager, people):
    client.force_login(brand_manager)
    found = _found(client, "")
    cyrillic = [name for name in found if name[0] in "АБВ"]
    assert cyrillic == ["Анна Соколова", "Борис Ёлкин", "Вера"]
    assert found.index("Zoe Hart") < found.index("Анна Соколова") < found.index("李娜")


def test_the_export_keeps_every_script(client, brand_manager, people):
    client.force_login(brand_manager)
    response = client.get(reverse("influencers:list"), {"export": "csv"})
    body = csv_text(response)  # UTF-8 with the byte-order mark Excel needs
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(body))}
    assert {"李娜", "王芳", "Анна Соколова", "Борис Ёлкин", "Вера"} <= set(rows)
    assert "вера_блог" in rows["Вера"]["accounts"]


def test_every_icontains_search_folds_cyrillic_case(brand):
    factories.CampaignFactory(brand=brand, name="Весенние парики", description="Выпускной")
    assert Campaign.objects.filter(name__icontains="ВЕСЕННИЕ").count() == 1
    assert Campaign.objects.filter(description__icontains="выпускной").count() == 1
    assert Campaign.objects.filter(name__icontains="осенние").count() == 0
