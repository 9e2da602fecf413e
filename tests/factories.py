from datetime import UTC, date, datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from campaigns.models import Campaign
from contracts.models import Contract, Partnership
from influencers.models import Influencer, Platform, RiskAssessment, SocialAccount
from partnerships.models import Brand, ExchangeRate, Membership, Product, Role

PASSWORD = "correct horse battery staple"


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    default_currency = "USD"
    timezone = "Asia/Shanghai"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(user, create, extracted, **kwargs):
        if create:
            user.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    brand = factory.SubFactory(BrandFactory)
    role = Role.MANAGER


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    brand = factory.SubFactory(BrandFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.Sequence(lambda n: f"Lace Front Wig #{n}")
    category = "Wigs"
    currency = "USD"
    retail_price = Decimal("189.00")
    distributor_price = Decimal("121.00")
    unit_cost = Decimal("58.40")


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    brand = factory.SubFactory(BrandFactory)
    date = date(2026, 11, 2)
    from_currency = "CNY"
    to_currency = "USD"
    rate = Decimal("0.13900000")


class InfluencerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Influencer

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Creator {n}")
    country = "US"
    languages = factory.LazyFunction(lambda: ["en"])
    niches = factory.LazyFunction(lambda: ["wigs"])


class SocialAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialAccount

    influencer = factory.SubFactory(InfluencerFactory)
    platform = Platform.TIKTOK
    handle = factory.Sequence(lambda n: f"creator{n}")
    followers = 50_000
    avg_views = 12_000
    engagement_rate = Decimal("0.0350")
    audience = factory.LazyFunction(
        lambda: {
            "countries": {"US": 60, "GB": 10},
            "age_bands": {"18-24": 40, "25-34": 35},
            "genders": {"female": 85, "male": 15},
        }
    )


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskAssessment

    influencer = factory.SubFactory(InfluencerFactory)
    kind = RiskAssessment.Kind.REPUTATION
    likelihood = 2
    impact = 3


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    influencer = factory.SubFactory(InfluencerFactory)
    brand = factory.SelfAttribute("influencer.brand")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.Meeting"

    partnership = factory.SubFactory(PartnershipFactory)
    held_on = date(2026, 11, 2)
    attendees = "Anna, Lee"
    agenda = "Spring collection"


class NextStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.NextStep"

    meeting = factory.SubFactory(MeetingFactory)
    description = factory.Sequence(lambda n: f"Send the brief {n}")
    due_on = date(2026, 11, 20)


class MessageFactory(factory.django.DjangoModelFactory):
    """A message the influencer wrote, not yet read by the brand."""

    class Meta:
        model = "contracts.Message"

    partnership = factory.SubFactory(PartnershipFactory)
    side = "influencer"
    body = "Samples arrived, thank you!"
    sent_at = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    partnership = factory.SubFactory(PartnershipFactory)
    method = Contract.Method.PAID_MEDIA
    title = factory.Sequence(lambda n: f"Contract {n}")
    status = Contract.Status.ACTIVE
    start = date(2026, 10, 1)
    end = date(2027, 3, 31)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    objective = Campaign.Objective.SALES
    start = date(2026, 11, 1)
    end = date(2026, 12, 31)
    currency = "USD"


# Defaults by kind, so a term built for any kind uses only the fields that kind needs (DESIGN §4).
TERM_AMOUNTS = {
    "flat_fee": Decimal("500.00"),
    "per_deliverable": Decimal("150.00"),
    "cpm": Decimal("8.00"),
    "cpa": Decimal("5.00"),
    "bonus": Decimal("250.00"),
}
TERM_RATES = {"commission": Decimal("0.0800"), "revenue_share": Decimal("0.1000")}


class CompensationTermFactory(factory.django.DjangoModelFactory):
    """A flat fee due on the contract's first day unless told otherwise; other kinds get the
    fields they need and leave the rest empty."""

    class Meta:
        model = "contracts.CompensationTerm"

    contract = factory.SubFactory(ContractFactory)
    kind = "flat_fee"
    amount = factory.LazyAttribute(lambda term: TERM_AMOUNTS.get(term.kind))
    rate = factory.LazyAttribute(lambda term: TERM_RATES.get(term.kind))
    basis = factory.LazyAttribute(lambda term: "total" if term.kind == "commission" else "")
    content_type = factory.LazyAttribute(
        lambda term: "video" if term.kind == "per_deliverable" else ""
    )
    tiers = factory.LazyAttribute(
        lambda term: (
            [{"from": "0", "rate": "0.02"}, {"from": "5000", "rate": "0.04"}]
            if term.kind == "rebate"
            else []
        )
    )
    tier_mode = factory.LazyAttribute(lambda term: "whole" if term.kind == "rebate" else "")
    due_date = factory.LazyAttribute(
        lambda term: term.contract.start if term.kind == "flat_fee" else None
    )
    metric = factory.LazyAttribute(lambda term: "views" if term.kind == "bonus" else "")
    threshold = factory.LazyAttribute(
        lambda term: Decimal("100000") if term.kind == "bonus" else None
    )


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.Deliverable"

    contract = factory.SubFactory(ContractFactory)
    content_type = "video"
    platform = Platform.YOUTUBE
    quantity = 1
    # two weeks after the contract starts
    due_date = factory.LazyAttribute(
        lambda row: date.fromordinal(row.contract.start.toordinal() + 14)
    )


class DistributorPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.DistributorPrice"

    contract = factory.SubFactory(ContractFactory, method="distribution")
    product = factory.SubFactory(
        ProductFactory, brand=factory.SelfAttribute("..contract.partnership.brand")
    )
    price = Decimal("121.00")
    min_order_quantity = 5


class JointBrandFactory(factory.django.DjangoModelFactory):
    """A 60/40 joint brand; pass products=[...] to attach products."""

    class Meta:
        model = "contracts.JointBrand"
        skip_postgeneration_save = True

    contract = factory.SubFactory(ContractFactory, method="joint_brand")
    name = factory.Sequence(lambda n: f"Joint Line {n}")
    product_line = "Evening gowns"
    brand_equity = Decimal("0.6000")
    influencer_equity = Decimal("0.4000")

    @factory.post_generation
    def products(joint_brand, create, extracted, **kwargs):
        if create and extracted:
            joint_brand.products.set(extracted)


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A contract taking part in a campaign of the same brand."""

    class Meta:
        model = "campaigns.Participant"

    contract = factory.SubFactory(ContractFactory)
    campaign = factory.SubFactory(
        CampaignFactory, brand=factory.SelfAttribute("..contract.partnership.brand")
    )


class TrackingCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.TrackingCode"

    participant = factory.SubFactory(ParticipantFactory)
    brand = factory.SelfAttribute("participant.campaign.brand")
    code = factory.Sequence(lambda n: f"CODE{n}")


class ContentItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.ContentItem"

    participant = factory.SubFactory(ParticipantFactory)
    content_type = "video"
    platform = Platform.YOUTUBE
    url = factory.Sequence(lambda n: f"https://www.youtube.com/watch?v=demo{n}")
    caption = "My new wig #ad"
    status = "submitted"
    submitted_at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.Shipment"

    participant = factory.SubFactory(ParticipantFactory)
    requested_on = date(2026, 11, 1)
    shipping_cost = Decimal("25.00")
    declared_value = Decimal("189.00")


class ShipmentItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.ShipmentItem"

    shipment = factory.SubFactory(ShipmentFactory)
    product = factory.SubFactory(
        ProductFactory,
        brand=factory.SelfAttribute("..shipment.participant.campaign.brand"),
        unit_cost=Decimal("40.00"),
    )
    quantity = 1


class MetricSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.MetricSnapshot"

    content = factory.SubFactory(ContentItemFactory)
    date = date(2026, 11, 10)


class SaleFactory(factory.django.DjangoModelFactory):
    """A confirmed sale through a tracking code, of a product of the code's brand."""

    class Meta:
        model = "campaigns.Sale"

    tracking_code = factory.SubFactory(TrackingCodeFactory)
    brand = factory.SelfAttribute("tracking_code.brand")
    order_id = factory.Sequence(lambda n: f"ORD-{n:06d}")
    line_id = "1"
    ordered_at = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
    product = factory.SubFactory(ProductFactory, brand=factory.SelfAttribute("..brand"))
    quantity = 1
    net_amount = Decimal("100.00")
    currency = "USD"
    status = "confirmed"


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.Statement"

    contract = factory.SubFactory(ContractFactory)
    period_start = date(2026, 11, 1)
    period_end = date(2026, 12, 1)
    currency = factory.SelfAttribute("contract.currency")


class StatementLineFactory(factory.django.DjangoModelFactory):
    """A flat-fee line; the statement's total is not updated (set it when it matters)."""

    class Meta:
        model = "contracts.StatementLine"

    statement = factory.SubFactory(StatementFactory)
    position = factory.Sequence(lambda n: n)
    kind = "flat_fee"
    description = "Flat fee"
    quantity = Decimal("1")
    rate = Decimal("500.00")
    amount = Decimal("500.00")


class ReminderFactory(factory.django.DjangoModelFactory):
    """An open reminder about a deliverable, first seen and due on 23 Nov 2026."""

    class Meta:
        model = "partnerships.Reminder"

    brand = factory.SubFactory(BrandFactory)
    kind = "deliverable_due"
    subject_type = "deliverable"
    subject_id = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Creator {n}: 1 × Video on YouTube, due 23 Nov 2026")
    url = "/contracts/1/"
    due_on = date(2026, 11, 23)
    first_seen = date(2026, 11, 23)


class ImportJobFactory(factory.django.DjangoModelFactory):
    """A sales file that was rejected with one problem."""

    class Meta:
        model = "campaigns.ImportJob"

    brand = factory.SubFactory(BrandFactory)
    kind = "sales"
    file = factory.django.FileField(filename="sales.csv", data=b"order_id,line_id\n")
    filename = "sales.csv"
    status = "failed"
    total_rows = 1
    processed_rows = 1
    errors = factory.LazyFunction(
        lambda: [{"line": 2, "field": "code", "message": "Unknown tracking code 'NOPE'."}]
    )
