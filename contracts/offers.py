"""Contract offers in the portal: the terms summary the influencer reads, accepting it, and
asking for changes.

The summary is built from the same plain words the brand's contract page uses
(`contracts.wording`), one sentence a line. Accepting keeps that exact text with its SHA-256,
the person, the time and the address they accepted from, and signs the contract through its
workflow. The page sends back the hash of the summary it showed: if the brand changed the
contract in between, the hashes differ and nothing is accepted.
"""

import functools
import hashlib
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from contracts import creator_notices, wording, workflow
from contracts.models import Acceptance, Contract, ContractMessage, Deliverable
from partnerships import audit, formatting, tenancy

Status = Contract.Status
STALE = gettext_lazy(
    "The terms changed since you opened this page. Read them again before accepting."
)
OWNERS = {
    Contract.ContentOwner.BRAND: gettext_lazy("The brand owns the content."),
    Contract.ContentOwner.INFLUENCER: gettext_lazy("You keep the rights to the content."),
    Contract.ContentOwner.SHARED: gettext_lazy(
        "You and the brand share the rights to the content."
    ),
}


def terms_summary(contract: Contract) -> list[str]:
    """What the influencer agrees to, a sentence a line, in the active language: the parties
    and dates, what it pays, the conditions, the deliverables and the content rights."""
    facts = {
        "title": contract.title,
        "method": contract.get_method_display().lower(),
        "brand": contract.partnership.brand,
        "influencer": contract.partnership.influencer,
        "start": formatting.format_date(contract.start),
        "currency": contract.currency,
    }
    if contract.end:
        parties = _(
            "%(title)s: a %(method)s contract between %(brand)s and %(influencer)s, from "
            "%(start)s to %(end)s, in %(currency)s."
        ) % {**facts, "end": formatting.format_date(contract.end)}
    else:
        parties = (
            _(
                "%(title)s: a %(method)s contract between %(brand)s and %(influencer)s, from "
                "%(start)s to an open end, in %(currency)s."
            )
            % facts
        )
    lines = [parties, *wording.describe_contract(contract)]
    lines += [_deliverable(deliverable) for deliverable in contract.deliverables.all()]
    lines += _content_rules(contract)
    return lines


def _deliverable(deliverable: Deliverable) -> str:
    facts = {
        "deliverable": deliverable,
        "due": formatting.format_date(deliverable.due_date),
        "seconds": deliverable.min_length_seconds or 0,
        "requirements": deliverable.requirements.strip().rstrip("."),
    }
    if deliverable.min_length_seconds and facts["requirements"]:
        text = ngettext(
            "Deliver %(deliverable)s by %(due)s, at least %(seconds)d second long; "
            "%(requirements)s.",
            "Deliver %(deliverable)s by %(due)s, at least %(seconds)d seconds long; "
            "%(requirements)s.",
            facts["seconds"],
        )
    elif deliverable.min_length_seconds:
        text = ngettext(
            "Deliver %(deliverable)s by %(due)s, at least %(seconds)d second long.",
            "Deliver %(deliverable)s by %(due)s, at least %(seconds)d seconds long.",
            facts["seconds"],
        )
    elif facts["requirements"]:
        text = _("Deliver %(deliverable)s by %(due)s; %(requirements)s.")
    else:
        text = _("Deliver %(deliverable)s by %(due)s.")
    return text % facts


def _content_rules(contract: Contract) -> list[str]:
    lines = []
    if contract.disclosure_text:
        lines.append(
            _("Every post discloses the partnership as an ad and carries “%(text)s”.")
            % {"text": contract.disclosure_text}
        )
    elif contract.disclosure_required:
        lines.append(_("Every post discloses the partnership as an ad."))
    if contract.approval_required:
        lines.append(_("The brand approves each piece of content before it is published."))
    if contract.exclusivity != Contract.Exclusivity.NONE:
        lines.append(_sentences(_exclusivity(contract)))
    lines.append(_sentences([str(OWNERS[contract.content_owner]), *_usage(contract)]))
    return lines


def _exclusivity(contract: Contract) -> list[str]:
    brand = contract.partnership.brand
    if contract.exclusivity == Contract.Exclusivity.FULL:
        said = [
            _("Exclusive to %(brand)s in every category while the contract runs.")
            % {"brand": brand}
        ]
    else:
        said = [
            _("Exclusive to %(brand)s in %(categories)s while the contract runs.")
            % {"brand": brand, "categories": ", ".join(contract.exclusivity_categories)}
        ]
    if contract.competitors:
        said.append(
            _("This includes no work for %(competitors)s.")
            % {"competitors": ", ".join(contract.competitors)}
        )
    if contract.exclusivity_territories:
        said.append(
            _("The exclusivity covers %(territories)s.")
            % {"territories": ", ".join(contract.exclusivity_territories)}
        )
    return said


def _usage(contract: Contract) -> list[str]:
    said = []
    if contract.usage_channels:
        said.append(
            _("The brand may reuse it on %(channels)s.")
            % {"channels": ", ".join(contract.usage_channels)}
        )
    if contract.paid_ads_allowed:
        said.append(_("It may be used in paid ads."))
    else:
        said.append(_("It may not be used in paid ads."))
    if contract.usage_territories:
        said.append(
            _("The brand may use it in %(territories)s.")
            % {"territories": ", ".join(contract.usage_territories)}
        )
    if contract.usage_months:
        said.append(
            ngettext(
                "The brand may use it for %(months)d month.",
                "The brand may use it for %(months)d months.",
                contract.usage_months,
            )
            % {"months": contract.usage_months}
        )
    return said


def _sentences(sentences: list[str]) -> str:
    # Chinese runs sentences together; English and Russian put a space between them.
    pair = pgettext("two sentences in a row", "%(first)s %(second)s")
    return functools.reduce(
        lambda first, second: pair % {"first": first, "second": second}, sentences
    )


def summary_digest(lines: list[str]) -> str:
    """The SHA-256 of the summary as shown: its lines joined by newlines, UTF-8."""
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def may_answer(contract: Contract) -> bool:
    """An offer is answered while the brand negotiates it."""
    return contract.status == Status.NEGOTIATING


def accept(
    contract: Contract, *, by, shown_sha256: str, ip_address: str | None, now: datetime
) -> Acceptance:
    """Record the influencer's acceptance of the offer and sign the contract; ValidationError
    when it is no longer open or its terms changed since they were shown."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if not may_answer(contract):
            raise ValidationError(
                _("This contract is %(status)s; only an offer under negotiation can be accepted.")
                % {"status": contract.get_status_display().lower()}
            )
        lines = terms_summary(contract)
        if summary_digest(lines) != shown_sha256:
            raise ValidationError(STALE)
        workflow.move(contract, Status.SIGNED, now=now)
        acceptance = Acceptance.objects.create(
            contract=contract,
            accepted_by=by,
            accepted_at=now,
            ip_address=ip_address or None,
            terms_summary="\n".join(lines),
            terms_sha256=summary_digest(lines),
        )
        audit.record(
            audit.Action.CONTRACT_ACCEPTED,
            brand=tenancy.brand_id_of(contract),
            target=contract,
            user=by,
            details={"terms_sha256": acceptance.terms_sha256},
        )
        return acceptance


def write(
    contract: Contract, *, by, body: str, now: datetime, from_influencer: bool
) -> ContractMessage:
    """Add a message to the offer's thread: the influencer's request for changes or the
    brand's answer."""
    if not body.strip():
        raise ValidationError({"body": _("Write a message.")})
    message = ContractMessage.objects.create(
        contract=contract,
        author=by,
        body=body.strip(),
        created_at=now,
        from_influencer=from_influencer,
    )
    if not from_influencer:
        creator_notices.tell(
            contract.partnership.influencer,
            subject=gettext_lazy("about the offer “%(title)s”"),
            text=gettext_lazy("%(brand)s answered about “%(title)s”:\n\n%(message)s"),
            values={
                "title": contract.title,
                "brand": contract.partnership.brand,
                "message": message.body,
            },
            url_name="portal:contract",
            pk=contract.pk,
        )
    return message
