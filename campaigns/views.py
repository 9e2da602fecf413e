from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import (
    Count,
    Q,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import approval, disclosure, reports, shipping
from campaigns.forms import (
    CampaignFilterForm,
    CampaignForm,
    ContentItemForm,
    DaysForm,
    ParticipantForm,
    ReviewForm,
    ShipmentForm,
    ShipmentItemFormSet,
    ShipmentStatusForm,
)
from campaigns.models import (
    Campaign,
    ContentItem,
    Participant,
    Shipment,
)
from partnerships import csv_downloads, tenancy

PAGE_SIZE = 25
Status = ContentItem.Status


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return tenancy.get_for_user(Campaign.objects.select_related("brand"), request.user, pk)


# --- list --------------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    brand = tenancy.current_brand(request)
    today = brand.today(timezone.now())
    form = CampaignFilterForm(request.GET)
    campaigns = tenancy.scope_to_brand(Campaign.objects.all(), brand)
    campaigns = form.filter(campaigns, today) if form.is_valid() else campaigns.none()
    campaigns = campaigns.annotate(
        phase_today=Campaign.phase_on(today),
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


def _shipments(campaign: Campaign, page_number: object, today: date) -> dict:
    """The shipments section, each row with its status form."""
    section = reports.shipments(campaign, page_number, today)
    page = section["shipments_page"]
    page.object_list = _shipment_rows(page.object_list, today)
    return section


def _detail_context(request: HttpRequest, campaign: Campaign) -> dict:
    now = timezone.now()
    today = campaign.brand.today(now)
    pages = {section: request.GET.get(f"{section}_page") for section in SECTIONS}
    if "content_item" in request.GET:
        pages["content"] = (
            reports.content_page_of(campaign, request.GET["content_item"]) or pages["content"]
        )
    return {
        "campaign": campaign,
        "today": today,
        "now": now,
        "phase": campaign.phase(today),
        "can_edit": tenancy.can(request.user, campaign.brand_id),
        **reports.participants(campaign, pages["participants"]),
        **reports.content(campaign, pages["content"]),
        **_shipments(campaign, pages["shipments"], today),
        **reports.metrics(campaign, pages["metrics"]),
        **reports.sales(campaign, pages["sales"]),
        **_performance(request, campaign, today),
    }


def _performance(request: HttpRequest, campaign: Campaign, today: date) -> dict:
    """The performance section's report over the chosen days (the campaign's window when
    none are chosen) and the form that chooses them."""
    days = DaysForm(request.GET or None)
    sort = request.GET.get("sort", "")
    report = reports.campaign_report(campaign, today=today, sort=sort, dates=days.chosen())
    return {"performance": report, "performance_days": days}


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
        context.update(reports.participants(campaign, number))
    elif section == "content":
        context.update(reports.content(campaign, number), now=timezone.now())
        context["has_participants"] = campaign.participants.exists()
    elif section == "shipments":
        context.update(_shipments(campaign, number, campaign.brand.today(timezone.now())))
        context["has_participants"] = campaign.participants.exists()
    elif section == "metrics":
        context.update(reports.metrics(campaign, number))
    else:
        context.update(reports.sales(campaign, number))
    return render(request, f"campaigns/_{section}.html", context)


@login_required
def campaign_performance(request: HttpRequest, pk: int) -> HttpResponse:
    """The performance section alone, for sorting its participants in place."""
    campaign = _campaign(request, pk)
    if not request.htmx:
        url = reverse("campaigns:detail", args=[campaign.pk])
        return redirect(f"{url}?{request.GET.urlencode()}#performance")
    context = _performance(request, campaign, campaign.brand.today(timezone.now()))
    return render(request, "campaigns/_performance.html", context)


@login_required
def campaign_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign report: each participant's figures and the campaign's, as CSV."""
    campaign = _campaign(request, pk)
    report = _performance(request, campaign, campaign.brand.today(timezone.now()))["performance"]
    return csv_downloads.download(
        reports.campaign_report_rows(report), f"campaign-{campaign.pk}-report.csv"
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
            _("%(field)s: %(errors)s")
            % {"field": form.fields[name].label or name, "errors": " ".join(errs)}
            for name, errs in form.errors.items()
        )
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Saved."))
        url = reverse("campaigns:detail", args=[campaign.pk])
        return redirect(f"{url}?{urlencode({'content_item': item.pk})}#content-{item.pk}")
    (row,) = reports.content_rows(campaign, reports.content_items(campaign).filter(pk=item.pk))
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
            **reports.content_counts(campaign),
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
    today = campaign.brand.today(timezone.now())
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
    (row,) = _shipment_rows(reports.shipment_queryset(campaign).filter(pk=shipment.pk), today)
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
        messages.success(request, _("Saved “%(campaign)s”.") % {"campaign": campaign})
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
            messages.success(
                request,
                _("Saved %(influencer)s.")
                % {"influencer": participant.contract.partnership.influencer},
            )
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
            messages.success(request, _("Content added to the approval queue."))
        else:
            messages.warning(
                request,
                _("Content added; the disclosure check fails: %(problems)s") % {"problems": result},
            )
        return redirect(reverse("campaigns:detail", args=[campaign.pk]) + f"#content-{item.pk}")
    return render(request, "campaigns/content_form.html", {"form": form, "campaign": campaign})


@login_required
def shipment_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a product-seeding shipment with its items."""
    campaign = _campaign(request, pk)
    brand = campaign.brand
    tenancy.require(request.user, brand)
    data = request.POST if request.method == "POST" else None
    shipment = Shipment(currency=campaign.currency, requested_on=brand.today(timezone.now()))
    form = ShipmentForm(data, instance=shipment, campaign=campaign)
    items = ShipmentItemFormSet(
        data, instance=shipment, prefix="items", form_kwargs={"brand": brand}
    )
    if data is not None and form.is_valid() and items.is_valid():
        with transaction.atomic():
            shipment = form.save()
            items.instance = shipment
            items.save()
        messages.success(request, _("Shipment logged."))
        return redirect(reverse("campaigns:detail", args=[campaign.pk]) + "#shipments")
    return render(
        request,
        "campaigns/shipment_form.html",
        {"form": form, "items": items, "campaign": campaign},
    )
