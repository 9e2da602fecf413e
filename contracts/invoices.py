"""A statement printed as a self-billed invoice: the brand, as the customer, issues the invoice
for the influencer's services on the influencer's behalf. Both parties' names, addresses and
tax identifiers (the influencer's from their payout details), the period, every line in plain
words and the total."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts import payouts
from contracts.models import PayoutDetails, Statement, StatementLine

NOTE = _(
    "Self-billed invoice: issued by the customer on behalf of the supplier, under the "
    "self-billing agreement in their contract. The supplier accounts for any tax due on it."
)


@dataclass(frozen=True)
class Party:
    name: str
    address: str
    tax_id: str


@dataclass(frozen=True)
class Invoice:
    number: str
    statement: Statement
    supplier: Party
    customer: Party
    lines: list[StatementLine]
    note: str = NOTE

    @property
    def period_last_day(self) -> date:
        return payouts.last_day(self.statement)

    @property
    def issued_on(self) -> date | None:
        """The day the brand approved the statement, in the brand's time zone."""
        approved = self.statement.approved_at
        tz = self.statement.contract.partnership.brand.timezone
        return timezone.localdate(approved, tz) if approved else None


def number(statement: Statement) -> str:
    """SB-<brand>-<statement id>: one number per statement, never reused."""
    return f"SB-{statement.contract.partnership.brand.slug.upper()}-{statement.pk:06d}"


def invoice(statement: Statement) -> Invoice:
    """The invoice of a statement read with its contract's partnership, brand and influencer
    (select_related); two queries, for the payout details and the lines."""
    partnership = statement.contract.partnership
    brand, influencer = partnership.brand, partnership.influencer
    details = PayoutDetails.objects.filter(influencer=influencer).first()
    return Invoice(
        number=number(statement),
        statement=statement,
        supplier=Party(
            name=(details.account_holder if details else "") or influencer.name,
            address=details.address if details else "",
            tax_id=details.tax_id if details else "",
        ),
        customer=Party(
            name=brand.legal_name or brand.name, address=brand.address, tax_id=brand.tax_id
        ),
        lines=list(statement.lines.order_by("position", "pk")),
    )
