"""The creator's home page: what is due from them and what is coming to them, across every
brand they work with. A fixed number of queries however many rows there are."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet, Sum

from campaigns.models import ContentItem, Shipment
from contracts.models import Contract, Deliverable, Statement
from portal import access

ACTIVE_CONTRACTS = (Contract.Status.SIGNED, Contract.Status.ACTIVE)
SHOWN = 20


@dataclass(frozen=True)
class Home:
    offers: list[Contract]
    deliverables: list[Deliverable]  # with `.submitted`, items sent for it so far
    to_revise: list[ContentItem]
    to_publish: list[ContentItem]
    payments: list[Statement]
    shipments: list[Shipment]

    @property
    def nothing_due(self) -> bool:
        return not (self.offers or self.deliverables or self.to_revise or self.to_publish)


def home(user) -> Home:
    contracts = access.scope(Contract.objects.all(), user)
    content = access.scope(ContentItem.objects.all(), user).select_related(
        "participant__campaign__brand", "deliverable"
    )
    return Home(
        offers=list(
            contracts.filter(status=Contract.Status.NEGOTIATING)
            .select_related("partnership__brand")
            .order_by("start", "pk")[:SHOWN]
        ),
        deliverables=list(open_deliverables(user)[:SHOWN]),
        to_revise=list(
            content.filter(status=ContentItem.Status.CHANGES_REQUESTED).order_by("submitted_at")[
                :SHOWN
            ]
        ),
        to_publish=list(
            content.filter(status=ContentItem.Status.APPROVED).order_by("approved_at")[:SHOWN]
        ),
        payments=list(
            access.scope(Statement.objects.all(), user)
            .filter(status=Statement.Status.APPROVED, payable=True)
            .select_related("contract__partnership__brand")
            .order_by(F("due_date").asc(nulls_last=True), "pk")[:SHOWN]
        ),
        shipments=list(
            access.scope(Shipment.objects.all(), user)
            .filter(status__in=[*Shipment.WAITING, Shipment.Status.SHIPPED])
            .select_related("participant__campaign__brand")
            .order_by("requested_on", "pk")[:SHOWN]
        ),
    )


def open_deliverables(user) -> QuerySet[Deliverable]:
    """Deliverables of signed and active contracts with fewer items sent than they ask for,
    earliest due first."""
    return (
        access.scope(Deliverable.objects.all(), user)
        .filter(contract__status__in=ACTIVE_CONTRACTS)
        .annotate(submitted=Count("content"))
        .filter(submitted__lt=F("quantity"))
        .select_related("contract__partnership__brand")
        .order_by("due_date", "pk")
    )


def paid_this_year(user, today: date) -> QuerySet:
    """Per currency, what was paid out to the creator since 1 January."""
    return (
        access.scope(Statement.objects.all(), user)
        .filter(status=Statement.Status.PAID, paid_on__gte=today.replace(month=1, day=1))
        .order_by("currency")
        .values("currency")
        .annotate(total=Sum("total"), count=Count("pk"))
    )


def visible_statements(user) -> QuerySet[Statement]:
    """Statements the creator sees: approved and paid ones (a draft is still being computed)."""
    return access.scope(Statement.objects.all(), user).filter(~Q(status=Statement.Status.DRAFT))
