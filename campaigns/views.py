from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
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
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from campaigns import approval, disclosure, roi, shipping
from campaigns.forms import (
    CampaignFilterForm,
    CampaignForm,
    ContentItemForm,
    ParticipantForm,
    ReviewForm,
    ShipmentForm,
    ShipmentItemFormSet,
    ShipmentStatusForm,
)
from campaigns.models import (
    Campaign,
    ContentComment,
    ContentItem,
    MetricSnapshot,
    Participant,
    Sale,
    Shipment,
    ShipmentItem,
)
from partnerships import csv_downloads, money, tenancy
from partnerships.forms import DaysForm
from partnerships.models import Brand

PAGE_SIZE = 25
SALES_PAGE_SIZE = 25
Status = ContentItem.Status
# The approval queue shows what waits for a reviewer first.
QUEUE_ORDER = [Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.APPROVED, Status.PUBLISHED]


def _today(brand: Brand) -> date:
    return timezone.localdate(timezone=brand.timezone)


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return tenancy.get_for_user(Campaign.objects.select_related("brand"), request.user, pk)


# --- list --------------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    brand = tenancy.current_brand(request)
    today = _today(brand)
    form = CampaignFilterForm(request.GET)
    campaigns = tenancy.scope_to_brand(Campaign.objects.all(), brand)
    campaigns = form.filter(campaigns, today) if form.is_valid() else campaigns.none()
    campaigns = campaigns.annotate(
        phase=Case(
            When(start__gt=today, then=Value("upcoming")),
            When(end__lt=today, then=Value("ended")),
            default=Value("running"),
        ),
        participant_count=Count("participants", distinct=True),
        waiting_count=Count(
            "participants__content",
            filter=Q(participants__content__status=Status.SUBMITTED),
            distinct=True,
        ),
    ).order_by("-start", "name", "pk")
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/campaign_list.html",
        {"form": form, "page": page, "can_edit": tenancy.can(request.user, brand)},
    )


# --- the campaign page -------------------------------------------------------------------------

# Each section of the campaign page shows one page of its rows, so the page's work stays the same
# however large the campaign grows; the sections page in place (HTMX) or through the full page.
SECTION_PAGE_SIZE = 25
CONTENT_PAGE_SIZE = 10


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


def _participants(campaign: Campaign, page_number: object) -> dict:
    """One page of the campaign's participants, by influencer name, with their codes and how
    much content and how many shipments each has."""
    participants = (
        campaign.participants.select_related("contract__partnership__influencer")
        .prefetch_related("codes")
        .annotate(
            content_count=_count_per_participant(ContentItem),
            shipment_count=_count_per_participant(Shipment),
        )
        .order_by("contract__partnership__influencer__name", "pk")
    )
    page = Paginator(participants, SECTION_PAGE_SIZE).get_page(page_number)
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


def _content_items(campaign: Campaign) -> QuerySet[ContentItem]:
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


def _content_rows(campaign: Campaign, items: Iterable[ContentItem]) -> list[ContentRow]:
    """Each item with its live disclosure verdict and next moves."""
    rows = []
    for item in items:
        item.participant.campaign = campaign  # the check reads its markets
        rows.append(ContentRow(item, disclosure.check(item), approval.allowed(item)))
    return rows


def _content_counts(campaign: Campaign) -> dict:
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


def _content_page_of(campaign: Campaign, item_pk: object) -> int | None:
    """The page of the approval queue an item of the campaign is on; None when it is not one."""
    items = _content_items(campaign)
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


def _content(campaign: Campaign, page_number: object) -> dict:
    """One page of the approval queue, and how many items are in each status."""
    counts = _content_counts(campaign)
    page = CountedPaginator(
        _content_items(campaign), CONTENT_PAGE_SIZE, count=counts["content_total"]
    ).get_page(page_number)
    page.object_list = _content_rows(campaign, page.object_list)
    return {"content_page": page, **counts}


@dataclass
class ShipmentRow:
    shipment: Shipment
    late: bool
    form: ShipmentStatusForm
    error: str = ""


def _shipment_rows(shipments: Iterable[Shipment], today: date) -> list[ShipmentRow]:
    return [
        ShipmentRow(s, s.is_late(today), ShipmentStatusForm(shipment=s, initial={"on": today}))
        for s in shipments
    ]


def _shipment_queryset(campaign: Campaign) -> QuerySet[Shipment]:
    return (
        Shipment.objects.filter(participant__campaign=campaign)
        .select_related("participant__contract__partnership__influencer")
        .prefetch_related(
            Prefetch("items", queryset=ShipmentItem.objects.select_related("product"))
        )
    )


def _shipments(campaign: Campaign, page_number: object, today: date) -> dict:
    """One page of the campaign's shipments, late ones first, and how many are late."""
    late = Shipment.late(today)
    counts = Shipment.objects.filter(participant__campaign=campaign).aggregate(
        total=Count("pk"), late=Count("pk", filter=late)
    )
    shipments = _shipment_queryset(campaign).order_by(
        Case(When(late, then=Value(0)), default=Value(1)), "-requested_on", "pk"
    )
    page = CountedPaginator(shipments, SECTION_PAGE_SIZE, count=counts["total"]).get_page(
        page_number
    )
    page.object_list = _shipment_rows(page.object_list, today)
    return {"shipments_page": page, "late_count": counts["late"]}


def _metrics(campaign: Campaign, page_number: object) -> dict:
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


def _sales(campaign: Campaign, page_number: object) -> dict:
    """One page of the campaign's sales and the totals of all of them, per currency."""
    sales = Sale.objects.filter(tracking_code__participant__campaign=campaign)
    totals = list(
        sales.values("currency")
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
    page = CountedPaginator(sales, SALES_PAGE_SIZE, count=count).get_page(page_number)
    # The page's sales are picked from the sale table alone, then joined to what they show:
    # joining first would join every sale of the campaign before sorting them.
    page.object_list = Sale.objects.filter(pk__in=page.object_list.values("pk")).select_related(
        "product", "tracking_code__participant__contract__partnership__influencer"
    )
    return {"sales_page": page, "sales_totals": totals}


def _detail_context(request: HttpRequest, campaign: Campaign) -> dict:
    today = _today(campaign.brand)
    pages = {section: request.GET.get(f"{section}_page") for section in SECTIONS}
    if "content_item" in request.GET:
        pages["content"] = (
            _content_page_of(campaign, request.GET["content_item"]) or pages["content"]
        )
    return {
        "campaign": campaign,
        "today": today,
        "now": timezone.now(),
        "phase": _phase(campaign, today),
        "can_edit": tenancy.can(request.user, campaign.brand_id),
        **_participants(campaign, pages["participants"]),
        **_content(campaign, pages["content"]),
        **_shipments(campaign, pages["shipments"], today),
        **_metrics(campaign, pages["metrics"]),
        **_sales(campaign, pages["sales"]),
        **_performance(request, campaign, today),
    }


def _performance(request: HttpRequest, campaign: Campaign, today: date) -> dict:
    """The performance section's report over the chosen days (the campaign's window when
    none are chosen) and the form that chooses them."""
    days = DaysForm(request.GET or None)
    sort = request.GET.get("sort", "")
    report = roi.campaign_report(campaign, today=today, sort=sort, dates=days.chosen())
    return {"performance": report, "performance_days": days}


def _phase(campaign: Campaign, today: date) -> str:
    if campaign.start > today:
        return "upcoming"
    return "ended" if campaign.end < today else "running"


# The sections of the campaign page that page: `?<section>_page=N` opens the page there, and an
# HTMX request for `?section=<section>&page=N` gets that section alone, to swap it in place.
SECTIONS = ("participants", "content", "shipments", "metrics", "sales")


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    section = request.GET.get("section")
    if section in SECTIONS and request.htmx:
        return _section(request, campaign, section, request.GET.get("page"))
    return render(request, "campaigns/campaign_detail.html", _detail_context(request, campaign))


def _section(
    request: HttpRequest, campaign: Campaign, section: str, number: object
) -> HttpResponse:
    """One page of one section of the campaign page, alone."""
    context = {"campaign": campaign, "can_edit": tenancy.can(request.user, campaign.brand_id)}
    if section == "participants":
        context.update(_participants(campaign, number))
    elif section == "content":
        context.update(_content(campaign, number), now=timezone.now())
        context["has_participants"] = campaign.participants.exists()
    elif section == "shipments":
        context.update(_shipments(campaign, number, _today(campaign.brand)))
        context["has_participants"] = campaign.participants.exists()
    elif section == "metrics":
        context.update(_metrics(campaign, number))
    else:
        context.update(_sales(campaign, number))
    return render(request, f"campaigns/_{section}.html", context)


@login_required
def campaign_sales(request: HttpRequest, pk: int) -> HttpResponse:
    """The sales section alone, for paging through it in place."""
    campaign = _campaign(request, pk)
    if not request.htmx:
        url = reverse("campaigns:detail", args=[campaign.pk])
        return redirect(f"{url}?{urlencode({'sales_page': request.GET.get('page', 1)})}#sales")
    return _section(request, campaign, "sales", request.GET.get("page"))


@login_required
def campaign_performance(request: HttpRequest, pk: int) -> HttpResponse:
    """The performance section alone, for sorting its participants in place."""
    campaign = _campaign(request, pk)
    if not request.htmx:
        url = reverse("campaigns:detail", args=[campaign.pk])
        return redirect(f"{url}?{request.GET.urlencode()}#performance")
    context = _performance(request, campaign, _today(campaign.brand))
    return render(request, "campaigns/_performance.html", context)


@login_required
def campaign_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign report: each participant's figures and the campaign's, as CSV."""
    campaign = _campaign(request, pk)
    report = _performance(request, campaign, _today(campaign.brand))["performance"]
    return csv_downloads.download(
        roi.campaign_report_rows(report), f"campaign-{campaign.pk}-report.csv"
    )


# --- content review in place -------------------------------------------------------------------


@login_required
@require_POST
def content_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one content item (approve, request changes, resubmit, publish) and show its card
    again, with the reason when the move was refused."""
    item = tenancy.get_for_user(
        ContentItem.objects.select_related("participant__campaign__brand"), request.user, pk
    )
    campaign = item.participant.campaign
    tenancy.require(request.user, campaign.brand_id, approval.REVIEWER_ROLES)
    form = ReviewForm(request.POST, brand=campaign.brand)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            approval.move(
                item,
                data["to"],
                by=request.user,
                now=timezone.now(),
                comment=data["comment"],
                published_at=data["published_at"],
                override_reason=data["override_reason"],
                caption=data["caption"] if data["to"] == Status.SUBMITTED else None,
                url=data["url"] or None,
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    else:
        error = " ".join(
            f"{form.fields[name].label or name}: {' '.join(errs)}"
            for name, errs in form.errors.items()
        )
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "Saved.")
        url = reverse("campaigns:detail", args=[campaign.pk])
        return redirect(f"{url}?{urlencode({'content_item': item.pk})}#content-{item.pk}")
    (row,) = _content_rows(campaign, _content_items(campaign).filter(pk=item.pk))
    # The card is swapped in place; the section's counts follow out of band.
    return render(
        request,
        "campaigns/_content_reviewed.html",
        {
            "row": row,
            "campaign": campaign,
            "can_edit": True,
            "error": error,
            "posted": request.POST if error else {},
            "saved": not error,
            "now": timezone.now(),
            **_content_counts(campaign),
        },
    )


# --- shipments in place ------------------------------------------------------------------------


@login_required
@require_POST
def shipment_status(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = tenancy.get_for_user(
        Shipment.objects.select_related("participant__campaign__brand"), request.user, pk
    )
    campaign = shipment.participant.campaign
    tenancy.require(request.user, campaign.brand_id)
    today = _today(campaign.brand)
    form = ShipmentStatusForm(request.POST, shipment=shipment)
    error = ""
    if form.is_valid():
        try:
            shipping.move(
                shipment, form.cleaned_data["to"], on=form.cleaned_data["on"] or today, today=today
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    else:
        error = " ".join(message for errs in form.errors.values() for message in errs)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(reverse("campaigns:detail", args=[campaign.pk]) + "#shipments")
    (row,) = _shipment_rows(_shipment_queryset(campaign).filter(pk=shipment.pk), today)
    row.error = error
    return render(
        request,
        "campaigns/_shipment_row.html",
        {"row": row, "can_edit": True, "saved": not error},
    )


# --- forms -------------------------------------------------------------------------------------


@login_required
def campaign_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        brand = tenancy.current_brand(request)
        campaign = Campaign(brand=brand, currency=brand.default_currency)
    else:
        campaign = _campaign(request, pk)
        brand = campaign.brand
    tenancy.require(request.user, brand)
    form = CampaignForm(request.POST or None, instance=campaign, brand=brand)
    if request.method == "POST" and form.is_valid():
        campaign = form.save()
        messages.success(request, f"Saved “{campaign}”.")
        return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def participant_form(
    request: HttpRequest, pk: int, participant_pk: int | None = None
) -> HttpResponse:
    """Add a contract of the brand to the campaign with its codes, or change a participant's
    codes and notes."""
    campaign = _campaign(request, pk)
    tenancy.require(request.user, campaign.brand_id)
    participant = Participant(campaign=campaign)
    if participant_pk is not None:
        participant = tenancy.get_for_user(
            Participant.objects.filter(campaign=campaign).select_related(
                "contract__partnership__influencer"
            ),
            request.user,
            participant_pk,
        )
    form = ParticipantForm(request.POST or None, instance=participant, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                participant = form.save()
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, f"Saved {participant.contract.partnership.influencer}.")
            return redirect(reverse("campaigns:detail", args=[campaign.pk]) + "#participants")
    return render(
        request,
        "campaigns/participant_form.html",
        {"form": form, "campaign": campaign, "participant": participant},
    )


@login_required
def content_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a piece of content an influencer submitted for review."""
    campaign = _campaign(request, pk)
    tenancy.require(request.user, campaign.brand_id)
    form = ContentItemForm(
        request.POST or None, request.FILES or None, campaign=campaign, now=timezone.now()
    )
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.participant.campaign = campaign
        result = disclosure.recheck(item)
        item.save()
        if result.ok:
            messages.success(request, "Content added to the approval queue.")
        else:
            messages.warning(request, f"Content added; the disclosure check fails: {result}")
        return redirect(reverse("campaigns:detail", args=[campaign.pk]) + f"#content-{item.pk}")
    return render(request, "campaigns/content_form.html", {"form": form, "campaign": campaign})


@login_required
def shipment_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a product-seeding shipment with its items."""
    campaign = _campaign(request, pk)
    brand = campaign.brand
    tenancy.require(request.user, brand)
    data = request.POST if request.method == "POST" else None
    shipment = Shipment(currency=campaign.currency, requested_on=_today(brand))
    form = ShipmentForm(data, instance=shipment, campaign=campaign)
    items = ShipmentItemFormSet(
        data, instance=shipment, prefix="items", form_kwargs={"brand": brand}
    )
    if data is not None and form.is_valid() and items.is_valid():
        with transaction.atomic():
            shipment = form.save()
            items.instance = shipment
            items.save()
        messages.success(request, "Shipment logged.")
        return redirect(reverse("campaigns:detail", args=[campaign.pk]) + "#shipments")
    return render(
        request,
        "campaigns/shipment_form.html",
        {"form": form, "items": items, "campaign": campaign},
    )
