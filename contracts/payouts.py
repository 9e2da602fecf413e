"""Approving and paying settlement statements: draft → approved → paid (DESIGN §3, §4).

Only a brand's finance members and owners move a statement, on every page, admin action and
API call. The rules:

- A statement with a problem (settlement could not price its period, e.g. an exchange rate is
  missing) cannot be approved: its lines are incomplete until settlement runs again.
- A contract's statements are approved in period order: a later statement carries the earlier
  one's balance and late-payment interest, which must not change under it.
- A statement that is not payable (negative, or below the contract's minimum payout) may be
  approved. That closes its period; its balance opens the next statement as a carried-forward
  line. It is never marked paid, since nothing is paid out for it, and stays out of payment
  batches.
- Paying needs the payout reference (bank transfer or batch id) and a payment date that is not
  in the future; the date decides late-payment interest on the next statement.
- Approving and paying never change the lines.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts import wording
from contracts.models import Contract, Statement
from partnerships import audit, freshness, tenancy
from partnerships.models import Brand, Role

APPROVE_ROLES = frozenset({Role.OWNER, Role.FINANCE})
REFERENCE_MAX_LENGTH = Statement._meta.get_field("payout_reference").max_length
REFERENCE_MISSING = gettext_lazy("Give the payout reference, e.g. the bank transfer id.")
PAID_ON_MISSING = gettext_lazy("Give the day it was paid.")

Status = Statement.Status


def last_day(statement: Statement) -> date:
    """The last day of the statement's period; periods are stored half-open, [start, end)."""
    return statement.period_end - timedelta(days=1)


def may_approve(user, brand: Brand | int) -> bool:
    """Whether the user's role in the brand lets them approve and pay statements."""
    return tenancy.can(user, brand, APPROVE_ROLES)


def approval_refusal(statement: Statement) -> str | None:
    """Why the statement may not be approved, or None when it may."""
    if statement.status != Status.DRAFT:
        return _("This statement is already %(status)s.") % {
            "status": statement.get_status_display().lower()
        }
    if statement.problem:
        return _("This statement cannot be approved until settlement can price it: %(problem)s") % {
            "problem": wording.problem_text(statement)
        }
    earlier = (
        Statement.objects.filter(
            contract_id=statement.contract_id,
            period_start__lt=statement.period_start,
            status=Status.DRAFT,
        )
        .order_by("period_start")
        .first()
    )
    if earlier is not None:
        return _(
            "The statement for %(start)s – %(last)s is still a draft; approve it first, since "
            "this one carries on from it."
        ) % {
            "start": formats.date_format(earlier.period_start, "d M Y"),
            "last": formats.date_format(last_day(earlier), "d M Y"),
        }
    return None


def payment_refusal(
    statement: Statement, *, reference: str, paid_on: date | None, today: date
) -> dict[str, str]:
    """Why the statement may not be marked paid with this reference and date, by field;
    empty when it may."""
    if statement.status == Status.PAID:
        return {"status": _("This statement is already paid.")}
    if statement.status != Status.APPROVED:
        return {"status": _("Only an approved statement can be marked paid; approve it first.")}
    if not statement.payable:
        return {
            "status": _(
                "This statement is not paid out: its balance is carried forward to the "
                "next statement."
            )
        }
    errors = {}
    if not reference.strip():
        errors["reference"] = str(REFERENCE_MISSING)
    elif len(reference.strip()) > REFERENCE_MAX_LENGTH:
        errors["reference"] = _("At most %(count)d characters.") % {"count": REFERENCE_MAX_LENGTH}
    if paid_on is None:
        errors["paid_on"] = str(PAID_ON_MISSING)
    elif paid_on > today:
        errors["paid_on"] = _("The payment date cannot be in the future.")
    return errors


def approve(statement: Statement, *, user, now: datetime) -> Statement:
    """Approve a draft statement as `user` (finance or owner of its brand) and return it fresh.

    Raises PermissionDenied for another role and ValidationError({"status": why}) when the
    statement may not be approved (see approval_refusal)."""
    tenancy.require(user, tenancy.brand_id_of(statement), APPROVE_ROLES)
    with transaction.atomic():
        statement = _locked(statement)
        if reason := approval_refusal(statement):
            raise ValidationError({"status": reason})
        statement.status = Status.APPROVED
        statement.approved_at = now
        statement.approved_by = user
        statement.save(update_fields=["status", "approved_at", "approved_by"])
        freshness.figures_changed(
            tenancy.brand_id_of(statement), statement.period_start, resolves_reminders=True
        )
        _audit(audit.Action.STATEMENT_APPROVED, statement, user, {})
    return statement


def mark_paid(
    statement: Statement, *, user, reference: str, paid_on: date | None, today: date
) -> Statement:
    """Record that an approved, payable statement was paid, as `user` (finance or owner of its
    brand); `today` is the brand's current day. Returns the statement fresh.

    Raises PermissionDenied for another role and ValidationError by field (status, reference,
    paid_on) when it may not be marked paid (see payment_refusal)."""
    tenancy.require(user, tenancy.brand_id_of(statement), APPROVE_ROLES)
    with transaction.atomic():
        statement = _locked(statement)
        if errors := payment_refusal(statement, reference=reference, paid_on=paid_on, today=today):
            raise ValidationError(errors)
        statement.status = Status.PAID
        statement.paid_on = paid_on
        statement.payout_reference = reference.strip()
        statement.save(update_fields=["status", "paid_on", "payout_reference"])
        freshness.figures_changed(
            tenancy.brand_id_of(statement), statement.period_start, resolves_reminders=True
        )
        details = {"paid_on": paid_on.isoformat(), "reference": statement.payout_reference}
        _audit(audit.Action.STATEMENT_PAID, statement, user, details)
    return statement


def _audit(action: str, statement: Statement, user: Any, details: dict) -> None:
    amount = {"total": str(statement.total), "currency": statement.currency}
    audit.record(
        action,
        brand=tenancy.brand_id_of(statement),
        target=statement,
        user=user,
        details={**amount, **details},
    )


def _locked(statement: Statement) -> Statement:
    # The contract first, as settlement locks it: a draft being recomputed is not approved
    # half-way, and a second click waits here and then finds the statement already moved.
    Contract.objects.select_for_update().filter(pk=statement.contract_id).exists()
    return Statement.objects.select_for_update().get(pk=statement.pk)


def ending_in_month(
    statements: models.QuerySet[Statement], month: date
) -> models.QuerySet[Statement]:
    """Statements whose period ends in the month of `month`: a monthly statement falls in its
    own month, a quarterly one in the quarter's last month."""
    first = month.replace(day=1)
    following = first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)
    # Periods are half-open: one ending on the 1st of the following month ends in this one.
    return statements.filter(period_end__gt=first, period_end__lte=following)


def payment_batch(brand: Brand, month: date | None) -> models.QuerySet[Statement]:
    """What finance has to pay out: the brand's approved, payable statements (of the periods
    ending in `month`, when given), earliest due first."""
    statements = tenancy.scope_to_brand(Statement.objects.all(), brand).filter(
        status=Status.APPROVED, payable=True
    )
    if month is not None:
        statements = ending_in_month(statements, month)
    return statements.select_related("contract__partnership__influencer").order_by(
        models.F("due_date").asc(nulls_last=True), "contract__partnership__influencer__name", "pk"
    )
