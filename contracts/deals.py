"""The one way a contract is saved with the rows under it: its terms, deliverables, price list
and joint brand (DESIGN §3). The contract page, the admin and the API all end in
`save_contract`, so the exclusivity check under the influencer's lock, the partnership, the
author of the history (a signed contract's amendments) and the refreshed figures are the same
on every path.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction

from contracts.models import Contract, Partnership
from influencers.models import Influencer
from partnerships import freshness
from partnerships.models import Brand


@dataclass(frozen=True)
class Rows:
    """Rows of one kind under a contract to write: `save` holds the new and changed ones,
    `delete` stored ones to remove; `save_m2m` sets their many-to-many values (a joint brand's
    products) once they are saved."""

    save: Sequence[models.Model] = ()
    delete: Sequence[models.Model] = ()
    save_m2m: Callable[[], None] | None = None

    @classmethod
    def replacing(cls, stored: Iterable[models.Model], rows: Sequence[models.Model]) -> "Rows":
        """`rows` in place of every stored one."""
        return cls(save=rows, delete=list(stored))


def partnership_for(brand: Brand, influencer: Influencer) -> Partnership:
    """The brand × influencer partnership: the stored one, or a new one that `save_contract`
    stores with the contract (nothing is written before the contract is valid)."""
    return Partnership.objects.filter(brand=brand, influencer=influencer).first() or Partnership(
        brand=brand, influencer=influencer
    )


def problems(contract: Contract, rows: Mapping[str, Sequence[models.Model]]) -> dict[str, Any]:
    """Every error of the contract and of the rows under it, checked together by the models'
    own rules: the contract's by field, each list's as one `{field: [messages]}` per row in
    its order ({} for a valid row); empty when all of it is valid."""
    errors: dict[str, Any] = _errors(contract, exclude=["partnership"])  # ours to choose
    for name, listed in rows.items():
        row_errors = []
        for row in listed:
            row.contract = contract
            row_errors.append(_errors(row, exclude=["contract"]))
        if any(row_errors):
            errors[name] = row_errors
    return errors


def save_contract(
    *,
    contract: Contract,
    rows: Mapping[str, Rows],
    by: AbstractBaseUser | None,
    now: datetime,
) -> Contract:
    """Save the contract and the rows under it (by the contract's related name: `terms`,
    `deliverables`, `prices`, `joint_brand`; a kind left out is left alone) in one transaction:
    store a new partnership, lock the influencer's row, check everything together (raising
    ValidationError, nothing written), save, and name `by` as the author in the history.
    """
    with transaction.atomic():
        partnership = contract.partnership
        if partnership.pk is None:
            contract.partnership, _ = Partnership.objects.get_or_create(
                brand_id=partnership.brand_id, influencer_id=partnership.influencer_id
            )
        if contract.exclusivity != Contract.Exclusivity.NONE:
            # Two exclusive contracts for one influencer saved at once would each pass the
            # overlap check alone; holding the influencer's row makes the second see the first.
            Influencer.objects.select_for_update().get(pk=contract.partnership.influencer_id)
        if errors := problems(contract, {name: listed.save for name, listed in rows.items()}):
            raise ValidationError(_flat(errors, rows))
        contract._history_user = by
        contract.save()
        for listed in rows.values():
            for row in listed.delete:
                row._history_user = by
                row.delete()
            for row in listed.save:
                row.contract = contract
                row._history_user = by
                row.save()
            if listed.save_m2m:
                listed.save_m2m()
        # Terms price the accrued cost of the periods not settled yet.
        freshness.figures_changed(contract.partnership.brand_id, now)
    return contract


def _errors(row: models.Model, *, exclude: list[str]) -> dict[str, list[str]]:
    try:
        row.full_clean(exclude=exclude)
    except ValidationError as error:
        return error.message_dict
    return {}


def _flat(errors: dict[str, Any], lists: Iterable[str]) -> dict[str, list[str]]:
    """`problems` as a ValidationError holds them: a list of rows by its messages alone."""
    return {
        name: [message for row in found for messages in row.values() for message in messages]
        if name in lists
        else found
        for name, found in errors.items()
    }
