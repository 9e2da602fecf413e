"""A contract's status workflow: draft → negotiating → signed → active → completed | terminated."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts import creator_notices
from contracts.models import Contract
from influencers.models import Influencer
from partnerships import audit, freshness, tenancy

Status = Contract.Status
# A contract in force makes its influencer active, unless the pipeline already says otherwise
# (paused, ended or blocked were decided by a person and stay).
IN_FORCE = frozenset({Status.SIGNED, Status.ACTIVE})
BEFORE_A_DEAL = frozenset(
    {Influencer.Status.PROSPECT, Influencer.Status.CONTACTED, Influencer.Status.NEGOTIATING}
)
# Where each status may go next; completed and terminated contracts never reopen.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.NEGOTIATING, Status.SIGNED, Status.TERMINATED}),
    Status.NEGOTIATING: frozenset({Status.DRAFT, Status.SIGNED, Status.TERMINATED}),
    Status.SIGNED: frozenset({Status.ACTIVE, Status.TERMINATED}),
    Status.ACTIVE: frozenset({Status.COMPLETED, Status.TERMINATED}),
    Status.COMPLETED: frozenset(),
    Status.TERMINATED: frozenset(),
}


def allowed(contract: Contract) -> list[str]:
    """The statuses the contract may move to from where it is."""
    return [status for status in Status.values if status in TRANSITIONS[contract.status]]


def refusal(contract: Contract, to: str) -> str | None:
    """Why the contract may not move to `to`, or None when it may."""
    if to not in Status.values:
        return _("'%(status)s' is not a contract status.") % {"status": to}
    if to not in TRANSITIONS[contract.status]:
        if contract.status in (Status.COMPLETED, Status.TERMINATED):
            return _("A %(status)s contract cannot change status.") % {
                "status": contract.get_status_display().lower()
            }
        return _("A %(status)s contract cannot become %(to)s.") % {
            "status": contract.get_status_display().lower(),
            "to": Status(to).label.lower(),
        }
    if to == Status.SIGNED:
        if not contract.terms.exists():
            return _("Add at least one compensation term before signing.")
        if contract.method == Contract.Method.PAID_MEDIA and not contract.deliverables.exists():
            return _("Add at least one deliverable before signing a paid-media contract.")
    return None


def move(contract: Contract, to: str, *, now: datetime) -> Contract:
    """Change the contract's status, or raise ValidationError saying why it may not; signing
    or activating it moves its influencer from the early pipeline to active."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if reason := refusal(contract, to):
            raise ValidationError({"status": reason})
        contract.status = to
        if to == Status.SIGNED:
            contract.signed_at = now
        contract.save(update_fields=["status", "signed_at"])
        if to == Status.SIGNED:
            audit.record(
                audit.Action.CONTRACT_SIGNED, brand=tenancy.brand_id_of(contract), target=contract
            )
        if to in IN_FORCE:
            Influencer.objects.filter(
                pk=contract.partnership.influencer_id, status__in=BEFORE_A_DEAL
            ).update(status=Influencer.Status.ACTIVE, updated_at=now)
        freshness.reminders_changed(tenancy.brand_id_of(contract))
        if to == Status.NEGOTIATING:
            creator_notices.tell(
                contract.partnership.influencer,
                subject=gettext_lazy("an offer to answer: %(title)s"),
                text=gettext_lazy(
                    "%(brand)s sends you an offer, “%(title)s”. Read its terms, then accept "
                    "them or ask for changes:"
                ),
                values={"title": contract.title, "brand": contract.partnership.brand},
                url_name="portal:contract",
                pk=contract.pk,
            )
    return contract
