"""The figures on a brand's dashboard: counts of its records, and what its influencer spending
returned over a range of days, read from the daily summaries (campaigns.roi)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from typing import Any

from django.utils.translation import gettext_lazy as _

from campaigns import reports, roi
from campaigns.models import Campaign, DailySummary, Sale, TrackingCode
from contracts.models import Contract
from influencers.models import Influencer
from partnerships import tenancy
from partnerships.models import Brand, Product

RANGES = {
    "last_30": _("Last 30 days"),
    "month": _("This month"),
    "last_month": _("Last month"),
    "quarter": _("This quarter"),
    "custom": _("From … to …"),
}
RANKED = 5


@dataclass(frozen=True)
class Figures:
    influencers: int
    active_contracts: int
    running_campaigns: int
    products: int


def figures(brand: Brand, today: date) -> Figures:
    """Counts for one brand; `today` is the brand's local date."""

    def count(queryset) -> int:
        return tenancy.scope_to_brand(queryset, brand).count()

    return Figures(
        influencers=count(Influencer.objects.all()),
        active_contracts=count(Contract.objects.filter(status=Contract.Status.ACTIVE)),
        running_campaigns=count(
            Campaign.objects.filter(Campaign.in_phase(Campaign.Phase.RUNNING, today))
        ),
        products=count(Product.objects.all()),
    )


@dataclass(frozen=True)
class Step:
    label: str
    help: str
    url_name: str
    done: bool


def getting_started(brand: Brand) -> list[Step]:
    """What a brand with no figures yet still has to do before its dashboard shows some, each
    step with whether it is done; nothing once it has figures or has done every step."""

    def has(queryset) -> bool:
        return tenancy.scope_to_brand(queryset, brand).exists()

    if has(DailySummary.objects.all()):
        return []
    steps = [
        Step(
            _("Add your products"),
            _("Their unit costs make gross profit."),
            "product_create",
            has(Product.objects.all()),
        ),
        Step(
            _("Add influencers"),
            _("With their accounts, for fit scores."),
            "influencers:create",
            has(Influencer.objects.all()),
        ),
        Step(
            _("Record a contract"),
            _("What you pay, under one cooperation method."),
            "contracts:create",
            has(Contract.objects.all()),
        ),
        Step(
            _("Plan a campaign with tracking codes"),
            _("Codes attribute sales to the influencer."),
            "campaigns:create",
            has(TrackingCode.objects.all()),
        ),
        Step(
            _("Import sales"),
            _("The orders that came through the codes."),
            "imports",
            has(Sale.objects.all()),
        ),
    ]
    return [] if all(step.done for step in steps) else steps


def date_range(
    choice: str, today: date, first: date | None = None, last: date | None = None
) -> roi.DateRange:
    """The days of a RANGES choice around `today`; "custom" takes `first` and `last`."""
    month = today.replace(day=1)
    if choice == "custom" and first is not None and last is not None:
        return roi.DateRange(first, last)
    if choice == "last_month":
        previous = (month - timedelta(days=1)).replace(day=1)
        return roi.DateRange(previous, month - timedelta(days=1))
    if choice == "quarter":
        start = month.replace(month=(today.month - 1) // 3 * 3 + 1)
        return roi.DateRange(start, _months_later(start, 3) - timedelta(days=1))
    if choice == "month":
        return roi.DateRange(month, _months_later(month, 1) - timedelta(days=1))
    return roi.DateRange(today - timedelta(days=29), today)


def _months_later(first_day: date, months: int) -> date:
    index = first_day.month - 1 + months
    return date(first_day.year + index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Overview:
    """Spend and return of a brand over a range, as the dashboard shows them."""

    dates: roi.DateRange
    totals: roi.Figures
    points: list[reports.Point]
    methods: list[reports.Row]
    top: list[reports.Row]
    bottom: list[reports.Row]
    refreshed_at: datetime | None
    updating: bool

    def charts(self) -> dict[str, Any]:
        """The chart data the page embeds as JSON."""
        return {
            "trend": reports.chart_series(self.points),
            "methods": {
                "labels": [row.label for row in self.methods],
                "roi": [reports.as_percent(row.figures.roi) for row in self.methods],
            },
        }


def overview(brand: Brand, dates: roi.DateRange) -> Overview:
    """The brand's totals, trend, ROI by cooperation method and its best and worst influencers
    by ROI over `dates`, in a fixed number of queries."""
    reader = roi.BrandFigures.load(brand)
    points = reports.series(reader, dates)
    per_method = reader.breakdown("method", dates)
    methods = [
        reports.Row(label, per_method.get(method, reader.empty()), method)
        for method, label in Contract.Method.choices
    ]
    ranked = [row for row in influencer_rows(reader, dates) if row.figures.roi is not None]
    top = reports.sort_rows(ranked, "-roi")[:RANKED]
    # With fewer than ten ranked influencers, the worst list leaves out those already on top.
    shown = {row.subject for row in top}
    bottom = [row for row in reports.sort_rows(ranked, "roi") if row.subject not in shown][:RANKED]
    return Overview(
        dates=dates,
        totals=reduce(lambda total, point: total + point.figures, points, reader.empty()),
        points=points,
        methods=methods,
        top=top,
        bottom=bottom,
        refreshed_at=reader.refreshed_at,
        updating=reader.updating,
    )


def influencer_rows(reader: roi.BrandFigures, dates: roi.DateRange) -> list[reports.Row]:
    """The ROI table: one row per influencer with figures in `dates`, by name."""
    per_influencer = reader.breakdown("influencer", dates)
    influencers = Influencer.objects.filter(pk__in=list(per_influencer))
    names = dict(tenancy.scope_to_brand(influencers, reader.brand).values_list("pk", "name"))
    rows = [
        reports.Row(names[pk], figures, pk) for pk, figures in per_influencer.items() if pk in names
    ]
    return reports.sort_rows(rows, "name")


def roi_table_rows(brand: Brand, dates: roi.DateRange) -> Iterator[list]:
    """The ROI table over `dates` for CSV: a header, then influencer, the range and
    reports.CSV_COLUMNS per influencer."""
    yield ["influencer", "from", "to", *reports.CSV_COLUMNS]
    for row in influencer_rows(roi.BrandFigures.load(brand), dates):
        yield [row.label, dates.first, dates.last, *reports.csv_cells(row.figures)]
