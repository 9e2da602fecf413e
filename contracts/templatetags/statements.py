from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from contracts import payouts, wording
from contracts.models import Statement, StatementLine
from partnerships import formatting

register = template.Library()

Kind = StatementLine.Kind
# Decimals shown of a line's rate: of its percentage, or of the plain number.
SHOWN_PLACES = 4
# Lines whose rate is a fraction of a base, and lines whose rate is an amount per unit; any
# other line (a clawback reverses either kind) shows its rate as a plain number.
FRACTION_RATE_KINDS = frozenset(
    {Kind.COMMISSION, Kind.REVENUE_SHARE, Kind.REBATE, Kind.LATE_CONFIRMATION}
)
PER_UNIT_RATE_KINDS = frozenset(
    {
        Kind.FLAT_FEE,
        Kind.PER_DELIVERABLE,
        Kind.CPM,
        Kind.CPA,
        Kind.BONUS,
        Kind.LATE_DELIVERY,
        Kind.LATE_PAYMENT,
    }
)


@register.filter
def period(statement: Statement) -> str:
    """The statement's period as people say it, in the reader's language: "1–30 Nov 2026",
    "1 Oct – 31 Dec 2026"."""
    start, last = statement.period_start, payouts.last_day(statement)
    if start.year != last.year:
        return _("%(start)s – %(last)s") % {
            "start": formatting.format_date(start),
            "last": formatting.format_date(last),
        }
    if start.month != last.month:
        day_and_month = pgettext("the date format of a day and its month", "j M")
        return pgettext("a period within one year", "%(start)s – %(last)s") % {
            "start": formats.date_format(start, day_and_month),
            "last": formatting.format_date(last),
        }
    return pgettext("a period within one month", "%(first_day)s–%(last)s") % {
        "first_day": start.day,
        "last": formatting.format_date(last),
    }


@register.filter
def described(line: StatementLine) -> str:
    """What the line pays for, in the reader's language."""
    return wording.line_text(line)


@register.filter
def problem(statement: Statement) -> str:
    """Why settlement could not price the statement, in the reader's language."""
    return wording.problem_text(statement)


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """$1,500.00, ¥150,000, -$10.00; "—" for none."""
    return "—" if amount is None else formatting.format_money(amount, currency)


@register.filter
def count(value: Decimal | int | None) -> str:
    """1,000 views, 2.5 days; "—" for none."""
    return "—" if value is None else formatting.format_count(value)


@register.filter
def line_quantity(line: StatementLine, currency: str) -> str:
    """What a line counted: the sales base of a commission-like line as money, otherwise items,
    views or days."""
    if line.quantity is not None and line.kind in FRACTION_RATE_KINDS:
        return formatting.format_money(line.quantity, currency)
    return count(line.quantity)


@register.filter
def line_rate(line: StatementLine, currency: str) -> str:
    """A line's rate: 8% for commission-like lines, $150.00 per unit for fees. The stored rate
    is exact (an effective rate may have dozens of digits); the page shows 4 places of a
    percent."""
    if line.rate is None:
        return "—"
    if line.kind in FRACTION_RATE_KINDS:
        return formatting.format_rate(line.rate, places=SHOWN_PLACES)
    if line.kind in PER_UNIT_RATE_KINDS:
        return formatting.format_money(line.rate, currency)
    return formatting.format_count(line.rate.quantize(Decimal(1).scaleb(-SHOWN_PLACES)))
