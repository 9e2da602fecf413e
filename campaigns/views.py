from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, OuterRef, Prefetch, Q, Subquery, Sum, Value, When
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
from partnerships import money, tenancy
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


@dataclass
class ContentRow:
    """A content item in the approval queue with what the page needs to say about it."""

    item: ContentItem
    check: disclosure.DisclosureResult
    moves: list[str]
    latest: MetricSnapshot | None = None

    @property
    def needs_override(self) -> bool:
        return not self.check.ok and not self.item.disclosure_override_reason


def _content_rows(campaign: Campaign, **filters: object) -> list[ContentRow]:
    """The campaign's content items, each with its live disclosure verdict and next moves, in
    a fixed number of queries."""
    items = (
        ContentItem.objects.filter(participant__campaign=campaign, **filters)
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
    rows = []
    for item in items:
        item.participant.campaign = campaign  # the check reads its markets
        rows.append(ContentRow(item, disclosure.check(item), approval.allowed(item)))
    return rows


def _latest_snapshots(campaign: Campaign) -> dict[int, MetricSnapshot]:
    """The latest snapshot of each content item of the campaign, in one query."""
    latest_date = (
        MetricSnapshot.objects.filter(content=OuterRef("content"))
        .order_by("-date")
        .values("date")[:1]
    )
    snapshots = MetricSnapshot.objects.filter(
        content__participant__campaign=campaign, date=Subquery(latest_date)
    )
    return {snapshot.content_id: snapshot for snapshot in snapshots}


@dataclass
class ShipmentRow:
    shipment: Shipment
    late: bool
    form: ShipmentStatusForm
    error: str = ""


def _shipment_rows(campaign: Campaign, today: date, **filters: object) -> list[ShipmentRow]:
    shipments = (
        Shipment.objects.filter(participant__campaign=campaign, **filters)
        .select_related("participant__contract__partnership__influencer")
        .prefetch_related(
            Prefetch("items", queryset=ShipmentItem.objects.select_related("product"))
        )
    )
    return [
        ShipmentRow(s, s.is_late(today), ShipmentStatusForm(shipment=s, initial={"on": today}))
        for s in shipments
    ]


def _sales(campaign: Campaign, page_number: object) -> dict:
    """One page of the campaign's sales and the totals of all of them, per currency."""
    sales = Sale.objects.filter(tracking_code__participant__campaign=campaign)
    page = Paginator(
        sales.select_related(
            "product", "tracking_code__participant__contract__partnership__influencer"
        ),
        SALES_PAGE_SIZE,
    ).get_page(page_number)
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
    return {"sales_page": page, "sales_totals": totals}


def _detail_context(request: HttpRequest, campaign: Campaign) -> dict:
    today = _today(campaign.brand)
    participants = list(
        campaign.participants.select_related("contract__partnership__influencer")
        .prefetch_related("codes")
        .annotate(
            content_count=Count("content", distinct=True),
            shipment_count=Count("shipments", distinct=True),
        )
    )
    content = _content_rows(campaign)
    latest = _latest_snapshots(campaign)
    for row in content:
        row.latest = latest.get(row.item.pk)
    shipments = _shipment_rows(campaign, today)
    return {
        "campaign": campaign,
        "today": today,
        "now": timezone.now(),
        "phase": _phase(campaign, today),
        "can_edit": tenancy.can(request.user, campaign.brand_id),
        "participants": participants,
        "content": content,
        "waiting": sum(row.item.status == Status.SUBMITTED for row in content),
        "metrics": [row for row in content if row.latest],
        "metric_totals": _metric_totals([row.latest for row in content if row.latest]),
        "shipments": shipments,
        "late_count": sum(row.late for row in shipments),
        **_sales(campaign, request.GET.get("sales_page")),
        "performance": roi.campaign_report(campaign, today=today, sort=request.GET.get("sort", "")),
    }


def _phase(campaign: Campaign, today: date) -> str:
    if campaign.start > today:
        return "upcoming"
    return "ended" if campaign.end < today else "running"


def _metric_totals(snapshots: list[MetricSnapshot]) -> dict[str, int]:
    totals = {name: sum(getattr(s, name) for s in snapshots) for name in MetricSnapshot.COUNTERS}
    totals["engagements"] = sum(totals[n] for n in ("likes", "comments", "shares", "saves"))
    return totals


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    return render(request, "campaigns/campaign_detail.html", _detail_context(request, campaign))


@login_required
def campaign_sales(request: HttpRequest, pk: int) -> HttpResponse:
    """The sales section alone, for paging through it in place."""
    campaign = _campaign(request, pk)
    if not request.htmx:
        url = reverse("campaigns:detail", args=[campaign.pk])
        return redirect(f"{url}?{urlencode({'sales_page': request.GET.get('page', 1)})}#sales")
    return render(
        request,
        "campaigns/_sales.html",
        {"campaign": campaign, **_sales(campaign, request.GET.get("page"))},
    )


@login_required
def campaign_performance(request: HttpRequest, pk: int) -> HttpResponse:
    """The performance section alone, for sorting its participants in place."""
    campaign = _campaign(request, pk)
    sort = request.GET.get("sort", "")
    if not request.htmx:
        url = reverse("campaigns:detail", args=[campaign.pk])
        return redirect(f"{url}?{urlencode({'sort': sort})}#performance")
    report = roi.campaign_report(campaign, today=_today(campaign.brand), sort=sort)
    return render(request, "campaigns/_performance.html", {"performance": report})


@login_required
def campaign_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign report: each participant's figures and the campaign's, as CSV."""
    campaign = _campaign(request, pk)
    sort = request.GET.get("sort", "")
    report = roi.campaign_report(campaign, today=_today(campaign.brand), sort=sort)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-report.csv"'
    roi.write_campaign_report(report, response)
    return response


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
        return redirect(reverse("campaigns:detail", args=[campaign.pk]) + f"#content-{item.pk}")
    (row,) = _content_rows(campaign, pk=item.pk)
    return render(
        request,
        "campaigns/_content_item.html",
        {
            "row": row,
            "campaign": campaign,
            "can_edit": True,
            "error": error,
            "posted": request.POST if error else {},
            "saved": not error,
            "now": timezone.now(),
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
    (row,) = _shipment_rows(campaign, today, pk=shipment.pk)
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
