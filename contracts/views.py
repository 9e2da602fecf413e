from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import roi
from contracts import (
    amendments,
    deals,
    messaging,
    offers,
    periods,
    preview,
    wording,
    workflow,
)
from contracts.forms import (
    KIND_FIELDS,
    METHOD_SECTIONS,
    BoardFilterForm,
    ContractForm,
    DeliverableFormSet,
    JointBrandFormSet,
    PriceFormSet,
    SignedDocumentForm,
    TermFormSet,
    formset_rows,
)
from contracts.models import Acceptance, Contract, Partnership
from influencers.forms import StatusForm
from influencers.models import Influencer
from partnerships import languages, tenancy

BOARD_CARDS_PER_COLUMN = 30
BOARD_COLUMNS = [s for s in Influencer.Status if s != Influencer.Status.BLOCKED]
# The preview form shows the common numbers first, the rest folded away.
_PREVIEW_MAIN = {
    "period_start", "period_end", "net_sales", "confirmed_orders", "views_per_item",
    "published_items", "wholesale_purchases", "joint_brand_sales", "days_late_per_item",
}  # fmt: skip


def _preview_fields(contract: Contract, terms: list) -> dict:
    """The preview form's fields this contract's terms are priced on, with the period it is
    in today (or its first) filled in."""
    used = preview.inputs_for(contract, terms)
    today = contract.partnership.brand.today(timezone.now())
    if contract.start:
        today = min(max(today, contract.start), contract.end or today)
    period = periods.contract_period(contract, today) if contract.start else None
    values = {"period_start": period.start, "period_end": period.end} if period else {}
    fields = [(*f, values.get(f[0])) for f in preview.FORM_FIELDS if f[0] in used]
    return {
        "main": [f for f in fields if f[0] in _PREVIEW_MAIN],
        "more": [f for f in fields if f[0] not in _PREVIEW_MAIN],
    }


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Influencers in columns by pipeline status, found by name and partnership owner; a card
    moves with a status change and shows the next meeting and the open next steps."""
    brand = tenancy.current_brand(request)
    can_edit = tenancy.can(request.user, brand)
    if request.method == "POST":
        tenancy.require(request.user, brand)
        influencer = tenancy.get_for_user(Influencer, request.user, request.POST.get("influencer"))
        form = StatusForm(request.POST, instance=influencer)
        if form.is_valid():
            form.save()
        else:
            messages.error(
                request,
                _("%(influencer)s: %(error)s")
                % {"influencer": influencer, "error": form.errors["status"][0]},
            )
    filters = BoardFilterForm(request.GET, brand=brand)
    influencers = tenancy.scope_to_brand(Influencer.objects.all(), brand)
    if filters.is_valid():
        influencers = filters.filter(influencers)
    else:
        messages.error(request, filters.problem())
    counts = dict(
        influencers.values_list("status").annotate(n=Count("pk", distinct=True)).order_by()
    )
    partnerships = Prefetch("partnerships", queryset=Partnership.objects.with_meeting_figures())
    contracts = Prefetch(
        "partnerships__contracts",
        queryset=Contract.objects.only("pk", "title", "status", "method", "partnership_id"),
    )
    columns = [
        (
            status,
            counts.get(status.value, 0),
            list(
                influencers.filter(status=status)
                .order_by("-updated_at", "name")
                .prefetch_related(partnerships, contracts)[:BOARD_CARDS_PER_COLUMN]
            ),
        )
        for status in BOARD_COLUMNS
    ]
    unread = messaging.unread_counts(
        tenancy.scope_to_brand(Partnership.objects.all(), brand), reader=messaging.Side.BRAND
    )
    for _status, _total, cards in columns:
        for influencer in cards:
            for partnership in influencer.partnerships.all():
                partnership.unread = unread.get(partnership.pk, 0)
    template = "contracts/_board.html" if request.htmx else "contracts/board.html"
    return render(
        request,
        template,
        {
            "columns": columns,
            "can_edit": can_edit,
            "statuses": BOARD_COLUMNS,
            "filters": filters,
            "today": brand.today(timezone.now()),
        },
    )


def _contract(request: HttpRequest, pk: int) -> Contract:
    return tenancy.get_for_user(
        Contract.objects.select_related("partnership__influencer", "partnership__brand"),
        request.user,
        pk,
    )


@login_required
@languages.printable
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    terms = list(contract.terms.select_related("product"))
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "contract": contract,
            "terms": [(term, wording.describe(term, contract=contract)) for term in terms],
            "conditions": wording.describe_contract(contract),
            "deliverables": contract.deliverables.all(),
            "prices": contract.prices.select_related("product").annotate(
                margin=F("product__retail_price") - F("price")
            ),
            "joint_brand": getattr(contract, "joint_brand", None),
            "acceptance": Acceptance.objects.filter(contract=contract)
            .select_related("accepted_by")
            .first(),
            "thread": contract.messages.select_related("author"),
            "amendments": amendments.amendments(contract),
            "next_statuses": [(s, Contract.Status(s).label) for s in workflow.allowed(contract)],
            "can_edit": tenancy.can(request.user, contract.partnership.brand_id),
            "preview_fields": _preview_fields(contract, terms),
            "figures": roi.contract_figures(contract),
        },
    )


@login_required
def contract_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        contract, brand = Contract(), tenancy.current_brand(request)
    else:
        contract = _contract(request, pk)
        brand = contract.partnership.brand
    tenancy.require(request.user, brand)
    data = request.POST if request.method == "POST" else None
    # Defaults for a new contract only: initial values would override a saved contract's own.
    initial = (
        {"influencer": request.GET.get("influencer"), "currency": brand.default_currency}
        if contract.pk is None
        else {}
    )
    form = ContractForm(data, instance=contract, brand=brand, initial=initial)
    sections = {
        "terms": TermFormSet(data, instance=contract, prefix="terms", form_kwargs={"brand": brand}),
        "deliverables": DeliverableFormSet(data, instance=contract, prefix="deliverables"),
        "prices": PriceFormSet(
            data, instance=contract, prefix="prices", form_kwargs={"brand": brand}
        ),
        "joint_brand": JointBrandFormSet(
            data, instance=contract, prefix="joint_brand", form_kwargs={"brand": brand}
        ),
    }
    if data is not None and form.is_valid():
        used = METHOD_SECTIONS[Contract.Method(form.cleaned_data["method"])]
        if all(sections[name].is_valid() for name in used):
            try:
                contract = deals.save_contract(
                    contract=form.instance,
                    rows={name: formset_rows(sections[name]) for name in used},
                    by=request.user,
                    now=timezone.now(),
                )
            except ValidationError as refusal:
                form.add_refusal(refusal)
            else:
                messages.success(request, _("Saved “%(contract)s”.") % {"contract": contract})
                return redirect("contracts:detail", pk=contract.pk)
    return render(
        request,
        "contracts/contract_form.html",
        {
            "form": form,
            "sections": sections,
            "contract": contract,
            "method_sections": {m: sorted(s) for m, s in METHOD_SECTIONS.items()},
            "kind_fields": KIND_FIELDS,
        },
    )


@login_required
@require_POST
def contract_status(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    tenancy.require(request.user, contract.partnership.brand_id)
    try:
        contract = workflow.move(contract, request.POST.get("status", ""), now=timezone.now())
    except ValidationError as error:
        messages.error(request, error.message_dict["status"][0])
    else:
        messages.success(
            request,
            _("“%(contract)s” is now %(status)s.")
            % {"contract": contract, "status": contract.get_status_display().lower()},
        )
    return redirect("contracts:detail", pk=contract.pk)


@login_required
@require_POST
def contract_preview(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    try:
        sample = preview.sample_from_form_data(request.POST)
    except ValueError as error:
        return render(request, "contracts/_preview.html", {"error": str(error)})
    result = preview.preview(contract, list(contract.terms.select_related("product")), sample)
    return render(request, "contracts/_preview.html", {"result": result, "contract": contract})


@login_required
def signed_document(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    if request.method == "POST":
        tenancy.require(request.user, contract.partnership.brand_id)
        form = SignedDocumentForm(request.POST, request.FILES, instance=contract)
        if form.is_valid():
            form.save()
            messages.success(request, _("Signed document uploaded."))
        else:
            messages.error(request, " ".join(form.errors.get("signed_document", [])))
        return redirect("contracts:detail", pk=contract.pk)
    if not contract.signed_document:
        raise Http404(_("No signed document uploaded."))
    return FileResponse(contract.signed_document.open("rb"), as_attachment=True)


@login_required
@require_POST
def contract_message(request: HttpRequest, pk: int) -> HttpResponse:
    """The brand's answer in the offer's thread, which the influencer reads in the portal."""
    contract = _contract(request, pk)
    tenancy.require(request.user, contract.partnership.brand_id)
    try:
        offers.write(
            contract,
            by=request.user,
            body=request.POST.get("body", ""),
            now=timezone.now(),
            from_influencer=False,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Message sent to the influencer."))
    return redirect(reverse("contracts:detail", args=[contract.pk]) + "#offer-thread")
