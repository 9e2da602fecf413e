"""Everything that happened between a brand and one influencer, newest first (DESIGN §11).

Each kind of event is a date on some row: a contract's versions and its signing, a campaign
joined, content submitted, approved and published, samples shipped and delivered, statements
approved and paid, meetings, messages and every change to a risk. One UNION query finds a
page of (kind, when, row) across them all; the rows of that page are then read with one query
per model, so a page costs the same number of queries however long the history is.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import ContentItem, Participant, Shipment
from contracts.models import Contract, Meeting, Message, Partnership, Statement
from influencers.models import RiskAssessment
from partnerships.formatting import format_money

PAGE_SIZE = 20

GROUPS = {
    "contracts": _("Contracts"),
    "campaigns": _("Campaigns"),
    "content": _("Content"),
    "shipments": _("Shipments"),
    "statements": _("Statements"),
    "meetings": _("Meetings"),
    "messages": _("Messages"),
    "risks": _("Risks"),
}
# How each kind of event reads, by what happened: a history record's type (+ ~ -), a status.
CONTRACT_VERSIONS = {
    "+": _("Contract “%(title)s” added, status %(status)s"),
    "~": _("Contract “%(title)s” changed, status %(status)s"),
    "-": _("Contract “%(title)s” removed, status %(status)s"),
}
CONTENT = {
    "submitted": _("%(item)s submitted for %(campaign)s"),
    "approved": _("%(item)s approved for %(campaign)s"),
    "published": _("%(item)s published for %(campaign)s"),
}
SAMPLES = {
    "shipped": _("Samples shipped for %(campaign)s"),
    "delivered": _("Samples delivered for %(campaign)s"),
}
STATEMENTS = {
    "approved": _("Statement of %(total)s for “%(contract)s” approved"),
    "paid": _("Statement of %(total)s for “%(contract)s” paid"),
}
MESSAGES = {
    Message.Side.BRAND: _("Message from the brand"),
    Message.Side.INFLUENCER: _("Message from the influencer"),
}
RISKS = {
    "+": _("%(kind)s risk added (%(likelihood)s × %(impact)s = %(score)s)"),
    "~": _("%(kind)s risk changed (%(likelihood)s × %(impact)s = %(score)s)"),
    "-": _("%(kind)s risk removed (%(likelihood)s × %(impact)s = %(score)s)"),
    "closed": _("%(kind)s risk closed (%(likelihood)s × %(impact)s = %(score)s)"),
}


@dataclass(frozen=True)
class Event:
    group: str
    at: datetime | date  # a date for what is recorded by the day (shipments, meetings, payments)
    title: str
    url: str = ""
    who: str = ""
    detail: str = ""

    @property
    def has_time(self) -> bool:
        return isinstance(self.at, datetime)

    @property
    def group_label(self) -> str:
        return str(GROUPS[self.group])


Describe = Callable[[Any, datetime | date], Event]


@dataclass(frozen=True)
class Source:
    """One kind of event: the rows it reads (those of one partnership), the field dating it,
    and how one is worded."""

    kind: str
    group: str  # what the page filters by
    model: type[models.Model]
    rows: Callable[[Partnership], models.QuerySet]
    field: str
    describe: Describe
    by_day: bool = False
    related: tuple[str, ...] = ()

    def dated(self, partnership: Partnership) -> models.QuerySet:
        at = Cast(F(self.field), DateTimeField()) if self.by_day else F(self.field)
        return (
            self.rows(partnership)
            .filter(**{f"{self.field}__isnull": False})
            .order_by()
            .annotate(ev_kind=Value(self.kind), ev_at=at, ev_ref=F("pk"))
            .values_list("ev_kind", "ev_at", "ev_ref")
        )


@dataclass(frozen=True)
class Page:
    events: list[Event]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page(partnership: Partnership, *, groups: Iterable[str] = (), number: int = 1) -> Page:
    """One page of the partnership's timeline, newest first, limited to `groups` if given."""
    wanted = set(groups) or set(GROUPS)
    sources = {kind: source for kind, source in SOURCES.items() if source.group in wanted}
    number = max(number, 1)
    start = (number - 1) * PAGE_SIZE
    first, *rest = [source.dated(partnership) for source in sources.values()]
    union = first.union(*rest, all=True) if rest else first
    # One row more than a page tells whether there is a next one without counting them all.
    found = list(union.order_by("-ev_at", "ev_kind", "-ev_ref")[start : start + PAGE_SIZE + 1])
    shown = found[:PAGE_SIZE]
    ids: dict[type[models.Model], set[int]] = defaultdict(set)
    related: dict[type[models.Model], set[str]] = defaultdict(set)
    for kind, _at, ref in shown:
        ids[sources[kind].model].add(ref)
        related[sources[kind].model].update(sources[kind].related)
    rows = {
        model: _rows(
            next(s for s in sources.values() if s.model is model), partnership, pks, related[model]
        )
        for model, pks in ids.items()
    }
    events = []
    for kind, at, ref in shown:
        source = sources[kind]
        row = rows[source.model][ref]
        # A day-dated row shows its day, not the midnight the query sorted it by.
        events.append(source.describe(row, getattr(row, source.field) if source.by_day else at))
    return Page(events, number, len(found) > PAGE_SIZE)


def _rows(
    source: Source, partnership: Partnership, pks: set[int], related: set[str]
) -> dict[int, models.Model]:
    rows = source.rows(partnership).filter(pk__in=pks).select_related(*related)
    return {row.pk: row for row in rows}


# --- the kinds of event ----------------------------------------------------------------------


def _who(user) -> str:
    return str(user) if user else ""


def _contract_version(record, at: datetime) -> Event:
    title = CONTRACT_VERSIONS[record.history_type] % {
        "title": record.title,
        "status": record.get_status_display().lower(),
    }
    return Event(
        "contracts",
        at,
        title,
        "" if record.history_type == "-" else reverse("contracts:detail", args=[record.id]),
        _who(record.history_user),
    )


def _contract_signed(contract: Contract, at: datetime) -> Event:
    return Event(
        "contracts",
        at,
        _("Contract “%(contract)s” signed") % {"contract": contract},
        reverse("contracts:detail", args=[contract.pk]),
    )


def _joined(participant: Participant, at: datetime) -> Event:
    return Event(
        "campaigns",
        at,
        _("Joined the campaign %(campaign)s under “%(contract)s”")
        % {"campaign": participant.campaign, "contract": participant.contract},
        reverse("campaigns:detail", args=[participant.campaign_id]),
    )


def _content(verb: str) -> Describe:
    def describe(item: ContentItem, at: datetime) -> Event:
        return Event(
            "content",
            at,
            CONTENT[verb] % {"item": item, "campaign": item.participant.campaign},
            reverse("campaigns:detail", args=[item.participant.campaign_id]),
            _who(item.approved_by) if verb == "approved" else "",
            item.url,
        )

    return describe


def _shipment(verb: str) -> Describe:
    def describe(shipment: Shipment, at: date) -> Event:
        carrier = shipment.get_carrier_display() if shipment.carrier else ""
        return Event(
            "shipments",
            at,
            SAMPLES[verb] % {"campaign": shipment.participant.campaign},
            reverse("campaigns:detail", args=[shipment.participant.campaign_id]),
            detail=" ".join(filter(None, [carrier, shipment.tracking_number])),
        )

    return describe


def _statement(verb: str) -> Describe:
    def describe(statement: Statement, at: datetime | date) -> Event:
        approved = verb == "approved"
        return Event(
            "statements",
            at,
            STATEMENTS[verb]
            % {
                "total": format_money(statement.total, statement.currency),
                "contract": statement.contract,
            },
            reverse("contracts:statement", args=[statement.pk]),
            _who(statement.approved_by) if approved else "",
            "" if approved else statement.payout_reference,
        )

    return describe


def _meeting(meeting: Meeting, at: date) -> Event:
    return Event(
        "meetings",
        at,
        _("Meeting with %(attendees)s") % {"attendees": meeting.attendees},
        f"#meeting-{meeting.pk}",
        _who(meeting.recorded_by),
        meeting.agenda,
    )


def _message(message: Message, at: datetime) -> Event:
    recorded = (
        _("recorded by %(member)s") % {"member": message.recorded_by}
        if message.recorded_by_id
        else ""
    )
    return Event(
        "messages",
        at,
        str(MESSAGES[message.side]),
        "#messages",
        _who(message.author) or recorded,
        message.body[:140],
    )


def _risk(record, at: datetime) -> Event:
    action = record.history_type
    if record.history_type != "-" and not record.is_open and record.closed_at:
        action = "closed"
    title = RISKS[action] % {
        "kind": record.get_kind_display(),
        "likelihood": record.likelihood,
        "impact": record.impact,
        "score": record.likelihood * record.impact,
    }
    return Event(
        "risks",
        at,
        title,
        reverse("influencers:detail", args=[record.influencer_id]) + "#risks",
        _who(record.history_user),
        record.mitigation if record.is_open else record.close_reason,
    )


def _contracts(p: Partnership) -> models.QuerySet:
    return Contract.objects.filter(partnership_id=p.pk)


def _content_items(p: Partnership) -> models.QuerySet:
    return ContentItem.objects.filter(participant__contract__partnership_id=p.pk)


def _shipments(p: Partnership) -> models.QuerySet:
    return Shipment.objects.filter(participant__contract__partnership_id=p.pk)


def _statements(p: Partnership) -> models.QuerySet:
    return Statement.objects.filter(contract__partnership_id=p.pk)


HistoricalContract = Contract.history.model
HistoricalRisk = RiskAssessment.history.model
ON_CAMPAIGN = ("participant__campaign",)
_SOURCES = [
    Source(
        "contract_version",
        "contracts",
        HistoricalContract,
        lambda p: HistoricalContract.objects.filter(partnership_id=p.pk),
        "history_date",
        _contract_version,
        related=("history_user",),
    ),
    Source(
        "contract_signed",
        "contracts",
        Contract,
        _contracts,
        "signed_at",
        _contract_signed,
    ),
    Source(
        "campaign_joined",
        "campaigns",
        Participant,
        lambda p: Participant.objects.filter(contract__partnership_id=p.pk),
        "created_at",
        _joined,
        related=("campaign", "contract"),
    ),
    Source(
        "content_submitted",
        "content",
        ContentItem,
        _content_items,
        "submitted_at",
        _content("submitted"),
        related=ON_CAMPAIGN,
    ),
    Source(
        "content_approved",
        "content",
        ContentItem,
        _content_items,
        "approved_at",
        _content("approved"),
        related=(*ON_CAMPAIGN, "approved_by"),
    ),
    Source(
        "content_published",
        "content",
        ContentItem,
        _content_items,
        "published_at",
        _content("published"),
        related=ON_CAMPAIGN,
    ),
    Source(
        "shipment_shipped",
        "shipments",
        Shipment,
        _shipments,
        "shipped_on",
        _shipment("shipped"),
        by_day=True,
        related=ON_CAMPAIGN,
    ),
    Source(
        "shipment_delivered",
        "shipments",
        Shipment,
        _shipments,
        "delivered_on",
        _shipment("delivered"),
        by_day=True,
        related=ON_CAMPAIGN,
    ),
    Source(
        "statement_approved",
        "statements",
        Statement,
        _statements,
        "approved_at",
        _statement("approved"),
        related=("contract", "approved_by"),
    ),
    Source(
        "statement_paid",
        "statements",
        Statement,
        _statements,
        "paid_on",
        _statement("paid"),
        by_day=True,
        related=("contract",),
    ),
    Source(
        "meeting",
        "meetings",
        Meeting,
        lambda p: Meeting.objects.filter(partnership_id=p.pk),
        "held_on",
        _meeting,
        by_day=True,
        related=("recorded_by",),
    ),
    Source(
        "message",
        "messages",
        Message,
        lambda p: Message.objects.filter(partnership_id=p.pk),
        "sent_at",
        _message,
        related=("author", "recorded_by"),
    ),
    Source(
        "risk",
        "risks",
        HistoricalRisk,
        lambda p: HistoricalRisk.objects.filter(influencer_id=p.influencer_id),
        "history_date",
        _risk,
        related=("history_user",),
    ),
]
SOURCES = {source.kind: source for source in _SOURCES}
