"""Amendments: what changed in a signed contract, its terms and deliverables, by whom and when."""

import itertools
from dataclasses import dataclass
from datetime import datetime

from contracts.models import CompensationTerm, Contract, Deliverable

ACTIONS = {"+": "added", "~": "changed", "-": "removed"}
SKIPPED_FIELDS = {"signed_at"}


@dataclass(frozen=True)
class Amendment:
    when: datetime
    who: str
    what: str


def amendments(contract: Contract, *, limit: int = 100) -> list[Amendment]:
    """Every recorded change since signing, newest first; nothing for an unsigned contract."""
    if contract.signed_at is None:
        return []
    found = _contract_changes(contract)
    for model, label in ((CompensationTerm, "term"), (Deliverable, "deliverable")):
        records = model.history.filter(
            contract_id=contract.pk, history_date__gte=contract.signed_at
        )
        for record in records.select_related("history_user")[:limit]:
            found.append(
                Amendment(
                    record.history_date,
                    _who(record),
                    f"{label} {ACTIONS[record.history_type]}: {record.instance}",
                )
            )
    return sorted(found, key=lambda a: a.when, reverse=True)[:limit]


def _contract_changes(contract: Contract) -> list[Amendment]:
    records = list(contract.history.select_related("history_user").order_by("history_date"))
    changes = []
    for before, after in itertools.pairwise(records):
        if after.history_date < contract.signed_at:
            continue
        delta = after.diff_against(before, excluded_fields=SKIPPED_FIELDS)
        if delta.changes:
            what = "; ".join(
                f"{c.field.replace('_', ' ')}: {c.old} → {c.new}" for c in delta.changes
            )
            changes.append(Amendment(after.history_date, _who(after), what))
    return changes


def _who(record) -> str:
    return str(record.history_user) if record.history_user else "API or system"
