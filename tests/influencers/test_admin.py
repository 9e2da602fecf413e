"""The influencer admin: scoped to the user's brands, rescoring after edits, CSV round trip."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from influencers.models import Influencer, SocialAccount
from partnerships.formatting import percent_points
from partnerships.models import Role
from tests import factories
from tests.downloads import csv_text

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:influencers_influencer_changelist"
IMPORT = "admin:influencers_influencer_import"


@pytest.fixture
def anna(brand):
    influencer = factories.InfluencerFactory(brand=brand, name="Anna Lace", niches=["wigs"])
    factories.SocialAccountFactory(influencer=influencer, handle="annalace")
    factories.SocialAccountFactory(influencer=influencer, platform="youtube", handle="annayt")
    factories.RiskAssessmentFactory(influencer=influencer)
    return influencer


def management_form(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def new_influencer_post(brand, handle: str = "@Neo") -> dict:
    return {
        "brand": brand.pk,
        "name": "Neo Gowns",
        "kind": "individual",
        "status": "prospect",
        "country": "US",
        "languages": "en",
        "niches": "wigs",
        **management_form("accounts", total=1),
        "accounts-0-platform": "tiktok",
        "accounts-0-handle": handle,
        "accounts-0-followers": "20000",
        "accounts-0-avg_views": "5000",
        "accounts-0-engagement_rate": "4",
        "accounts-0-audience": '{"countries": {"US": 70}}',
        **management_form("risks"),
    }


def export(client, influencers) -> str:
    response = client.post(
        reverse(CHANGELIST),
        {"action": "export_csv", "_selected_action": [i.pk for i in influencers]},
    )
    return csv_text(response)


def test_staff_of_another_brand_see_none_of_its_influencers(client, anna, other_brand_manager):
    factories.InfluencerFactory(brand=other_brand_manager.memberships.get().brand, name="Kira")
    client.force_login(other_brand_manager)

    page = client.get(reverse(CHANGELIST)).content.decode()
    change = client.get(reverse("admin:influencers_influencer_change", args=[anna.pk]))

    assert "Kira" in page
    assert "Anna Lace" not in page
    assert change.status_code == 404
    account = anna.accounts.first()
    account_url = reverse("admin:influencers_socialaccount_change", args=[account.pk])
    assert client.get(account_url).status_code == 404


def test_autocomplete_offers_only_influencers_of_the_users_brands(
    client, anna, other_brand_manager
):
    client.force_login(other_brand_manager)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "influencers",
            "model_name": "socialaccount",
            "field_name": "influencer",
            "term": "Anna",
        },
    )

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_viewer_staff_read_but_cannot_change_an_influencer(client, anna, viewer):
    client.force_login(viewer)
    url = reverse("admin:influencers_influencer_change", args=[anna.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Renamed", "kind": "individual", "status": "active"})

    assert response.status_code == 403
    anna.refresh_from_db()
    assert anna.name == "Anna Lace"
    assert client.get(reverse(IMPORT)).status_code == 403


def test_changelist_filters_by_platform_and_finds_by_handle(client, anna, brand_owner, brand):
    factories.InfluencerFactory(brand=brand, name="Bea Bridal")
    client.force_login(brand_owner)

    by_platform = client.get(reverse(CHANGELIST), {"accounts__platform__exact": "youtube"})
    by_handle = client.get(reverse(CHANGELIST), {"q": "annayt"})

    for response in (by_platform, by_handle):
        assert [i.name for i in response.context["cl"].result_list] == ["Anna Lace"]


def test_adding_an_influencer_with_an_account_inline_rescores_it(client, brand_owner, brand):
    client.force_login(brand_owner)

    response = client.post(reverse("admin:influencers_influencer_add"), new_influencer_post(brand))

    assert response.status_code == 302
    influencer = Influencer.objects.get(name="Neo Gowns")
    assert influencer.accounts.get().handle == "neo"
    assert influencer.followers == 20_000
    assert influencer.fit_score is not None


def test_an_inline_handle_already_taken_in_the_brand_is_a_form_error(
    client, anna, brand_owner, brand
):
    client.force_login(brand_owner)

    response = client.post(
        reverse("admin:influencers_influencer_add"), new_influencer_post(brand, "@AnnaLace")
    )

    assert response.status_code == 200
    assert "already belongs to Anna Lace" in response.content.decode()
    assert not Influencer.objects.filter(name="Neo Gowns").exists()


def test_risk_owner_is_chosen_among_the_brands_members_only(client, anna, brand_owner, brand):
    colleague = factories.UserFactory(username="colleague-lumiere")
    factories.MembershipFactory(user=colleague, brand=brand, role=Role.VIEWER)
    outsider = factories.UserFactory(username="outsider-kestrel")
    factories.MembershipFactory(user=outsider, role=Role.MANAGER)
    client.force_login(brand_owner)

    page = client.get(reverse("admin:influencers_influencer_change", args=[anna.pk]))

    owner_choices = page.context["inline_admin_formsets"][1].formset.form.base_fields["owner"]
    assert colleague in owner_choices.queryset
    assert outsider not in owner_choices.queryset


def test_bulk_editing_accounts_in_the_list_rescores_their_influencer(client, anna, brand_owner):
    account = anna.accounts.get(platform="tiktok")
    other = anna.accounts.get(platform="youtube")
    client.force_login(brand_owner)

    response = client.post(
        reverse("admin:influencers_socialaccount_changelist"),
        {
            **management_form("form", total=2, initial=2),
            "form-0-id": account.pk,
            "form-0-followers": "900000",
            "form-0-avg_views": "1000",
            "form-0-engagement_rate": "2",
            "form-1-id": other.pk,
            "form-1-followers": str(other.followers),
            "form-1-avg_views": str(other.avg_views),
            "form-1-engagement_rate": str(percent_points(other.engagement_rate)),
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.followers == 900_000 + other.followers


def test_export_then_import_into_a_fresh_brand_gives_the_same_rows(client, anna, agency_staff):
    anna.contact_email, anna.languages = "anna@example.com", ["en", "es"]
    anna.save()
    fresh = factories.BrandFactory(name="Fresh Start", slug="fresh")
    factories.MembershipFactory(user=agency_staff, brand=fresh, role=Role.MANAGER)
    client.force_login(agency_staff)
    exported = export(client, [anna])

    response = client.post(
        reverse(IMPORT),
        {"brand": fresh.pk, "file": SimpleUploadedFile("influencers.csv", exported.encode())},
    )

    assert response.status_code == 302
    copy = Influencer.objects.get(brand=fresh)
    assert copy.fit_score is not None
    assert SocialAccount.objects.filter(brand=fresh).count() == 2
    assert export(client, [copy]) == exported
    assert exported.count("\n") == 3  # the header and one row per account


def test_admin_import_lists_every_error_and_writes_nothing(client, brand_owner, brand):
    client.force_login(brand_owner)
    content = b"name,platform,handle,followers\nAnna,tiktok,anna,1\nBea,vine,bea,-1\n"

    response = client.post(
        reverse(IMPORT),
        {"brand": brand.pk, "file": SimpleUploadedFile("influencers.csv", content)},
    )

    assert response.status_code == 200
    assert [(e.line, e.column) for e in response.context["errors"]] == [
        (3, "platform"),
        (3, "followers"),
    ]
    assert not Influencer.objects.exists()


def test_admin_import_offers_only_brands_the_user_edits(client, brand_owner, other_brand):
    factories.MembershipFactory(user=brand_owner, brand=other_brand, role=Role.VIEWER)
    client.force_login(brand_owner)

    response = client.post(
        reverse(IMPORT),
        {
            "brand": other_brand.pk,
            "file": SimpleUploadedFile("i.csv", b"name,platform,handle\nAnna,x,anna\n"),
        },
    )

    assert response.status_code == 200
    assert "brand" in response.context["form"].errors
    assert not Influencer.objects.exists()


def test_changelist_links_to_the_import_page(client, brand_owner):
    client.force_login(brand_owner)

    assert reverse(IMPORT) in client.get(reverse(CHANGELIST)).content.decode()
