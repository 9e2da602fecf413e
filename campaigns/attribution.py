"""Who brought an order line of a shop's or marketplace's file (DESIGN §9).

A line is attributed, in this order, by a promo, voucher or link code of the brand named on
the order; by the creator's content id (a content item of the brand whose URL ends in it); or
by the creator's handle (an influencer's account on the platform). Content and handle lead to
a participant: the one whose campaign runs on the order's day (else the latest to start before
it), and its first tracking code is the sale's. A line nothing attributes is not an error: it
is reported with the reason and not written.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from django.utils.translation import gettext as _

from campaigns.models import ContentItem, TrackingCode
from campaigns.order_exports import ExportFormat, OrderLine
from influencers.models import SocialAccount
from partnerships import tenancy
from partnerships.models import Brand

# (code, campaign start, campaign end) of each participant a content item or handle leads to.
Candidates = list[tuple[str, date, date]]
TRAILING_ID = re.compile(r"(\d{6,})/?(?:\?.*)?$")


def attribute(
    lines: list[OrderLine], export: ExportFormat, brand: Brand
) -> Iterator[tuple[OrderLine, str | None, str]]:
    """Each line with the tracking code that attributes it, or None and why nothing does.
    Three queries at most, however many lines."""
    named = {code for line in lines for code in line.codes}
    known = set(
        TrackingCode.objects.filter(brand=brand, code__in=named).values_list("code", flat=True)
    )
    by_content = _by_content(brand, export, {line.content for line in lines if line.content})
    by_creator = _by_creator(brand, export, {line.creator for line in lines if line.creator})
    for line in lines:
        code = next((code for code in line.codes if code in known), None)
        day = date.fromisoformat(line.ordered_at[:10])
        code = code or _pick(by_content.get(line.content), day)
        code = code or _pick(by_creator.get(line.creator), day)
        yield line, code, "" if code else _reason(line, export)


def _reason(line: OrderLine, export: ExportFormat) -> str:
    said = []
    if line.codes:
        said.append(
            _("No tracking code of this brand among %(codes)s.") % {"codes": ", ".join(line.codes)}
        )
    if line.content:
        said.append(
            _("Content %(content)s is no content item of this brand.") % {"content": line.content}
        )
    if line.creator:
        said.append(
            _("@%(handle)s is no influencer's %(platform)s account here.")
            % {"handle": line.creator, "platform": export.creator_platform}
        )
    return " ".join(said) or _("The order names no code or creator.")


def _pick(candidates: Candidates | None, day: date) -> str | None:
    if not candidates:
        return None
    running = [code for code, start, end in candidates if start <= day <= end]
    started = sorted((start, code) for code, start, _ in candidates if start <= day)
    return (running or [started[-1][1] if started else candidates[0][0]])[0]


def _codes_of(participants: Iterable[int]) -> dict[int, Candidates]:
    """Each participant's tracking codes, first made first, with its campaign's dates."""
    found: dict[int, Candidates] = defaultdict(list)
    rows = (
        TrackingCode.objects.filter(participant_id__in=set(participants))
        .order_by("pk")
        .values_list(
            "participant_id", "code", "participant__campaign__start", "participant__campaign__end"
        )
    )
    for participant, code, start, end in rows:
        found[participant].append((code, start, end))
    return found


def _by_content(brand: Brand, export: ExportFormat, ids: set[str]) -> dict[str, Candidates]:
    if not ids or not export.creator_platform:
        return {}
    items = tenancy.scope_to_brand(
        ContentItem.objects.filter(platform=export.creator_platform).exclude(url=""), brand
    ).values_list("url", "participant_id")
    participant_of = {}
    for url, participant in items:
        found = TRAILING_ID.search(url)
        if found and found.group(1) in ids:
            participant_of[found.group(1)] = participant
    codes = _codes_of(participant_of.values())
    return {key: codes[participant] for key, participant in participant_of.items()}


def _by_creator(brand: Brand, export: ExportFormat, handles: set[str]) -> dict[str, Candidates]:
    if not handles or not export.creator_platform:
        return {}
    accounts = dict(
        SocialAccount.objects.filter(
            brand=brand, platform=export.creator_platform, handle__in=handles
        ).values_list("handle", "influencer_id")
    )
    found: dict[int, Candidates] = defaultdict(list)
    rows = (
        TrackingCode.objects.filter(
            brand=brand, participant__contract__partnership__influencer_id__in=accounts.values()
        )
        .order_by("pk")
        .values_list(
            "participant__contract__partnership__influencer_id",
            "code",
            "participant__campaign__start",
            "participant__campaign__end",
        )
    )
    for influencer, code, start, end in rows:
        found[influencer].append((code, start, end))
    return {handle: found[influencer] for handle, influencer in accounts.items()}
