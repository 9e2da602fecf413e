from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from campaigns import approval, disclosure
from campaigns.disclosure import check_caption
from campaigns.models import ContentComment, ContentItem
from tests import factories

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "caption",
    [
        "New wig day #ad",
        "#AD new wig",
        "Loving it (#ad)",
        "Loving it #ad!",
        "Loving it #ad.",
        "Thanks @lumiere #Sponsored",
        "Paid partnership with Lumière",
        "paid   partnership with Lumière",
        "PAID PARTNERSHIP",
        "新假发 广告",
        "广告：新假发",
    ],
)
def test_each_usual_marker_passes(caption):
    assert check_caption(caption, markers_required=True).ok


@pytest.mark.parametrize(
    "caption",
    [
        "My #adventure with a new wig",
        "#ads are everywhere",
        "#ad_free content",
        "bad#ad",
        "#sponsoredby nobody",
        "Unpaid partnership",
        "paid partnerships",
        "A gift from the brand",
        "",
    ],
)
def test_a_marker_counts_only_as_a_whole_tag_or_phrase(caption):
    result = check_caption(caption, markers_required=True)
    assert not result.ok
    assert result.problems == (
        "The caption has no ad disclosure: add #ad, #sponsored, “Paid partnership” or 广告.",
    )


def test_no_marker_is_needed_when_the_contract_does_not_require_disclosure():
    assert check_caption("Just my hair", markers_required=False).ok


def test_a_market_adds_its_usual_markers():
    assert not check_caption("Neue Perücke #werbung", markers_required=True).ok
    assert check_caption("Neue Perücke #Werbung", markers_required=True, markets=["de"]).ok
    result = check_caption("Neue Perücke", markers_required=True, markets=["DE"])
    assert "#werbung" in str(result)


def test_required_text_is_checked_tag_by_tag_in_any_order():
    required = [("#ad #LumiereHair", "the contract")]
    assert check_caption("#lumierehair new install #AD", required=required).ok
    result = check_caption("new install #ad", required=required)
    assert result.problems == ("The caption lacks #LumiereHair, which the contract requires.",)


def test_required_tag_is_matched_whole():
    required = [("#LumiereHair", "the contract")]
    assert not check_caption("#LumiereHairCare #ad", required=required).ok


def test_required_phrase_is_checked_as_a_phrase():
    required = [("Paid partnership with Lumière", "the deliverable")]
    assert check_caption("PAID partnership with lumière ✨", required=required).ok
    result = check_caption("Partnership with Lumière, paid", required=required)
    assert result.problems == (
        "The caption lacks “Paid partnership with Lumière”, which the deliverable requires.",
    )


def test_required_text_is_checked_even_without_ad_disclosure():
    required = [("#LumiereHair", "the contract")]
    assert not check_caption("Hello", required=required, markers_required=False).ok


def test_a_missing_required_marker_is_reported_once():
    result = check_caption("new wig", required=[("#ad", "the contract")])
    assert result.problems == ("The caption lacks #ad, which the contract requires.",)


def test_contract_and_deliverable_requirements_are_both_checked(brand):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, disclosure_text="#ad #LumiereHair"
    )
    deliverable = factories.DeliverableFactory(contract=contract, disclosure_text="#PromQueen")
    item = factories.ContentItemFactory(
        participant__contract=contract,
        deliverable=deliverable,
        caption="Prom look #ad #LumiereHair",
    )
    result = disclosure.check(item)
    assert result.problems == ("The caption lacks #PromQueen, which the deliverable requires.",)
    disclosure.recheck(item)
    assert item.disclosure_ok is False
    assert "#PromQueen" in item.disclosure_problems


def test_campaign_markets_are_used_for_the_item(brand):
    item = factories.ContentItemFactory(
        participant__contract__partnership__influencer__brand=brand,
        participant__campaign__markets=["RU"],
        caption="Новый парик #реклама",
    )
    assert disclosure.check(item).ok


@pytest.mark.django_db
def test_failed_check_blocks_approval_until_overridden_with_a_reason(brand, brand_manager):
    item = factories.ContentItemFactory(
        participant__contract__partnership__influencer__brand=brand, caption="Look at this wig"
    )
    with pytest.raises(ValidationError, match="fails the disclosure check"):
        approval.move(item, "approved", by=brand_manager, now=NOW)
    with pytest.raises(ValidationError, match="fails the disclosure check"):
        approval.move(item, "approved", by=brand_manager, now=NOW, override_reason="   ")
    item.refresh_from_db()
    assert item.status == "submitted"

    approval.move(
        item,
        "approved",
        by=brand_manager,
        now=NOW,
        override_reason="Disclosed in the video's first seconds.",
    )
    item.refresh_from_db()
    assert item.status == "approved"
    assert item.disclosure_ok is False
    assert item.disclosure_override_reason == "Disclosed in the video's first seconds."
    assert item.disclosure_override_by == brand_manager
    thread = list(item.comments.values_list("body", "status"))
    assert thread == [
        ("Disclosure check overridden: Disclosed in the video's first seconds.", ""),
        ("Approved.", "approved"),
    ]


@pytest.mark.django_db
def test_an_override_on_record_lets_a_later_approval_through(brand, brand_manager):
    item = factories.ContentItemFactory(
        participant__contract__partnership__influencer__brand=brand,
        caption="No disclosure",
        disclosure_override_reason="Spoken disclosure in the live stream.",
    )
    approval.move(item, "approved", by=brand_manager, now=NOW)
    assert ContentItem.objects.get(pk=item.pk).status == "approved"


@pytest.mark.django_db
def test_resubmission_clears_the_override(brand, brand_manager):
    item = factories.ContentItemFactory(
        participant__contract__partnership__influencer__brand=brand, caption="No disclosure"
    )
    approval.move(item, "approved", by=brand_manager, now=NOW, override_reason="Spoken.")
    approval.move(item, "changes_requested", by=brand_manager, now=NOW, comment="Add #ad")
    approval.move(item, "submitted", by=brand_manager, now=NOW, caption="Still none")
    item.refresh_from_db()
    assert item.disclosure_override_reason == ""
    assert item.disclosure_override_by is None
    with pytest.raises(ValidationError, match="fails the disclosure check"):
        approval.move(item, "approved", by=brand_manager, now=NOW)
    assert ContentComment.objects.filter(content=item).count() == 4
