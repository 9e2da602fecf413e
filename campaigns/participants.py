"""Who takes part in a campaign and the tracking codes that attribute sales to them.

A code is written in upper case with letters, digits, - and _, and is unique in its brand
(sales arrive with nothing but the code). A code that sales came through stays: removing it
would orphan them. The campaign page, the admin and the API all add participants through
`add` and change codes through `set_codes`.
"""

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from campaigns.models import TRACKING_CODE, Campaign, Participant, TrackingCode
from contracts.models import Contract

CODE_SEPARATORS = re.compile(r"[\s,;]+")


def split_codes(text: str) -> list[str]:
    """Codes typed as "anna10, ANNA-YT" -> ["ANNA10", "ANNA-YT"], in their order."""
    typed = CODE_SEPARATORS.split(text or "")
    return [TrackingCode.normalise(code) for code in typed if code.strip()]


def listed_twice(codes: Sequence[str]) -> list[int]:
    """The positions in `codes` of the codes already listed before them."""
    seen: set[str] = set()
    again = []
    for position, code in enumerate(codes):
        if code in seen:
            again.append(position)
        seen.add(code)
    return again


def taken(codes: Iterable[str], *, brand_id: int) -> QuerySet[TrackingCode]:
    """The brand's stored codes among `codes` (a code is unique in its brand)."""
    return TrackingCode.objects.filter(brand_id=brand_id, code__in=set(codes))


def code_problems(
    codes: Iterable[str], *, brand_id: int, participant: Participant | None = None
) -> list[str]:
    """Everything wrong with a participant's new list of codes, in plain words."""
    codes = [TrackingCode.normalise(code) for code in codes]
    problems = []
    again = set(listed_twice(codes))
    for position, code in enumerate(codes):
        if not TRACKING_CODE.match(code):
            problems.append(
                _("“%(code)s” is not a valid code: use up to 64 letters, digits, - and _.")
                % {"code": code}
                if code
                else _("A code cannot be empty.")
            )
        elif position in again:
            problems.append(_("%(code)s is listed twice.") % {"code": code})
    used = taken(codes, brand_id=brand_id).select_related(
        "participant__contract__partnership__influencer", "participant__campaign"
    )
    if participant is not None and participant.pk:
        used = used.exclude(participant=participant)
    for row in used.order_by("code"):
        owner = row.participant
        problems.append(
            _("%(code)s is already used in this brand, by %(influencer)s in %(campaign)s.")
            % {
                "code": row.code,
                "influencer": owner.contract.partnership.influencer,
                "campaign": owner.campaign,
            }
        )
    if participant is not None and participant.pk:
        kept = participant.codes.exclude(code__in=codes).filter(sales__isnull=False).distinct()
        problems += [
            _("%(code)s has sales attributed to it and cannot be removed.") % {"code": row.code}
            for row in kept
        ]
    return problems


def contract_problem(campaign: Campaign, contract: Contract) -> str | None:
    """Why the contract may not join the campaign, or None."""
    if contract.partnership.brand_id != campaign.brand_id:
        return _("This contract belongs to another brand.")
    if Participant.objects.filter(campaign=campaign, contract=contract).exists():
        return _("This contract already takes part in the campaign.")
    return None


def add(
    campaign: Campaign, contract: Contract, *, codes: Iterable[str] = (), notes: str = ""
) -> Participant:
    """Add the contract to the campaign with its codes, all or nothing; ValidationError with
    "contract" and "codes" messages otherwise."""
    codes = [TrackingCode.normalise(code) for code in codes]
    with _race_reported(), transaction.atomic():
        errors = {}
        if problem := contract_problem(campaign, contract):
            errors["contract"] = [problem]
        if problems := code_problems(codes, brand_id=campaign.brand_id):
            errors["codes"] = problems
        if errors:
            raise ValidationError(errors)
        participant = Participant.objects.create(campaign=campaign, contract=contract, notes=notes)
        _create_codes(participant, codes)
    return participant


def set_codes(participant: Participant, codes: Iterable[str]) -> Participant:
    """Make the participant's promo and link codes exactly `codes`: new ones are added as promo
    codes, missing ones removed (unless sales came through them)."""
    codes = [TrackingCode.normalise(code) for code in codes]
    with _race_reported(), transaction.atomic():
        campaign = participant.campaign
        if problems := code_problems(codes, brand_id=campaign.brand_id, participant=participant):
            raise ValidationError({"codes": problems})
        participant.codes.exclude(code__in=codes).delete()
        existing = set(participant.codes.values_list("code", flat=True))
        _create_codes(participant, [code for code in codes if code not in existing])
    return participant


@contextmanager
def _race_reported() -> Iterator[None]:
    # Two people adding the same code at once both pass the checks; the constraint stops one.
    try:
        yield
    except IntegrityError as error:
        raise ValidationError(
            {"codes": [_("The same contract or code was just added by someone else; reload.")]}
        ) from error


def _create_codes(participant: Participant, codes: list[str]) -> None:
    TrackingCode.objects.bulk_create(
        TrackingCode(participant=participant, brand_id=participant.campaign.brand_id, code=code)
        for code in codes
    )
