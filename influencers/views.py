from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import reports
from influencers import audience, risks, scoring, tasks
from influencers import personal_data as personal_data_files
from influencers.forms import (
    CloseRiskForm,
    InfluencerFilterForm,
    InfluencerForm,
    RiskForm,
    SocialAccountFormSet,
    StatusForm,
    TargetAudienceForm,
)
from influencers.models import Influencer, RiskAssessment
from partnerships import audit, csv_downloads, tenancy

PAGE_SIZE = 25
CSV_COLUMNS = [
    "name",
    "status",
    "country",
    "tier",
    "followers",
    "engagement_rate",
    "fit_score",
    "accounts",
]


@login_required
def influencer_list(request: HttpRequest) -> HttpResponse:
    brand = tenancy.current_brand(request)
    form = InfluencerFilterForm(request.GET)
    influencers = tenancy.scope_to_brand(Influencer.objects.all(), brand)
    influencers = form.filter(influencers) if form.is_valid() else influencers.none()
    influencers = influencers.prefetch_related("accounts")
    if request.GET.get("export") == "csv":
        return _influencers_csv(influencers, brand.slug)
    page = Paginator(influencers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "influencers/influencer_list.html",
        {
            "form": form,
            "page": page,
            "can_edit": tenancy.can(request.user, brand),
            "target_set": any(
                [
                    brand.target_countries,
                    brand.target_age_bands,
                    brand.target_genders,
                    brand.target_niches,
                ]
            ),
        },
    )


def _influencers_csv(influencers, slug: str) -> StreamingHttpResponse:
    return csv_downloads.download(_influencer_rows(influencers), f"{slug}-influencers.csv")


def _influencer_rows(influencers) -> Iterator[list]:
    yield CSV_COLUMNS
    for row in influencers:
        accounts = "; ".join(f"{a.platform}:{a.handle}" for a in row.accounts.all())
        yield [
            row.name,
            row.status,
            row.country,
            row.tier.value,
            row.followers,
            row.engagement_rate,
            row.fit_score,
            accounts,
        ]


@login_required
def influencer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    influencer = tenancy.get_for_user(
        Influencer.objects.select_related("brand").prefetch_related(
            "accounts", "risks__owner", "risks__closed_by", "partnerships__contracts"
        ),
        request.user,
        pk,
    )
    accounts = list(influencer.accounts.all())
    can_edit = tenancy.can(request.user, influencer.brand_id)
    risk_rows = [
        (risk, RiskForm(instance=risk, brand=influencer.brand, prefix=f"risk-{risk.pk}"))
        for risk in influencer.risks.all()
    ]
    return render(
        request,
        "influencers/influencer_detail.html",
        {
            "influencer": influencer,
            "fit": scoring.explained(influencer),
            "accounts": [
                (a, scoring.audience_quality_hint(a.followers, a.engagement_rate)) for a in accounts
            ],
            "audience": audience.combine([(a.followers, a.audience) for a in accounts]),
            "status_form": StatusForm(instance=influencer),
            "can_edit": can_edit,
            "is_owner": tenancy.can(request.user, influencer.brand_id, tenancy.OWNER_ROLES),
            "performance": reports.influencer_contracts(influencer),
            "risks": risk_rows,
            "today": influencer.brand.today(timezone.now()),
            "risk_form": RiskForm(brand=influencer.brand, prefix="risk") if can_edit else None,
        },
    )


@login_required
def influencer_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        influencer, brand = Influencer(), tenancy.current_brand(request)
    else:
        influencer = tenancy.get_for_user(
            Influencer.objects.select_related("brand"), request.user, pk
        )
        brand = influencer.brand
    tenancy.require(request.user, brand)
    data = request.POST if request.method == "POST" else None
    form = InfluencerForm(data, instance=influencer, brand=brand)
    accounts = SocialAccountFormSet(data, instance=influencer, form_kwargs={"brand": brand})
    if data is not None and form.is_valid() and accounts.is_valid():
        with transaction.atomic():
            influencer = form.save()
            accounts.instance = influencer
            accounts.save()
            scoring.rescore(Influencer.objects.filter(pk=influencer.pk))
        messages.success(request, _("Saved %(influencer)s.") % {"influencer": influencer})
        return redirect("influencers:detail", pk=influencer.pk)
    return render(
        request,
        "influencers/influencer_form.html",
        {"form": form, "accounts": accounts, "influencer": influencer},
    )


@login_required
@require_POST
def influencer_status(request: HttpRequest, pk: int) -> HttpResponse:
    influencer = tenancy.get_for_user(Influencer, request.user, pk)
    tenancy.require(request.user, influencer.brand_id)
    form = StatusForm(request.POST, instance=influencer)
    saved = form.is_valid()
    if saved:
        form.save()
    if not request.htmx:
        if saved:
            messages.success(
                request,
                _("%(influencer)s is now %(status)s.")
                % {"influencer": influencer, "status": influencer.get_status_display()},
            )
        return redirect("influencers:detail", pk=influencer.pk)
    return render(
        request,
        "influencers/_status.html",
        {"influencer": influencer, "status_form": form, "saved": saved, "can_edit": True},
    )


@login_required
def target_audience(request: HttpRequest) -> HttpResponse:
    brand = tenancy.current_brand(request)
    can_edit = tenancy.can(request.user, brand)
    if request.method == "POST":
        tenancy.require(request.user, brand)
    form = TargetAudienceForm(request.POST or None, instance=brand)
    if request.method == "POST" and form.is_valid():
        form.save()
        transaction.on_commit(lambda: tasks.rescore_brand.delay(brand.pk))
        messages.success(request, _("Target audience saved; fit scores are being recalculated."))
        return redirect("influencers:list")
    return render(request, "influencers/target_audience.html", {"form": form, "can_edit": can_edit})


@login_required
@require_POST
def risk_create(request: HttpRequest, pk: int) -> HttpResponse:
    influencer = tenancy.get_for_user(Influencer.objects.select_related("brand"), request.user, pk)
    tenancy.require(request.user, influencer.brand_id)
    risk = RiskAssessment(influencer=influencer)
    form = RiskForm(request.POST, instance=risk, brand=influencer.brand, prefix="risk")
    if _saved(request, form, lambda: risks.save_risk(form.instance)):
        messages.success(
            request, _("Added the %(kind)s risk.") % {"kind": risk.get_kind_display().lower()}
        )
    return _to_risks(influencer.pk)


@login_required
@require_POST
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk(request, pk)
    form = RiskForm(
        request.POST, instance=risk, brand=risk.influencer.brand, prefix=f"risk-{risk.pk}"
    )
    if _saved(request, form, lambda: risks.save_risk(form.instance)):
        messages.success(
            request, _("Saved the %(kind)s risk.") % {"kind": risk.get_kind_display().lower()}
        )
    return _to_risks(risk.influencer_id)


@login_required
@require_POST
def risk_close(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk(request, pk)
    form = CloseRiskForm(request.POST)

    def close() -> None:
        risks.close_risk(
            risk, by=request.user, reason=form.cleaned_data["reason"], now=timezone.now()
        )

    if _saved(request, form, close):
        messages.success(
            request, _("Closed the %(kind)s risk.") % {"kind": risk.get_kind_display().lower()}
        )
    return _to_risks(risk.influencer_id)


def _risk(request: HttpRequest, pk: int) -> RiskAssessment:
    risk = tenancy.get_for_user(
        RiskAssessment.objects.select_related("influencer__brand"), request.user, pk
    )
    tenancy.require(request.user, risk.influencer.brand_id)
    return risk


def _saved(request: HttpRequest, form: Form, save) -> bool:
    """Run `save` when the form is valid; otherwise, or when it refuses, say which field is
    wrong and why. Nothing is changed then."""
    if form.is_valid():
        try:
            save()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return True
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(
                request,
                _("%(field)s: %(error)s") % {"field": label, "error": error} if label else error,
            )
    return False


def _to_risks(influencer_id: int) -> HttpResponse:
    return redirect(reverse("influencers:detail", args=[influencer_id]) + "#risks")


def _owned_influencer(request: HttpRequest, pk: int) -> Influencer:
    influencer = tenancy.get_for_user(Influencer.objects.select_related("brand"), request.user, pk)
    tenancy.require(request.user, influencer.brand_id, tenancy.OWNER_ROLES)
    return influencer


@login_required
def personal_data(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """Everything the brand holds about the influencer, as a JSON or CSV file, for owners."""
    influencer = _owned_influencer(request, pk)
    audit.record(
        audit.Action.PERSONAL_DATA_EXPORTED,
        brand=influencer.brand,
        target=f"Influencer #{influencer.pk}",
        details={"format": file_format},
    )
    filename = f"influencer-{influencer.pk}-personal-data.{file_format}"
    if file_format == "csv":
        return csv_downloads.download(personal_data_files.export_rows(influencer), filename)
    response = JsonResponse(personal_data_files.export(influencer), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def erase_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    """Erase the influencer's personal data, keeping the money records anonymised (owners)."""
    influencer = _owned_influencer(request, pk)
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm: erasing cannot be undone."))
        return redirect("influencers:detail", pk=pk)
    personal_data_files.erase(influencer)
    audit.record(
        audit.Action.PERSONAL_DATA_ERASED, brand=influencer.brand, target=f"Influencer #{pk}"
    )
    messages.success(request, _("Personal data erased; statements and payments are kept."))
    return redirect("influencers:detail", pk=pk)
