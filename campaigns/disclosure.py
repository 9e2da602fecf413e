"""The ad-disclosure check of a content item's caption (DESIGN §6).

Two rules:
1. Whatever disclosure text the contract or the deliverable requires ("#ad #LumiereHair") is in
   the caption: every hashtag or @mention of it as a whole tag anywhere, the rest of the words
   as one phrase.
2. When the contract requires ad disclosure, the caption carries one of the usual markers:
   `#ad`, `#sponsored`, "Paid partnership", 广告, or one usual in a market of the campaign.

Matching ignores case, and a tag matches only as a whole tag: `#adventure` is not `#ad`.
A failed check blocks approval until a reviewer overrides it with a written reason
(`campaigns.approval`).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import ContentItem

MARKERS: tuple[str, ...] = ("#ad", "#sponsored", "Paid partnership", "广告")
# Markers people in a market also recognise, by country code; accepted next to MARKERS.
MARKET_MARKERS: dict[str, tuple[str, ...]] = {
    "BR": ("#publi", "#publicidade"),
    "DE": ("#werbung", "#anzeige"),
    "ES": ("#publi", "#publicidad"),
    "FR": ("#publicité", "#sponsorisé"),
    "IT": ("#adv", "#pubblicità"),
    "JP": ("#PR", "#広告"),
    "KR": ("#광고",),
    "RU": ("#реклама",),
}
_TAG_START = ("#", "@")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class DisclosureResult:
    """The verdict on one caption: the problems in plain words; none means it passes."""

    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        return " ".join(self.problems)


@cache
def _pattern(text: str) -> re.Pattern:
    """How one marker or required piece of text is found in a caption."""
    if _CJK.search(text):
        # Chinese, Japanese and Korean run words together: no boundaries to look for.
        return re.compile(re.escape(text), re.IGNORECASE)
    words = r"\s+".join(re.escape(word) for word in text.split())
    if text.startswith(_TAG_START):
        # A tag ends where the word ends: #ad, #ad! and #ad. count, #adventure and #ad_x do not.
        return re.compile(rf"(?<![\w#@]){words}(?!\w)", re.IGNORECASE)
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def contains(caption: str, text: str) -> bool:
    """Whether `text` (a tag, a word or a phrase) is in the caption, ignoring case."""
    return bool(text.strip()) and _pattern(text.strip()).search(caption or "") is not None


def required_pieces(text: str) -> list[str]:
    """What a required disclosure text asks for: each tag on its own, the other words as one
    phrase. "#ad Paid partnership with @lumiere" -> ["#ad", "@lumiere", "Paid partnership with"]."""
    words = text.split()
    tags = [word for word in words if word.startswith(_TAG_START) and len(word) > 1]
    phrase = " ".join(word for word in words if word not in tags)
    return [*tags, *([phrase] if phrase else [])]


def accepted_markers(markets: Iterable[str] = ()) -> list[str]:
    """The usual markers plus those of the campaign's markets, without repeats."""
    markers = list(MARKERS)
    for market in sorted({code.upper() for code in markets}):
        markers += [m for m in MARKET_MARKERS.get(market, ()) if m.lower() not in _lower(markers)]
    return markers


def _lower(texts: Iterable[str]) -> set[str]:
    return {text.lower() for text in texts}


def _quote(text: str) -> str:
    return text if text.startswith(_TAG_START) or _CJK.search(text) else f"“{text}”"


# Whose text a caption lacks, as check_caption's `required` names it.
LACKS = {
    "the contract": gettext_lazy("The caption lacks %(text)s, which the contract requires."),
    "the deliverable": gettext_lazy("The caption lacks %(text)s, which the deliverable requires."),
}


def _listing(texts: Sequence[str]) -> str:
    quoted = [_quote(text) for text in texts]
    if len(quoted) == 1:
        return quoted[0]
    return _("%(first)s or %(last)s") % {"first": ", ".join(quoted[:-1]), "last": quoted[-1]}


def check_caption(
    caption: str,
    *,
    required: Sequence[tuple[str, str]] = (),
    markers_required: bool = True,
    markets: Iterable[str] = (),
) -> DisclosureResult:
    """Check a caption. `required` holds (text, whose) pairs such as ("#ad #LumiereHair",
    "the contract"), whose one of LACKS; `markers_required` is the contract's "ad disclosure
    required"."""
    problems: list[str] = []
    missing: list[str] = []
    for text, whose in required:
        for piece in required_pieces(text):
            if piece.lower() in _lower(missing) or contains(caption, piece):
                continue
            missing.append(piece)
            problems.append(LACKS[whose] % {"text": _quote(piece)})
    markers = accepted_markers(markets)
    found = any(contains(caption, marker) for marker in markers)
    # A missing required text that is itself a marker ("#ad") already says the same thing.
    said = any(contains(piece, marker) for piece in missing for marker in markers)
    if markers_required and not found and not said:
        problems.append(
            _("The caption has no ad disclosure: add %(markers)s.") % {"markers": _listing(markers)}
        )
    return DisclosureResult(tuple(problems))


def check(item: ContentItem) -> DisclosureResult:
    """Check a content item's caption against its contract, its deliverable and its campaign's
    markets. Reads item.participant.contract, item.participant.campaign and item.deliverable:
    load them with select_related when checking many items."""
    contract = item.participant.contract
    required = []
    if contract.disclosure_text.strip():
        required.append((contract.disclosure_text, "the contract"))
    if item.deliverable_id and item.deliverable.disclosure_text.strip():
        required.append((item.deliverable.disclosure_text, "the deliverable"))
    return check_caption(
        item.caption,
        required=required,
        markers_required=contract.disclosure_required,
        markets=item.participant.campaign.markets or (),
    )


def recheck(item: ContentItem) -> DisclosureResult:
    """Check the item and keep the verdict on it (disclosure_ok, disclosure_problems); the
    caller saves."""
    result = check(item)
    item.disclosure_ok = result.ok
    item.disclosure_problems = "\n".join(result.problems)
    return result
