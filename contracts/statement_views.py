"""The statement pages: the list with filters and totals per currency, one statement with the
rows each line came from, approving and marking paid in place, and the CSV exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts import invoices, payout_files, payouts, statement_export
from contracts.forms import PaymentForm, StatementFilterForm
from contracts.models import PayoutDetails, Statement
from partnerships import csv_downloads, languages, tenancy

PAGE_SIZE = 25
# Source rows of each kind shown under a line; the CSV export has all of them.
SOURCE_ROWS_SHOWN = 10
Status = Statement.Status


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    """The current brand's statements, filtered, with totals per currency of the whole
    filtered set."""
    brand = tenancy.current_brand(request)
    form = StatementFilterForm(request.GET, brand=brand)
    statements = tenancy.scope_to_brand(Statement.objects.all(), brand)
    statements = form.filter(statements) if form.is_valid() else statements.none()
    rows = statements.select_related("contract__partnership__influencer").order_by(
        "-period_start", "contract__partnership__influencer__name", "pk"
    )
    template = (
        "contracts/_statement_results.html" if request.htmx else "contracts/statement_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "totals": _totals(statements),
            "period": form.cleaned_data.get("period") if form.is_valid() else None,
        },
    )


def _totals(statements: QuerySet[Statement]) -> QuerySet:
    """Per currency: how many statements, their total, what awaits payment and what was paid."""
    return (
        statements.order_by("currency")
        .values("currency")
        .annotate(
            count=Count("pk"),
            amount=Sum("total"),
            to_pay=Sum("total", filter=Q(status=Status.APPROVED, payable=True), default=0),
            paid=Sum("total", filter=Q(status=Status.PAID), default=0),
        )
    )


def _statement(request: HttpRequest, pk: int) -> Statement:
    return tenancy.get_for_user(
        Statement.objects.select_related(
            "contract__partnership__influencer", "contract__partnership__brand", "approved_by"
        ),
        request.user,
        pk,
    )


def _actions(
    request: HttpRequest, statement: Statement, payment_form: PaymentForm | None = None
) -> dict:
    """What the approve and mark-paid panel shows for this user."""
    brand = statement.contract.partnership.brand
    may_approve = payouts.may_approve(request.user, brand)
    payable_now = statement.status == Status.APPROVED and statement.payable
    if payment_form is None and may_approve and payable_now:
        payment_form = PaymentForm(initial={"paid_on": brand.today(timezone.now())})
    return {
        "statement": statement,
        "may_approve": may_approve,
        "approval_refusal": (
            payouts.approval_refusal(statement)
            if may_approve and statement.status == Status.DRAFT
            else None
        ),
        "payment_form": payment_form if may_approve and payable_now else None,
        # Whom to pay how: the influencer's payout details, for finance and owners only.
        "payout_details": (
            PayoutDetails.objects.filter(
                influencer_id=statement.contract.partnership.influencer_id
            ).first()
            if may_approve and payable_now
            else None
        ),
    }


@login_required
@languages.printable
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    return render(
        request,
        "contracts/statement_detail.html",
        {
            **_actions(request, statement),
            "lines": statement_export.traced_lines(statement, cap=SOURCE_ROWS_SHOWN),
            "shown": SOURCE_ROWS_SHOWN,
        },
    )


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    try:
        payouts.approve(statement, user=request.user, now=timezone.now())
    except ValidationError as error:
        return _answer(request, statement, error=error.messages[0])
    return _answer(request, _statement(request, pk), done=_("Approved."))


@login_required
@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    brand = statement.contract.partnership.brand
    # Checked before the form: someone who may not pay gets a refusal, not field errors.
    tenancy.require(request.user, brand, payouts.APPROVE_ROLES)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payouts.mark_paid(
                statement,
                user=request.user,
                reference=form.cleaned_data["reference"],
                paid_on=form.cleaned_data["paid_on"],
                today=brand.today(timezone.now()),
            )
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else NON_FIELD_ERRORS, field_messages)
        else:
            return _answer(request, _statement(request, pk), done=_("Marked paid."))
    if not request.htmx:
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("contracts:statement", pk=statement.pk)
    return render(request, "contracts/_statement_actions.html", _actions(request, statement, form))


def _answer(
    request: HttpRequest, statement: Statement, *, done: str = "", error: str = ""
) -> HttpResponse:
    """The refreshed panel for an HTMX click; otherwise back to the page with a message."""
    if request.htmx:
        context = {**_actions(request, statement), "done": done, "error": error}
        return render(request, "contracts/_statement_actions.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("contracts:statement", pk=statement.pk)


@login_required
def statement_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """One statement's lines, each followed by the sales, content items and orders it came
    from."""
    statement = _statement(request, pk)
    rows = statement_export.csv_rows(Statement.objects.filter(pk=statement.pk))
    return csv_downloads.download(
        rows, f"statement-{statement.pk}-{statement.period_start:%Y-%m-%d}.csv"
    )


@login_required
@languages.printable
def statement_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    """The statement printed as a self-billed invoice."""
    statement = _statement(request, pk)
    back_url = reverse("contracts:statement", args=[statement.pk])
    context = {"invoice": invoices.invoice(statement), "back_url": back_url}
    return render(request, "contracts/statement_invoice.html", context)


# The bulk formats of the payment batch, by `format=`: (file suffix, rows).
BATCH_FORMATS = ("csv", "paypal", "wise")


@login_required
def payment_batch(request: HttpRequest) -> HttpResponse:
    """The current brand's approved, payable statements (of one month's periods, if given):
    the plain CSV with payout details, or with format=paypal (and currency=, one a file) or
    format=wise the providers' bulk files. Finance and owners only, as it holds accounts."""
    brand = tenancy.current_brand(request)
    tenancy.require(request.user, brand, payouts.APPROVE_ROLES)
    form = StatementFilterForm(request.GET, brand=brand)
    if not form.is_valid():
        return HttpResponseBadRequest(
            " ".join(m for errors in form.errors.values() for m in errors)
        )
    month = form.cleaned_data["period"]
    statements = payouts.payment_batch(brand, month)
    suffix = f"{month:%Y-%m}" if month else "all"
    kind = request.GET.get("format", "csv")
    if kind not in BATCH_FORMATS:
        return HttpResponseBadRequest(
            _("format: choose one of %(formats)s.") % {"formats": ", ".join(BATCH_FORMATS)}
        )
    if kind == "wise":
        rows = payout_files.wise_rows(statements, brand.default_currency)
        return csv_downloads.download(rows, f"{brand.slug}-wise-batch-{suffix}.csv")
    if kind == "paypal":
        currencies = payout_files.paypal_currencies(statements)
        currency = request.GET.get("currency") or (currencies[0] if len(currencies) == 1 else "")
        if currency not in currencies:
            listed = ", ".join(currencies) or "none in this batch"
            return HttpResponseBadRequest(
                _("currency: PayPal takes one currency a file; choose one of: %(listed)s.")
                % {"listed": listed}
            )
        rows = payout_files.paypal_rows(statements, currency)
        # PayPal reads the first cell as the recipient: no byte-order mark before it.
        filename = f"{brand.slug}-paypal-payouts-{suffix}-{currency}.csv"
        return csv_downloads.download(rows, filename, bom=False)
    return csv_downloads.download(
        statement_export.batch_rows(statements), f"{brand.slug}-payments-{suffix}.csv"
    )
