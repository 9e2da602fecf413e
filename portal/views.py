"""The creator portal's pages: the creator's own rows only (portal.access), every change made
through the same functions the brand's pages use."""

from collections.abc import Callable
from datetime import date, datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from campaigns import approval, shipping
from campaigns.models import ContentComment, ContentItem, Participant, Shipment
from contracts import invoices, offers, statement_export
from contracts.models import Contract, PayoutDetails, Statement
from influencers.models import Influencer
from partnerships import csv_downloads, tenancy
from portal import access, invitations
from portal import home as creator_home
from portal.access import creator_required
from portal.forms import (
    AcceptForm,
    DraftForm,
    MessageForm,
    NewPasswordForm,
    PayoutDetailsForm,
    PublishForm,
    ResubmitForm,
)

Status = ContentItem.Status


def _today() -> date:
    # A creator works with brands in several zones; the site's own zone is theirs here.
    return timezone.localdate()


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- the brand's side: inviting ------------------------------------------------------------------


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """An owner or manager invites the influencer into the portal by e-mail."""
    influencer = tenancy.get_for_user(Influencer, request.user, pk)
    tenancy.require(request.user, influencer.brand_id)
    email = request.POST.get("email", "").strip() or influencer.contact_email
    try:
        if not email:
            raise ValidationError(_("E-mail: give the address to send the invitation to."))
        validate_email(email)
        invitations.invite(influencer, email=email, by=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        days = settings.PORTAL_INVITATION_DAYS
        messages.success(
            request,
            ngettext(
                "Invitation sent to %(email)s; the link works once, for %(days)d day.",
                "Invitation sent to %(email)s; the link works once, for %(days)d days.",
                days,
            )
            % {"email": email, "days": days},
        )
    return redirect(reverse("influencers:detail", args=[influencer.pk]) + "#portal")


# --- joining -----------------------------------------------------------------------------------


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: set a password, or (already signed in, or with a sign-in for
    another brand) add this brand's record to one's sign-in."""
    now = timezone.now()
    try:
        invite = invitations.find(token, now=now)
    except ValidationError as error:
        return render(request, "portal/invitation.html", {"refusal": _errors(error)}, status=410)
    existing = invitations.existing_account(invite)
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            return _redeem(request, token, user=request.user)
    elif existing is None:
        form = NewPasswordForm(request.POST or None, email=invite.email)
        if request.method == "POST" and form.is_valid():
            return _redeem(request, token, password=form.cleaned_data["password1"])
    context = {"invite": invite, "form": form, "existing": existing, "token": token}
    return render(request, "portal/invitation.html", context)


def _redeem(request: HttpRequest, token: str, **who) -> HttpResponse:
    try:
        link = invitations.redeem(token, now=timezone.now(), **who)
    except ValidationError as error:
        return render(request, "portal/invitation.html", {"refusal": _errors(error)}, status=410)
    if not request.user.is_authenticated:
        login(request, link.user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Welcome: you now see your work with %(brand)s.") % {"brand": link.influencer.brand},
    )
    return redirect("portal:home")


# --- home --------------------------------------------------------------------------------------


@creator_required
def home(request: HttpRequest) -> HttpResponse:
    today = _today()
    return render(
        request,
        "portal/home.html",
        {"home": creator_home.home(request.user), "today": today},
    )


# --- offers and contracts ----------------------------------------------------------------------


@creator_required
def contract_list(request: HttpRequest) -> HttpResponse:
    contracts = (
        access.scope(Contract.objects.all(), request.user)
        .exclude(status=Contract.Status.DRAFT)
        .select_related("partnership__brand")
        .order_by("-start", "pk")
    )
    return render(request, "portal/contract_list.html", {"contracts": contracts})


def _contract(request: HttpRequest, pk: int) -> Contract:
    contracts = access.scope(Contract.objects.all(), request.user).exclude(
        status=Contract.Status.DRAFT
    )
    return access.get_for_creator(
        contracts.select_related("partnership__brand", "partnership__influencer"),
        request.user,
        pk,
    )


@creator_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    return _contract_page(request, contract)


def _contract_page(request: HttpRequest, contract: Contract, **extra) -> HttpResponse:
    summary = offers.terms_summary(contract)
    context = {
        "contract": contract,
        "summary": summary,
        "accept_form": AcceptForm(initial={"terms_sha256": offers.summary_digest(summary)}),
        "message_form": MessageForm(),
        "may_answer": offers.may_answer(contract),
        "acceptance": getattr(contract, "acceptance", None),
        "thread": contract.messages.select_related("author"),
        "deliverables": contract.deliverables.all(),
        **extra,
    }
    return render(request, "portal/contract_detail.html", context)


def _client_ip(request: HttpRequest) -> str | None:
    # Behind the proxy (SECURE_PROXY_SSL_HEADER) REMOTE_ADDR is the proxy; the first
    # forwarded address is the person's.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR")


@creator_required
@require_POST
def contract_accept(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    form = AcceptForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(offers.STALE)
        offers.accept(
            contract,
            by=request.user,
            shown_sha256=form.cleaned_data["terms_sha256"],
            ip_address=_client_ip(request),
            now=timezone.now(),
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request, _("You accepted “%(contract)s”. It is now signed.") % {"contract": contract}
        )
    return redirect("portal:contract", pk=contract.pk)


@creator_required
@require_POST
def contract_changes(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        offers.write(
            contract,
            by=request.user,
            body=form.cleaned_data["body"],
            now=timezone.now(),
            from_influencer=True,
        )
        messages.success(request, _("Sent to %(brand)s.") % {"brand": contract.partnership.brand})
        return redirect(reverse("portal:contract", args=[contract.pk]) + "#thread")
    return _contract_page(request, contract, message_form=form)


# --- deliverables and content ------------------------------------------------------------------


@creator_required
def content_list(request: HttpRequest) -> HttpResponse:
    items = (
        access.scope(ContentItem.objects.all(), request.user)
        .select_related("participant__campaign__brand", "deliverable")
        .order_by("-submitted_at", "pk")
    )
    return render(
        request,
        "portal/content_list.html",
        {"deliverables": creator_home.open_deliverables(request.user), "items": items[:100]},
    )


@creator_required
def deliverable_submit(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = access.get_for_creator(
        creator_home.open_deliverables(request.user), request.user, pk
    )
    participant = (
        Participant.objects.filter(contract_id=deliverable.contract_id)
        .select_related("campaign", "contract")
        .order_by("-campaign__start", "pk")
        .first()
    )
    form = DraftForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and participant is not None and form.is_valid():
        item = form.save(commit=False)
        item.participant, item.deliverable = participant, deliverable
        item.content_type, item.platform = deliverable.content_type, deliverable.platform
        try:
            approval.submit(item, by=request.user, now=timezone.now(), as_influencer=True)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Submitted: the brand reviews it next."))
            return redirect("portal:content", pk=item.pk)
    return render(
        request,
        "portal/deliverable_submit.html",
        {"deliverable": deliverable, "participant": participant, "form": form},
    )


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


def _refused(
    request: HttpRequest, item: ContentItem, form: forms.Form, error: ValidationError
) -> HttpResponse | None:
    """A refused move: what the creator typed wrong next to its field; a move that may not be
    made now (status) as a message on the item's page."""
    if "status" in error.message_dict:
        messages.error(request, " ".join(error.message_dict["status"]))
        return redirect("portal:content", pk=item.pk)
    _form_errors(form, error)
    return None


def _item(request: HttpRequest, pk: int) -> ContentItem:
    return access.get_for_creator(
        ContentItem.objects.select_related(
            "participant__campaign__brand", "participant__contract", "deliverable"
        ),
        request.user,
        pk,
    )


@creator_required
def content_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    return _content_page(request, item)


def _content_page(request: HttpRequest, item: ContentItem, **forms) -> HttpResponse:
    context = {
        "item": item,
        "thread": ContentComment.objects.filter(content=item).select_related("author"),
        "resubmit_form": forms.get("resubmit_form")
        or ResubmitForm(initial={"caption": item.caption, "url": item.url}),
        "publish_form": forms.get("publish_form") or PublishForm(initial={"url": item.url}),
        "message_form": forms.get("message_form") or MessageForm(),
        "may_resubmit": item.status == Status.CHANGES_REQUESTED,
        "may_publish": Status.PUBLISHED in approval.allowed(item),
    }
    return render(request, "portal/content_detail.html", context)


@creator_required
@require_POST
def content_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    form = ResubmitForm(request.POST)
    return _creator_move(
        request, pk, form, Status.SUBMITTED, _("Resubmitted: the brand reviews it again."),
        lambda data, now: {"caption": data["caption"], "url": data["url"] or None},
    )  # fmt: skip


@creator_required
@require_POST
def content_publish(request: HttpRequest, pk: int) -> HttpResponse:
    form = PublishForm(request.POST)
    return _creator_move(
        request, pk, form, Status.PUBLISHED, _("Marked published."),
        lambda data, now: {"published_at": now, "url": data["url"]},
    )  # fmt: skip


def _creator_move(
    request: HttpRequest,
    pk: int,
    form: forms.Form,
    to: str,
    done: str,
    given: Callable[[dict, datetime], dict],
) -> HttpResponse:
    """Move the creator's item to `to` with what the form gives (`given(cleaned_data, now)`):
    back to its page with `done`, or the page again with why not."""
    item = _item(request, pk)
    if form.is_valid():
        now = timezone.now()
        try:
            approval.move(
                item, to, by=request.user, now=now, as_influencer=True,
                **given(form.cleaned_data, now),
            )  # fmt: skip
        except ValidationError as error:
            if refused := _refused(request, item, form, error):
                return refused
        else:
            messages.success(request, done)
            return redirect("portal:content", pk=item.pk)
    name = "resubmit_form" if to == Status.SUBMITTED else "publish_form"
    return _content_page(request, item, **{name: form})


@creator_required
@require_POST
def content_reply(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        approval.comment(item, by=request.user, body=form.cleaned_data["body"], as_influencer=True)
        return redirect(reverse("portal:content", args=[item.pk]) + "#thread")
    return _content_page(request, item, message_form=form)


# --- shipments ---------------------------------------------------------------------------------


@creator_required
def shipment_list(request: HttpRequest) -> HttpResponse:
    shipments = (
        access.scope(Shipment.objects.all(), request.user)
        .select_related("participant__campaign__brand")
        .prefetch_related("items__product")
        .order_by("-requested_on", "pk")
    )
    return render(request, "portal/shipment_list.html", {"shipments": shipments[:100]})


@creator_required
@require_POST
def shipment_received(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = access.get_for_creator(
        Shipment.objects.select_related("participant__campaign__brand"), request.user, pk
    )
    today = shipment.participant.campaign.brand.today(timezone.now())
    try:
        shipping.move(shipment, Shipment.Status.DELIVERED, on=today, today=today)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Thanks: the brand sees that it arrived."))
    return redirect("portal:shipments")


# --- money -------------------------------------------------------------------------------------


@creator_required
def money(request: HttpRequest) -> HttpResponse:
    statements = (
        creator_home.visible_statements(request.user)
        .select_related("contract__partnership__brand")
        .order_by("-period_start", "pk")
    )
    records = (
        access.influencers_of(request.user)
        .select_related("brand", "payout_details")
        .order_by("brand__name")
    )
    return render(
        request,
        "portal/money.html",
        {
            "statements": statements[:100],
            "year_to_date": creator_home.paid_this_year(request.user, _today()),
            "records": records,
            "year": _today().year,
        },
    )


def _statement(request: HttpRequest, pk: int) -> Statement:
    return access.get_for_creator(
        creator_home.visible_statements(request.user).select_related(
            "contract__partnership__brand", "contract__partnership__influencer"
        ),
        request.user,
        pk,
    )


@creator_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    return render(
        request,
        "portal/statement_detail.html",
        {"statement": statement, "lines": statement.lines.order_by("position", "pk")},
    )


@creator_required
def statement_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    statement = _statement(request, pk)
    rows = statement_export.csv_rows(Statement.objects.filter(pk=statement.pk))
    filename = f"statement-{statement.pk}-{statement.period_start:%Y-%m-%d}.csv"
    return csv_downloads.download(rows, filename)


@creator_required
def statement_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    context = {
        "invoice": invoices.invoice(statement),
        "back_url": reverse("portal:statement", args=[statement.pk]),
    }
    return render(request, "contracts/statement_invoice.html", context)


@creator_required
def payout_details(request: HttpRequest, pk: int) -> HttpResponse:
    """How one brand pays the creator (pk: the creator's influencer record of that brand)."""
    influencer = access.get_for_creator(
        Influencer.objects.select_related("brand"), request.user, pk
    )
    details = PayoutDetails.objects.filter(influencer=influencer).first()
    form = PayoutDetailsForm(
        request.POST or None, instance=details or PayoutDetails(influencer=influencer)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, _("Payout details for %(brand)s saved.") % {"brand": influencer.brand}
        )
        return redirect("portal:money")
    context = {"influencer": influencer, "form": form, "method_fields": PayoutDetails.FIELDS}
    return render(request, "portal/payout_details.html", context)
