from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from random import Random
from typing import TypeVar

from django.apps import apps as installed_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from campaigns import disclosure, ingest, roi
from campaigns.models import (
    DEFAULT_PREPARATION_DAYS,
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
from contracts import payouts, settlement
from contracts.models import (
    CompensationTerm,
    Contract,
    ContractMessage,
    Deliverable,
    DistributorOrder,
    DistributorPrice,
    JointBrand,
    Meeting,
    Message,
    NextStep,
    Partnership,
    PayoutDetails,
    Statement,
)
from influencers import scoring
from influencers.models import Influencer, RiskAssessment, SocialAccount
from partnerships import money, schedules
from partnerships.models import Brand, ExchangeRate, Membership, Product, Role
from portal.models import CreatorLink

DEMO_BRAND = {
    "slug": "lumiere",
    "name": "Lumière Hair & Gowns",
    "default_currency": "USD",
    "timezone": "Asia/Shanghai",
    "legal_name": "Lumière Hair & Gowns Trading Ltd.",
    "address": "18F, 1000 Century Avenue\nPudong, Shanghai 200120\nChina",
    "tax_id": "91310115MA1K4XYZ9Q",
}
OTHER_BRAND = {
    "slug": "kestrel",
    "name": "Kestrel Running Co.",
    "default_currency": "EUR",
    "timezone": "Europe/Berlin",
}

# sku, name, category, retail, distributor, unit cost (USD)
DEMO_PRODUCTS = [
    ("WIG-BW-22", "Body Wave Lace Front Wig 22in", "Wigs", "189.00", "121.00", "58.40"),
    ("WIG-ST-18", "Silky Straight 13x4 Lace Wig 18in", "Wigs", "159.00", "99.00", "47.10"),
    ("WIG-KC-16", "Kinky Curly Glueless Wig 16in", "Wigs", "174.00", "112.00", "52.75"),
    ("WIG-BOB-10", "Blunt Bob Wig 10in", "Wigs", "89.00", "55.00", "24.30"),
    ("WIG-613-24", "613 Blonde Full Lace Wig 24in", "Wigs", "259.00", "169.00", "81.90"),
    ("WIG-HL-20", "Honey Highlight Wig 20in", "Wigs", "199.00", "129.00", "61.20"),
    ("WIG-CAP-01", "Wig Grip Band & Cap Set", "Accessories", "14.90", "7.50", "2.10"),
    ("WIG-GLU-02", "Lace Tint Spray & Adhesive Kit", "Accessories", "19.90", "10.50", "3.80"),
    (
        "GWN-MER-RD",
        "Mermaid Sequin Evening Gown, Ruby",
        "Evening gowns",
        "249.00",
        "159.00",
        "72.00",
    ),
    ("GWN-ALN-NV", "A-Line Chiffon Gown, Navy", "Evening gowns", "179.00", "115.00", "49.60"),
    (
        "GWN-OFS-EM",
        "Off-Shoulder Satin Gown, Emerald",
        "Evening gowns",
        "219.00",
        "139.00",
        "63.30",
    ),
    (
        "GWN-BEA-CH",
        "Beaded Tulle Ball Gown, Champagne",
        "Evening gowns",
        "329.00",
        "209.00",
        "98.50",
    ),
    ("GWN-SLT-BK", "High-Slit Velvet Gown, Black", "Evening gowns", "199.00", "127.00", "55.80"),
    (
        "GWN-CUS-01",
        "Made-to-Measure Gown (custom sizing)",
        "Evening gowns",
        "389.00",
        "249.00",
        "121.00",
    ),
    ("ACC-STL-01", "Crystal Bridal Stole", "Accessories", "39.00", "22.00", "8.90"),
    ("ACC-CLT-01", "Pearl Clutch Bag", "Accessories", "49.00", "28.00", "11.40"),
]
OTHER_PRODUCTS = [
    ("KR-TRL-42", "Trail Runner GTX", "Shoes", "139.00", "89.00", "41.00"),
    ("KR-RD-40", "Road Tempo 2", "Shoes", "119.00", "76.00", "35.50"),
    ("KR-SCK-3P", "Merino Running Socks (3 pairs)", "Apparel", "24.00", "13.00", "5.20"),
]

# (from, to, rate): the demo brand's sales arrive in these currencies.
BASE_RATES = [
    ("CNY", "USD", "0.1390"),
    ("EUR", "USD", "1.0820"),
    ("RUB", "USD", "0.0110"),
    ("JPY", "USD", "0.0067"),
]
RATE_WIGGLE = [0, 3, -2, 5, -4, 1, -1, 2, -3, 4]  # per mille, a fixed pattern by date
RATE_DAYS = 120

# name, country, status, niches; accounts and audiences are derived from the position in the list
DEMO_INFLUENCERS = [
    ("Anna Sokolova", "RU", "active", "wigs;hair care"),
    ("Mia Chen", "US", "active", "wigs;beauty"),
    ("Lucía Fernández", "ES", "active", "evening wear;fashion"),
    ("Glam Wig Club", "BR", "active", "wigs;hair care"),
    ("Aiko Tanaka", "JP", "contacted", "beauty;cosplay"),
    ("Chloé Martin", "FR", "prospect", "fashion;evening wear"),
    ("Zara Okafor", "NG", "prospect", "wigs;natural hair"),
    ("Layla Haddad", "AE", "paused", "evening wear;modest fashion"),
    ("Brianna Johnson", "US", "contacted", "wigs;natural hair"),
    ("Olivia Brown", "GB", "prospect", "bridal;evening wear"),
    ("Sofia Rossi", "IT", "contacted", "fashion;bridal"),
    ("Hannah Müller", "DE", "prospect", "fashion"),
    ("Camila Souza", "BR", "prospect", "wigs;beauty"),
    ("Valentina López", "MX", "negotiating", "evening wear;quinceañera"),
    ("Nguyen Thi Lan", "VN", "prospect", "beauty"),
    ("Park Ji-woo", "KR", "prospect", "beauty;hair care"),
    ("Emily Davis", "US", "prospect", "bridal;wigs"),
    ("Jasmine Williams", "US", "prospect", "natural hair;wigs"),
    ("Ekaterina Ivanova", "RU", "contacted", "evening wear"),
    ("Amara Mensah", "GH", "prospect", "wigs;natural hair"),
    ("Priya Sharma", "IN", "prospect", "bridal;beauty"),
    ("Fatima Al-Sayed", "SA", "prospect", "modest fashion;evening wear"),
    ("Isabella Garcia", "US", "prospect", "prom;evening wear"),
    ("Chloe Taylor", "AU", "prospect", "beauty;wigs"),
    ("Prom Queens Collective", "US", "contacted", "prom;evening wear"),
    ("Curly Girls Circle", "GB", "prospect", "natural hair;hair care"),
    ("Drag Glam Studio", "US", "negotiating", "wigs;drag"),
    ("Lina Petrova", "BG", "prospect", "fashion"),
    ("Maya Cohen", "IL", "prospect", "bridal"),
    ("Ana Silva", "PT", "prospect", "beauty"),
    ("Grace Kim", "CA", "prospect", "wigs;beauty"),
    ("Aaliyah Thomas", "US", "ended", "wigs"),
    ("Sarah Wilson", "GB", "prospect", "evening wear"),
    ("Yuki Sato", "JP", "prospect", "cosplay;wigs"),
    ("Wig Review Weekly", "US", "prospect", "wigs;reviews"),
    ("Natalia Kowalska", "PL", "prospect", "fashion;evening wear"),
    ("Elif Yılmaz", "TR", "prospect", "modest fashion"),
    ("Daniela Torres", "CO", "prospect", "beauty;wigs"),
    ("Ruby Glow", "US", "blocked", "wigs"),
    ("Tiana Roberts", "US", "prospect", "prom;beauty"),
]
PLATFORMS = [
    "tiktok",
    "instagram",
    "youtube",
    "aliexpress_live",
    "amazon_live",
    "facebook",
    "shopee_live",
    "xiaohongshu",
    "x",
    "blog",
]
FOLLOWERS = [4_200, 18_500, 36_000, 72_000, 140_000, 260_000, 480_000, 720_000, 1_350_000, 9_800]
ENGAGEMENT = [
    "0.0610",
    "0.0420",
    "0.0350",
    "0.0280",
    "0.0210",
    "0.0180",
    "0.0150",
    "0.0120",
    "0.0090",
    "0.0550",
]
AUDIENCE_COUNTRIES = [
    ("US", "GB", "CA"),
    ("RU", "KZ", "BY"),
    ("ES", "MX", "AR"),
    ("BR", "PT", "US"),
    ("FR", "BE", "CA"),
    ("US", "NG", "GB"),
    ("DE", "AT", "CH"),
    ("JP", "KR", "US"),
]
# Implausible engagement for the size: these come out flagged as a possible fake audience.
SUSPICIOUS = {"Ruby Glow": "0.0008", "Wig Review Weekly": "0.2400"}
RISKY = {
    "Ruby Glow": ("fake_audience", 4, 4, "Audit followers before any deal."),
    "Drag Glam Studio": ("compliance", 2, 3, "Check ad disclosure on every post."),
    "Aaliyah Thomas": ("delivery", 3, 3, "Milestone payments only."),
    "Layla Haddad": ("reputation", 2, 4, "Watch comment sentiment monthly."),
}
DEMO_TARGET = {
    "target_countries": ["US", "GB", "CA", "AU"],
    "target_age_bands": ["18-24", "25-34"],
    "target_genders": ["female"],
    "target_niches": ["wigs", "evening wear", "prom"],
}


# One deal per cooperation method, and one still being negotiated. "start" counts days from
# today, "days" is the length; due dates in terms and deliverables count days from the start.
DEMO_CONTRACTS = [
    {
        "influencer": "Anna Sokolova",
        "method": Contract.Method.PAID_MEDIA,
        "title": "Spring wig reviews",
        "status": Contract.Status.ACTIVE,
        "start": -120,
        "days": 240,
        "fields": {
            "hold_days": 14,
            "minimum_payout": Decimal("50.00"),
            "exclusivity": Contract.Exclusivity.CATEGORY,
            "exclusivity_categories": ["wigs"],
            "competitors": ["Glam Wigs Co.", "Silk Crown Hair"],
            "disclosure_text": "#ad #LumiereHair",
            "content_owner": Contract.ContentOwner.SHARED,
            "usage_channels": ["website", "marketplace listing"],
            "paid_ads_allowed": True,
            "usage_months": 12,
            "late_delivery_per_day": Decimal("20.00"),
            "late_delivery_cap": Decimal("300.00"),
        },
        "terms": [
            {
                "kind": "flat_fee",
                "description": "Installment 1 of 3, on signing",
                "amount": Decimal("600.00"),
                "milestone": "on_signing",
            },
            {
                "kind": "flat_fee",
                "description": "Installment 2 of 3, a week after the first video",
                "amount": Decimal("600.00"),
                "milestone": "on_first_publish",
                "offset_days": 7,
            },
            {
                "kind": "flat_fee",
                "description": "Installment 3 of 3",
                "amount": Decimal("800.00"),
                "due_day": 150,
            },
            {
                "kind": "cpm",
                "description": "Views",
                "amount": Decimal("6.00"),
                "cap": Decimal("450.00"),
            },
            {
                "kind": "commission",
                "description": "Sales through her codes",
                "basis": "total",
                "tiers": [
                    {"from": "0", "rate": "0.05"},
                    {"from": "5000", "rate": "0.08"},
                    {"from": "20000", "rate": "0.10"},
                ],
                "tier_mode": "marginal",
            },
        ],
        "deliverables": [
            {
                "content_type": "video",
                "platform": "youtube",
                "quantity": 2,
                "due_day": 30,
                "min_length_seconds": 480,
                "requirements": "Install on camera; show the lace melt and the first wash.",
            },
            {
                "content_type": "short",
                "platform": "tiktok",
                "quantity": 4,
                "due_day": 45,
                "requirements": "Before and after in the first 3 seconds.",
            },
            {
                "content_type": "live_stream",
                "platform": "aliexpress_live",
                "quantity": 1,
                "due_day": 90,
                "min_length_seconds": 3600,
                "requirements": "Try on three wigs; pin the store link.",
            },
        ],
    },
    {
        "influencer": "Mia Chen",
        "method": Contract.Method.DISTRIBUTION,
        "title": "US wig distribution",
        "status": Contract.Status.ACTIVE,
        "start": -120,
        "days": 365,
        "fields": {"settlement_period": "quarterly", "payment_terms_days": 45},
        "terms": [
            {
                "kind": "rebate",
                "description": "Volume rebate on wholesale purchases",
                "tiers": [
                    {"from": "0", "rate": "0.02"},
                    {"from": "5000", "rate": "0.04"},
                    {"from": "15000", "rate": "0.06"},
                ],
                "tier_mode": "whole",
            },
        ],
        # sku, distributor price, minimum order quantity
        "prices": [
            ("WIG-BW-22", "118.00", 5),
            ("WIG-ST-18", "96.00", 5),
            ("WIG-KC-16", "109.00", 5),
            ("WIG-BOB-10", "52.00", 10),
            ("WIG-613-24", "165.00", 3),
            ("WIG-HL-20", "125.00", 3),
        ],
        # reference, days after the start, sku, quantity (bought at the price above)
        "orders": [
            ("MIA-PO-0001", 5, "WIG-BW-22", 20),
            ("MIA-PO-0002", 30, "WIG-ST-18", 40),
            ("MIA-PO-0003", 55, "WIG-KC-16", 30),
            ("MIA-PO-0004", 80, "WIG-BOB-10", 60),
            ("MIA-PO-0005", 100, "WIG-613-24", 12),
        ],
    },
    {
        "influencer": "Lucía Fernández",
        "method": Contract.Method.JOINT_BRAND,
        "title": "Lucía × Lumière gown line",
        "status": Contract.Status.ACTIVE,
        "start": -100,
        "days": 730,
        "fields": {
            "content_owner": Contract.ContentOwner.SHARED,
            "usage_channels": ["website", "marketplace listing", "ads"],
            "paid_ads_allowed": True,
            "usage_months": 24,
        },
        "terms": [
            {
                "kind": "revenue_share",
                "description": "Her share of the line's net sales",
                "rate": Decimal("0.1500"),
                "minimum_guarantee": Decimal("1000.00"),
            },
        ],
        "deliverables": [
            {
                "content_type": "post",
                "platform": "instagram",
                "quantity": 3,
                "due_day": 60,
                "requirements": "Lookbook of the launch gowns.",
            },
        ],
        "joint_brand": {
            "name": "Lucía × Lumière",
            "product_line": "Evening gowns designed with Lucía",
            "brand_equity": Decimal("0.6000"),
            "influencer_equity": Decimal("0.4000"),
            "skus": ["GWN-MER-RD", "GWN-OFS-EM", "GWN-BEA-CH"],
        },
    },
    {
        "influencer": "Glam Wig Club",
        "method": Contract.Method.PAID_MEDIA,
        "title": "Community live streams",
        "status": Contract.Status.NEGOTIATING,
        "start": 14,
        "days": 90,
        "terms": [
            {
                "kind": "per_deliverable",
                "description": "Per live stream",
                "amount": Decimal("250.00"),
                "content_type": "live_stream",
            },
            {"kind": "cpa", "description": "Per order", "amount": Decimal("4.00")},
        ],
        "deliverables": [
            {"content_type": "live_stream", "platform": "tiktok", "quantity": 3, "due_day": 45},
        ],
    },
    {
        "influencer": "Lucía Fernández",
        "method": Contract.Method.PAID_MEDIA,
        "title": "Winter gown try-on videos",
        "status": Contract.Status.NEGOTIATING,
        "start": 21,
        "days": 60,
        "fields": {"disclosure_text": "#ad #LuciaxLumiere", "usage_months": 6},
        "terms": [
            {
                "kind": "flat_fee",
                "description": "On signing",
                "amount": Decimal("800.00"),
                "milestone": "on_signing",
            },
            {
                "kind": "per_deliverable",
                "description": "Per try-on video",
                "amount": Decimal("350.00"),
                "content_type": "video",
            },
        ],
        "deliverables": [
            {"content_type": "video", "platform": "youtube", "quantity": 2, "due_day": 30},
        ],
    },
]
# Communities: members, where they meet, what they sell (the fit score reads the members).
DEMO_COMMUNITIES = {
    "Glam Wig Club": (48_000, ["Facebook group", "WhatsApp"], ["membership", "sponsored_posts"]),
    "Prom Queens Collective": (12_500, ["Discord", "Instagram channel"], ["sponsored_posts"]),
    "Curly Girls Circle": (6_200, ["Telegram", "Meetups"], ["membership", "courses"]),
    "Drag Glam Studio": (21_000, ["Discord"], ["sponsored_posts", "courses"]),
}
DEMO_COMMUNITY_DEAL = {
    "influencer": "Glam Wig Club",
    "method": Contract.Method.PAID_MEDIA,
    "title": "Sponsored posts in the club",
    "status": Contract.Status.ACTIVE,
    "start": -30,
    "days": 120,
    "fields": {"disclosure_text": "#ad #GlamWigClub"},
    "terms": [
        {
            "kind": "per_deliverable",
            "description": "Per sponsored post",
            "amount": Decimal("180.00"),
            "content_type": "post",
        },
    ],
    "deliverables": [
        {"content_type": "post", "platform": "facebook", "quantity": 4, "due_day": 60},
    ],
}
# The relationship with the demo creator, run on the partnership page: days ago, who met,
# the agenda and notes, and the next steps agreed (description, owner or None for Lucía,
# due in days from today, done).
DEMO_RELATIONSHIP = {
    "liaison": "Lucía herself (WhatsApp, mornings CET)",
    "meeting_cadence": Partnership.Cadence.MONTHLY,
    "influencer_goals": "A steady monthly income; gowns she would wear herself; no more than "
    "two sponsored videos a month.",
    "brand_goals": "Evening-wear sales in Spain and Latin America; try-on videos reused on the "
    "marketplace listings.",
}
DEMO_MEETINGS = [
    (75, "Lucía, demo", "Kick-off: what each side wants", "Agreed on try-on videos rather than "
     "unboxings; Lucía prefers long-form YouTube.", [
        ("Send the gown size chart", "demo", -68, True),
        ("Share last quarter's audience figures", None, -65, True),
    ]),
    (45, "Lucía, demo, finance", "First statement and payment timing", "Payment on net 30 is "
     "fine; Lucía asked for PayPal.", [
        ("Set up PayPal payout details in the portal", None, -40, True),
    ]),
    (14, "Lucía, demo", "Winter gown videos", "Two try-on videos before the holidays; "
     "shipment of three gowns to Madrid.", [
        ("Ship the three winter gowns", "demo", 2, False),
        ("Confirm the filming dates", None, -1, False),
        ("Draft the winter offer", "demo", 6, False),
    ]),
]  # fmt: skip
# Messages: days ago, who writes (brand, influencer from the portal, or recorded by a member).
DEMO_MESSAGES = [
    (20, "brand", "Hi Lucía, the winter collection is in: shall we talk gowns next week?"),
    (19, "influencer", "Yes please! Thursday afternoon works for me."),
    (13, "recorded", "Phoned: prefers the emerald and burgundy gowns, size 38."),
    (3, "brand", "The gowns leave our warehouse on Monday, tracking to follow."),
    (1, "influencer", "Great, I will film the first video the weekend after they arrive."),
]
DEMO_RISKS = [
    # kind, likelihood, impact, mitigation, review in days, closed because
    ("delivery", 2, 3, "Shipments to Madrid take 5 to 8 days: ship two weeks ahead.", 2, ""),
    ("reputation", 1, 3, "Checked her comments for controversy.", -20,
     "Six months without a single complaint; nothing to watch any more."),
]  # fmt: skip


# The demo creator: Lucía signs in to the portal and finds an offer to answer, a draft under
# review, a shipment on its way and a paid statement.
DEMO_CREATOR = {"username": "creator", "password": "creator", "influencer": "Lucía Fernández"}
DEMO_CREATOR_PAYOUT = {
    "method": "paypal",
    "account_holder": "Lucía Fernández García",
    "account_email": "lucia.fernandez@example.com",
    "tax_id": "ES-12345678Z",
    "address": "Calle de Serrano 41\n28001 Madrid\nSpain",
}
DEMO_PAYOUT_REFERENCE = "PAYPAL-DEMO-0001"
DEMO_CREATOR_REQUEST = "Could the second video be due a week later? I travel that week."
SIGNED_STATUSES = {Contract.Status.SIGNED, Contract.Status.ACTIVE, Contract.Status.COMPLETED}
M = TypeVar("M")


def _seed_row(model: type[M], keys: dict, values: dict, *, recorded: datetime) -> M:
    """Create or update one demo row after full_clean(). An unchanged row is not saved again,
    so seeding twice writes nothing; its history is dated `recorded`, before the contract was
    signed, so demo data shows no amendments."""
    row = model._default_manager.filter(**keys).first() or model(**keys)
    if row.pk and all(getattr(row, name) == value for name, value in values.items()):
        return row
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row._history_date = recorded
    row.save()
    return row


def _seed_contract(brand: Brand, influencer: Influencer, deal: dict, today: date) -> None:
    start = today + timedelta(days=deal["start"])
    partnership, _ = Partnership.objects.get_or_create(
        brand=brand, influencer=influencer, defaults={"since": start}
    )
    signed_at = None
    if deal["status"] in SIGNED_STATUSES:
        signed_at = timezone.make_aware(
            datetime.combine(start - timedelta(days=3), time(15)), brand.timezone
        )
    recorded = signed_at or timezone.make_aware(datetime.combine(today, time(9)), brand.timezone)
    recorded -= timedelta(days=1)
    contract = _seed_row(
        Contract,
        {"partnership": partnership, "title": deal["title"]},
        {
            "method": deal["method"],
            "status": deal["status"],
            "start": start,
            "end": start + timedelta(days=deal["days"]),
            "currency": brand.default_currency,
            "signed_at": signed_at,
            **deal.get("fields", {}),
        },
        recorded=recorded,
    )
    for term in deal["terms"]:
        values = {key: value for key, value in term.items() if key not in ("kind", "description")}
        if "due_day" in values:
            values["due_date"] = start + timedelta(days=values.pop("due_day"))
        keys = {"contract": contract, "kind": term["kind"], "description": term["description"]}
        _seed_row(CompensationTerm, keys, values, recorded=recorded)
    for item in deal.get("deliverables", []):
        values = {key: value for key, value in item.items() if key != "due_day"}
        values["due_date"] = start + timedelta(days=item["due_day"])
        keys = {"contract": contract, "content_type": values.pop("content_type")}
        keys["platform"] = values.pop("platform")
        _seed_row(Deliverable, keys, values, recorded=recorded)
    products = {product.sku: product for product in brand.products.all()}
    prices = {sku: Decimal(price) for sku, price, _ in deal.get("prices", [])}
    for sku, _, minimum in deal.get("prices", []):
        _seed_row(
            DistributorPrice,
            {"contract": contract, "product": products[sku]},
            {"price": prices[sku], "min_order_quantity": minimum},
            recorded=recorded,
        )
    for reference, day, sku, quantity in deal.get("orders", []):
        ordered_at = datetime.combine(start + timedelta(days=day), time(11))
        _seed_row(
            DistributorOrder,
            {"contract": contract, "reference": reference, "product": products[sku]},
            {
                "ordered_at": timezone.make_aware(ordered_at, brand.timezone),
                "quantity": quantity,
                "unit_price": prices[sku],
            },
            recorded=recorded,
        )
    if joint := deal.get("joint_brand"):
        values = {key: value for key, value in joint.items() if key != "skus"}
        joint_brand = _seed_row(JointBrand, {"contract": contract}, values, recorded=recorded)
        joint_brand.products.set([products[sku] for sku in joint["skus"]])


class Command(BaseCommand):
    help = "Load a realistic demo brand and a second brand, with the demo and agency sign-ins."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like production. Use --force to seed.")
        with transaction.atomic():
            demo = self._brand(DEMO_BRAND, DEMO_PRODUCTS)
            other = self._brand(OTHER_BRAND, OTHER_PRODUCTS)
            today = demo.today(timezone.now())
            self._exchange_rates(demo, today)
            self._influencers(demo, today)
            self._user("demo", "demo", staff=False, brands=[demo], role=Role.OWNER)
            agency = self._user("agency", "agency", staff=True, brands=[demo, other])
            # The group comes from a migration; made again if the database was emptied since.
            schedules.install_schedule_editors(installed_apps, None)
            agency.groups.add(Group.objects.get(name=schedules.SCHEDULE_EDITORS))
            self._user("finance", "finance", staff=True, brands=[demo], role=Role.FINANCE)
            _seed_campaigns(demo, today, get_user_model().objects.get(username="demo"))
        # The demo contracts' ended periods as statements, before the ROI summaries read them;
        # drafts are recomputed from scratch, so seeding again gives the same statements.
        settlement.settle_due(now=timezone.now(), brand=demo)
        _seed_creator(demo, today)
        _seed_communities(demo, today)
        _seed_relationship(demo, today)
        # So that the dashboard shows the demo's figures before the first nightly refresh.
        roi.refresh_all(now=timezone.now(), brands=[demo, other])
        self.stdout.write(
            f"Demo data ready: sign in as demo / demo (owner of {demo}), "
            f"finance / finance (approves and pays {demo}'s statements) or "
            f"agency / agency (staff, member of {demo} and {other}); the creator portal as "
            f"creator / creator ({DEMO_CREATOR['influencer']})."
        )

    def _brand(self, fields: dict, products: list[tuple]) -> Brand:
        brand, _ = Brand.objects.update_or_create(slug=fields["slug"], defaults=fields)
        for sku, name, category, retail, distributor, cost in products:
            Product.objects.update_or_create(
                brand=brand,
                sku=sku,
                defaults={
                    "name": name,
                    "category": category,
                    "currency": brand.default_currency,
                    "retail_price": Decimal(retail),
                    "distributor_price": Decimal(distributor),
                    "unit_cost": Decimal(cost),
                },
            )
        return brand

    def _exchange_rates(self, brand: Brand, today: date) -> None:
        for days_ago in range(RATE_DAYS):
            day = today - timedelta(days=days_ago)
            wiggle = Decimal(RATE_WIGGLE[day.toordinal() % len(RATE_WIGGLE)]) / 1000
            for source, target, base in BASE_RATES:
                ExchangeRate.objects.update_or_create(
                    brand=brand,
                    date=day,
                    from_currency=source,
                    to_currency=target,
                    defaults={"rate": (Decimal(base) * (1 + wiggle)).quantize(Decimal("1e-8"))},
                )

    def _influencers(self, brand: Brand, today: date) -> None:
        Brand.objects.filter(pk=brand.pk).update(**DEMO_TARGET)
        influencers = {}
        for i, (name, country, status, niches) in enumerate(DEMO_INFLUENCERS):
            influencers[name], _ = Influencer.objects.update_or_create(
                brand=brand,
                name=name,
                defaults={
                    "country": country,
                    "status": status,
                    "niches": niches.split(";"),
                    "kind": "community" if i in (3, 24, 25, 26) else "individual",
                    "languages": ["en"]
                    if country in ("US", "GB", "CA", "AU")
                    else ["en", country.lower()],
                    "contact_email": f"{name.split()[0].lower()}@creators.example",
                },
            )
            self._accounts(brand, influencers[name], i)
            if name in RISKY:
                kind, likelihood, impact, mitigation = RISKY[name]
                RiskAssessment.objects.update_or_create(
                    influencer=influencers[name],
                    kind=kind,
                    defaults={
                        "likelihood": likelihood,
                        "impact": impact,
                        "mitigation": mitigation,
                        "review_date": today + timedelta(days=30),
                    },
                )
        scoring.rescore(Influencer.objects.filter(brand=brand))
        for deal in DEMO_CONTRACTS:
            _seed_contract(brand, influencers[deal["influencer"]], deal, today)
        for name, objective, offset, length in [
            ("Prom season 2026", Campaign.Objective.SALES, -20, 60),
            ("Glueless wig launch", Campaign.Objective.LAUNCH, -150, 45),
        ]:
            start = today + timedelta(days=offset)
            Campaign.objects.update_or_create(
                brand=brand,
                name=name,
                defaults={"objective": objective, "start": start, "end": start + timedelta(length)},
            )

    def _accounts(self, brand: Brand, influencer: Influencer, i: int) -> None:
        home = influencer.country.code
        pool = [code for code in AUDIENCE_COUNTRIES[i % len(AUDIENCE_COUNTRIES)] if code != home]
        countries = (home, *pool[:2])
        female = 92 - (i % 5) * 9
        for n in range(1 + i % 2):  # every other influencer has a second channel
            platform = PLATFORMS[(i + 3 * n) % len(PLATFORMS)]
            followers = FOLLOWERS[(i + n) % len(FOLLOWERS)]
            rate = SUSPICIOUS.get(influencer.name, ENGAGEMENT[(i + n) % len(ENGAGEMENT)])
            handle = slugify(influencer.name).replace("-", "")[:24] + (".live" if n else "")
            SocialAccount.objects.update_or_create(
                brand=brand,
                platform=platform,
                handle=handle,
                defaults={
                    "influencer": influencer,
                    "url": f"https://{platform}.example/{handle}",
                    "followers": followers,
                    "avg_views": followers // (3 + n),
                    "engagement_rate": Decimal(rate),
                    "audience": {
                        "countries": dict(zip(countries, (48 - i % 7, 22, 11), strict=True)),
                        "age_bands": {"18-24": 30 + i % 10, "25-34": 38, "35-44": 17 - i % 10 + 5},
                        "genders": {"female": female, "male": 100 - female},
                    },
                },
            )

    def _user(
        self,
        username: str,
        password: str,
        *,
        staff: bool,
        brands: list[Brand],
        role: Role = Role.MANAGER,
    ) -> AbstractBaseUser:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": staff, "email": f"{username}@example.com"}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        for brand in brands:
            Membership.objects.update_or_create(user=user, brand=brand, defaults={"role": role})
        return user


# --- Campaigns: participants, codes, content, shipments, metrics and sales ---------------------
# Offsets are days from today. Everything is keyed so that seeding again finds the same rows:
# content by its URL, shipments by their tracking number, sales by order and line id (their
# number does not depend on the date), snapshots by item and day. A seeded random makes the
# sales and metrics the same on every run.

DEMO_CAMPAIGNS = {
    "Prom season 2026": {
        "description": "Prom looks: gowns and wigs for the big night, on video and live.",
        "budget": Decimal("15000.00"),
        "platforms": ["youtube", "tiktok", "instagram", "aliexpress_live"],
        "markets": ["US", "GB", "CA"],
        "target_reach": 1_500_000,
        "target_views": 2_000_000,
        "target_engagements": 120_000,
        "target_clicks": 40_000,
        "target_conversions": 1_200,
        "target_sales": Decimal("60000.00"),
    },
    "Glueless wig launch": {
        "description": "Launch of the kinky curly glueless wig.",
        "budget": Decimal("8000.00"),
        "platforms": ["youtube", "tiktok"],
        "markets": ["US"],
        "target_reach": 800_000,
        "target_views": 1_000_000,
        "target_engagements": 60_000,
        "target_clicks": 15_000,
        "target_conversions": 500,
        "target_sales": Decimal("25000.00"),
    },
}
# campaign, contract title, codes, notes
DEMO_PARTICIPANTS = [
    ("Prom season 2026", "Spring wig reviews", ["ANNA10", "ANNA-PROM"], "Films on Sundays."),
    ("Prom season 2026", "Lucía × Lumière gown line", ["LUCIA15"], ""),
    ("Prom season 2026", "Community live streams", ["GLAMCLUB"], "Starts once signed."),
    ("Glueless wig launch", "US wig distribution", ["MIA-GLUELESS", "MIA10"], ""),
]
# contract, url slug, content type, platform, status, days ago submitted, approved, published,
# caption, review thread [(days ago, status, comment)]
DEMO_CONTENT = [
    ("Spring wig reviews", "yt-prom-install", "video", "youtube", "published", 16, 14, 12,
     "Prom night install: body wave lace front in 20 minutes #ad #LumiereHair code ANNA10", []),
    ("Spring wig reviews", "tt-glueless-60s", "short", "tiktok", "published", 11, 10, 8,
     "Glueless in 60 seconds ✨ #ad #LumiereHair", []),
    ("Spring wig reviews", "tt-613-updo", "short", "tiktok", "approved", 4, 2, None,
     "Prom updo with the 613 blonde #ad #LumiereHair", []),
    ("Spring wig reviews", "tt-bob-3-looks", "short", "tiktok", "submitted", 1, None, None,
     "Bob wig, three prom looks #ad #LumiereHair #prom", []),
    ("Spring wig reviews", "yt-prom-haul", "video", "youtube", "submitted", 1, None, None,
     "Unboxing my prom wig haul! Code ANNA10 for 10% off", []),
    ("Spring wig reviews", "tt-which-wig", "short", "tiktok", "changes_requested", 5, None, None,
     "Which wig for prom? #LumiereHair",
     [(4, "changes_requested", "Add #ad at the start and show the lace melt.")]),
    ("Lucía × Lumière gown line", "ig-ruby-sequins", "post", "instagram", "published", 12, 11,
     10, "Prom in ruby sequins 💃 Paid partnership with Lumière #LuciaxLumiere", []),
    ("Lucía × Lumière gown line", "ig-emerald-satin", "post", "instagram", "submitted", 2, None,
     None, "Emerald satin for a winter prom #ad", []),
    ("US wig distribution", "yt-glueless-review", "video", "youtube", "published", 122, 121,
     118, "Glueless wig launch: my honest review #sponsored code MIA10", []),
    ("US wig distribution", "tt-glueless-install", "short", "tiktok", "published", 112, 111,
     110, "Glueless install, no glue, no stress #ad", []),
]  # fmt: skip
CONTENT_URLS = {
    "youtube": "https://www.youtube.com/watch?v=",
    "tiktok": "https://www.tiktok.com/@creator/video/",
    "instagram": "https://www.instagram.com/p/",
}
# contract, tracking number, carrier, status, requested, shipped, delivered (days ago),
# [(sku, quantity)], shipping cost, feedback
DEMO_SHIPMENTS = [
    ("Spring wig reviews", "DHL4821773015", "dhl", "delivered", 25, 22, 18,
     [("WIG-BW-22", 1), ("WIG-BOB-10", 1), ("WIG-613-24", 1)], "38.50",
     "Loved the 613; the bob runs small."),
    ("Lucía × Lumière gown line", "FX772019384", "fedex", "shipped", 9, 6, None,
     [("GWN-MER-RD", 1), ("GWN-OFS-EM", 1)], "52.00", ""),
    # Not shipped in its ten days: the late one.
    ("Community live streams", "", "", "preparing", 14, None, None,
     [("WIG-KC-16", 3), ("WIG-CAP-01", 3)], "0.00", ""),
    ("US wig distribution", "1Z999AA10123456784", "ups", "delivered", 125, 122, 117,
     [("WIG-KC-16", 2)], "24.00", "Fits well; asked for a 20in version."),
]  # fmt: skip
METRIC_DAYS = 90  # three months of daily snapshots from publication
# views each published item gathers, and its engagement rate
METRIC_SCALE = {
    "yt-prom-install": (240_000, "0.062"),
    "tt-glueless-60s": (410_000, "0.081"),
    "ig-ruby-sequins": (95_000, "0.054"),
    "yt-glueless-review": (380_000, "0.047"),
    "tt-glueless-install": (620_000, "0.073"),
}
# code -> (first day, last day, sales on the first day, on the last day, skus, discount);
# up to yesterday, so that no order lies in the future whenever the demo is seeded.
DEMO_SALES = {
    "ANNA10": (-90, -1, 6, 14, ["WIG-BW-22", "WIG-ST-18", "WIG-BOB-10", "WIG-613-24"], "0.10"),
    "ANNA-PROM": (-20, -1, 10, 18, ["WIG-HL-20", "WIG-BW-22", "WIG-CAP-01"], "0.10"),
    "LUCIA15": (-80, -1, 4, 12, ["GWN-MER-RD", "GWN-OFS-EM", "GWN-BEA-CH"], "0.15"),
    "MIA-GLUELESS": (-118, -1, 16, 2, ["WIG-KC-16", "WIG-GLU-02"], "0.00"),
    "MIA10": (-118, -1, 10, 2, ["WIG-KC-16", "WIG-BOB-10", "WIG-CAP-01"], "0.10"),
}
# Sales currencies and how many of each: USD per unit of it.
SALE_CURRENCIES = [
    ("USD", 80, Decimal(1)),
    ("EUR", 12, Decimal("1.0820")),
    ("CNY", 8, Decimal("0.1390")),
]
PENDING_DAYS = 3  # the shop confirms an order after its returns check


def _seed_campaigns(brand: Brand, today: date, reviewer) -> None:
    """Two campaigns with participants on the demo contracts, codes, content in every status,
    shipments (one late), daily metrics of the published items and a few thousand sales."""

    def at(days_ago: float, hour: int = 10) -> datetime:
        day = today - timedelta(days=int(days_ago))
        return timezone.make_aware(datetime.combine(day, time(hour)), brand.timezone)

    recorded = at(200)
    campaigns = {
        name: _seed_row(Campaign, {"brand": brand, "name": name}, values, recorded=recorded)
        for name, values in DEMO_CAMPAIGNS.items()
    }
    contracts = {c.title: c for c in Contract.objects.filter(partnership__brand=brand)}
    participants = {}
    for campaign, title, code_list, notes in DEMO_PARTICIPANTS:
        participant = _seed_row(
            Participant,
            {"campaign": campaigns[campaign], "contract": contracts[title]},
            {"notes": notes},
            recorded=recorded,
        )
        participants[title] = participant
        for code in code_list:
            _seed_row(
                TrackingCode,
                {"brand": brand, "code": code},
                {"participant": participant, "kind": TrackingCode.Kind.PROMO},
                recorded=recorded,
            )
    published = _seed_content(participants, reviewer, at)
    _seed_shipments(brand, participants, today)
    _seed_metrics(published, today, brand.timezone)
    _seed_sales(brand, today, at)


def _seed_content(participants: dict, reviewer, at) -> dict[str, ContentItem]:
    published = {}
    for row in DEMO_CONTENT:
        title, slug, kind, platform, status, submitted, approved, published_on, caption = row[:9]
        participant = participants[title]
        deliverable = participant.contract.deliverables.filter(
            content_type=kind, platform=platform
        ).first()
        values = {
            "deliverable": deliverable,
            "content_type": kind,
            "platform": platform,
            "caption": caption,
            "status": status,
            "submitted_at": at(submitted, 9),
            "approved_at": at(approved, 16) if approved is not None else None,
            "approved_by": reviewer if approved is not None else None,
            "published_at": at(published_on, 19) if published_on is not None else None,
        }
        verdict = disclosure.check(ContentItem(participant=participant, **values))
        values["disclosure_ok"] = verdict.ok
        values["disclosure_problems"] = "\n".join(verdict.problems)
        url = CONTENT_URLS[platform] + slug
        item = _seed_row(
            ContentItem, {"participant": participant, "url": url}, values, recorded=at(0)
        )
        thread = list(row[9])
        if approved is not None:
            thread.append((approved, ContentItem.Status.APPROVED, "Approved."))
        if published_on is not None:
            thread.append((published_on, ContentItem.Status.PUBLISHED, "Published."))
        for days_ago, moved_to, body in thread:
            comment, _ = ContentComment.objects.get_or_create(
                content=item, body=body, defaults={"author": reviewer, "status": moved_to}
            )
            # created_at is set on insert; the thread is dated when each step happened.
            ContentComment.objects.filter(pk=comment.pk).exclude(
                created_at=at(days_ago, 17)
            ).update(created_at=at(days_ago, 17))
        if status == ContentItem.Status.PUBLISHED:
            published[slug] = item
    return published


def _seed_shipments(brand: Brand, participants: dict, today: date) -> None:
    products = {product.sku: product for product in brand.products.all()}
    for row in DEMO_SHIPMENTS:
        title, number, carrier, status, requested, shipped, delivered, items, cost, feedback = row
        requested_on = today - timedelta(days=requested)
        shipment = _seed_row(
            Shipment,
            {"participant": participants[title], "tracking_number": number},
            {
                "carrier": carrier,
                "status": status,
                "currency": brand.default_currency,
                "requested_on": requested_on,
                "ship_by": requested_on + timedelta(days=DEFAULT_PREPARATION_DAYS),
                "shipped_on": today - timedelta(days=shipped) if shipped is not None else None,
                "delivered_on": today - timedelta(days=delivered) if delivered else None,
                "declared_value": sum(
                    (products[sku].retail_price * quantity for sku, quantity in items),
                    Decimal(0),
                ),
                "shipping_cost": Decimal(cost),
                "feedback_required": bool(feedback),
                "feedback": feedback,
            },
            recorded=timezone.now(),
        )
        for sku, quantity in items:
            _seed_row(
                ShipmentItem,
                {"shipment": shipment, "product": products[sku]},
                {"quantity": quantity},
                recorded=timezone.now(),
            )


def _seed_metrics(published: dict[str, ContentItem], today: date, tz: tzinfo) -> None:
    random = Random("metrics")  # noqa: S311 - demo numbers, not secrets
    rows = []
    for slug, item in published.items():
        views_total, rate = METRIC_SCALE[slug]
        first = timezone.localtime(item.published_at, tz).date()
        days = min(METRIC_DAYS, (today - first).days) + 1
        counters = dict.fromkeys(MetricSnapshot.COUNTERS, 0)
        for n in range(days):
            # Most views come in the first days; a little noise keeps the curve honest.
            share = Decimal(str(0.18 * 0.9**n * (0.8 + 0.4 * random.random())))
            views = int(views_total * share) + random.randint(50, 400)
            gained = {
                "views": views,
                "reach": views * 7 // 10,
                "impressions": views * 14 // 10,
                "likes": int(views * Decimal(rate) * Decimal("0.8")),
                "comments": int(views * Decimal(rate) / 14),
                "shares": int(views * Decimal(rate) / 20),
                "saves": int(views * Decimal(rate) / 16),
                "clicks": views // 45,
                "conversions": views // 1100,
                "signups": views // 3300,
            }
            counters = {name: counters[name] + gained[name] for name in counters}
            rows.append(MetricSnapshot(content=item, date=first + timedelta(days=n), **counters))
    MetricSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["content", "date"],
        update_fields=list(MetricSnapshot.COUNTERS),
    )
    for item in published.values():
        dates = [row.date for row in rows if row.content_id == item.pk]
        MetricSnapshot.objects.filter(content=item).exclude(date__in=dates).delete()


def _seed_sales(brand: Brand, today: date, at) -> None:
    """A few thousand order lines through the sales importer, as a shop's feed would send them."""
    random = Random("sales")  # noqa: S311 - demo numbers, not secrets
    products = {product.sku: product for product in brand.products.all()}
    now = timezone.now()
    sales, order = [], 0
    for code, (first, last, start_rate, end_rate, skus, discount) in DEMO_SALES.items():
        span = last - first
        for offset in range(first, last + 1):
            progress = (offset - first) / span if span else 1
            for _ in range(round(start_rate + (end_rate - start_rate) * progress)):
                order += 1
                ordered_at = at(-offset, 0) + timedelta(seconds=random.randint(0, 86_399))
                currency, usd = _pick_currency(random)
                for line in range(1 + (random.random() < 0.15)):
                    product = products[random.choice(skus)]
                    quantity = 1 + (random.random() < 0.1)
                    usd_amount = product.retail_price * quantity * (1 - Decimal(discount))
                    net = money.round(usd_amount / usd, currency)
                    sale = {
                        "order_id": f"LUM-{order:06d}",
                        "line_id": str(line + 1),
                        "ordered_at": ordered_at.isoformat(),
                        "code": code,
                        "sku": product.sku,
                        "quantity": quantity,
                        "net_amount": net,
                        "currency": currency,
                    }
                    sales.append(_refund_some(sale, random, ordered_at, today=today, now=now))
    result = ingest.import_sales(sales, brand=brand)
    if not result.ok:
        raise CommandError(f"The demo sales do not import: {result.errors[:3]}")


def _pick_currency(random: Random) -> tuple[str, Decimal]:
    roll = random.randint(1, sum(weight for _, weight, _ in SALE_CURRENCIES))
    for currency, weight, usd in SALE_CURRENCIES:
        if roll <= weight:
            return currency, usd
        roll -= weight
    raise AssertionError("weights add up")


def _refund_some(
    sale: dict, random: Random, ordered_at: datetime, *, today: date, now: datetime
) -> dict:
    """About 4% of lines refunded whole and 2% in part, a few days after the order; the last
    days' orders wait for confirmation. Every cell is sent, so that seeding again on a later
    day replaces what the day before stored."""
    roll = random.random()
    refunded_at = ordered_at + timedelta(days=random.randint(3, 14), hours=5)
    refund = {"status": Sale.Status.CONFIRMED, "refunded_at": None, "refunded_amount": 0}
    if roll < 0.06 and refunded_at < now:
        refund["refunded_at"] = refunded_at.isoformat()
        if roll < 0.04:  # status refunded without an amount: the whole line
            refund["status"], refund["refunded_amount"] = Sale.Status.REFUNDED, None
        else:
            part = Decimal(random.choice(["0.30", "0.40", "0.50"]))
            refund["refunded_amount"] = money.round(sale["net_amount"] * part, sale["currency"])
    elif ordered_at.date() > today - timedelta(days=PENDING_DAYS):
        refund["status"] = Sale.Status.PENDING
    return sale | refund


# --- The creator portal -------------------------------------------------------------------------


def _seed_creator(brand: Brand, today: date) -> None:
    """The demo creator's sign-in linked to their influencer record, their payout details, and
    their first payable statement approved and paid (earlier ones approved first, in order)."""
    influencer = Influencer.objects.get(brand=brand, name=DEMO_CREATOR["influencer"])
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_CREATOR["username"],
        defaults={"email": DEMO_CREATOR_PAYOUT["account_email"], "first_name": "Lucía"},
    )
    if created:
        user.set_password(DEMO_CREATOR["password"])
        user.save(update_fields=["password"])
    CreatorLink.objects.get_or_create(influencer=influencer, defaults={"user": user})
    PayoutDetails.objects.update_or_create(influencer=influencer, defaults=DEMO_CREATOR_PAYOUT)
    offer = Contract.objects.get(partnership__influencer=influencer, status="negotiating")
    ContractMessage.objects.get_or_create(
        contract=offer,
        body=DEMO_CREATOR_REQUEST,
        defaults={"author": user, "from_influencer": True, "created_at": timezone.now()},
    )
    statements = Statement.objects.filter(contract__partnership__influencer=influencer)
    if statements.filter(status=Statement.Status.PAID).exists():
        return
    finance = get_user_model().objects.get(username="finance")
    now = timezone.now()
    for statement in statements.order_by("period_start"):
        if statement.problem:
            return
        if statement.status == Statement.Status.DRAFT:
            statement = payouts.approve(statement, user=finance, now=now)
        if statement.payable and statement.total > 0:
            payouts.mark_paid(
                statement,
                user=finance,
                reference=DEMO_PAYOUT_REFERENCE,
                paid_on=min(today, statement.due_date or today),
                today=today,
            )
            return


def _seed_communities(brand: Brand, today: date) -> None:
    """The communities' own figures, and a sponsored-post deal with one of them."""
    for name, (members, channels, monetisation) in DEMO_COMMUNITIES.items():
        values = {"members": members, "channels": channels, "monetisation": monetisation}
        Influencer.objects.filter(brand=brand, name=name).update(**values)
    scoring.rescore(Influencer.objects.filter(brand=brand, name__in=DEMO_COMMUNITIES))
    influencer = Influencer.objects.get(brand=brand, name=DEMO_COMMUNITY_DEAL["influencer"])
    _seed_contract(brand, influencer, DEMO_COMMUNITY_DEAL, today)


def _seed_relationship(brand: Brand, today: date) -> None:
    """The demo creator's partnership as it is run: goals, meetings with next steps, the
    message thread with the portal and risks, one due for review."""
    influencer = Influencer.objects.get(brand=brand, name=DEMO_CREATOR["influencer"])
    users = get_user_model().objects.filter(username__in=["demo", DEMO_CREATOR["username"]])
    demo, creator = (users.get(username=name) for name in ["demo", DEMO_CREATOR["username"]])
    partnership = Partnership.objects.get(brand=brand, influencer=influencer)
    Partnership.objects.filter(pk=partnership.pk).update(owner=demo, **DEMO_RELATIONSHIP)

    def at(days_ago: int, hour: int) -> datetime:
        return timezone.make_aware(
            datetime.combine(today - timedelta(days=days_ago), time(hour)), brand.timezone
        )

    for days_ago, attendees, agenda, notes, steps in DEMO_MEETINGS:
        meeting, _ = Meeting.objects.get_or_create(
            partnership=partnership,
            held_on=today - timedelta(days=days_ago),
            defaults={
                "attendees": attendees,
                "agenda": agenda,
                "notes": notes,
                "recorded_by": demo,
            },
        )
        for description, owner, due_in, done in steps:
            NextStep.objects.get_or_create(
                meeting=meeting,
                description=description,
                defaults={
                    "owner": demo if owner else None,
                    "due_on": today + timedelta(days=due_in),
                    "done_at": at(-due_in, 17) if done else None,
                },
            )
    for days_ago, side, body in DEMO_MESSAGES:
        recorded = side == "recorded"
        sent_at = at(days_ago, 10)
        Message.objects.get_or_create(
            partnership=partnership,
            body=body,
            defaults={
                "side": "brand" if side == "brand" else "influencer",
                "author": {"brand": demo, "influencer": creator}.get(side),
                "recorded_by": demo if recorded else None,
                "sent_at": sent_at,
                # The latest message of each side waits to be read by the other.
                "read_at": None if days_ago <= 3 else sent_at + timedelta(hours=2),
            },
        )
    for kind, likelihood, impact, mitigation, review_in, closed_because in DEMO_RISKS:
        closed = {"is_open": False, "closed_at": at(-review_in, 12), "closed_by": demo}
        RiskAssessment.objects.get_or_create(
            influencer=influencer,
            kind=kind,
            defaults={
                "likelihood": likelihood,
                "impact": impact,
                "mitigation": mitigation,
                "owner": demo,
                "review_date": today + timedelta(days=review_in),
                "close_reason": closed_because,
                **(closed if closed_because else {}),
            },
        )
    scoring.rescore(Influencer.objects.filter(pk=influencer.pk))
