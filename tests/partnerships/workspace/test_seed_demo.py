import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from campaigns.models import (
    Campaign,
    ContentComment,
    ContentItem,
    MetricSnapshot,
    Participant,
    Sale,
    Shipment,
    ShipmentItem,
    TrackingCode,
)
from contracts.models import Contract, Meeting, Message, NextStep, Partnership
from influencers.models import Influencer, RiskAssessment
from partnerships import tenancy
from partnerships.models import Brand, ExchangeRate, Membership, Product

pytestmark = pytest.mark.django_db

SEEDED = [
    *[Brand, Product, ExchangeRate, Membership, Influencer, Partnership, Contract, Campaign],
    # CompensationTerm, Deliverable, DistributorPrice and JointBrand, reached from the contract
    *(
        Contract._meta.get_field(name).related_model
        for name in ("terms", "deliverables", "prices", "joint_brand")
    ),
    *[Participant, TrackingCode, ContentItem, ContentComment, Shipment, ShipmentItem],
    *[MetricSnapshot, Sale],
    *[Meeting, NextStep, Message, RiskAssessment],
]


def _rows(model) -> list[dict]:
    # updated_at records when a row was last saved, not what it holds
    return [
        {key: value for key, value in row.items() if key != "updated_at"}
        for row in model.objects.order_by("pk").values()
    ]


def _snapshot() -> dict:
    rows = {model.__name__: _rows(model) for model in SEEDED}
    rows["User"] = list(
        get_user_model().objects.order_by("pk").values("pk", "username", "password", "is_staff")
    )
    return rows


def test_seed_demo_twice_leaves_the_same_rows():
    call_command("seed_demo", force=True)
    first = _snapshot()
    call_command("seed_demo", force=True)
    assert _snapshot() == first
    assert len(first["Product"]) >= 16


def test_seed_demo_signs_in_demo_and_agency():
    call_command("seed_demo", force=True)
    users = get_user_model().objects
    demo, agency = users.get(username="demo"), users.get(username="agency")
    assert demo.check_password("demo")
    assert agency.check_password("agency")
    assert agency.is_staff
    assert not demo.is_staff
    assert [b.slug for b in tenancy.brands_of(demo, tenancy.EDIT_ROLES)] == ["lumiere"]
    assert {b.slug for b in tenancy.brands_of(agency)} == {"lumiere", "kestrel"}
    lumiere = Brand.objects.get(slug="lumiere")
    categories = set(lumiere.products.values_list("category", flat=True))
    assert {"Wigs", "Evening gowns"} <= categories


def test_the_demo_owner_opens_the_audit_trail_and_api_keys(client):
    call_command("seed_demo", force=True)
    client.force_login(get_user_model().objects.get(username="demo"))

    assert client.get("/audit/").status_code == 200
    assert client.get("/api-keys/").status_code == 200


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not Brand.objects.exists()


def test_demo_pipeline_statuses_agree_with_the_contracts():
    call_command("seed_demo", force=True)
    in_force = set(
        Contract.objects.filter(status__in=["signed", "active"]).values_list(
            "partnership__influencer__name", flat=True
        )
    )
    negotiating = set(
        Contract.objects.filter(status="negotiating").values_list(
            "partnership__influencer__name", flat=True
        )
    )
    active = set(Influencer.objects.filter(status="active").values_list("name", flat=True))
    assert in_force
    assert active == in_force
    for name in negotiating - in_force:
        assert Influencer.objects.get(name=name).status == "negotiating"


def test_demo_runs_a_relationship_and_deals_with_a_community():
    call_command("seed_demo", force=True)

    partnership = Partnership.objects.get(influencer__name="Lucía Fernández")
    assert partnership.owner.username == "demo"
    assert partnership.brand_goals
    assert partnership.meetings.count() == 3
    assert NextStep.objects.filter(meeting__partnership=partnership, done_at=None).count() == 3
    sides = set(partnership.messages.values_list("side", flat=True))
    assert sides == {"brand", "influencer"}
    risks = RiskAssessment.objects.filter(influencer=partnership.influencer)
    assert risks.filter(is_open=True, review_date__isnull=False).exists()
    assert risks.filter(is_open=False).exclude(close_reason="").exists()

    club = Influencer.objects.get(name="Glam Wig Club")
    assert club.kind == "community"
    assert club.members == 48_000
    assert club.followers == club.members
    assert "sponsored_posts" in club.monetisation
    deal = Contract.objects.get(partnership__influencer=club, title="Sponsored posts in the club")
    assert deal.terms.get().content_type == "post"
