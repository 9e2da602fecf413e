"""The month's payment batch in the bulk formats payout providers take, from each influencer's
payout details (docs/payout-files.md cites the layouts):

- PayPal Payouts (a payment file for Payouts Web): no header row; per payout the recipient's
  PayPal e-mail, the amount, the currency, a customer id of at most 30 characters without
  spaces, and a note to the recipient. One currency per file.
- Wise batch payments, the "send by email" template: a header row naming name,
  recipientEmail, paymentReference, receiverType, amountCurrency, amount, sourceCurrency,
  targetCurrency; the amount is fixed in the target currency, so the influencer gets exactly
  the statement's total.

Only statements whose influencer chose that method are in its file; the plain batch CSV lists
every statement with the payout details on file.
"""

from collections.abc import Iterator

from django.db import models

from contracts import payouts
from contracts.models import PayoutDetails, Statement

Method = PayoutDetails.Method
WISE_COLUMNS = [
    "name",
    "recipientEmail",
    "paymentReference",
    "receiverType",
    "amountCurrency",
    "amount",
    "sourceCurrency",
    "targetCurrency",
]
# Wise's payment reference is short; a statement's id fits with room to spare.
WISE_REFERENCE_LENGTH = 18


def _with_method(statements: models.QuerySet[Statement], method: str) -> models.QuerySet:
    return statements.filter(contract__partnership__influencer__payout_details__method=method)


def paypal_currencies(statements: models.QuerySet[Statement]) -> list[str]:
    """The currencies of the batch's PayPal payouts: PayPal takes one currency a file."""
    return sorted(
        set(_with_method(statements, Method.PAYPAL).values_list("currency", flat=True).distinct())
    )


def paypal_rows(statements: models.QuerySet[Statement], currency: str) -> Iterator[list]:
    """One row per statement in `currency` paid by PayPal; no header row."""
    chosen = _with_method(statements, Method.PAYPAL).filter(currency=currency)
    for statement in chosen.select_related(
        "contract__partnership__brand", "contract__partnership__influencer__payout_details"
    ):
        details = statement.contract.partnership.influencer.payout_details
        yield [
            details.account_email,
            statement.total,
            statement.currency,
            f"statement-{statement.pk}",
            _note(statement),
        ]


def wise_rows(statements: models.QuerySet[Statement], source_currency: str) -> Iterator[list]:
    """WISE_COLUMNS, then one row per statement paid by Wise; `source_currency` is what the
    brand pays the batch with."""
    yield WISE_COLUMNS
    chosen = _with_method(statements, Method.WISE)
    for statement in chosen.select_related("contract__partnership__influencer__payout_details"):
        details = statement.contract.partnership.influencer.payout_details
        yield [
            details.account_holder,
            details.account_email,
            f"Statement {statement.pk}"[:WISE_REFERENCE_LENGTH],
            "PRIVATE",
            "target",
            statement.total,
            source_currency,
            statement.currency,
        ]


def _note(statement: Statement) -> str:
    brand = statement.contract.partnership.brand
    period = f"{statement.period_start:%d %b %Y} – {payouts.last_day(statement):%d %b %Y}"
    return f"{brand}: {statement.contract.title}, {period}"
