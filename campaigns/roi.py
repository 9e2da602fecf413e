"""Metrics and ROI (DESIGN §5): the daily summaries, and every figure read from them.

`refresh` turns a brand's raw rows into `DailySummary` rows, one per day and participant (or
content item), with aggregates computed in SQL. `BrandFigures` adds those summaries up for
any scope and date range in one query; campaigns.reports lays them out for pages and CSV files.

How amounts are counted:
- Everything is in the brand's default currency. An amount in another currency is converted
  with the brand's exchange rate of the day it is dated (either direction of the pair). With no
  rate that day it keeps its own currency and is reported beside the figures, never added.
- Revenue is confirmed attributed sales, net of what was refunded of them, on the day they were
  ordered (brand time zone); gross profit takes off today's unit cost × quantity of those sales.
- Seeding cost is unit cost × quantity of the goods plus shipping, on the day a shipment ships.
- Statement cost is every line of draft, approved and paid statements, on the first day of the
  statement's period (a monthly fee shows on the 1st). Carried-forward lines are left out: the
  balance they carry was already counted on the statement it came from. A line priced on sales
  is shared among participants by the sales' base (orders for pay per order), a line priced on
  content by the items' counted quantity, and any other line equally among the contract's
  participants in campaigns overlapping the period — or all of them, or none when the contract
  is in no campaign (then the cost counts for its contract and influencer only).
- Metric counters are cumulative, so a day's value is its snapshot less the item's previous one.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum, Window
from django.db.models.functions import Abs, Lag, TruncDate, TruncMonth
from django.utils.translation import gettext, gettext_lazy

from campaigns.models import (
    BrandMetrics,
    Campaign,
    ContentLine,
    DailySummary,
    MetricSnapshot,
    Participant,
    Sale,
    SaleLine,
    Shipment,
    ShipmentItem,
)
from contracts import settlement
from contracts.models import Contract, StatementLine
from partnerships import money, tenancy
from partnerships.models import Brand, ExchangeRate

ZERO = Decimal(0)
WRITE_BATCH = 1000  # summaries per INSERT
EMV_FORMULA = "EMV = impressions × reference CPM ÷ 1,000"
# The counters that come from metric snapshots; orders come from sales.
METRICS = tuple(name for name in DailySummary.COUNTERS if name != "orders")
GROUPS = ("content", "participant", "contract", "influencer", "campaign", "method", "day", "month")
SUMS = {name: Sum(name) for name in DailySummary.AMOUNTS + DailySummary.COUNTERS}
AMOUNT = models.DecimalField(max_digits=20, decimal_places=2)
# What a summary holds besides its accrued cost.
NOT_ACCRUED = tuple(
    name for name in DailySummary.AMOUNTS + DailySummary.COUNTERS if name != "accrued_cost"
)


@dataclass(frozen=True)
class DateRange:
    """The days from `first` to `last`, both included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator ÷ denominator, or None (shown as "—") when the denominator is not positive:
    a ratio over no cost, no views or a cost turned negative by clawbacks means nothing."""
    if denominator <= 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


@dataclass(frozen=True)
class Unconverted:
    """Amounts in a currency that had no exchange rate on their day, kept apart."""

    currency: str
    cost: Decimal
    revenue: Decimal
    cogs: Decimal


@dataclass(frozen=True)
class Figures:
    """Sums of daily summaries for one scope and range, and every figure derived from them."""

    currency: str
    statement_cost: Decimal = ZERO
    # Periods not settled yet, priced so far by the settlement rules: never part of `cost`.
    accrued_cost: Decimal = ZERO
    seeding_cost: Decimal = ZERO
    revenue: Decimal = ZERO
    cogs: Decimal = ZERO
    orders: int = 0
    views: int = 0
    reach: int = 0
    impressions: int = 0
    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    clicks: int = 0
    conversions: int = 0
    reference_cpm: Decimal | None = None
    unconverted: tuple[Unconverted, ...] = ()

    @property
    def cost(self) -> Decimal:
        """Statement amounts (fees, commissions, penalties) plus seeding cost."""
        return self.statement_cost + self.seeding_cost

    @property
    def gross_profit(self) -> Decimal:
        return self.revenue - self.cogs

    @property
    def cost_with_accrued(self) -> Decimal:
        """Settled cost plus what open periods have accrued so far."""
        return self.cost + self.accrued_cost

    @property
    def roi_with_accrued(self) -> Decimal | None:
        """ROI as it stands once the accrued cost is settled too."""
        return ratio(self.gross_profit - self.cost_with_accrued, self.cost_with_accrued)

    @property
    def roi(self) -> Decimal | None:
        """(gross profit − cost) ÷ cost."""
        return ratio(self.gross_profit - self.cost, self.cost)

    @property
    def roas(self) -> Decimal | None:
        return ratio(self.revenue, self.cost)

    @property
    def engagement(self) -> int:
        return self.likes + self.comments + self.shares + self.saves

    @property
    def engagement_rate(self) -> Decimal | None:
        return ratio(self.engagement, self.views)

    @property
    def cpm(self) -> Decimal | None:
        return ratio(self.cost * 1000, self.impressions)

    @property
    def cpv(self) -> Decimal | None:
        return ratio(self.cost, self.views)

    @property
    def cpe(self) -> Decimal | None:
        return ratio(self.cost, self.engagement)

    @property
    def cpa(self) -> Decimal | None:
        return ratio(self.cost, self.conversions)

    @property
    def conversion_rate(self) -> Decimal | None:
        return ratio(self.conversions, self.clicks)

    @property
    def emv(self) -> Decimal | None:
        """Earned media value by `EMV_FORMULA`; None while the brand has no reference CPM."""
        if self.reference_cpm is None:
            return None
        return self.impressions * self.reference_cpm / 1000

    @property
    def emv_formula(self) -> str:
        return EMV_FORMULA

    def __add__(self, other: "Figures") -> "Figures":
        sums = {
            name: getattr(self, name) + getattr(other, name)
            for name in DailySummary.AMOUNTS + DailySummary.COUNTERS
        }
        return replace(self, **sums, unconverted=_merge(self.unconverted + other.unconverted))


def _merge(amounts: Iterable[Unconverted]) -> tuple[Unconverted, ...]:
    by_currency: dict[str, list[Decimal]] = {}
    for amount in amounts:
        sums = by_currency.setdefault(amount.currency, [ZERO, ZERO, ZERO])
        sums[0] += amount.cost
        sums[1] += amount.revenue
        sums[2] += amount.cogs
    return tuple(Unconverted(currency, *sums) for currency, sums in sorted(by_currency.items()))


@dataclass(frozen=True)
class BrandFigures:
    """Reads one brand's figures from its daily summaries; every method is one query."""

    brand: Brand
    reference_cpm: Decimal | None
    refreshed_at: datetime | None
    # A write changed figures and their refresh is still queued.
    updating: bool = False

    @classmethod
    def load(cls, brand: Brand) -> "BrandFigures":
        """The brand's figures reader, with its reference CPM, last refresh time and whether
        a refresh is queued."""
        state = tenancy.scope_to_brand(BrandMetrics.objects.all(), brand).first()
        if state is None:
            return cls(brand, None, None)
        return cls(brand, state.reference_cpm, state.refreshed_at, state.refresh_queued)

    @property
    def currency(self) -> str:
        return self.brand.default_currency

    def empty(self) -> Figures:
        """Zero figures in the brand's currency, for a scope with no summaries."""
        return Figures(self.currency, reference_cpm=self.reference_cpm)

    def summaries(
        self, dates: DateRange | None = None, **scope: Any
    ) -> models.QuerySet[DailySummary]:
        """The brand's summaries in `dates`, narrowed by summary fields: campaign=, participant=,
        contract=, influencer=, content=, method=."""
        queryset = tenancy.scope_to_brand(DailySummary.objects.filter(**scope), self.brand)
        if dates is not None:
            queryset = queryset.filter(day__range=(dates.first, dates.last))
        return queryset

    def first_day(self, **scope: Any) -> date | None:
        """The earliest day with figures in scope; None when there are none."""
        return self.summaries(**scope).aggregate(first=Min("day"))["first"]

    def totals(self, dates: DateRange | None = None, **scope: Any) -> Figures:
        """Figures of everything in scope over `dates` (all days when None)."""
        return self.breakdown(None, dates, **scope).get(None, self.empty())

    def breakdown(
        self, by: str | None, dates: DateRange | None = None, **scope: Any
    ) -> dict[Any, Figures]:
        """Figures per value of `by` (one of GROUPS; "month" gives each month's first day), for
        the values that have summaries; participant, campaign and content may be None."""
        queryset = self.summaries(dates, **scope)
        if by == "month":
            queryset, key = queryset.annotate(month=TruncMonth("day")), "month"
        elif by in ("day", "method", None):
            key = by
        elif by in GROUPS:
            key = f"{by}_id"
        else:
            raise ValueError(f"Cannot break figures down by {by!r}.")
        columns = (key, "currency") if key else ("currency",)
        grouped: dict[Any, Figures] = {}
        for row in queryset.values(*columns).annotate(**SUMS).order_by():
            sums = {name: row[name] for name in SUMS}
            if row["currency"] == self.currency:
                part = Figures(self.currency, **sums, reference_cpm=self.reference_cpm)
            else:
                # Counters always sit on rows in the brand's currency; these hold amounts only.
                cost = sums["statement_cost"] + sums["seeding_cost"]
                missing = Unconverted(row["currency"], cost, sums["revenue"], sums["cogs"])
                part = replace(self.empty(), unconverted=(missing,))
            group = row[key] if key else None
            grouped[group] = grouped[group] + part if group in grouped else part
        return grouped


# --- Campaign targets ----------------------------------------------------------------------

TARGETS = (
    ("reach", gettext_lazy("Reach"), "reach"),
    ("views", gettext_lazy("Views"), "views"),
    ("engagements", gettext_lazy("Engagements"), "engagement"),
    ("clicks", gettext_lazy("Clicks"), "clicks"),
    ("conversions", gettext_lazy("Conversions"), "conversions"),
    ("sales", gettext_lazy("Sales"), "revenue"),
)


@dataclass(frozen=True)
class TargetProgress:
    """One campaign target beside what happened."""

    name: str
    label: str
    target: Decimal | int | None
    actual: Decimal | int
    # The currency of a money target; empty for counts.
    currency: str = ""
    # Why the target could not be compared, when it could not.
    problem: str = ""

    @property
    def percent(self) -> Decimal | None:
        """actual ÷ target as a fraction (1 = reached); None without a comparable target."""
        if self.target is None:
            return None
        return ratio(self.actual, self.target)


def targets(
    campaign: Campaign, figures: Figures, sales_rate: Decimal | None
) -> list[TargetProgress]:
    """Each target the campaign has, against `figures`. The sales target is in the campaign's
    currency; `sales_rate` converts it into the brand's (None when there is no rate)."""
    progress = []
    for name, label, actual in TARGETS:
        target = getattr(campaign, f"target_{name}")
        if target is None:
            continue
        value = getattr(figures, actual)
        if name != "sales":
            progress.append(TargetProgress(name, label, target, value))
        elif campaign.currency == figures.currency:
            progress.append(TargetProgress(name, label, target, value, figures.currency))
        elif sales_rate is None:
            problem = gettext("No %(source)s→%(target)s exchange rate on %(day)s.") % {
                "source": campaign.currency,
                "target": figures.currency,
                "day": campaign.start.isoformat(),
            }
            progress.append(TargetProgress(name, label, None, value, figures.currency, problem))
        else:
            converted = money.round(target * sales_rate, figures.currency)
            progress.append(TargetProgress(name, label, converted, value, figures.currency))
    return progress


def rates_into(brand: Brand, **filters: Any) -> dict[tuple[date, str], Decimal]:
    """What one unit of each currency is worth in the brand's currency, by day and currency,
    from the brand's exchange rates (narrowed by `filters`, e.g. date=). A direct rate wins
    over the inverse of the opposite pair."""
    target = brand.default_currency
    rates: dict[tuple[date, str], Decimal] = {}
    pairs = tenancy.scope_to_brand(ExchangeRate.objects.filter(**filters), brand).filter(
        Q(to_currency=target) | Q(from_currency=target)
    )
    for day, source, into, rate in pairs.values_list(
        "date", "from_currency", "to_currency", "rate"
    ):
        if into == target:
            rates[(day, source)] = rate
        else:
            rates.setdefault((day, into), Decimal(1) / rate)
    return rates


# --- Scopes ------------------------------------------------------------------------------


def campaign_window(reader: BrandFigures, campaign: Campaign, today: date) -> DateRange:
    """The days a campaign's figures count: from its start to its end plus its attribution
    window, no further than `today` once the campaign has ended. A statement's cost is dated
    on its period's first day, so the window opens there when that comes before the start."""
    costs_from = reader.first_day(campaign=campaign, statement_cost__gt=0)
    first = min(filter(None, (campaign.start, costs_from)))
    return DateRange(first, min(campaign.counted_until, max(campaign.end, today)))


@dataclass(frozen=True)
class ScopeFigures:
    """One scope's figures over all days, with when they were refreshed."""

    totals: Figures
    refreshed_at: datetime | None
    updating: bool


def contract_figures(contract: Contract) -> ScopeFigures:
    """The contract's cost (settled and accrued), revenue and ROI over all days: two queries."""
    reader = BrandFigures.load(contract.partnership.brand)
    return ScopeFigures(reader.totals(contract=contract), reader.refreshed_at, reader.updating)


# --- Refresh -------------------------------------------------------------------------------


def refresh(brand: Brand, *, now: datetime, since: date | None = None) -> int:
    """Recompute the brand's daily summaries from `since` (every day when None) and return how
    many rows it wrote. The rows are replaced in one transaction under a lock on the brand's
    metrics row, so two refreshes at once, or one run twice, leave the same rows, and a refresh
    from a day leaves the rows a full one would. The accrued cost of periods not settled yet is
    priced afresh each time, as the facts it is priced on keep arriving: it lands on each
    period's first day, so those days are recomputed too."""
    state, _ = BrandMetrics.objects.get_or_create(brand=brand)  # the row the lock is taken on
    with transaction.atomic():
        BrandMetrics.objects.select_for_update().filter(pk=state.pk).first()
        accruals = settlement.accrued(brand, today=brand.today(now))
        old = tenancy.scope_to_brand(DailySummary.objects.all(), brand)
        if since is not None:
            since = min([since, *(accrual.period.start for accrual in accruals if accrual.amount)])
            # Earlier days keep their rows, less the accrued cost of periods settled since; a
            # row that held nothing else goes, as a full refresh would not write it.
            earlier = old.filter(day__lt=since).exclude(accrued_cost=0)
            earlier.filter(**dict.fromkeys(NOT_ACCRUED, 0)).delete()
            earlier.update(accrued_cost=ZERO)
            old = old.filter(day__gte=since)
        old.delete()
        written = _save(_Builder(brand, since, accruals).build())
        BrandMetrics.objects.filter(pk=state.pk).update(refreshed_at=now, refreshed_from=since)
    return written


def _save(summaries: Iterator[dict[str, Any]]) -> int:
    """Write the summaries as they are made (field values by attribute name, made without a
    query, since the COPY holds the connection), so a large brand's rows never sit in memory
    all at once: on PostgreSQL by one COPY, without a model instance per row (making and
    inserting those took two thirds of a refresh); elsewhere a batch of INSERTs at a time.
    Returns how many it wrote."""
    written = 0
    if connection.vendor != "postgresql":
        while batch := list(islice(summaries, WRITE_BATCH)):
            DailySummary.objects.bulk_create(DailySummary(**values) for values in batch)
            written += len(batch)
        return written
    fields = [field for field in DailySummary._meta.concrete_fields if not field.primary_key]
    defaults = [(field.attname, field.get_default()) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {quote(DailySummary._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for values in summaries:
            copy.write_row([values.get(name, default) for name, default in defaults])
            written += 1
    return written


def refresh_all(
    *, now: datetime, since: date | None = None, brands: Iterable[Brand] | None = None
) -> int:
    """Refresh every brand (or those given) one after the other; rows written."""
    brands = Brand.objects.order_by("pk") if brands is None else brands
    return sum(refresh(brand, now=now, since=since) for brand in brands)


# day, contract, participant, content item, currency
Key = tuple[date, int, int | None, int | None, str]


@dataclass
class _Place:
    """Where an amount or count lands: a contract, and its participant and content item."""

    contract: int
    participant: int | None = None
    content: int | None = None


@dataclass
class _Builder:
    """Collects one brand's daily summaries: one grouped query per kind of fact, amounts
    converted into the brand's currency as they are added."""

    brand: Brand
    since: date | None
    accruals: list[settlement.Accrual]
    rows: dict[Key, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))

    def __post_init__(self) -> None:
        self.currency = self.brand.default_currency
        self.rates = rates_into(self.brand)
        participants = tenancy.scope_to_brand(Participant.objects.all(), self.brand)
        self.participants = {
            row["pk"]: row
            for row in participants.values(
                "pk", "contract_id", "campaign_id", "campaign__start", "campaign__end"
            )
        }
        self.contracts = {
            row["pk"]: (row["partnership__influencer_id"], row["method"])
            for row in tenancy.scope_to_brand(Contract.objects.all(), self.brand).values(
                "pk", "partnership__influencer_id", "method"
            )
        }
        self.contract_participants: dict[int, list[dict]] = defaultdict(list)
        for participant in sorted(self.participants.values(), key=lambda row: row["pk"]):
            self.contract_participants[participant["contract_id"]].append(participant)

    def build(self) -> Iterator[dict[str, Any]]:
        """Gather the facts (every query is run here), then return the summaries' field values
        in a stable order, each made when it is asked for."""
        self._sales()
        self._seeding()
        self._metrics()
        self._statements()
        self._accrued()
        return self._summaries()

    def _summaries(self) -> Iterator[dict[str, Any]]:
        for key in sorted(self.rows, key=_sort_key):
            values = self.rows.pop(key)
            if not any(values.values()):
                continue
            day, contract, participant, content, currency = key
            influencer, method = self.contracts[contract]
            campaign = self.participants[participant]["campaign_id"] if participant else None
            yield dict(
                brand_id=self.brand.pk,
                day=day,
                currency=currency,
                contract_id=contract,
                influencer_id=influencer,
                method=method,
                campaign_id=campaign,
                participant_id=participant,
                content_id=content,
                **values,
            )

    # Adding up

    def place(self, participant: int, content: int | None = None) -> _Place:
        return _Place(self.participants[participant]["contract_id"], participant, content)

    def add_amount(
        self, name: str, amount: Decimal, currency: str, day: date, place: _Place
    ) -> None:
        if currency != self.currency and (day, currency) in self.rates:
            amount = money.round(amount * self.rates[(day, currency)], self.currency)
            currency = self.currency
        row = self.rows[(day, place.contract, place.participant, place.content, currency)]
        row[name] = row.get(name, ZERO) + amount

    def add_count(self, name: str, count: int, day: date, place: _Place) -> None:
        row = self.rows[(day, place.contract, place.participant, place.content, self.currency)]
        row[name] = row.get(name, 0) + count

    # The facts

    def _sales(self) -> None:
        confirmed = Sale.objects.filter(status=Sale.Status.CONFIRMED)
        sales = tenancy.scope_to_brand(confirmed, self.brand)
        if self.since is not None:
            start = datetime.combine(self.since, time.min, tzinfo=self.brand.timezone)
            sales = sales.filter(ordered_at__gte=start)
        sales = sales.annotate(day=TruncDate("ordered_at", tzinfo=self.brand.timezone))
        participant = "tracking_code__participant_id"
        revenue = sales.values(participant, "day", "currency").annotate(
            revenue=Sum(F("net_amount") - F("refunded_amount"), output_field=AMOUNT),
            orders=Count("order_id", distinct=True),
        )
        for row in revenue.order_by():
            place = self.place(row[participant])
            self.add_amount("revenue", row["revenue"], row["currency"], row["day"], place)
            self.add_count("orders", row["orders"], row["day"], place)
        cogs = sales.values(participant, "day", "product__currency").annotate(
            cogs=Sum(F("product__unit_cost") * F("quantity"), output_field=AMOUNT)
        )
        for row in cogs.order_by():
            place = self.place(row[participant])
            self.add_amount("cogs", row["cogs"], row["product__currency"], row["day"], place)

    def _seeding(self) -> None:
        shipped = Shipment.objects.filter(shipped_on__isnull=False)
        shipments = tenancy.scope_to_brand(shipped, self.brand)
        if self.since is not None:
            shipments = shipments.filter(shipped_on__gte=self.since)
        shipping = shipments.values("participant_id", "shipped_on", "currency").annotate(
            cost=Sum("shipping_cost")
        )
        for row in shipping.order_by():
            place = self.place(row["participant_id"])
            self.add_amount("seeding_cost", row["cost"], row["currency"], row["shipped_on"], place)
        goods = (
            ShipmentItem.objects.filter(shipment__in=shipments)
            .values("shipment__participant_id", "shipment__shipped_on", "product__currency")
            .annotate(cost=Sum(F("product__unit_cost") * F("quantity"), output_field=AMOUNT))
        )
        for row in goods.order_by():
            place = self.place(row["shipment__participant_id"])
            day, currency = row["shipment__shipped_on"], row["product__currency"]
            self.add_amount("seeding_cost", row["cost"], currency, day, place)

    def _metrics(self) -> None:
        snapshots = tenancy.scope_to_brand(MetricSnapshot.objects.all(), self.brand)
        if self.since is not None:
            # Whole histories of the items that changed, so each first day has its previous one.
            changed = snapshots.filter(date__gte=self.since).values("content_id")
            snapshots = snapshots.filter(content_id__in=changed)
        gained = {
            name: F(name)
            - Window(Lag(name, default=0), partition_by=[F("content_id")], order_by=F("date").asc())
            for name in METRICS
        }
        rows = snapshots.annotate(**{f"gained_{name}": gained[name] for name in METRICS}).values(
            "content_id", "content__participant_id", "date", *(f"gained_{name}" for name in METRICS)
        )
        for row in rows.order_by():
            if self.since is not None and row["date"] < self.since:
                continue
            place = self.place(row["content__participant_id"], row["content_id"])
            for name in METRICS:
                self.add_count(name, row[f"gained_{name}"], row["date"], place)

    def _statements(self) -> None:
        lines = (
            tenancy.scope_to_brand(StatementLine.objects.all(), self.brand)
            .exclude(kind=StatementLine.Kind.CARRIED_FORWARD)
            .exclude(amount=0)
        )
        if self.since is not None:
            lines = lines.filter(statement__period_start__gte=self.since)
        sales = SaleLine.objects.filter(line__in=lines)
        content = ContentLine.objects.filter(line__in=lines)
        linked = Q(Exists(sales.filter(line=OuterRef("pk")))) | Q(
            Exists(content.filter(line=OuterRef("pk")))
        )
        statement = ("statement__contract_id", "statement__period_start", "statement__period_end")
        unlinked = lines.exclude(linked).values(*statement, "statement__currency")
        for row in unlinked.annotate(amount=Sum("amount")).order_by():
            self._share_by_campaign(row)
        by_sale: dict[int, list[tuple[int, Decimal, int]]] = defaultdict(list)
        sale_weights = sales.values("line_id", "sale__tracking_code__participant_id").annotate(
            base=Sum(Abs("base")), orders=Sum(Abs("orders"))
        )
        for row in sale_weights.order_by("line_id", "sale__tracking_code__participant_id"):
            participant = row["sale__tracking_code__participant_id"]
            by_sale[row["line_id"]].append((participant, row["base"], row["orders"]))
        by_content: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
        content_weights = content.values("line_id", "content_id").annotate(
            quantity=Sum(Abs("quantity"))
        )
        for row in content_weights.order_by("line_id", "content_id"):
            by_content[row["line_id"]].append((row["content_id"], row["quantity"]))
        content_participants = dict(
            content.values_list("content_id", "content__participant_id").distinct().order_by()
        )
        for line in lines.filter(linked).values(
            "pk", "kind", "amount", *statement, "statement__currency"
        ):
            places = self._line_places(line, by_sale, by_content, content_participants)
            if places:
                self._add_shares(line, places)
            else:
                self._share_by_campaign(line)

    def _line_places(
        self,
        line: dict,
        by_sale: dict[int, list[tuple[int, Decimal, int]]],
        by_content: dict[int, list[tuple[int, Decimal]]],
        content_participants: dict[int, int],
    ) -> list[tuple[_Place, Decimal]]:
        """Where a linked line's amount goes, with weights; empty when every weight is zero.
        Sales weigh by their base, or by orders on a pay-per-order line; content by quantity."""
        sales = by_sale.get(line["pk"], [])
        bases = [(self.place(p), Decimal(base)) for p, base, _ in sales]
        orders = [(self.place(p), Decimal(count)) for p, _, count in sales]
        items = [
            (self.place(content_participants[item], item), Decimal(quantity))
            for item, quantity in by_content.get(line["pk"], [])
        ]
        per_order = line["kind"] == StatementLine.Kind.CPA
        for weights in (orders, bases, items) if per_order else (bases, orders, items):
            if sum(weight for _, weight in weights) > 0:
                return weights
        return []

    def _accrued(self) -> None:
        """Accrued cost lands where an unlinked statement line would: on the period's first
        day, shared by the contract's participants in campaigns overlapping the period. Every
        accrual, whatever `since`: each refresh prices them all afresh."""
        for accrual in self.accruals:
            line = {
                "statement__contract_id": accrual.contract_id,
                "statement__period_start": accrual.period.start,
                "statement__period_end": accrual.period.end,
                "statement__currency": accrual.currency,
                "amount": accrual.amount,
            }
            if accrual.amount:
                self._share_by_campaign(line, "accrued_cost")

    def _share_by_campaign(self, line: dict, name: str = "statement_cost") -> None:
        """A line not priced on sales or content: shared equally by the contract's participants
        in campaigns overlapping the statement period (all of them if none overlap)."""
        contract = line["statement__contract_id"]
        start, end = line["statement__period_start"], line["statement__period_end"]
        participants = self.contract_participants.get(contract, [])
        overlapping = [
            p for p in participants if p["campaign__start"] < end and p["campaign__end"] >= start
        ]
        chosen = overlapping or participants
        if not chosen:
            self._add_shares(line, [(_Place(contract), Decimal(1))], name)
            return
        self._add_shares(line, [(self.place(p["pk"]), Decimal(1)) for p in chosen], name)

    def _add_shares(
        self, line: dict, places: list[tuple[_Place, Decimal]], name: str = "statement_cost"
    ) -> None:
        currency, day = line["statement__currency"], line["statement__period_start"]
        shares = split(line["amount"], [weight for _, weight in places], currency)
        for (place, _), share in zip(places, shares, strict=True):
            self.add_amount(name, share, currency, day, place)


def split(amount: Decimal, weights: Sequence[Decimal], currency: str) -> list[Decimal]:
    """Share `amount` in proportion to `weights` (their sum must be positive), each share
    rounded to the currency's minor unit; the last takes the remainder, so shares add up."""
    total = sum(weights)
    shares = [money.round(amount * weight / total, currency) for weight in weights[:-1]]
    return [*shares, amount - sum(shares, ZERO)]


def _sort_key(key: Key) -> tuple:
    day, contract, participant, content, currency = key
    return (day, contract, participant or 0, content or 0, currency)
