from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from campaigns import roi
from campaigns.models import Campaign
from contracts import settlement
from contracts.models import (
    CompensationTerm,
    Contract,
    Deliverable,
    DistributorPrice,
    JointBrand,
    Partnership,
)
from influencers import scoring
from influencers.models import Influencer, RiskAssessment, SocialAccount
from partnerships.models import Brand, ExchangeRate, Membership, Product, Role

DEMO_BRAND = {
    "slug": "lumiere",
    "name": "Lumière Hair & Gowns",
    "default_currency": "USD",
    "timezone": "Asia/Shanghai",
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
    ("Glam Wig Club", "BR", "negotiating", "wigs;hair care"),
    ("Aiko Tanaka", "JP", "contacted", "beauty;cosplay"),
    ("Chloé Martin", "FR", "prospect", "fashion;evening wear"),
    ("Zara Okafor", "NG", "prospect", "wigs;natural hair"),
    ("Layla Haddad", "AE", "paused", "evening wear;modest fashion"),
    ("Brianna Johnson", "US", "active", "wigs;natural hair"),
    ("Olivia Brown", "GB", "prospect", "bridal;evening wear"),
    ("Sofia Rossi", "IT", "contacted", "fashion;bridal"),
    ("Hannah Müller", "DE", "prospect", "fashion"),
    ("Camila Souza", "BR", "prospect", "wigs;beauty"),
    ("Valentina López", "MX", "negotiating", "evening wear;quinceañera"),
    ("Nguyen Thi Lan", "VN", "prospect", "beauty"),
    ("Park Ji-woo", "KR", "prospect", "beauty;hair care"),
    ("Emily Davis", "US", "active", "bridal;wigs"),
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
        "start": -60,
        "days": 180,
        "fields": {
            "hold_days": 30,
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
    },
    {
        "influencer": "Lucía Fernández",
        "method": Contract.Method.JOINT_BRAND,
        "title": "Lucía × Lumière gown line",
        "status": Contract.Status.ACTIVE,
        "start": -30,
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
]
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
    for sku, price, minimum in deal.get("prices", []):
        _seed_row(
            DistributorPrice,
            {"contract": contract, "product": products[sku]},
            {"price": Decimal(price), "min_order_quantity": minimum},
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
            today = timezone.localdate(timezone=demo.timezone)
            self._exchange_rates(demo, today)
            self._influencers(demo, today)
            self._user("demo", "demo", staff=False, brands=[demo])
            self._user("agency", "agency", staff=True, brands=[demo, other])
            self._user("finance", "finance", staff=True, brands=[demo], role=Role.FINANCE)
        # The demo contracts' ended periods as statements, before the ROI summaries read them;
        # drafts are recomputed from scratch, so seeding again gives the same statements.
        settlement.settle_due(now=timezone.now(), brand=demo)
        # So that the dashboard shows the demo's figures before the first nightly refresh.
        roi.refresh_all(now=timezone.now(), brands=[demo, other])
        self.stdout.write(
            f"Demo data ready: sign in as demo / demo (manager of {demo}), "
            f"finance / finance (approves and pays {demo}'s statements) or "
            f"agency / agency (staff, member of {demo} and {other})."
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
    ) -> None:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": staff, "email": f"{username}@example.com"}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        for brand in brands:
            Membership.objects.update_or_create(user=user, brand=brand, defaults={"role": role})
