"""What the campaign page, the dashboard and the reports show: each section of the campaign
page a page of rows at a time, and the figures (campaigns.roi) as report rows sorted for
reading, chart data and CSV files.

Each section of the campaign page shows one page of its rows, so the page's work stays the
same however large the campaign grows; the sections page in place (HTMX) or through the full
page.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns import approval, disclosure
from campaigns.models import (
    Campaign,
    ContentComment,
    ContentItem,
    MetricSnapshot,
    Sale,
    Shipment,
    ShipmentItem,
)
from campaigns.roi import (
    BrandFigures,
    DateRange,
    Figures,
    TargetProgress,
    campaign_window,
    rates_into,
    targets,
)
from contracts.models import Contract
from influencers.models import Influencer
from partnerships import formatting, money, tenancy

SECTION_PAGE_SIZE = 25
CONTENT_PAGE_SIZE = 10
SALES_PAGE_SIZE = 25
Status = ContentItem.Status
# The approval queue shows what waits for a reviewer first.
QUEUE_ORDER = [Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.APPROVED, Status.PUBLISHED]


# --- The campaign page's sections ----------------------------------------------------------


class CountedPaginator(Paginator):
    """A paginator told how many rows there are, from an aggregate the section shows anyway."""

    def __init__(self, object_list: object, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


def _count_per_participant(model: type[ContentItem] | type[Shipment]) -> Coalesce:
    """How many rows of `model` each participant has, as a subquery per participant."""
    rows = (
        model.objects.filter(participant=OuterRef("pk"))
        .order_by()
        .values("participant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def participants(campaign: Campaign, page_number: object) -> dict:
    """One page of the campaign's participants, by influencer name, with their codes and how
    much content and how many shipments each has."""
    rows = (
        campaign.participants.select_related("contract__partnership__influencer")
        .prefetch_related("codes")
        .annotate(
            content_count=_count_per_participant(ContentItem),
            shipment_count=_count_per_participant(Shipment),
        )
        .order_by("contract__partnership__influencer__name", "pk")
    )
    page = Paginator(rows, SECTION_PAGE_SIZE).get_page(page_number)
    return {"participants_page": page, "has_participants": page.paginator.count > 0}


@dataclass
class ContentRow:
    """A content item in the approval queue with what the page needs to say about it."""

    item: ContentItem
    check: disclosure.DisclosureResult
    moves: list[str]

    @property
    def needs_override(self) -> bool:
        return not self.check.ok and not self.item.disclosure_override_reason


def content_items(campaign: Campaign) -> QuerySet[ContentItem]:
    """The campaign's content items in queue order: waiting for a reviewer first, newest first."""
    return (
        ContentItem.objects.filter(participant__campaign=campaign)
        .select_related(
            "participant__contract__partnership__influencer",
            "deliverable",
            "approved_by",
            "disclosure_override_by",
        )
        .prefetch_related(
            Prefetch("comments", queryset=ContentComment.objects.select_related("author"))
        )
        .annotate(
            queue=Case(
                *(When(status=s, then=Value(i)) for i, s in enumerate(QUEUE_ORDER)),
                default=Value(len(QUEUE_ORDER)),
            )
        )
        .order_by("queue", "-submitted_at", "pk")
    )


def content_rows(campaign: Campaign, items: Iterable[ContentItem]) -> list[ContentRow]:
    """Each item with its live disclosure verdict and next moves."""
    rows = []
    for item in items:
        item.participant.campaign = campaign  # the check reads its markets
        rows.append(ContentRow(item, disclosure.check(item), approval.allowed(item)))
    return rows


def content_counts(campaign: Campaign) -> dict:
    """How many of the campaign's items are in each status, in queue order, in one query."""
    counts = ContentItem.objects.filter(participant__campaign=campaign).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in QUEUE_ORDER}
    )
    return {
        "content_counts": [
            (status, Status(status).label.lower(), counts[status]) for status in QUEUE_ORDER
        ],
        "content_total": sum(counts.values()),
        "waiting": counts[Status.SUBMITTED],
    }


def content_page_of(campaign: Campaign, item_pk: object) -> int | None:
    """The page of the approval queue an item of the campaign is on; None when it is not one."""
    items = content_items(campaign)
    try:
        place = items.filter(pk=item_pk).values("pk", "queue", "submitted_at").first()
    except (TypeError, ValueError):
        return None
    if place is None:
        return None
    queue, submitted_at = place["queue"], place["submitted_at"]
    ahead = items.filter(
        Q(queue__lt=queue)
        | Q(queue=queue, submitted_at__gt=submitted_at)
        | Q(queue=queue, submitted_at=submitted_at, pk__lt=place["pk"])
    ).count()
    return ahead // CONTENT_PAGE_SIZE + 1


def content(campaign: Campaign, page_number: object) -> dict:
    """One page of the approval queue, and how many items are in each status."""
    counts = content_counts(campaign)
    page = CountedPaginator(
        content_items(campaign), CONTENT_PAGE_SIZE, count=counts["content_total"]
    ).get_page(page_number)
    page.object_list = content_rows(campaign, page.object_list)
    return {"content_page": page, **counts}


def shipment_queryset(campaign: Campaign) -> QuerySet[Shipment]:
    """The campaign's shipments with their influencers and items, as a shipment row shows them."""
    return (
        Shipment.objects.filter(participant__campaign=campaign)
        .select_related("participant__contract__partnership__influencer")
        .prefetch_related(
            Prefetch("items", queryset=ShipmentItem.objects.select_related("product"))
        )
    )


def shipments(campaign: Campaign, page_number: object, today: date) -> dict:
    """One page of the campaign's shipments, late ones first, and how many are late."""
    late = Shipment.late(today)
    counts = Shipment.objects.filter(participant__campaign=campaign).aggregate(
        total=Count("pk"), late=Count("pk", filter=late)
    )
    rows = shipment_queryset(campaign).order_by(
        Case(When(late, then=Value(0)), default=Value(1)), "-requested_on", "pk"
    )
    page = CountedPaginator(rows, SECTION_PAGE_SIZE, count=counts["total"]).get_page(page_number)
    return {"shipments_page": page, "late_count": counts["late"]}


def metrics(campaign: Campaign, page_number: object) -> dict:
    """One page of each content item's latest snapshot, most viewed first, and the totals of
    every item's latest snapshot."""
    later = MetricSnapshot.objects.filter(content=OuterRef("content"), date__gt=OuterRef("date"))
    latest = MetricSnapshot.objects.filter(content__participant__campaign=campaign).exclude(
        Exists(later)
    )
    sums = latest.aggregate(
        items=Count("pk"), **{name: Sum(name) for name in MetricSnapshot.COUNTERS}
    )
    totals = {name: sums[name] or 0 for name in MetricSnapshot.COUNTERS}
    totals["engagements"] = sum(totals[n] for n in ("likes", "comments", "shares", "saves"))
    snapshots = latest.select_related(
        "content__participant__contract__partnership__influencer"
    ).order_by("-views", "content_id")
    page = CountedPaginator(snapshots, SECTION_PAGE_SIZE, count=sums["items"]).get_page(page_number)
    return {"metrics_page": page, "metric_totals": totals}


def sales(campaign: Campaign, page_number: object) -> dict:
    """One page of the campaign's sales and the totals of all of them, per currency."""
    lines = Sale.objects.filter(tracking_code__participant__campaign=campaign)
    totals = list(
        lines.values("currency")
        .annotate(
            lines=Count("pk"),
            units=Sum("quantity"),
            net=Sum("net_amount"),
            refunded=Sum("refunded_amount"),
            pending=Sum("net_amount", filter=Q(status=Sale.Status.PENDING)),
        )
        .order_by("currency")
    )
    for row in totals:
        # SQLite sums decimals without their places; every database shows them the same.
        for name in ("net", "refunded", "pending"):
            row[name] = money.round(row[name] or Decimal(0), row["currency"])
        row["kept"] = row["net"] - row["refunded"]
    count = sum(row["lines"] for row in totals)
    page = CountedPaginator(lines, SALES_PAGE_SIZE, count=count).get_page(page_number)
    # The page's sales are picked from the sale table alone, then joined to what they show:
    # joining first would join every sale of the campaign before sorting them.
    page.object_list = Sale.objects.filter(pk__in=page.object_list.values("pk")).select_related(
        "product", "tracking_code__participant__contract__partnership__influencer"
    )
    return {"sales_page": page, "sales_totals": totals}


# --- Report rows, charts and CSV ----------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A labelled line of a report table: a participant, contract or influencer."""

    label: str
    figures: Figures
    subject: Any = None
    detail: str = ""


@dataclass(frozen=True)
class Point:
    """One step of a chart over time; `roi_to_date` accumulates from the first step."""

    day: date
    label: str
    figures: Figures
    roi_to_date: Decimal | None


SORTS = {
    "roi": gettext_lazy("ROI, lowest first"),
    "-roi": gettext_lazy("ROI, highest first"),
    "name": gettext_lazy("Influencer"),
}


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    """Rows by ROI (either way; undefined ROI always last) or by label."""
    if sort not in ("roi", "-roi"):
        return sorted(rows, key=lambda row: row.label.casefold())
    defined = [row for row in rows if row.figures.roi is not None]
    undefined = [row for row in rows if row.figures.roi is None]
    defined.sort(key=lambda row: row.figures.roi, reverse=sort == "-roi")
    return defined + sorted(undefined, key=lambda row: row.label.casefold())


def series(reader: BrandFigures, dates: DateRange, **scope: Any) -> list[Point]:
    """The range's figures per day (ranges up to 62 days) or per month, every step present,
    with ROI accumulated to date — daily ROI would swing with each statement's first day."""
    monthly = dates.days > 62
    by_step = reader.breakdown("month" if monthly else "day", dates, **scope)
    points, running = [], reader.empty()
    step = dates.first.replace(day=1) if monthly else dates.first
    while step <= dates.last:
        figures = by_step.get(step, reader.empty())
        running = running + figures
        label = date_format(step, "M Y" if monthly else "d M")
        points.append(Point(step, label, figures, running.roi))
        step = _next_month(step) if monthly else date.fromordinal(step.toordinal() + 1)
    return points


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def chart_series(points: Sequence[Point]) -> dict[str, list]:
    """Points as the plain lists a chart draws: labels, spend, revenue, ROI to date (percent)."""
    return {
        "names": {"spend": _("Spend"), "revenue": _("Revenue"), "roi": _("ROI to date (%)")},
        "labels": [p.label for p in points],
        "spend": [str(p.figures.cost) for p in points],
        "revenue": [str(p.figures.revenue) for p in points],
        "roi": [as_percent(p.roi_to_date) for p in points],
    }


def as_percent(fraction: Decimal | None) -> str | None:
    """A fraction as percentage points for a chart ("21.9"); None stays a gap in the line."""
    return None if fraction is None else str(formatting.percent_points(fraction, 1))


@dataclass(frozen=True)
class CampaignReport:
    """What the campaign page's performance section shows."""

    campaign: Campaign
    totals: Figures
    participants: list[Row]
    targets: list[TargetProgress]
    points: list[Point]
    sort: str
    refreshed_at: datetime | None
    updating: bool
    # The days counted, and whether they are the campaign's own window (start to end plus
    # its attribution days, up to today) or a range someone chose.
    dates: DateRange
    chosen: bool = False
    # The page shows this many participants in the chosen order; the CSV export has them all.
    shown_rows: ClassVar[int] = 25

    @property
    def shown_participants(self) -> list[Row]:
        return self.participants[: self.shown_rows]

    @property
    def range_query(self) -> str:
        """The chosen range as it goes on the section's links ("" for the campaign's own)."""
        if not self.chosen:
            return ""
        return f"&from={self.dates.first.isoformat()}&to={self.dates.last.isoformat()}"

    @property
    def funnel(self) -> list[tuple[str, int]]:
        totals = self.totals
        return [
            (_("Reach"), totals.reach),
            (_("Engagement"), totals.engagement),
            (_("Clicks"), totals.clicks),
            (_("Conversions"), totals.conversions),
        ]

    def charts(self) -> dict[str, Any]:
        """The chart data the section embeds as JSON."""
        return {
            "funnel": {
                "names": {"values": _("People and actions")},
                "labels": [label for label, _value in self.funnel],
                "values": [value for _label, value in self.funnel],
            },
            "targets": {
                "names": {"percent": _("Percent of target")},
                "labels": [str(target.label) for target in self.targets],
                "percent": [as_percent(target.percent) for target in self.targets],
            },
            "spend_revenue": chart_series(self.points),
        }


def campaign_report(
    campaign: Campaign, *, today: date, sort: str = "-roi", dates: DateRange | None = None
) -> CampaignReport:
    """The campaign's figures over `dates` (by default its window, see `campaign_window`):
    totals, per participant sorted by `sort` (see SORTS), targets, and spend and revenue day
    by day or month by month — a fixed number of queries however many rows it has.
    Settlement is not bound by the window: it pays every attributed sale."""
    reader = BrandFigures.load(campaign.brand)
    chosen = dates is not None
    dates = dates or campaign_window(reader, campaign, today)
    per_participant = reader.breakdown("participant", dates, campaign=campaign)
    participants = campaign.participants.select_related("contract__partnership__influencer")
    rows = [
        Row(
            participant.contract.partnership.influencer.name,
            per_participant.get(participant.pk, reader.empty()),
            participant,
            detail=_("%(title)s · %(method)s")
            % {
                "title": participant.contract.title,
                "method": participant.contract.get_method_display(),
            },
        )
        for participant in participants
    ]
    # Every summary row of the campaign is in one participant's group (or None's), so the
    # groups add up to the totals without reading the summaries again.
    totals = sum(per_participant.values(), reader.empty())
    sales_rate = None
    if campaign.target_sales is not None and campaign.currency != reader.currency:
        rates = rates_into(campaign.brand, date=campaign.start)
        sales_rate = rates.get((campaign.start, campaign.currency))
    sort = sort if sort in SORTS else "-roi"
    return CampaignReport(
        campaign=campaign,
        totals=totals,
        participants=sort_rows(rows, sort),
        targets=targets(campaign, totals, sales_rate),
        points=series(reader, dates, campaign=campaign),
        sort=sort,
        refreshed_at=reader.refreshed_at,
        updating=reader.updating,
        dates=dates,
        chosen=chosen,
    )


@dataclass(frozen=True)
class Table:
    """Report rows, the currency of their amounts and when their figures were refreshed."""

    rows: list[Row]
    currency: str
    refreshed_at: datetime | None
    updating: bool


def influencer_contracts(influencer: Influencer) -> Table:
    """Each of the influencer's contracts with its figures over all days, newest first."""
    reader = BrandFigures.load(influencer.brand)
    per_contract = reader.breakdown("contract", influencer=influencer)
    contracts = tenancy.scope_to_brand(
        Contract.objects.filter(partnership__influencer=influencer), influencer.brand
    ).order_by("-start", "pk")
    rows = [
        Row(
            contract.title,
            per_contract.get(contract.pk, reader.empty()),
            contract,
            detail=f"{contract.get_method_display()} · {contract.get_status_display()}",
        )
        for contract in contracts
    ]
    return Table(rows, reader.currency, reader.refreshed_at, reader.updating)


CSV_COLUMNS = (
    "currency",
    "cost",
    "statement_cost",
    "seeding_cost",
    "accrued_cost",
    "revenue",
    "gross_profit",
    "roi",
    "roas",
    "orders",
    "views",
    "reach",
    "impressions",
    "engagement",
    "engagement_rate",
    "clicks",
    "conversions",
    "conversion_rate",
    "cpm",
    "cpv",
    "cpe",
    "cpa",
    "not_converted",
)


def csv_cells(figures: Figures) -> list[Any]:
    """A report line's figures in CSV_COLUMNS order: amounts to the currency's minor unit,
    ratios to four places, None (an empty cell) for an undefined ratio."""
    currency = figures.currency

    def amount(value: Decimal) -> Decimal:
        return money.round(value, currency)

    def fraction(value: Decimal | None) -> Decimal | None:
        return None if value is None else value.quantize(Decimal("0.0001"))

    unconverted = "; ".join(
        f"{item.currency} cost {item.cost} revenue {item.revenue}" for item in figures.unconverted
    )
    return [
        currency,
        amount(figures.cost),
        amount(figures.statement_cost),
        amount(figures.seeding_cost),
        amount(figures.accrued_cost),
        amount(figures.revenue),
        amount(figures.gross_profit),
        fraction(figures.roi),
        fraction(figures.roas),
        figures.orders,
        figures.views,
        figures.reach,
        figures.impressions,
        figures.engagement,
        fraction(figures.engagement_rate),
        figures.clicks,
        figures.conversions,
        fraction(figures.conversion_rate),
        fraction(figures.cpm),
        fraction(figures.cpv),
        fraction(figures.cpe),
        fraction(figures.cpa),
        unconverted,
    ]


def campaign_report_rows(report: CampaignReport) -> Iterator[list]:
    """The campaign report for CSV: a header (campaign, influencer, contract, method and
    CSV_COLUMNS), a line per participant in the report's order, then the whole campaign."""
    yield ["campaign", "influencer", "contract", "method", *CSV_COLUMNS]
    name = report.campaign.name
    for row in report.participants:
        contract = row.subject.contract
        method = contract.get_method_display()
        yield [name, row.label, contract.title, method, *csv_cells(row.figures)]
    yield [name, "All participants", "", "", *csv_cells(report.totals)]
