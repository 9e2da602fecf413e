"""CSV import of influencers with their accounts: a whole file or nothing, and re-importing
changes nothing."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from influencers.imports import EXAMPLE_CSV, ImportFileForm, import_influencers
from influencers.models import Influencer, SocialAccount
from tests import factories

pytestmark = pytest.mark.django_db

SHORT_HEADER = "name,platform,handle,followers,engagement_rate,audience_countries"


def csv_file(*rows: str, header: str = SHORT_HEADER) -> bytes:
    return "\n".join([header, *rows]).encode()


def located(result) -> set[tuple[int | None, str]]:
    return {(error.line, error.column) for error in result.errors}


def test_good_file_imports_influencers_accounts_and_audience_and_scores_them(brand):
    result = import_influencers(EXAMPLE_CSV.encode(), brand=brand)

    assert result.ok
    assert (result.influencers_created, result.accounts_created) == (2, 3)
    anna = Influencer.objects.get(brand=brand, name="Anna Lace")
    assert anna.country == "US"
    assert anna.niches == ["wigs", "hair care"]
    assert anna.contact_email == "anna@example.com"
    assert anna.followers == 184_000 + 96_000
    assert anna.fit_score is not None
    tiktok = anna.accounts.get(platform="tiktok")
    assert tiktok.handle == "annalace"
    assert tiktok.engagement_rate == Decimal("0.0450")
    assert tiktok.audience == {
        "countries": {"US": 62, "GB": 9},
        "age_bands": {"18-24": 38, "25-34": 41},
        "genders": {"female": 88, "male": 12},
    }
    club = Influencer.objects.get(brand=brand, name="Gown Club Moscow")
    assert (club.kind, club.status, club.languages) == ("community", "contacted", ["ru", "en"])
    assert club.accounts.get().platform == "aliexpress_live"


def test_sample_file_in_docs_is_the_example_shown_on_the_page():
    sample = Path(settings.BASE_DIR) / "docs" / "influencers-import-example.csv"
    assert sample.read_text(encoding="utf-8") == EXAMPLE_CSV


def test_bad_file_writes_nothing_and_lists_every_bad_line_with_its_column(brand):
    result = import_influencers(
        csv_file(
            "Anna,tiktok,anna,1000,0.05,US:60",
            "Bea,tiktok,bea,lots,0.05,",
            "Cleo,myspace,cleo,10,4.5,",
            "Dora,youtube,dora,10,0.01,US:60;GB:50",
            "Anna,TikTok,@Anna,10,0.01,",
            ",youtube,,-5,,XX:10",
        ),
        brand=brand,
    )

    assert not result.ok
    assert located(result) == {
        (3, "followers"),
        (4, "platform"),
        (4, "engagement_rate"),
        (5, "audience_countries"),
        (6, "handle"),
        (7, "name"),
        (7, "handle"),
        (7, "followers"),
        (7, "audience_countries"),
    }
    assert [error.line for error in result.errors] == sorted(e.line for e in result.errors)
    duplicate = next(error for error in result.errors if error.line == 6)
    assert "line 2" in duplicate.message
    assert not Influencer.objects.exists()
    assert not SocialAccount.objects.exists()


def test_header_problems_are_reported_on_line_1(brand):
    result = import_influencers(
        csv_file("Anna,tiktok", header="name,platform,folowers"), brand=brand
    )

    assert located(result) == {(1, "folowers"), (1, "handle")}
    assert not Influencer.objects.exists()


def test_line_numbers_count_the_file_lines_across_blank_lines_and_quoted_newlines(brand):
    result = import_influencers(
        csv_file("", '"Anna\nLace",tiktok,anna,1,0.01,', "Bea,tiktok,bea,x,0.01,"),
        brand=brand,
    )

    assert located(result) == {(5, "followers")}


def test_a_line_with_too_many_cells_is_an_error(brand):
    result = import_influencers(csv_file("Anna,tiktok,anna,1,0.01,,extra"), brand=brand)

    assert located(result) == {(2, "")}
    assert "7 value" in result.errors[0].message


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"", None),
        (b"\xef\xbb\xbf  \n", None),
        (b"name,platform,handle\n", None),
        (b"name,platform,handle\nAnna,tiktok,anna\nB\xe9a,tiktok,bea\n", 3),
    ],
)
def test_empty_or_non_utf8_files_are_rejected(brand, content, line):
    result = import_influencers(content, brand=brand)

    assert [error.line for error in result.errors] == [line]
    assert not Influencer.objects.exists()


def test_utf8_with_byte_order_mark_and_text_files_are_read(brand):
    assert import_influencers(b"\xef\xbb\xbfname,platform,handle\nZo\xc3\xa9,x,zoe", brand=brand).ok
    assert Influencer.objects.get().name == "Zoé"


def test_reimporting_the_same_file_creates_and_changes_nothing(brand):
    import_influencers(EXAMPLE_CSV.encode(), brand=brand)
    before = list(Influencer.objects.values_list("pk", "updated_at", "fit_score"))

    again = import_influencers(EXAMPLE_CSV.encode(), brand=brand)

    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(Influencer.objects.values_list("pk", "updated_at", "fit_score")) == before
    assert SocialAccount.objects.count() == 3


def test_reimport_with_changed_followers_updates_the_account_and_rescores(brand):
    import_influencers(csv_file("Anna,tiktok,anna,1000,0.05,"), brand=brand)

    result = import_influencers(csv_file("Anna,tiktok,@ANNA,250000,,"), brand=brand)

    assert (result.created, result.accounts_updated) == (0, 1)
    account = SocialAccount.objects.get()
    assert account.followers == 250_000
    assert account.engagement_rate == Decimal("0.0500")  # an empty cell leaves it alone
    assert Influencer.objects.get().followers == 250_000


def test_empty_cells_leave_stored_values_and_defaults_apply_to_new_records(brand):
    header = "name,kind,status,country,platform,handle,followers"
    import_influencers(csv_file("Anna,community,active,GB,x,anna,10", header=header), brand=brand)

    import_influencers(csv_file("Anna,,,,x,anna,", "Bea,,,,x,bea,", header=header), brand=brand)

    anna, bea = Influencer.objects.order_by("name")
    assert (anna.kind, anna.status, anna.country, anna.followers) == (
        "community",
        "active",
        "GB",
        10,
    )
    assert (bea.kind, bea.status, bea.country, bea.followers) == ("individual", "prospect", "", 0)


def test_another_brands_account_with_the_same_handle_is_neither_matched_nor_touched(
    brand, other_brand
):
    theirs = factories.SocialAccountFactory(
        influencer__brand=other_brand, influencer__name="Anna", handle="anna", followers=7
    )

    result = import_influencers(csv_file("Anna,tiktok,anna,1000,0.05,"), brand=brand)

    assert (result.influencers_created, result.accounts_created) == (1, 1)
    theirs.refresh_from_db()
    assert theirs.followers == 7
    assert Influencer.objects.filter(brand=other_brand).count() == 1
    assert SocialAccount.objects.get(brand=brand).followers == 1000


def test_account_of_an_influencer_with_another_name_is_updated_in_place_with_a_notice(brand):
    account = factories.SocialAccountFactory(
        influencer__brand=brand, influencer__name="Anna K.", handle="anna", followers=5
    )

    result = import_influencers(
        csv_file("Anna Lace,tiktok,anna,900,,", "Anna Lace,youtube,annalace,100,,"), brand=brand
    )

    assert result.ok
    assert result.influencers_created == 0
    account.refresh_from_db()
    assert account.followers == 900
    owner = Influencer.objects.get(brand=brand)
    assert owner.name == "Anna K."
    assert set(owner.accounts.values_list("platform", flat=True)) == {"tiktok", "youtube"}
    assert len(result.notices) == 1
    assert "Anna K." in result.notices[0]
    assert "line 2" in result.notices[0].lower()


def test_new_account_joins_the_influencer_of_the_same_name(brand):
    anna = factories.InfluencerFactory(brand=brand, name="Anna")

    result = import_influencers(csv_file("Anna,youtube,anna,10,,"), brand=brand)

    assert (result.influencers_created, result.accounts_created) == (0, 1)
    assert anna.accounts.get().platform == "youtube"


def test_two_influencers_with_one_name_make_a_new_account_ambiguous(brand):
    factories.InfluencerFactory.create_batch(2, brand=brand, name="Anna")

    result = import_influencers(csv_file("Anna,youtube,anna,10,,"), brand=brand)

    assert located(result) == {(2, "name")}
    assert not SocialAccount.objects.exists()


def test_rows_of_one_influencer_must_not_disagree(brand):
    header = "name,country,platform,handle"

    result = import_influencers(
        csv_file("Anna,US,x,anna", "Anna,,youtube,anna", "Anna,GB,tiktok,anna", header=header),
        brand=brand,
    )

    assert located(result) == {(4, "country")}
    assert "line 2" in result.errors[0].message


# --- The /imports/ page ---------------------------------------------------------------------


def upload(content: bytes, name: str = "influencers.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_imports_page_shows_the_form_the_columns_and_the_example(client, brand_manager):
    client.force_login(brand_manager)

    response = client.get(reverse("imports"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Influencers and their accounts" in page
    assert 'type="file"' in page
    assert "audience_age_bands" in page
    assert "gownclub" in page


def test_viewer_sees_no_form_and_gets_403_on_upload_with_nothing_written(client, viewer):
    client.force_login(viewer)

    assert 'type="file"' not in client.get(reverse("imports")).content.decode()
    response = client.post(reverse("imports"), {"file": upload(EXAMPLE_CSV.encode())})

    assert response.status_code == 403
    assert not Influencer.objects.exists()


def test_posting_a_good_file_imports_it_and_redirects_with_the_counts(client, brand_manager, brand):
    client.force_login(brand_manager)

    response = client.post(reverse("imports"), {"file": upload(EXAMPLE_CSV.encode())}, follow=True)

    assert response.redirect_chain == [(reverse("imports"), 302)]
    assert "2 influencers added" in response.content.decode()
    assert Influencer.objects.filter(brand=brand).count() == 2


def test_posting_a_bad_file_shows_every_error_in_a_table_and_writes_nothing(client, brand_manager):
    client.force_login(brand_manager)
    content = csv_file("Anna,tiktok,anna,1000,0.05,", "Bea,tiktok,bea,lots,9,")

    response = client.post(reverse("imports"), {"file": upload(content)})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-errors"' in page
    assert [(e.line, e.column) for e in response.context["errors"]] == [
        (3, "followers"),
        (3, "engagement_rate"),
    ]
    assert "Nothing was imported" in page
    assert not Influencer.objects.exists()


def test_uploads_over_5_mb_are_refused_with_a_clear_message(client, brand_manager):
    client.force_login(brand_manager)
    content = csv_file().ljust(ImportFileForm.max_megabytes * 1024 * 1024 + 1, b" ")

    response = client.post(reverse("imports"), {"file": upload(content)})

    assert "the limit is 5 MB" in response.content.decode()
    assert not Influencer.objects.exists()


def test_posting_without_a_file_asks_for_one(client, brand_manager):
    client.force_login(brand_manager)

    response = client.post(reverse("imports"), {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
