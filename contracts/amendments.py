"""Amendments: what changed in a signed contract, its terms and deliverables, by whom and when."""

import itertools
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import CompensationTerm, Contract, Deliverable

# What happened to a term or deliverable, by its history record's type.
ACTIONS = {
    (CompensationTerm, "+"): gettext_lazy("term added: %(item)s"),
    (CompensationTerm, "~"): gettext_lazy("term changed: %(item)s"),
    (CompensationTerm, "-"): gettext_lazy("term removed: %(item)s"),
    (Deliverable, "+"): gettext_lazy("deliverable added: %(item)s"),
    (Deliverable, "~"): gettext_lazy("deliverable changed: %(item)s"),
    (Deliverable, "-"): gettext_lazy("deliverable removed: %(item)s"),
}
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
    for model in (CompensationTerm, Deliverable):
        records = model.history.filter(
            contract_id=contract.pk, history_date__gte=contract.signed_at
        )
        for record in records.select_related("history_user")[:limit]:
            found.append(
                Amendment(
                    record.history_date,
                    _who(record),
                    ACTIONS[model, record.history_type] % {"item": record.instance},
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
                _("%(field)s: %(old)s → %(new)s")
                % {"field": _field_name(c.field), "old": _shown(c.old), "new": _shown(c.new)}
                for c in delta.changes
            )
            changes.append(Amendment(after.history_date, _who(after), what))
    return changes


def _shown(value) -> str:
    """A recorded value as a reader writes it: a list (competitors) as its items."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _field_name(name: str) -> str:
    try:
        return str(Contract._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name.replace("_", " ")


def _who(record) -> str:
    return str(record.history_user) if record.history_user else _("API or system")
