"""Everything a brand holds about one influencer, to hand over (JSON or CSV) or to erase.

Erasing removes what identifies the person — name, contacts, agency, notes, handles and
profile links, audience breakdowns, risk notes, payout details and the history of those —
and keeps the statements, their lines, sales and other money records, which then point at
an anonymous "Erased influencer #id"."""

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from campaigns.models import ContentItem, Participant, Sale, Shipment
from contracts.models import Contract, Partnership, PayoutDetails, Statement, StatementLine
from influencers.models import Influencer, RiskAssessment, SocialAccount


def _holdings(influencer: Influencer) -> dict[str, models.QuerySet]:
    contracts = Contract.objects.filter(partnership__influencer=influencer)
    participants = Participant.objects.filter(contract__in=contracts)
    statements = Statement.objects.filter(contract__in=contracts)
    return {
        "influencer": Influencer.objects.filter(pk=influencer.pk),
        "social_accounts": SocialAccount.objects.filter(influencer=influencer),
        "risk_assessments": RiskAssessment.objects.filter(influencer=influencer),
        "payout_details": PayoutDetails.objects.filter(influencer=influencer),
        "partnerships": Partnership.objects.filter(influencer=influencer),
        "contracts": contracts,
        "campaign_participations": participants,
        "content_items": ContentItem.objects.filter(participant__in=participants),
        "shipments": Shipment.objects.filter(participant__in=participants),
        "sales": Sale.objects.filter(tracking_code__participant__in=participants),
        "statements": statements,
        "statement_lines": StatementLine.objects.filter(statement__in=statements),
    }


def export(influencer: Influencer) -> dict[str, list[dict[str, Any]]]:
    """Every row the brand holds about the influencer, by kind, each with its stored fields."""
    return {
        kind: [_fields(row) for row in rows.order_by("pk")]
        for kind, rows in _holdings(influencer).items()
    }


def export_rows(influencer: Influencer) -> Iterator[list[Any]]:
    """The same as CSV rows: kind, row id, field, value."""
    yield ["kind", "id", "field", "value"]
    for kind, rows in export(influencer).items():
        for row in rows:
            for name, value in row.items():
                yield [kind, row["id"], name, value]


def _fields(row: models.Model) -> dict[str, Any]:
    return {
        field.attname: _plain(getattr(row, field.attname)) for field in row._meta.concrete_fields
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | date | datetime):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return value
    return str(value)


def erase(influencer: Influencer) -> Influencer:
    """Remove the influencer's personal data and keep the money records, anonymised."""
    with transaction.atomic():
        influencer = Influencer.objects.select_for_update().get(pk=influencer.pk)
        influencer.name = f"Erased influencer #{influencer.pk}"
        influencer.contact_email = influencer.contact_phone = ""
        influencer.agency = influencer.notes = ""
        influencer.languages, influencer.niches = [], []
        influencer.save()
        for account in SocialAccount.objects.filter(influencer=influencer):
            # Handles are unique per platform in a brand: the row id keeps them so.
            account.handle = f"erased-{account.pk}"
            account.url = ""
            account.audience = {}
            account.save()
        RiskAssessment.objects.filter(influencer=influencer).delete()
        # After the rows: deleting them writes one more history entry each.
        RiskAssessment.history.filter(influencer_id=influencer.pk).delete()
        PayoutDetails.objects.filter(influencer=influencer).delete()
        Partnership.objects.filter(influencer=influencer).update(influencer_goals="")
    return influencer
