"""Contract offers in the portal: the terms summary the influencer reads, accepting it, and
asking for changes.

The summary is built from the same plain words the brand's contract page uses
(`contracts.wording`), one sentence a line. Accepting keeps that exact text with its SHA-256,
the person, the time and the address they accepted from, and signs the contract through its
workflow. The page sends back the hash of the summary it showed: if the brand changed the
contract in between, the hashes differ and nothing is accepted.
"""

import hashlib
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from contracts import creator_notices, wording, workflow
from contracts.models import Acceptance, Contract, ContractMessage
from partnerships import audit, tenancy

Status = Contract.Status
STALE = "The terms changed since you opened this page. Read them again before accepting."


def terms_summary(contract: Contract) -> list[str]:
    """What the influencer agrees to, a sentence a line: the parties and dates, what it pays,
    the conditions, the deliverables and the content rights."""
    influencer, brand = contract.partnership.influencer, contract.partnership.brand
    end = wording.format_date(contract.end) if contract.end else "an open end"
    lines = [
        f"{contract.title}: a {contract.get_method_display().lower()} contract between {brand} "
        f"and {influencer}, from {wording.format_date(contract.start)} to {end}, in "
        f"{contract.currency}.",
        *wording.describe_contract(contract),
    ]
    for deliverable in contract.deliverables.all():
        text = f"Deliver {deliverable} by {wording.format_date(deliverable.due_date)}"
        if deliverable.min_length_seconds:
            text += f", at least {deliverable.min_length_seconds} seconds long"
        if deliverable.requirements.strip():
            text += f"; {deliverable.requirements.strip().rstrip('.')}"
        lines.append(text + ".")
    lines += _content_rules(contract)
    return lines


def _content_rules(contract: Contract) -> list[str]:
    lines = []
    if contract.disclosure_required or contract.disclosure_text:
        text = "Every post discloses the partnership as an ad"
        if contract.disclosure_text:
            text += f" and carries “{contract.disclosure_text}”"
        lines.append(text + ".")
    if contract.approval_required:
        lines.append("The brand approves each piece of content before it is published.")
    if contract.exclusivity != Contract.Exclusivity.NONE:
        scope = (
            "in every category"
            if contract.exclusivity == Contract.Exclusivity.FULL
            else f"in {', '.join(contract.exclusivity_categories)}"
        )
        text = f"Exclusive to {contract.partnership.brand} {scope} while the contract runs"
        if contract.competitors:
            text += f", including no work for {', '.join(contract.competitors)}"
        if contract.exclusivity_territories:
            text += f", in {', '.join(contract.exclusivity_territories)}"
        lines.append(text + ".")
    owner = {
        Contract.ContentOwner.BRAND: "The brand owns the content",
        Contract.ContentOwner.INFLUENCER: "You keep the rights to the content",
        Contract.ContentOwner.SHARED: "You and the brand share the rights to the content",
    }[contract.content_owner]
    usage = []
    if contract.usage_channels:
        usage.append(f"the brand may reuse it on {', '.join(contract.usage_channels)}")
    usage.append("in paid ads" if contract.paid_ads_allowed else "not in paid ads")
    if contract.usage_territories:
        usage.append(f"in {', '.join(contract.usage_territories)}")
    if contract.usage_months:
        usage.append(f"for {contract.usage_months} months")
    lines.append(f"{owner}; {', '.join(usage)}.")
    return lines


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
                f"This contract is {contract.get_status_display().lower()}; "
                "only an offer under negotiation can be accepted."
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
        raise ValidationError({"body": "Write a message."})
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
